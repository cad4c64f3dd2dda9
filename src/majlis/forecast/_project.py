"""Monte Carlo: complete results drawn from the model, seats from the law, summed up per list.

Draws go in fixed chunks, each with its own generator spawned from the seed, so the result is
the same whatever the number of worker threads. Seats come from the law engine's vectorised
twin of the whole law (`allocate_draws`: thresholds, divisors, quotas, reserved contests, a
compensatory or levelling tier, and where a levelling tier places each list's seats); a draw a
tie could change goes through the exact path, which applies the law's tie rule, and so does
every draw of a law with parts the vector path does not count (a remainder pool) — correct,
and slow. Surplus-vote agreements are refused: a release
carries no list attributes to pool them by.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numba
import numpy as np
from numpy.typing import NDArray

from majlis.errors import InputError, Problem
from majlis.law import (
    Constituency,
    DivisorRule,
    DivisorSeries,
    Election,
    Law,
    LevellingTier,
    allocate,
    allocate_draws,
)

from ._count import ReleaseCount
from ._model import Constituency as Modelled
from ._model import Settings, draw_swing, draw_votes, prepare

__all__ = ["ConstituencyOutlook", "ListOutlook", "Projection", "project"]

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
_CHUNK = 4096  # draws per chunk: fixed, so that results do not depend on `workers`


@dataclass(frozen=True, slots=True, kw_only=True)
class ListOutlook:
    """One list's seats over all draws.

    Intervals are central: from the 10th (2.5th) to the 90th (97.5th) percentile of the seats
    drawn. `distribution[k]` is the number of draws giving the list k seats.
    """

    name: str
    expected: float
    interval80: tuple[int, int]
    interval95: tuple[int, int]
    largest: float
    reach: Mapping[int, float]
    distribution: tuple[int, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ConstituencyOutlook:
    """One constituency: share of stations counted, expected seats and who wins its last seat.

    `expected` and the intervals count the constituency's own seats; `placed` the upper-tier
    seats a levelling tier places here (per list, their expected number: with one such seat a
    constituency, the chance the list takes it), empty under a law without one.
    """

    name: str
    magnitude: int
    counted: float
    expected: Mapping[str, float]
    interval80: Mapping[str, tuple[int, int]]
    interval95: Mapping[str, tuple[int, int]]
    last_seat: Mapping[str, float]
    placed: Mapping[str, float]


@dataclass(frozen=True, slots=True, kw_only=True)
class Projection:
    """Seat probabilities from one release, with everything needed to make them again."""

    release: int
    release_name: str
    digest: str
    seed: int
    draws: int
    settings: Settings
    lists: tuple[ListOutlook, ...]
    constituencies: tuple[ConstituencyOutlook, ...]
    exact_rows: int
    not_projected: tuple[str, ...]
    not_lists: frozenset[str]
    # Every draw's national seats (draws × `list_names`): what a coalition analysis averages over.
    list_names: tuple[str, ...]
    seat_draws: NDArray[np.int16] = field(compare=False, repr=False)

    def outlook(self, name: str) -> ListOutlook:
        return next(x for x in self.lists if x.name == name)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Chunk:
    """What one chunk of draws leaves behind."""

    national: NDArray[np.int16]  # draws × lists of the release
    seats: Ints  # constituency × list × seats: draws giving the list that many seats
    last: Ints  # constituency × list: draws in which the list took the last seat
    exact_rows: int
    placed: Ints  # constituency × list: levelling seats placed there, summed (zeros if not asked)


@dataclass(frozen=True, slots=True)
class _Totals:
    """A chunk's national seats summed up, in its worker thread: the serial end of `project`
    then only adds small tables."""

    spread: Ints  # lists × 0 to the most seats drawn: draws giving the list that many seats
    largest: Floats  # per list: draws it was largest in, a tie's draw shared between the tied

    @classmethod
    def of(cls, national: NDArray[np.int16], real: NDArray[np.bool_]) -> _Totals:
        spread = np.zeros((national.shape[1], int(national.max(initial=0)) + 1), dtype=np.int64)
        largest = np.zeros(national.shape[1])
        _sum_national(national, real, spread, largest)
        return cls(spread=spread, largest=largest)

    def __add__(self, other: _Totals) -> _Totals:
        wide, narrow = sorted((self.spread, other.spread), key=lambda x: -x.shape[1])
        spread = wide.copy()
        spread[:, : narrow.shape[1]] += narrow
        return _Totals(spread=spread, largest=self.largest + other.largest)


def project(
    count: ReleaseCount,
    law: Law,
    *,
    draws: int = 100_000,
    seed: int = 0,
    settings: Settings | None = None,
    targets: Sequence[int] = (),
    workers: int = 2,
    exact: bool = False,
) -> Projection:
    """Seat probabilities from a partial count, under `law`.

    `targets` are seat totals to report the chance of reaching (default: a majority of the
    law's house, reserved and compensatory seats included); `exact` sends every draw through
    `allocate`, the vector path's slow twin. `exact_rows` in the result counts the constituency
    draws the exact path counted.
    """
    settings = settings or Settings()
    inside = tuple(c for c in count.constituencies if c.name in law.magnitudes)
    refused = [("draws", "draws must be at least 1")] if draws < 1 else []
    if not inside:
        refused.append(("constituencies",
                        "nothing is counted yet in any constituency the law gives seats to"))
    if law.agreements is not None:  # a release carries no list attributes to pool them by
        refused.append(("law", "projections do not pool surplus-vote agreements yet: project "
                               "under a law without [agreements]"))
    if law.mixed is not None:  # nor the constituencies won that a mixed-member count reads
        refused.append(("law", "projections do not count mixed-member laws yet: project under a "
                               "law without [mixed]"))
    if refused:
        raise InputError(Problem(source=f"release {count.number}", line=None, field=f, message=m)
                         for f, m in refused)
    names, modelled, swung = prepare(inside, law.magnitudes, settings)
    starts = range(0, draws, _CHUNK)
    seeds = np.random.SeedSequence(seed).spawn(len(starts))
    real = np.array([p not in count.not_lists for p in names])
    width = max((len(c.lists) for c in modelled), default=0)

    def run(i: int) -> tuple[_Chunk, _Totals]:
        """Chunk i: its draws, their seats, and those summed up."""
        n = min(_CHUNK, draws - starts[i])
        rng = np.random.default_rng(seeds[i])
        swing = draw_swing(rng, n, swung, settings)
        turnout = np.exp(math.sqrt(math.log1p((settings.turnout_sd / settings.turnout) ** 2))
                         * rng.standard_normal(n))
        votes = np.zeros((len(modelled), n, width), dtype=np.int64)  # padded: zero votes
        for k, c in enumerate(modelled):
            draw_votes(c, rng, swing, turnout, votes[k, :, : len(c.lists)])
        by = _by_law if exact else _by_draws
        chunk = by(votes, modelled, law, names, seed + starts[i])
        return chunk, _Totals.of(chunk.national, real)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        chunks, totals = zip(*pool.map(run, range(len(starts))), strict=True)
    national = np.concatenate([c.national for c in chunks])
    seats = np.sum([c.seats for c in chunks], axis=0)
    last = np.sum([c.last for c in chunks], axis=0)
    placed = np.sum([c.placed for c in chunks], axis=0)
    mean = seats @ np.arange(seats.shape[2]) / draws
    return Projection(
        release=count.number, release_name=count.name, digest=count.digest, seed=seed,
        draws=draws, settings=settings,
        lists=_outlooks(sum(totals[1:], totals[0]), names, draws,
                        tuple(targets) or (law.house // 2 + 1,)),
        list_names=names, seat_draws=national,
        constituencies=tuple(
            ConstituencyOutlook(
                name=c.name, magnitude=c.magnitude, counted=p.share_counted,
                expected={p: float(mean[k, j]) for j, p in enumerate(c.lists)},
                interval80={p: _interval(seats[k, j], 0.8) for j, p in enumerate(c.lists)},
                interval95={p: _interval(seats[k, j], 0.95) for j, p in enumerate(c.lists)},
                last_seat={p: float(last[k, j]) / draws for j, p in enumerate(c.lists)
                           if last[k, j]},
                placed={p: float(placed[k, j]) / draws for j, p in enumerate(c.lists)
                        if placed[k, j]})
            for k, (c, p) in enumerate(zip(modelled, inside, strict=True))),
        exact_rows=sum(c.exact_rows for c in chunks),
        not_projected=tuple(sorted(set(law.magnitudes) - set(law.reserved)
                                   - {c.name for c in inside})),
        not_lists=count.not_lists,
    )


@numba.njit(nogil=True, cache=True)
def _sum_national(national: NDArray[np.int16], real: NDArray[np.bool_], spread: Ints,
                  largest: Floats) -> None:
    """The compiled pass of `_Totals.of`: each draw's seats into `spread`, and its largest of
    the real lists (not the blank or invalid votes) into `largest`, a tie's draw shared."""
    for i in range(national.shape[0]):
        top, tied = -1, 0
        for p in range(national.shape[1]):
            s = national[i, p]
            spread[p, s] += 1
            if real[p]:
                if s > top:
                    top, tied = s, 1
                elif s == top:
                    tied += 1
        for p in range(national.shape[1]):
            if real[p] and national[i, p] == top:
                largest[p] += 1.0 / tied


def _by_draws(votes: Ints, modelled: Sequence[Modelled], law: Law,
              names: tuple[str, ...], seed: int) -> _Chunk:
    """One chunk through `allocate_draws`: every constituency's draws (constituency × draw ×
    list, padded with zero-vote lists) at once; a draw a tie could change, or a law whose parts
    the vector path does not count, through `allocate` with the same seed as `_by_law`."""
    election = Election(constituencies=tuple(
        Constituency(name=c.name, magnitude=c.magnitude, votes=dict.fromkeys(c.lists, 0))
        for c in modelled))
    result = allocate_draws(votes, election, law, seed=seed)
    series = law.rule.series if isinstance(law.rule, DivisorRule) else None
    chunk = _tally(result.seats, votes, modelled, series, len(names), result.exact_rows)
    if law.tier is not None:  # a law without one leaves `tier` untouched zeros: not read
        some = np.flatnonzero(result.tier.any(axis=0))  # lists with tier seats in some draw
        index = {p: j for j, p in enumerate(names)}
        chunk.national[:, [index[result.lists[j]] for j in some]] += result.tier[:, some].astype(
            np.int16)
    if isinstance(law.tier, LevellingTier):
        chunk = replace(chunk, placed=result.placed.sum(axis=1))
    return chunk


def _by_law(votes: Ints, modelled: Sequence[Modelled], law: Law,
            names: tuple[str, ...], seed: int) -> _Chunk:
    """One chunk through `allocate`, draw by draw: any law, the vector path's twin."""
    n = votes.shape[1]
    seats = np.zeros(votes.shape, dtype=np.int64)
    national = np.zeros((n, len(names)), dtype=np.int16)
    placed = np.zeros((votes.shape[0], votes.shape[2]), dtype=np.int64)
    index = {p: j for j, p in enumerate(names)}
    for i in range(n):
        allocation = allocate(Election(constituencies=tuple(
            Constituency(name=c.name, magnitude=c.magnitude,
                         votes=dict(zip(c.lists, votes[k, i, : len(c.lists)].tolist(),
                                        strict=True)))
            for k, c in enumerate(modelled))), law, seed=seed + i)
        for k, (c, r) in enumerate(zip(modelled, allocation.constituencies, strict=True)):
            seats[k, i, : len(c.lists)] = [r.seats[p] for p in c.lists]
            if isinstance(law.tier, LevellingTier) and allocation.tier:
                for p, s in allocation.tier.placed.get(c.name, {}).items():
                    placed[k, c.lists.index(p)] += s
        for p, s in allocation.totals().items():
            national[i, index[p]] = s
    series = law.rule.series if isinstance(law.rule, DivisorRule) else None
    chunk = _tally(seats, votes, modelled, series, len(names), n)
    return _Chunk(national=national, seats=chunk.seats, last=chunk.last,
                  exact_rows=n * len(modelled), placed=placed)


def _tally(seats: Ints, votes: Ints, modelled: Sequence[Modelled], series: object,
           n_lists: int, exact_rows: int) -> _Chunk:
    """Sum a chunk's seats per list nationally, per constituency, and find each draw's last
    seat: the winner's lowest last quotient (a float, an estimate: it decides no seat)."""
    n, width = seats.shape[1], seats.shape[2]
    top = max(c.magnitude for c in modelled)
    if isinstance(series, DivisorSeries):
        divisor = np.array([float(series.divisor(k)) for k in range(top + 1)])
    else:  # quota laws: a list's last seat is its remainder, weighed as votes per seat
        divisor = np.arange(top + 1, dtype=np.float64) + 1
    national = np.zeros((n, n_lists), dtype=np.int16)
    histogram = np.zeros((len(modelled), width, top + 1), dtype=np.int64)
    last = np.zeros((len(modelled), width), dtype=np.int64)
    index = np.zeros((len(modelled), width), dtype=np.int64)
    for k, c in enumerate(modelled):
        index[k, : len(c.lists)] = c.national
    _sum_seats(seats, votes, np.array([len(c.lists) for c in modelled]), index, divisor,
               national, histogram, last)
    return _Chunk(national=national, seats=histogram, last=last, exact_rows=exact_rows,
                  placed=np.zeros_like(last))


@numba.njit(nogil=True, cache=True)
def _sum_seats(seats: Ints, votes: Ints, lists: Ints, index: Ints, divisor: Floats,
               national: NDArray[np.int16], histogram: Ints, last: Ints) -> None:
    """The compiled pass of `_tally`: constituency k's list j is list `index[k, j]` of the
    release; the first of equal lowest last quotients counts as the last seat."""
    for k in range(seats.shape[0]):
        for i in range(seats.shape[1]):
            winner, lowest = -1, np.inf
            for j in range(lists[k]):
                s = seats[k, i, j]
                histogram[k, j, s] += 1
                if s:
                    national[i, index[k, j]] += s
                    q = votes[k, i, j] / divisor[s - 1]
                    if q < lowest:
                        winner, lowest = j, q
            if winner >= 0:
                last[k, winner] += 1


def _outlooks(totals: _Totals, names: tuple[str, ...], draws: int, targets: tuple[int, ...]
              ) -> tuple[ListOutlook, ...]:
    """Per list: expectation, intervals, chance of being largest and of reaching each target."""
    spread = totals.spread  # lists × 0 to the most seats drawn
    tail = np.cumsum(spread[:, ::-1], axis=1)[:, ::-1] / draws  # share of draws with ≥ k seats
    expected = spread @ np.arange(spread.shape[1]) / draws
    out = [ListOutlook(
        name=p, expected=float(expected[j]),
        interval80=_interval(spread[j], 0.8), interval95=_interval(spread[j], 0.95),
        largest=float(totals.largest[j]) / draws,
        reach={t: float(tail[j, t]) if t < spread.shape[1] else 0.0 for t in targets},
        distribution=tuple(spread[j].tolist()))
        for j, p in enumerate(names)]
    return tuple(sorted(out, key=lambda x: (-x.expected, x.name)))


def _interval(distribution: Ints, mass: float) -> tuple[int, int]:
    """The central interval holding `mass` of the draws: the smallest seat totals whose
    cumulative share reaches (1 − mass)/2 and (1 + mass)/2."""
    cdf = np.cumsum(distribution) / distribution.sum()
    lo, hi = np.searchsorted(cdf, [(1 - mass) / 2 - 1e-12, (1 + mass) / 2 - 1e-12])
    return int(lo), int(hi)
