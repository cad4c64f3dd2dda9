"""The vectorised twin of the divisor and quota paths: many constituency counts at once, for
projections.

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
Huntington–Hill's divisors sqrt(k(k+1)) are irrational, with no integer form: its own loop
certifies a row when the lowest winning quotient exceeds the highest losing one by more than a
square root's and a division's rounding, and sends any other row (a tie among them, or too few
seats for every list's infinite first quotient) to the exact path.

A quota rule (`QuotaRule`: Hare, Droop, exact Droop, Hagenbach-Bischoff, the Imperiali quota,
each exact or rounded as the law says, then largest remainders or D'Hondt from the whole quotas)
goes through its own compiled loop, in integers throughout: the quota is a fraction qn / qd of
integers, each list's whole quotas (v·qd) // qn and its remainder v·qd − qn·whole over the same
denominator, so remainders and D'Hondt quotients are compared exactly by cross-multiplication
and nothing needs certifying but ties. A row whose last remainder seat ties with the next, or
which gave back whole quotas among equal remainders, is flagged tied; a row where a remainder
seat must go to a list with nothing over goes through the exact path, and so does every row
under limited remainders (`RemainderLimits`). Under pooled remainders a row's seats are its whole
quotas alone (after any given back), as `QuotaRule.apportion` leaves them for a national pool.
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
from ._divisors import DivisorSeries, HuntingtonHill, Outcome, Series, highest_averages
from ._quotas import QuotaRule, Remainder, Rounding
from ._ties import Precedence, TieRule

__all__ = ["MAX_VOTES", "BatchAllocation", "allocate_batch"]

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]

_EXACT_FLOAT = 2**53  # integers below this are exact in float64
MAX_VOTES = 2**40
_CHUNK_CELLS = 2**18  # rows × lists a worker thread takes at a time
# What the compiled loop says of a row: certified; tied; for the exact path; for the exact path,
# and tied whatever that records (whole quotas were given back among equal remainders).
_CERTIFIED, _TIED, _EXACT, _EXACT_TIED = 0, 1, 2, 3


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
        if scale * MAX_VOTES > _EXACT_FLOAT or numerators[-1] > _EXACT_FLOAT:
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
    series: Series | QuotaRule,
    *,
    threshold: Fraction | None = None,
    taking: ArrayLike | None = None,
    workers: int = 1,
) -> BatchAllocation:
    """Highest averages by a divisor `series`, or whole quotas and remainders by a `QuotaRule`,
    for every row of `votes` (N constituencies × L lists) at once.

    `seats` is each row's magnitude, or one magnitude for all rows. `threshold` is the share of
    the row's votes a list needs to take part (at least that share qualifies; compared exactly in
    integers). Rows go through in chunks of a few MB, so memory stays bounded whatever N is;
    `workers` threads take chunks in turn (the compiled loop releases the GIL). Under a quota
    rule every column of a row is a list in the count, one without votes too (it matters only
    where a remainder seat must go to a list with nothing left over), unless `taking` (a boolean
    array shaped as `votes`) leaves it out: a column not taking part counts as no list at all.
    """
    if not isinstance(series, DivisorSeries | HuntingtonHill | QuotaRule):
        raise ValueError("allocate_batch needs a divisor series or a QuotaRule, not "
                         f"{type(series).__name__}")
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
    counted = None if taking is None else np.asarray(taking, dtype=np.bool_)
    if counted is not None and counted.shape != v.shape:
        raise ValueError(f"taking must be shaped as votes {v.shape}, not {counted.shape}")
    out_seats = np.zeros((n_rows, n_lists), dtype=np.int64)
    out_tied = np.zeros(n_rows, dtype=np.bool_)
    if n_rows == 0 or n_lists == 0:
        out_tied[m > 0] = True
        return BatchAllocation(seats=out_seats, tied=out_tied)
    plan = _Plan.of(series, int(m.max())) if isinstance(series, DivisorSeries) else series
    rows = max(1, _CHUNK_CELLS // n_lists)

    def run(lo: int) -> None:
        part = slice(lo, lo + rows)
        mask = None if counted is None else counted[part]
        if isinstance(plan, QuotaRule):
            _solve_quotas(v[part], m[part], plan, share, mask, out_seats[part], out_tied[part])
        elif isinstance(plan, HuntingtonHill):
            _solve_huntington_hill(v[part] if mask is None else np.where(mask, v[part], 0),
                                   m[part], share, out_seats[part], out_tied[part])
        else:
            _solve(v[part], m[part], plan, share, mask, out_seats[part], out_tied[part])

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
    taking: Bools | None,
    seats: Ints,
    tied: Bools,
) -> None:
    """One chunk, written into `seats` and `tied`: the threshold and Adams' free first seats
    here, the divisor count in `_highest_averages`, the rows it cannot certify exactly after.
    `taking`: the columns that are lists in the count (None: all); the others count as no
    votes. Without a threshold or Adams' first seats the compiled loop masks them and checks the
    votes' range as it reads each row, as `_quotas` does."""
    screened = threshold is not None and threshold > 0
    if screened or plan.first_free:  # these read the votes masked and checked, in NumPy
        if taking is not None:
            votes, taking = np.where(taking, votes, 0), None
        _check_votes(votes)
    if screened:
        assert threshold is not None
        votes = np.where(_qualifies(votes, threshold), votes, 0)
    full = magnitude
    exact = np.zeros(magnitude.shape, dtype=np.bool_)
    if plan.first_free:
        firsts = (votes > 0).astype(np.int64)
        magnitude = magnitude - firsts.sum(axis=1)
        exact = magnitude < 0  # too few seats for every list's first: a tie at +inf
        magnitude = np.maximum(magnitude, 0)
    status = np.full(magnitude.shape, _CERTIFIED, dtype=np.int8)
    if not _highest_averages(np.ascontiguousarray(votes),
                             _ALL if taking is None else np.ascontiguousarray(taking),
                             magnitude, plan.table, plan.cuts / plan.step, plan.base / plan.step,
                             float(plan.scale), 2**62 // max(int(plan.table[-1]), 1), seats,
                             status):
        raise ValueError("votes must be non-negative and below 2**40")
    tied |= status == _TIED
    exact |= status == _EXACT
    if plan.first_free:
        seats += firsts
    for i in np.flatnonzero(exact):
        row = votes[i] if taking is None else np.where(taking[i], votes[i], 0)
        seats[i], tied[i] = _exact_row(row, int(full[i]), plan.series)


def _check_votes(votes: Ints) -> None:
    """Refuse votes the integer arithmetic of the kernels (votes times a denominator) cannot
    hold, where NumPy reads the votes before a kernel does."""
    if votes.min() < 0 or votes.max() >= MAX_VOTES:
        raise ValueError("votes must be non-negative and below 2**40")


def _qualifies(votes: Ints, threshold: Fraction) -> Bools:
    """Lists with at least `threshold` of their row's votes, compared exactly in integers."""
    total = votes.sum(axis=1, keepdims=True)
    num, den = threshold.numerator, threshold.denominator
    if int(total.max()) * max(num, den) >= 2**63:  # beyond int64: Python integers
        return np.asarray(votes.astype(object) * den >= total.astype(object) * num, dtype=bool)
    keep: Bools = votes * den >= total * num
    return keep


@numba.njit(nogil=True, cache=True)
def _highest_averages(votes: Ints, mask: Bools, magnitude: Ints, table: Floats, cuts: Floats,
                      base: float, scale: float, widest: int, seats: Ints,
                      status: NDArray[np.int8]) -> bool:
    """Each row's seats, and `_TIED` or `_EXACT` where they are not certified. `cuts` and
    `base` are the series' explicit terms and the tail's start in units of its step; votes
    below `widest` times a divisor numerator fit in int64, for the integer tie check. A column
    `mask` leaves out (when it has rows) has no votes. False, and the count unfinished, where a
    vote in the count is negative or not below MAX_VOTES."""
    n_lists = votes.shape[1]
    masked = mask.shape[0] > 0
    w = np.empty(n_lists, dtype=np.int64)  # the row's votes, masked
    x = np.empty(n_lists)  # votes · D: quotient x / table[k + 1] for a list's (k + 1)-th seat
    inverse = 1.0 / table  # to search with products; only certifying needs true quotients
    for r in range(votes.shape[0]):
        m = magnitude[r]
        c = seats[r]
        total = 0.0
        for j in range(n_lists):
            w[j] = votes[r, j] if not masked or mask[r, j] else 0
            if w[j] < 0 or w[j] >= MAX_VOTES:
                return False
            x[j] = w[j] * scale
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
            if max(w[a], w[b]) < widest and w[a] * n_b == w[b] * n_a:
                status[r] = _TIED  # exactly these two quotients are equal: a true tie
    return True


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


def _exact_row(votes: Ints, magnitude: int, series: Series) -> tuple[Ints, bool]:
    """One row through the exact path: its seats, and whether its last seat was a tie."""
    names = {str(j): int(x) for j, x in enumerate(votes) if x > 0}
    if not names:
        return np.zeros(votes.shape, dtype=np.int64), magnitude > 0
    return _row_of(highest_averages(names, magnitude, series, _index_order(names)),
                   votes.shape[0])


def _solve_huntington_hill(votes: Ints, magnitude: Ints, threshold: Fraction | None,
                           seats: Ints, tied: Bools) -> None:
    """One chunk by Huntington–Hill, written into `seats` and `tied`: the threshold here, the
    count in `_huntington_hill`, the rows it cannot certify by the exact path after."""
    _check_votes(votes)
    if threshold is not None and threshold > 0:
        votes = np.where(_qualifies(votes, threshold), votes, 0)
    status = np.full(magnitude.shape, _CERTIFIED, dtype=np.int8)
    _huntington_hill(np.ascontiguousarray(votes), magnitude, seats, status)
    tied |= status == _TIED
    for i in np.flatnonzero(status == _EXACT):
        seats[i], tied[i] = _exact_row(votes[i], int(magnitude[i]), HuntingtonHill())


_HH_ROUNDING = 4e-15  # more than a square root's and a division's rounding, relatively


@numba.njit(nogil=True, cache=True)
def _huntington_hill(votes: Ints, magnitude: Ints, seats: Ints,
                     status: NDArray[np.int8]) -> None:
    """Each row's seats by Huntington–Hill, divisors sqrt(k(k+1)): every list with votes
    takes a first seat (divisor 0, an infinite quotient; too few seats for that is for the
    exact path), the rest from an estimate by the row's shares, brought to the magnitude a seat
    at a time to the highest next quotient or back from the lowest last one. The divisors are
    irrational, so the row is certified in floats: each quotient is one correctly rounded square
    root and one division of exact integers, so a lowest winning quotient above the highest
    losing one by more than `_HH_ROUNDING` is above it exactly; any other row, a tie among
    them, goes to the exact path (`_EXACT`)."""
    n_lists = votes.shape[1]
    for r in range(votes.shape[0]):
        m = magnitude[r]
        if m == 0:
            continue
        c = seats[r]
        total = 0
        lists = 0
        for j in range(n_lists):
            total += votes[r, j]
            lists += votes[r, j] > 0
        if total == 0:  # seats and no votes: for the exact path to decide, or refuse
            status[r] = _TIED
            continue
        if m < lists:
            status[r] = _EXACT
            continue
        given = 0
        for j in range(n_lists):  # divisors near k + 1/2: shares rounded, a first seat each
            c[j] = max(1, int(votes[r, j] * m / total + 0.5)) if votes[r, j] else 0
            given += c[j]
        while given < m:  # to the highest next quotient
            best, most = -1, -1.0
            for j in range(n_lists):
                if votes[r, j]:
                    q = votes[r, j] / np.sqrt(float(c[j] * (c[j] + 1)))
                    if q > most:
                        best, most = j, q
            c[best] += 1
            given += 1
        while given > m:  # back from the lowest last quotient (a first seat is never given back)
            worst, least = -1, np.inf
            for j in range(n_lists):
                if c[j] >= 2:
                    q = votes[r, j] / np.sqrt(float((c[j] - 1) * c[j]))
                    if q < least:
                        worst, least = j, q
            c[worst] -= 1
            given -= 1
        while True:  # a seat from the lowest last quotient to a higher next one, while any is
            worst, least = -1, np.inf
            best, most = -1, -1.0
            for j in range(n_lists):
                if c[j] >= 2:
                    q = votes[r, j] / np.sqrt(float((c[j] - 1) * c[j]))
                    if q < least:
                        worst, least = j, q
                if c[j] >= 1:
                    q = votes[r, j] / np.sqrt(float(c[j] * (c[j] + 1)))
                    if q > most:
                        best, most = j, q
            if worst < 0 or least >= most:
                break
            c[worst] -= 1
            c[best] += 1
        low, high = np.inf, 0.0
        for j in range(n_lists):
            if c[j] >= 2:
                low = min(low, votes[r, j] / np.sqrt(float((c[j] - 1) * c[j])))
            if c[j] >= 1:
                high = max(high, votes[r, j] / np.sqrt(float(c[j] * (c[j] + 1))))
        if not low > high * (1.0 + _HH_ROUNDING):
            status[r] = _EXACT


# The quota rule's parts as the compiled loop takes them.
_QUOTA_KINDS = {"hare": 0, "droop": 1, "droop-exact": 2, "hagenbach-bischoff": 2,
                "imperiali-quota": 3}
_ROUNDINGS = {None: 0, Rounding.DOWN: 1, Rounding.UP: 2, Rounding.NEAREST: 3}


def _solve_quotas(
    votes: Ints,
    magnitude: Ints,
    rule: QuotaRule,
    threshold: Fraction | None,
    taking: Bools | None,
    seats: Ints,
    tied: Bools,
) -> None:
    """One chunk under a quota rule, written into `seats` and `tied`: the threshold here, the
    count in `_quotas`, the rows it leaves to the exact path after. `taking`: the columns that
    are lists in the count (None: all); the others count as no votes. Without a threshold or
    limits the compiled loop masks them and checks the votes' range as it reads each row: on
    copies of the chunk, the mask and the range took a tenth of a tiered projection."""
    screened = threshold is not None and threshold > 0
    if screened or rule.limits is not None:
        if taking is not None:
            votes = np.where(taking, votes, 0)
        _check_votes(votes)
        if screened:
            assert threshold is not None
            keep = _qualifies(votes, threshold)
            taking = keep if taking is None else taking & keep
            votes = np.where(taking, votes, 0)
    status = np.full(magnitude.shape, _CERTIFIED, dtype=np.int8)
    if rule.limits is None:
        mask = _ALL if taking is None else np.ascontiguousarray(taking)
        if not _quotas(np.ascontiguousarray(votes), mask, magnitude, _QUOTA_KINDS[rule.quota],
                       _ROUNDINGS[rule.rounding], rule.remainder is Remainder.HIGHEST_AVERAGE,
                       rule.remainder is Remainder.POOLED, seats, status):
            raise ValueError("votes must be non-negative and below 2**40")
    else:  # a limited remainder stage has no compiled twin: every row is counted exactly
        status[:] = _EXACT
    tied |= status == _TIED
    for i in np.flatnonzero(status >= _EXACT):
        names = {str(j): int(x) for j, x in enumerate(votes[i])
                 if taking is None or taking[i, j]}
        seats[i], tied[i] = _row_of(
            rule.apportion(names, int(magnitude[i]), _index_order(names)), votes.shape[1])
        tied[i] |= status[i] == _EXACT_TIED
    if rule.limits is not None:  # as the compiled loop flags it: a row the count cannot fill
        tied |= (seats.sum(axis=1) != magnitude) | ((votes.sum(axis=1) == 0) & (magnitude > 0))


_ALL = np.ones((0, 0), dtype=np.bool_)  # no mask: every column a list in the count


@numba.njit(nogil=True, cache=True)
def _quotas(votes: Ints, mask: Bools, magnitude: Ints, kind: int, rounding: int, dhondt: bool,
            pooled: bool, seats: Ints, status: NDArray[np.int8]) -> bool:
    """Each row's seats by whole quotas, then by largest remainders (or D'Hondt from the whole
    quotas, `dhondt`; none here when the remainders are `pooled` nationally), in integers: the
    quota is qn / qd and list j's remainder r[j] / qd. A row is `_TIED` where the last remainder
    seat's value equals the next one's, or where whole quotas given back were chosen among equal
    remainders (the exact path decides that by precedence too, but records no tie); `_EXACT`
    where the exact path must decide: a remainder seat for a list with nothing left over.
    A column `mask` leaves out (when it has rows) has no votes. False, and the count
    unfinished, where a vote in the count is negative or not below MAX_VOTES."""
    n_lists = votes.shape[1]
    masked = mask.shape[0] > 0
    w = np.empty(n_lists, dtype=np.int64)  # the row's votes, masked
    r = np.empty(n_lists, dtype=np.int64)
    order = np.empty(n_lists, dtype=np.int64)
    for row in range(votes.shape[0]):
        total = 0
        for j in range(n_lists):
            x = votes[row, j] if not masked or mask[row, j] else 0
            if x < 0 or x >= MAX_VOTES:
                return False
            w[j] = x
            total += x
        m = magnitude[row]
        if m == 0:
            continue
        if total == 0:  # seats and no votes: for the exact path to decide, or refuse
            status[row] = _TIED
            continue
        qn, qd = _quota(total, m, kind, rounding)
        c = seats[row]
        given = 0
        if qn == 0:
            for j in range(n_lists):
                c[j] = 0
                r[j] = w[j] * qd
        else:
            # x // qn from a float estimate put right in integers (off by at most one: the
            # quotient is below 2 (m + 2)); an integer division per list was most of the loop
            inverse = 1.0 / qn
            for j in range(n_lists):
                x = w[j] * qd
                whole = int(x * inverse)
                rest = x - qn * whole
                while rest < 0:
                    whole -= 1
                    rest += qn
                while rest >= qn:
                    whole += 1
                    rest -= qn
                c[j] = whole
                r[j] = rest
                given += whole
        given_back_by_rank = False
        while given > m:  # more whole quotas than seats: back from the smallest remainder,
            worst = -1  # of equal ones from the last column (the exact path: by precedence)
            for j in range(n_lists):
                if c[j]:
                    if worst < 0 or r[j] < r[worst]:
                        worst = j
                    elif r[j] == r[worst]:
                        worst = j
                        given_back_by_rank = True
            c[worst] -= 1
            r[worst] += qn
            given -= 1
        if given_back_by_rank:
            status[row] = _TIED
        left = m - given
        if left == 0 or pooled:
            continue
        if dhondt:
            low_num, low_den = 0, 1
            for _ in range(left):
                best = 0
                for j in range(1, n_lists):
                    if w[j] * (c[best] + 1) > w[best] * (c[j] + 1):
                        best = j
                low_num, low_den = w[best], c[best] + 1
                c[best] += 1
            best = 0
            for j in range(1, n_lists):
                if w[j] * (c[best] + 1) > w[best] * (c[j] + 1):
                    best = j
            if low_num * (c[best] + 1) == w[best] * low_den:
                status[row] = _TIED
            continue
        positive = 0
        for j in range(n_lists):
            if r[j] > 0:
                positive += 1
        if left >= positive:  # a remainder seat for a list with nothing over
            status[row] = _EXACT_TIED if given_back_by_rank else _EXACT
            continue
        # The left + 1 largest remainders, of equal ones the first column first: an insertion
        # sort that keeps only those (np.argsort costs ten times the rest, a whole sort of a
        # wide row several times).
        kept, top = 0, left + 1
        for j in range(n_lists):
            if kept == top and r[order[top - 1]] >= r[j]:
                continue
            k = kept if kept < top else top - 1
            while k > 0 and r[order[k - 1]] < r[j]:
                order[k] = order[k - 1]
                k -= 1
            order[k] = j
            kept = min(kept + 1, top)
        for i in range(left):
            c[order[i]] += 1
        if r[order[left - 1]] == r[order[left]]:
            status[row] = _TIED
    return True


@numba.njit(nogil=True, cache=True)
def _quota(total: int, m: int, kind: int, rounding: int) -> tuple[int, int]:
    """The quota of `m` seats among lists holding `total` votes as integers qn / qd (`kind`
    and `rounding` as `_QUOTA_KINDS` and `_ROUNDINGS` number them), as `QuotaRule.quota_of`."""
    if kind == 0:
        qn, qd = total, m
    elif kind == 1:
        qn, qd = total // (m + 1) + 1, 1
    elif kind == 2:
        qn, qd = total, m + 1
    else:
        qn, qd = total, m + 2
    if rounding == 1:
        qn, qd = qn // qd, 1
    elif rounding == 2:
        qn, qd = -(-qn // qd), 1
    elif rounding == 3:
        qn, qd = (2 * qn + qd) // (2 * qd), 1
    return qn, qd


def _index_order(names: dict[str, int]) -> Precedence:
    """Precedence by column: an arbitrary but fixed resolution of any tie in a row."""
    return Precedence(constituency="", rank={p: i for i, p in enumerate(names)}, votes=names,
                      rule=TieRule.VOTES)


def _row_of(outcome: Outcome, n_lists: int) -> tuple[Ints, bool]:
    """An exact outcome as a row of seats by column, and whether its last seat was a tie."""
    row = np.zeros(n_lists, dtype=np.int64)
    for p, n in outcome.seats.items():
        row[int(p)] = n
    return row, bool(outcome.ties)
