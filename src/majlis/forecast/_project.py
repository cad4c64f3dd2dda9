"""Monte Carlo: complete results drawn from the model, seats from the law, summed up per list.

Draws go in fixed chunks, each with its own generator spawned from the seed, so the result is
the same whatever the number of worker threads. Seats come from the law engine's vectorised
divisor path; a row it flags as tied goes through the exact path, which applies the law's tie
rule. A law the vector path cannot apply (quotas, thresholds, upper tiers) goes through the
exact path draw by draw — correct, and slow.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from majlis.law import (
    Constituency,
    DivisorRule,
    DivisorSeries,
    Election,
    Law,
    allocate,
    allocate_batch,
)

from ._count import ReleaseCount
from ._model import Constituency as Modelled
from ._model import Settings, draw_votes, prepare

__all__ = ["ConstituencyOutlook", "ListOutlook", "Projection", "project"]

Ints = NDArray[np.int64]
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
    """One constituency: share of stations counted, expected seats and who wins its last seat."""

    name: str
    magnitude: int
    counted: float
    expected: Mapping[str, float]
    interval80: Mapping[str, tuple[int, int]]
    interval95: Mapping[str, tuple[int, int]]
    last_seat: Mapping[str, float]


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
    # Every draw's national seats (draws × `parties`): what a coalition analysis averages over.
    parties: tuple[str, ...]
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
    `allocate`, the vector path's slow twin.
    """
    settings = settings or Settings()
    if draws < 1:
        raise ValueError("draws must be at least 1")
    inside = tuple(c for c in count.constituencies if c.name in law.magnitudes)
    names, modelled = prepare(inside, law.magnitudes, settings)
    series = law.rule.series if isinstance(law.rule, DivisorRule) else None
    vector = (isinstance(series, DivisorSeries) and law.threshold is None and law.tier is None
              and not exact)
    starts = range(0, draws, _CHUNK)
    seeds = np.random.SeedSequence(seed).spawn(len(starts))

    def run(i: int) -> _Chunk:
        n = min(_CHUNK, draws - starts[i])
        rng = np.random.default_rng(seeds[i])
        swing = settings.national_error * rng.standard_normal((n, len(names)))
        turnout = np.exp(math.sqrt(math.log1p((settings.turnout_sd / settings.turnout) ** 2))
                         * rng.standard_normal(n))
        votes = [np.rint(draw_votes(c, rng, swing, turnout)).astype(np.int64)
                 for c in modelled]
        if vector:
            assert isinstance(series, DivisorSeries)
            return _by_vector(votes, modelled, law, series, len(names), seed + starts[i])
        return _by_law(votes, modelled, law, names, seed + starts[i])

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        chunks = list(pool.map(run, range(len(starts))))
    national = np.concatenate([c.national for c in chunks])
    seats = np.sum([c.seats for c in chunks], axis=0)
    last = np.sum([c.last for c in chunks], axis=0)
    mean = seats @ np.arange(seats.shape[2]) / draws
    return Projection(
        release=count.number, release_name=count.name, digest=count.digest, seed=seed,
        draws=draws, settings=settings,
        lists=_outlooks(national, names, tuple(targets) or (law.house // 2 + 1,),
                        count.not_lists),
        parties=names, seat_draws=national,
        constituencies=tuple(
            ConstituencyOutlook(
                name=c.name, magnitude=c.magnitude, counted=p.share_counted,
                expected={p: float(mean[k, j]) for j, p in enumerate(c.lists)},
                interval80={p: _interval(seats[k, j], 0.8) for j, p in enumerate(c.lists)},
                interval95={p: _interval(seats[k, j], 0.95) for j, p in enumerate(c.lists)},
                last_seat={p: float(last[k, j]) / draws for j, p in enumerate(c.lists)
                           if last[k, j]})
            for k, (c, p) in enumerate(zip(modelled, inside, strict=True))),
        exact_rows=sum(c.exact_rows for c in chunks),
        not_projected=tuple(sorted(set(law.magnitudes) - set(law.reserved)
                                   - {c.name for c in inside})),
        not_lists=count.not_lists,
    )


def _width(modelled: Sequence[Modelled]) -> int:
    return max((len(c.lists) for c in modelled), default=0)


def _by_vector(votes: list[Ints], modelled: Sequence[Modelled], law: Law,
               series: DivisorSeries, n_lists: int, seed: int) -> _Chunk:
    """One chunk through `allocate_batch`: every constituency's draws stacked in one call,
    padded with zero-vote lists; tied rows re-run exactly."""
    n, width = votes[0].shape[0], _width(modelled)
    stacked = np.zeros((len(modelled), n, width), dtype=np.int64)
    for k, v in enumerate(votes):
        stacked[k, :, : v.shape[1]] = v
    magnitudes = np.repeat([c.magnitude for c in modelled], n)
    batch = allocate_batch(stacked.reshape(-1, width), magnitudes, series)
    seats = batch.seats.reshape(len(modelled), n, width)
    tied = np.flatnonzero(batch.tied)
    single = Law(rule=law.rule, tie=law.tie)
    for row in tied:
        k, i = divmod(int(row), n)
        c = modelled[k]
        result = allocate(Election(constituencies=(Constituency(
            name=c.name, magnitude=c.magnitude,
            votes={p: int(x) for p, x in zip(c.lists, votes[k][i], strict=True)}),)),
            single, seed=seed + i).constituencies[0].seats
        seats[k, i, : len(c.lists)] = [result[p] for p in c.lists]
    return _tally(seats, votes, modelled, series, n_lists, tied.size)


def _by_law(votes: list[Ints], modelled: Sequence[Modelled], law: Law,
            names: tuple[str, ...], seed: int) -> _Chunk:
    """One chunk through `allocate`, draw by draw: any law, the vector path's twin."""
    n, width = votes[0].shape[0], _width(modelled)
    seats = np.zeros((len(modelled), n, width), dtype=np.int64)
    national = np.zeros((n, len(names)), dtype=np.int16)
    index = {p: j for j, p in enumerate(names)}
    for i in range(n):
        allocation = allocate(Election(constituencies=tuple(
            Constituency(name=c.name, magnitude=c.magnitude,
                         votes={p: int(x) for p, x in zip(c.lists, votes[k][i], strict=True)})
            for k, c in enumerate(modelled))), law, seed=seed + i)
        for k, (c, r) in enumerate(zip(modelled, allocation.constituencies, strict=True)):
            seats[k, i, : len(c.lists)] = [r.seats[p] for p in c.lists]
        for p, s in allocation.totals().items():
            national[i, index[p]] = s
    series = law.rule.series if isinstance(law.rule, DivisorRule) else None
    chunk = _tally(seats, votes, modelled, series, len(names), n)
    return _Chunk(national=national, seats=chunk.seats, last=chunk.last, exact_rows=n)


def _tally(seats: Ints, votes: list[Ints], modelled: Sequence[Modelled], series: object,
           n_lists: int, exact_rows: int) -> _Chunk:
    """Sum a chunk's seats per list nationally, per constituency, and find each draw's last
    seat: the winner's lowest last quotient (a float, an estimate: it decides no seat)."""
    n, width = seats.shape[1], seats.shape[2]
    national = np.zeros((n_lists, n), dtype=np.int16)  # lists × draws: whole rows are added
    last = np.zeros((len(modelled), width), dtype=np.int64)
    top = max(c.magnitude for c in modelled)
    cell = (np.arange(len(modelled))[:, None, None] * width + np.arange(width)) * (top + 1)
    histogram = np.bincount((cell + seats).reshape(-1), minlength=len(modelled) * width
                            * (top + 1)).reshape(len(modelled), width, top + 1)
    if isinstance(series, DivisorSeries):
        divisor = np.array([float(series.divisor(k)) for k in range(top + 1)])
    else:  # quota laws: a list's last seat is its remainder, weighed as votes per seat
        divisor = np.arange(top + 1, dtype=np.float64) + 1
    for k, c in enumerate(modelled):
        s = seats[k, :, : len(c.lists)]
        national[c.national] += s.T
        with np.errstate(divide="ignore"):
            quotient = np.where(s > 0, votes[k] / divisor[np.maximum(s - 1, 0)], np.inf)
        won = np.flatnonzero(s.sum(axis=1) > 0)
        last[k, : len(c.lists)] = np.bincount(quotient[won].argmin(axis=1),
                                              minlength=len(c.lists))
    return _Chunk(national=national.T, seats=histogram, last=last, exact_rows=exact_rows)


def _outlooks(national: NDArray[np.int16], names: tuple[str, ...], targets: tuple[int, ...],
              not_lists: frozenset[str]) -> tuple[ListOutlook, ...]:
    """Per list: expectation, intervals, chance of being largest and of reaching each target."""
    draws = national.shape[0]
    width = int(national.max(initial=0)) + 1
    real = np.array([p not in not_lists for p in names])
    contenders = np.where(real, national, -1)
    leader = contenders.argmax(axis=1)
    shared = np.flatnonzero((contenders == contenders[np.arange(draws), leader][:, None])
                            .sum(axis=1) > 1)
    largest = np.bincount(np.delete(leader, shared), minlength=len(names)).astype(np.float64)
    for i in shared:  # a tie for largest: each tied list gets its share of the draw
        tied = np.flatnonzero(contenders[i] == contenders[i].max())
        largest[tied] += 1 / tied.size
    largest /= draws
    by_list = np.ascontiguousarray(national.T)
    out = []
    for j, p in enumerate(names):
        dist = np.bincount(by_list[j], minlength=width)
        tail = np.cumsum(dist[::-1])[::-1] / draws  # tail[k]: share of draws with ≥ k seats
        out.append(ListOutlook(
            name=p, expected=float(dist @ np.arange(width)) / draws,
            interval80=_interval(dist, 0.8), interval95=_interval(dist, 0.95),
            largest=float(largest[j]) if real[j] else 0.0,
            reach={t: float(tail[t]) if t < width else 0.0 for t in targets},
            distribution=tuple(int(x) for x in dist)))
    return tuple(sorted(out, key=lambda x: (-x.expected, x.name)))


def _interval(distribution: Ints, mass: float) -> tuple[int, int]:
    """The central interval holding `mass` of the draws: the smallest seat totals whose
    cumulative share reaches (1 − mass)/2 and (1 + mass)/2."""
    cdf = np.cumsum(distribution) / distribution.sum()
    lo, hi = np.searchsorted(cdf, [(1 - mass) / 2 - 1e-12, (1 + mass) / 2 - 1e-12])
    return int(lo), int(hi)
