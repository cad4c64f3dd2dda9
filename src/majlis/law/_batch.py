"""The vectorised twin of the divisor path: many constituency counts at once, for projections.

A forecast draws hundreds of thousands of elections; the exact path (`allocate`) walks a heap
of `Fraction`s per constituency and is far too slow for that inner loop. Here every row (one
constituency's count) goes through a compiled loop (Numba, releasing the GIL, so worker threads
share the rows):

1. a common divisor λ per row — one pilot count, then one secant step — gives each list the
   number of its quotients above λ in closed form (the explicit start terms, then the tail);
2. the row is brought to its magnitude a seat at a time, to the highest next quotient (or back
   from the lowest last one), as the exact path would go on;
3. the row is certified: its lowest winning quotient must exceed its highest losing one. Each
   quotient is a single correctly rounded division of exact integers, `votes·D / (d(k)·D)` with
   D the divisors' common denominator, and rounding is monotone, so a strict float inequality is
   a strict exact one and the seats are exactly the exact path's.
4. A row whose boundary quotients round to the same float is a tie when exactly those two do
   and their cross products agree in integers; any other uncertified row (distinct quotients
   within a rounding error of each other: with real vote counts, next to never) goes through
   the exact path itself.

Floats only search here; every seat is certified exactly, as CONVENTIONS.md asks of a
vectorised path. A zero first divisor (Adams) is handled by giving those first seats up front.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction

import numba
import numpy as np
from numpy.typing import ArrayLike, NDArray

from majlis.errors import InputError, Problem

from ._bounds import MAX_MAGNITUDE
from ._divisors import DivisorSeries, HuntingtonHill, highest_averages
from ._ties import Precedence, TieRule

__all__ = ["BatchAllocation", "allocate_batch"]

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]

_EXACT_FLOAT = 2**53  # integers below this are exact in float64
_MAX_VOTES = 2**40
_CHUNK_CELLS = 2**18  # rows × lists a worker thread takes at a time
_CERTIFIED, _TIED, _EXACT = 0, 1, 2  # what the compiled loop says of a row


@dataclass(frozen=True, slots=True)
class BatchAllocation:
    """Seats per row and list, and the rows whose last seat was an exact tie of quotients.

    A tied row's seats are one arbitrary resolution of the tie: re-run the row through
    `allocate`, which applies the law's tie rule. Every other row's seats are exactly the exact
    path's. A row with seats to fill and no votes for any qualifying list is tied too (all its
    quotients are zero; it gets no seats here), and the exact path decides it or raises.
    """

    seats: Ints
    tied: Bools


@dataclass(frozen=True, slots=True)
class _Plan:
    """A divisor series as integers n(k) = d(k)·scale, tabulated up to the largest magnitude.

    A zero first divisor (Adams) gives every list with votes a seat before any list a second;
    the plan then describes the rest of the series, and `first_free` says to hand those seats
    out first.
    """

    series: DivisorSeries  # as the law gives it, for the exact path
    scale: int
    table: Floats  # table[k + 1] = n(k); table[0] = 0: no seat yet, so last quotient +inf
    step: float  # n(k+1) - n(k) in the tail
    base: float  # the last explicit term, where the tail starts
    cuts: Floats  # the explicit terms before it
    first_free: bool

    @classmethod
    def of(cls, series: DivisorSeries, most_seats: int) -> _Plan:
        first_free = series.start[0] == 0
        rest = series
        if first_free:
            start = tuple(series.divisor(k) for k in range(1, max(2, len(series.start))))
            rest = DivisorSeries(start, series.step)
        scale = math.lcm(*(t.denominator for t in (*rest.start, rest.step)))
        numerators = [int(rest.divisor(k) * scale) for k in range(most_seats + 3)]
        if scale * _MAX_VOTES > _EXACT_FLOAT or numerators[-1] > _EXACT_FLOAT:
            raise ValueError(
                "divisors with denominators this fine do not fit the vector path (votes times "
                "the common denominator must stay below 2**53); use majlis.law.allocate"
            )
        return cls(
            series=series,
            scale=scale,
            table=np.array([0.0, *map(float, numerators)], dtype=np.float64),
            step=float(rest.step * scale),
            base=float(rest.start[-1] * scale),
            cuts=np.array([float(s * scale) for s in rest.start[:-1]], dtype=np.float64),
            first_free=first_free,
        )


def allocate_batch(
    votes: ArrayLike,
    seats: ArrayLike,
    series: DivisorSeries,
    *,
    threshold: Fraction | None = None,
    workers: int = 1,
) -> BatchAllocation:
    """Highest averages for every row of `votes` (N constituencies × L lists) at once.

    `seats` is each row's magnitude, or one magnitude for all rows. `threshold` is the share of
    the row's votes a list needs to take part (at least that share qualifies; compared exactly in
    integers). Rows go through in chunks of a few MB, so memory stays bounded whatever N is;
    `workers` threads take chunks in turn (the compiled loop releases the GIL).
    """
    if isinstance(series, HuntingtonHill):
        raise ValueError(
            "allocate_batch supports DivisorSeries only; Huntington–Hill's irrational divisors "
            "have no integer form: use majlis.law.allocate"
        )
    if not isinstance(series, DivisorSeries):
        raise ValueError(f"allocate_batch needs a DivisorSeries, not {type(series).__name__}")
    v = np.asarray(votes)
    if v.ndim != 2:
        raise ValueError(f"votes must be a 2-d array (rows × lists), not {v.ndim}-d")
    if v.size and not np.issubdtype(v.dtype, np.integer):
        raise ValueError(f"votes must be integers, not {v.dtype}")
    v = v.astype(np.int64, copy=False)
    n_rows, n_lists = v.shape
    m = np.asarray(seats)
    if m.ndim > 1 or (m.ndim == 1 and m.shape[0] != n_rows):
        raise ValueError(f"seats must be one magnitude or one per row ({n_rows}), not {m.shape}")
    if m.size and not np.issubdtype(m.dtype, np.integer):
        raise ValueError(f"seats must be integers, not {m.dtype}")
    m = np.broadcast_to(m, (n_rows,)).astype(np.int64)
    if m.size and m.min() < 0:
        raise ValueError("seats must be non-negative")
    if m.size and m.max() > MAX_MAGNITUDE:  # the plan tabulates the series up to it
        raise InputError([Problem(source="seats", line=None, field="magnitude",
                                  message=f"{int(m.max()):,} seats is more than "
                                  f"{MAX_MAGNITUDE:,}, the most majlis allocates")])
    share = None if threshold is None else Fraction(threshold)
    if share is not None and not 0 <= share <= 1:
        raise ValueError("threshold must be a share between 0 and 1")
    if workers < 1:
        raise ValueError("workers must be at least 1")
    out_seats = np.zeros((n_rows, n_lists), dtype=np.int64)
    out_tied = np.zeros(n_rows, dtype=np.bool_)
    if n_rows == 0 or n_lists == 0:
        out_tied[m > 0] = True
        return BatchAllocation(seats=out_seats, tied=out_tied)
    plan = _Plan.of(series, int(m.max()))
    rows = max(1, _CHUNK_CELLS // n_lists)

    def run(lo: int) -> None:
        part = slice(lo, lo + rows)
        _solve(v[part], m[part], plan, share, out_seats[part], out_tied[part])

    starts = range(0, n_rows, rows)
    if workers == 1 or len(starts) == 1:
        for lo in starts:
            run(lo)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(run, starts))
    return BatchAllocation(seats=out_seats, tied=out_tied)


def _solve(
    votes: Ints,
    magnitude: Ints,
    plan: _Plan,
    threshold: Fraction | None,
    seats: Ints,
    tied: Bools,
) -> None:
    """One chunk, written into `seats` and `tied`: the threshold and Adams' free first seats
    here, the divisor count in `_highest_averages`, the rows it cannot certify exactly after."""
    if votes.min() < 0 or votes.max() >= _MAX_VOTES:
        raise ValueError("votes must be non-negative and below 2**40")
    if threshold is not None and threshold > 0:
        votes = np.where(_qualifies(votes, threshold), votes, 0)
    full = magnitude
    exact = np.zeros(magnitude.shape, dtype=np.bool_)
    if plan.first_free:
        firsts = (votes > 0).astype(np.int64)
        magnitude = magnitude - firsts.sum(axis=1)
        exact = magnitude < 0  # too few seats for every list's first: a tie at +inf
        magnitude = np.maximum(magnitude, 0)
    status = np.full(magnitude.shape, _CERTIFIED, dtype=np.int8)
    _highest_averages(np.ascontiguousarray(votes), magnitude, plan.table, plan.cuts / plan.step,
                      plan.base / plan.step, float(plan.scale),
                      2**62 // max(int(plan.table[-1]), 1), seats, status)
    tied |= status == _TIED
    exact |= status == _EXACT
    if plan.first_free:
        seats += firsts
    for i in np.flatnonzero(exact):
        seats[i], tied[i] = _exact_row(votes[i], int(full[i]), plan)


def _qualifies(votes: Ints, threshold: Fraction) -> Bools:
    """Lists with at least `threshold` of their row's votes, compared exactly in integers."""
    total = votes.sum(axis=1, keepdims=True)
    num, den = threshold.numerator, threshold.denominator
    if int(total.max()) * max(num, den) >= 2**63:  # beyond int64: Python integers
        return np.asarray(votes.astype(object) * den >= total.astype(object) * num, dtype=bool)
    keep: Bools = votes * den >= total * num
    return keep


@numba.njit(nogil=True, cache=True)
def _highest_averages(votes: Ints, magnitude: Ints, table: Floats, cuts: Floats, base: float,
                      scale: float, widest: int, seats: Ints, status: NDArray[np.int8]) -> None:
    """Each row's seats, and `_TIED` or `_EXACT` where they are not certified. `cuts` and
    `base` are the series' explicit terms and the tail's start in units of its step; votes
    below `widest` times a divisor numerator fit in int64, for the integer tie check."""
    n_lists = votes.shape[1]
    x = np.empty(n_lists)  # votes · D: quotient x / table[k + 1] for a list's (k + 1)-th seat
    inverse = 1.0 / table  # to search with products; only certifying needs true quotients
    for r in range(votes.shape[0]):
        m = magnitude[r]
        c = seats[r]
        total = 0.0
        for j in range(n_lists):
            x[j] = votes[r, j] * scale
            total += x[j]
        if m == 0:
            continue
        if total == 0.0:  # seats and no votes: for the exact path to decide, or refuse
            status[r] = _TIED
            continue
        # λ = total / (step · ideal): a pilot count at ideal = m, then a secant step.
        pilot = 0.0
        most = float(m)
        per = most / total
        for j in range(n_lists):
            pilot += _above(x[j] * per, cuts, base, most)
        per = max(2.0 * most - pilot, 0.5) / total
        given = 0
        for j in range(n_lists):
            c[j] = int(_above(x[j] * per, cuts, base, most))
            given += c[j]
        while given < m:  # to the highest next quotient
            best = 0
            for j in range(1, n_lists):
                if x[j] * inverse[c[j] + 1] > x[best] * inverse[c[best] + 1]:
                    best = j
            c[best] += 1
            given += 1
        while given > m:  # back from the lowest last quotient
            worst = -1
            for j in range(n_lists):
                if c[j] and (worst < 0 or x[j] * inverse[c[j]] < x[worst] * inverse[c[worst]]):
                    worst = j
            c[worst] -= 1
            given -= 1
        # Certify: the lowest winning quotient above the highest losing one.
        low, high = np.inf, -1.0
        a = b = -1
        at_low = at_high = 0
        for j in range(n_lists):
            if c[j]:
                q = x[j] / table[c[j]]
                if q < low:
                    low, a, at_low = q, j, 1
                elif q == low:
                    at_low += 1
            q = x[j] / table[c[j] + 1]
            if q > high:
                high, b, at_high = q, j, 1
            elif q == high:
                at_high += 1
        if low > high:
            continue
        status[r] = _EXACT
        if low == high and at_low == 1 and at_high == 1:
            n_a, n_b = np.int64(table[c[a]]), np.int64(table[c[b] + 1])
            if (max(votes[r, a], votes[r, b]) < widest
                    and votes[r, a] * n_b == votes[r, b] * n_a):
                status[r] = _TIED  # exactly these two quotients are equal: a true tie


@numba.njit(nogil=True, cache=True)
def _above(y: float, cuts: Floats, base: float, most: float) -> float:
    """How many of a list's quotients exceed λ, y being its votes / (λ · step): its explicit
    terms below y, then the tail's, at most `most` in all. Off by one near λ, in rounding.
    Counted in floats: the compiled loop ran 2.5 times as fast as with integers."""
    k = 0.0
    for cut in cuts:
        if y > cut:
            k += 1.0
    return min(k + max(float(np.ceil(y - base)), 0.0), most)


def _exact_row(votes: Ints, magnitude: int, plan: _Plan) -> tuple[Ints, bool]:
    """One row through the exact path: its seats, and whether its last seat was a tie."""
    names = {str(j): int(x) for j, x in enumerate(votes) if x > 0}
    row = np.zeros(votes.shape, dtype=np.int64)
    if not names:
        return row, magnitude > 0
    order = Precedence(
        constituency="",
        rank={p: i for i, p in enumerate(names)},
        votes=names,
        rule=TieRule.VOTES,
    )
    outcome = highest_averages(names, magnitude, plan.series, order)
    for p, n in outcome.seats.items():
        row[int(p)] = n
    return row, bool(outcome.ties)
