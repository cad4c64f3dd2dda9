"""What a projection starts from: a release's partial count as plain values.

The forecast knows nothing of the tally store; an adapter (the CLI, a backtest) turns a release
into a `ReleaseCount`: per constituency, per voting type, the stations counted and not, the
votes counted, and — where the caller has station-level results — how much stations differ.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from majlis.errors import InputError, Problem

__all__ = ["GroupCount", "Late", "PartialCount", "ReleaseCount", "Spread", "count_stations",
           "spread"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Spread:
    """How much the counted stations of one group differ from each other.

    `icc` is the intra-class correlation of a voter's list choice within a station (0: stations
    are random samples of one electorate; 1: every station votes as one bloc); `size_cv` is the
    coefficient of variation of the stations' valid votes. Estimated from `units` stations.
    """

    units: int
    icc: float
    size_cv: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Late:
    """Votes of a group that its count's status does not show: counted after every counting
    place has reported (Norway's advance votes that arrive late, counted the next day). They
    are expected as `share` of the group's votes (log-scale doubt `share_sd`), each list's
    share among them its share in the group's counted votes times exp(`lean`), with log-scale
    doubt `sd` — an earlier election's measure, as nothing on the night shows them."""

    share: float
    lean: Mapping[str, float]
    share_sd: float = 0.25
    sd: float = 0.15


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupCount:
    """The stations of one voting type in one constituency, part-counted.

    `registered` is the whole group's register and `registered_uncounted` that of the stations
    not yet counted; either may be unknown (None). Without them, uncounted stations are taken to
    be the size of the counted ones on average. `late`, if given, is what the group will still
    add once all its stations are counted.
    """

    voting_type: str
    stations: int
    counted: int
    votes: Mapping[str, int]
    registered: int | None = None
    registered_uncounted: int | None = None
    spread: Spread | None = None
    late: Late | None = None

    def __post_init__(self) -> None:
        problems = []
        if not 0 <= self.counted <= self.stations:
            problems.append(("counted", f"{self.counted} of {self.stations} stations counted"))
        problems += [("votes", f"{p}: negative votes") for p, v in self.votes.items() if v < 0]
        if problems:
            raise InputError(Problem(source=self.voting_type, line=None, field=f, message=m)
                             for f, m in problems)

    @property
    def uncounted(self) -> int:
        return self.stations - self.counted

    @property
    def counted_votes(self) -> int:
        return sum(self.votes.values())


@dataclass(frozen=True, slots=True, kw_only=True)
class PartialCount:
    """One constituency: its groups of stations by voting type."""

    name: str
    groups: tuple[GroupCount, ...]

    @property
    def lists(self) -> tuple[str, ...]:
        """Every list with votes in any group, in first-seen order."""
        return tuple(dict.fromkeys(p for g in self.groups for p in g.votes))

    @property
    def share_counted(self) -> float:
        stations = sum(g.stations for g in self.groups)
        return sum(g.counted for g in self.groups) / stations if stations else 1.0


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleaseCount:
    """A release as the forecast sees it; `number`, `name` and `digest` say which one."""

    number: int
    name: str
    constituencies: tuple[PartialCount, ...]
    digest: str = ""
    not_lists: frozenset[str] = field(default_factory=frozenset)


def spread(votes: ArrayLike) -> Spread:
    """Estimate a group's `Spread` from its counted stations' votes (stations × lists).

    Method of moments for the Dirichlet-multinomial: the size-weighted squared deviations of the
    stations' shares, Q, have expectation P·[(s − 1) + ρ·(N − Σn²/N − (s − 1))] with P = 1 − Σp²,
    s stations and N votes, which is solved for ρ.
    """
    v = np.asarray(votes, dtype=np.float64)
    if v.ndim != 2:
        raise InputError([Problem(source="votes", line=None, field="shape",
                                  message=f"votes must be stations × lists, not {v.ndim}-d")])
    n = v.sum(axis=1)
    v, n = v[n > 0], n[n > 0]
    s = n.size
    if s < 2:
        return Spread(units=s, icc=0.0, size_cv=0.0)
    total = n.sum()
    p = v.sum(axis=0) / total
    purity = 1.0 - float(p @ p)
    q = float(((v * v).sum(axis=1) / n).sum() - total * (p @ p))
    room = total - float(n @ n) / total - (s - 1)
    icc = (q / purity - (s - 1)) / room if purity > 0 and room > 0 else 0.0
    return Spread(units=s, icc=min(max(icc, 0.0), 1.0), size_cv=float(n.std() / n.mean()))


def count_stations(name: str, lists: Sequence[str], voting_type: Sequence[str],
                   registered: ArrayLike, votes: ArrayLike, counted: ArrayLike) -> PartialCount:
    """One constituency's partial count from station-level figures — each station's voting type,
    register and votes per list (stations × lists), and whether it is counted — with every
    group's spread measured on its counted stations."""
    types = np.asarray(voting_type)
    reg, v = np.asarray(registered, dtype=np.int64), np.asarray(votes, dtype=np.int64)
    done = np.asarray(counted, dtype=np.bool_)
    groups = []
    for t in dict.fromkeys(voting_type):
        mine = types == t
        seen = mine & done
        groups.append(GroupCount(
            voting_type=str(t), stations=int(mine.sum()), counted=int(seen.sum()),
            votes={p: int(x) for p, x in zip(lists, v[seen].sum(axis=0), strict=True)},
            registered=int(reg[mine].sum()), registered_uncounted=int(reg[mine & ~done].sum()),
            spread=spread(v[seen])))
    return PartialCount(name=name, groups=tuple(groups))
