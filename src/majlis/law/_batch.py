"""The vectorised twin of the divisor path: many constituency counts at once, for projections.

A forecast draws hundreds of thousands of elections; the exact path (`allocate`) walks a heap
of `Fraction`s per constituency and is far too slow for that inner loop. Here every row (one
constituency's count) is solved together in NumPy, a chunk of rows at a time:

1. a common divisor λ per row — one pilot count, then one secant step — gives each list the
   number of its quotients above λ in closed form (the explicit start terms, then the tail);
2. rows still more than a seat off are corrected greedily, a seat per round, to the highest
   next quotient (or back from the lowest last one), as the exact path would go on;
3. the last missing or extra seat moves in the same pass that certifies the row: its lowest
   winning quotient must exceed its highest losing one. Each quotient is a single correctly
   rounded division of exact integers, `votes·D / (d(k)·D)` with D the divisors' common
   denominator, and rounding is monotone, so a strict float inequality is a strict exact one and
   the seats are exactly the exact path's.
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
from queue import SimpleQueue

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._divisors import DivisorSeries, HuntingtonHill, highest_averages
from ._ties import Precedence, TieRule

__all__ = ["BatchAllocation", "allocate_batch"]

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]

_EXACT_FLOAT = 2**53  # integers below this are exact in float64
_MAX_VOTES = 2**40
_CHUNK_CELLS = 2**18  # rows × lists per chunk: work arrays of 2 MB, near the cache (measured best)
_NO_VOTES = 1e-300  # stands in for 0 votes: no 0/0, and still below every real quotient
_MAX_ROUNDS = 1_000_000


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
    cuts: tuple[float, ...]  # the explicit terms before it
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
            cuts=tuple(float(s * scale) for s in rest.start[:-1]),
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
    `workers` threads take chunks in turn (NumPy releases the GIL inside its loops).
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
    spaces: SimpleQueue[_Space] = SimpleQueue()
    for _ in range(workers):
        spaces.put(_Space(min(rows, n_rows) * n_lists))

    def run(lo: int) -> None:
        part = slice(lo, lo + rows)
        space = spaces.get()
        try:
            _solve(v[part], m[part], plan, share, space, out_seats[part], out_tied[part])
        finally:
            spaces.put(space)

    starts = range(0, n_rows, rows)
    if workers == 1 or len(starts) == 1:
        for lo in starts:
            run(lo)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(run, starts))
    return BatchAllocation(seats=out_seats, tied=out_tied)


class _Space:
    """Work arrays reused from chunk to chunk: fresh multi-MB arrays cost page faults."""

    def __init__(self, cells: int) -> None:
        self._scaled = np.empty(cells, dtype=np.float64)
        self._work = np.empty(cells, dtype=np.float64)
        self._spare = np.empty(cells, dtype=np.float64)
        self._count = np.empty(cells, dtype=np.int64)

    def views(self, shape: tuple[int, int]) -> tuple[Floats, Floats, Floats, Ints]:
        n = shape[0] * shape[1]
        return (
            self._scaled[:n].reshape(shape),
            self._work[:n].reshape(shape),
            self._spare[:n].reshape(shape),
            self._count[:n].reshape(shape),
        )


def _solve(
    votes: Ints,
    magnitude: Ints,
    plan: _Plan,
    threshold: Fraction | None,
    space: _Space,
    seats: Ints,
    tied: Bools,
) -> None:
    """One chunk, written into `seats` and `tied`.

    The chunk is worked on transposed, lists × rows, so that a per-row value broadcasts along
    contiguous memory and a reduction over lists is an element-wise pass, not a short loop per row.
    """
    if votes.min() < 0 or votes.max() >= _MAX_VOTES:
        raise ValueError("votes must be non-negative and below 2**40")
    if threshold is not None and threshold > 0:
        votes = np.where(_qualifies(votes, threshold), votes, 0)
    scaled, work, spare, count = space.views(votes.shape[::-1])
    np.multiply(votes.T, float(plan.scale), out=scaled)
    total_f = scaled.sum(axis=0)
    tied[(total_f == 0) & (magnitude > 0)] = True
    exact = np.zeros(magnitude.shape, dtype=np.bool_)
    full = magnitude
    if plan.first_free:
        firsts = votes > 0
        magnitude = magnitude - firsts.sum(axis=1)
        exact |= magnitude < 0  # too few seats for every list's first: a tie at +inf
        magnitude = np.maximum(magnitude, 0)
    np.maximum(scaled, _NO_VOTES, out=scaled)
    mag_f = magnitude.astype(np.float64)
    live = (total_f > 0) & (magnitude > 0) & ~exact

    # Pilot count at λ = total / (step · magnitude), then one secant step per row: the count
    # grows like total / (step · λ), plus an offset that depends on the row's spread of votes.
    per_vote = np.divide(1.0, total_f, out=np.zeros_like(total_f), where=live)
    offset = _pilot(scaled, per_vote * mag_f, plan, work) - mag_f
    _count(scaled, per_vote * np.maximum(mag_f - offset, 0.5), mag_f, plan, work, count)

    gap = np.where(live, magnitude - count.sum(axis=0), 0)
    _settle(scaled, count, gap, plan)
    unsure = np.flatnonzero(_verify(scaled, count, gap, live, plan, work, spare))
    if unsure.size:
        pair_tied = _pair_tied(votes, count, unsure, plan)
        tied[unsure[pair_tied]] = True
        exact[unsure[~pair_tied]] = True
    seats[...] = count.T
    if plan.first_free:
        seats += firsts
    for i in np.flatnonzero(exact):
        seats[i], tied[i] = _exact_row(votes[i], int(full[i]), plan)


def _pair_tied(votes: Ints, count: Ints, rows: Ints, plan: _Plan) -> Bools:
    """Which of the uncertified `rows` are true ties, settled in integers: exactly one winning
    and one losing quotient round to the boundary value, and `votes_a · n(c_b) == votes_b ·
    n(c_a - 1)`. Then every other winner is above and every other loser below it, exactly, and
    the last seat is a tie. Any other row needs the exact path."""
    c = count.take(rows, axis=1)
    v = votes[rows].T * plan.scale
    vf = np.maximum(v, _NO_VOTES)
    with np.errstate(divide="ignore"):
        nxt = vf / plan.table[1:].take(c)
        last = vf / plan.table.take(c)
    hi, lo = nxt.max(axis=0), last.min(axis=0)
    b, a = _best(nxt, largest=True), _best(last, largest=False)
    single = ((nxt == hi).sum(axis=0) == 1) & ((last == lo).sum(axis=0) == 1)
    ix = np.arange(rows.size)
    n_b = plan.table[1:][c[b, ix]].astype(np.int64)
    n_a = plan.table[c[a, ix]].astype(np.int64)
    v_a, v_b = v[a, ix], v[b, ix]
    fits = np.maximum(v_a, v_b) < 2**62 // max(int(plan.table[-1]), 1)
    result: Bools = (lo == hi) & single & fits & (n_a > 0) & (v_a * n_b == v_b * n_a)
    return result


def _qualifies(votes: Ints, threshold: Fraction) -> Bools:
    """Lists with at least `threshold` of their row's votes, compared exactly in integers."""
    total = votes.sum(axis=1, keepdims=True)
    num, den = threshold.numerator, threshold.denominator
    if int(total.max()) * max(num, den) >= 2**63:  # beyond int64: Python integers
        return np.asarray(votes.astype(object) * den >= total.astype(object) * num, dtype=bool)
    keep: Bools = votes * den >= total * num
    return keep


def _pilot(scaled: Floats, ideal: Floats, plan: _Plan, work: Floats) -> Floats:
    """Seats per row at λ = total / (step · ideal): `_count` summed, without a per-list result."""
    y = np.multiply(scaled, ideal, out=work)
    got = np.zeros(y.shape[1])
    for cut in plan.cuts:
        got += np.count_nonzero(y > cut / plan.step, axis=0)
    y -= plan.base / plan.step
    np.ceil(y, out=y)
    np.maximum(y, 0.0, out=y)
    got += y.sum(axis=0)
    return got


def _count(
    scaled: Floats, ideal: Floats, mag_f: Floats, plan: _Plan, work: Floats, count: Ints
) -> None:
    """Into `count`: per list, how many quotients exceed λ = total / (step · ideal), in closed
    form. Off by one near λ (rounding); `_settle` and `_verify` take it from there."""
    y = np.multiply(scaled, ideal, out=work)  # x / step, x = scaled / λ in units of n
    above = [y > cut / plan.step for cut in plan.cuts]  # the explicit terms before the tail
    y -= plan.base / plan.step
    np.ceil(y, out=y)
    np.maximum(y, 0.0, out=y)
    np.minimum(y, mag_f, out=y)
    for a in above:
        y += a
    np.copyto(count, y, casting="unsafe")


def _settle(scaled: Floats, count: Ints, gap: Ints, plan: _Plan) -> None:
    """Bring every row to within one seat of its magnitude, a seat per round: to the highest
    next quotient, or back from the lowest last one. `_verify` moves the final seat."""
    for give in (True, False):
        sel = np.flatnonzero(gap > 1) if give else np.flatnonzero(gap < -1)
        if not sel.size:
            continue
        table = plan.table[1:] if give else plan.table
        c = count.take(sel, axis=1)
        s = scaled.take(sel, axis=1)
        with np.errstate(divide="ignore"):
            q = s / table.take(c)
        need = np.abs(gap[sel]) - 1
        gap[sel] = 1 if give else -1
        at = np.arange(sel.size)
        finished: list[tuple[Ints, Ints]] = []
        for _ in range(_MAX_ROUNDS):
            ix = np.flatnonzero(need)
            if not ix.size:
                break
            j = _best(q, give)[ix]
            c[j, ix] += 1 if give else -1
            with np.errstate(divide="ignore"):
                q[j, ix] = s[j, ix] / table.take(c[j, ix])
            need[ix] -= 1
            if 2 * ix.size < need.size + 2:  # most rows are done: drop them
                done = need == 0
                finished.append((at[done], c[:, done]))
                keep = np.flatnonzero(~done)
                at, need = at[keep], need[keep]
                c, s, q = c.take(keep, axis=1), s.take(keep, axis=1), q.take(keep, axis=1)
        else:  # pragma: no cover
            raise AssertionError("seat correction did not converge")
        finished.append((at, c))
        for where, cc in finished:
            count[:, sel[where]] = cc


def _best(q: Floats, largest: bool) -> Ints:
    """Per column of a lists × rows array, a list with the largest (smallest) value.

    Marks the extreme, then takes the highest marked list number in the narrowest integer type:
    several times faster than `argmax(axis=0)`, which loops over short strided columns.
    """
    top = q.max(axis=0) if largest else q.min(axis=0)
    n = q.shape[0]
    kind = np.uint8 if n < 2**8 else np.uint16 if n < 2**16 else np.int64
    number = np.arange(1, n + 1, dtype=kind)[:, None]
    found: Ints = (np.equal(q, top) * number).max(axis=0).astype(np.int64) - 1
    return found


def _verify(
    scaled: Floats,
    count: Ints,
    gap: Ints,
    live: Bools,
    plan: _Plan,
    nxt: Floats,
    last: Floats,
) -> Bools:
    """Move each row's last missing (or extra) seat, then certify the row: its lowest winning
    quotient above its highest losing one, in float, is the exact path's answer. Returns the rows
    not certified: the two equal (a tie, or distinct quotients rounding alike), or out of order
    (only when the closed-form count misjudged a quotient within rounding of λ)."""
    with np.errstate(divide="ignore"):  # n = 0 before a first seat: last quotient +inf
        np.divide(scaled, plan.table[1:].take(count), out=nxt)
        np.divide(scaled, plan.table.take(count), out=last)
        width = count.shape[1]
        flat_count, flat_nxt, flat_last = count.reshape(-1), nxt.reshape(-1), last.reshape(-1)
        up = np.flatnonzero(gap > 0)
        if up.size:
            at = _best(nxt, largest=True)[up] * width + up
            flat_count[at] += 1
            flat_last[at] = flat_nxt[at]
            flat_nxt[at] = scaled.reshape(-1)[at] / plan.table[1:].take(flat_count[at])
        down = np.flatnonzero(gap < 0)
        if down.size:
            at = _best(last, largest=False)[down] * width + down
            flat_count[at] -= 1
            flat_nxt[at] = flat_last[at]
            flat_last[at] = scaled.reshape(-1)[at] / plan.table.take(flat_count[at])
    uncertified: Bools = live & (last.min(axis=0) <= nxt.max(axis=0))
    return uncertified


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
