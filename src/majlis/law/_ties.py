"""Breaking ties the law's way: more votes first (if the law says so), then lot.

A lot is a permutation of the tied lists drawn from NumPy's generator seeded with the
allocation's seed and the constituency's name, so the same seed always draws the same lot and a
lot in one constituency does not depend on which others were counted.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from ._values import Tie


class TieRule(StrEnum):
    """How equal values are decided: `votes` (more votes first, then lot) or `lot` alone."""

    VOTES = "votes"
    LOT = "lot"


@functools.lru_cache(maxsize=4096)
def _permutation(seed: int, constituency: str, n: int) -> tuple[int, ...]:
    """The lot's permutation of n names: drawn once per seed and constituency, then kept (a
    margin or a projection counts the same constituency again and again)."""
    rng = np.random.default_rng([seed, zlib.crc32(constituency.encode("utf-8"))])
    return tuple(int(i) for i in rng.permutation(n))


class _Lot(Mapping[str, int]):
    """A constituency's ranks for equal values, drawn when first read: most counts never meet
    a tie, and drawing them (a permutation and two sorts) was a tenth of a whole count."""

    __slots__ = ("_drawn", "constituency", "rule", "seed", "votes")

    def __init__(self, constituency: str, votes: Mapping[str, int], rule: TieRule,
                 seed: int) -> None:
        self.constituency, self.votes, self.rule, self.seed = constituency, votes, rule, seed
        self._drawn: dict[str, int] | None = None

    def _ranks(self) -> dict[str, int]:
        if self._drawn is None:
            names = sorted(self.votes)
            lot = {names[i]: pos for pos, i in
                   enumerate(_permutation(self.seed, self.constituency, len(names)))}
            if self.rule is TieRule.VOTES:
                order = sorted(names, key=lambda n: (-self.votes[n], lot[n]))
            else:
                order = sorted(names, key=lot.__getitem__)
            self._drawn = {n: i for i, n in enumerate(order)}
        return self._drawn

    def __getitem__(self, name: str) -> int:
        return self._ranks()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ranks())

    def __len__(self) -> int:
        return len(self.votes)

    def __repr__(self) -> str:
        return repr(self._ranks())


@dataclass(frozen=True, slots=True)
class Precedence:
    """A total order of a constituency's lists for equal values: lower rank wins."""

    constituency: str
    rank: Mapping[str, int]
    votes: Mapping[str, int]
    rule: TieRule

    @classmethod
    def draw(
        cls, constituency: str, votes: Mapping[str, int], rule: TieRule, seed: int
    ) -> Precedence:
        """The law's order — more votes first under `votes`, then the lot — drawn only when a
        rank is first read."""
        return cls(constituency, _Lot(constituency, votes, rule, seed), votes, rule)

    def tie(self, seat: int, tied: list[str], winner: str) -> Tie:
        """Record how a tie at a seat boundary was decided."""
        others = [self.votes[n] for n in tied if n != winner]
        by_votes = self.rule is TieRule.VOTES and self.votes[winner] > max(others, default=-1)
        return Tie(
            constituency=self.constituency,
            seat=seat,
            lists=tuple(sorted(tied, key=self.rank.__getitem__)),
            winner=winner,
            decided_by="votes" if by_votes else "lot",
        )
