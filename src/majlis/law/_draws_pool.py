"""A national pool of regional remainders on every draw at once: the vectorised twin of
`RemainderPool.apportion` for `allocate_draws` (Czechia since 2021).

The regions' whole quotas come from `allocate_batch` like any quota count. Here, for every draw,
each list's remainder in each region — votes·qd − qn·seats over the region's quota qn / qd — is
scaled to the common denominator D of the regions' quotas, so remainders of different regions
are compared, and summed into the pool, in integers. The pool's count is one more row per draw
through `allocate_batch`: a divisor rule, or a quota without rounding and other than Droop's,
shares the same seats on votes all scaled by D; any other counts the pooled votes only where they
are whole (else that draw's pool goes to the exact path). Each list's pooled seats then go back
to its regions by largest remainder, equal ones to the earlier region, as the exact path places
them: no tie rule decides there, so nothing needs certifying.

A draw whose pool count a tie could change (`allocate_batch` flags it), or whose scaled votes
are past the compiled path's integers, has its pool counted by the exact path
(`RemainderPool.apportion`, the tier's precedence drawn with the draw's seed); a draw that
refuses goes to `allocate` whole.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numba
import numpy as np
from numpy.typing import NDArray

from majlis.errors import AllocationError

from ._batch import _QUOTA_KINDS, _ROUNDINGS, MAX_VOTES, _quota, allocate_batch
from ._divisors import DivisorSeries
from ._pool import RemainderPool
from ._quotas import QuotaRule
from ._rules import DivisorRule
from ._ties import Precedence
from ._values import ConstituencyResult, add_up

if TYPE_CHECKING:
    from ._draws import _Count

Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]


def pool_draws(count: _Count, tier: RemainderPool, seats: Ints, taking: Bools | None,
               out: Ints, placed: Ints) -> None:
    """`RemainderPool.apportion` on every draw of `count` not left to `allocate`: the pool's
    seats per list into `out` (draw × list of `count.lists`), where they go back into `placed`
    (shaped as `seats`, the regions' whole quotas)."""
    first = count.law.rule
    if not isinstance(first, QuotaRule):  # `allocate` refuses a pool without regional quotas
        count.uncertain[:] = True
        return
    cs = count.election.constituencies
    kind, rounding = _QUOTA_KINDS[first.quota], _ROUNDINGS[first.rounding]
    magnitude = np.zeros(len(cs), dtype=np.int64)  # 0 outside the pool: a reserved contest
    for k in count.general:
        magnitude[k] = cs[k].magnitude
    scale = math.lcm(*(int(_quota(1, int(m), kind, rounding)[1]) for m in magnitude if m))
    counted = count._admitted(None) if taking is None else taking
    columns = count._general_columns()
    national = count._national()
    again = national.max(axis=1, initial=0) >= -(-MAX_VOTES // scale)  # scaled past the batch's
    scale = min(scale, MAX_VOTES)  # past it, every draw's pool is counted `again`
    skip = again | count.uncertain
    pooled = np.zeros_like(national)
    present = np.zeros(national.shape, dtype=np.bool_)
    left = np.zeros(count.n, dtype=np.int64)
    _pool(count.votes, seats, counted, columns, magnitude, kind, rounding, scale, skip, pooled,
          present, left)
    rule = tier.rule
    series = rule.series if isinstance(rule, DivisorRule) else rule
    assert isinstance(series, DivisorSeries | QuotaRule)
    if scale > 1 and isinstance(series, QuotaRule) and (series.quota == "droop"
                                                       or series.rounding is not None):
        whole = (pooled % scale == 0).all(axis=1)  # a quota the scale would change: whole votes
        again |= ~whole
        pooled //= scale
    todo = np.flatnonzero(~(again | count.uncertain))
    some = np.flatnonzero(present.any(axis=0))  # the count's columns: lists in some pool
    batch = allocate_batch(pooled[np.ix_(todo, some)], left[todo], series,
                           taking=present[np.ix_(todo, some)], workers=count.workers)
    out[np.ix_(todo, some)] = batch.seats
    again[todo[batch.tied]] = True
    skip = again | count.uncertain
    _place_back(count.votes, seats, counted, columns, magnitude, kind, rounding, scale, out,
                skip, placed, again)
    for i in np.flatnonzero(again & ~count.uncertain):
        _pool_exactly(count, tier, first, int(i), seats, counted, out, placed)


def _pool_exactly(count: _Count, tier: RemainderPool, first: QuotaRule, i: int, seats: Ints,
                  counted: Bools, out: Ints, placed: Ints) -> None:
    """Draw i's pool by the exact path, as `allocate` counts it; a draw it refuses is left to
    `allocate` whole."""
    regions = [count._drawn(k, i) for k in count.general]
    results = tuple(ConstituencyResult(
        name=c.name, magnitude=c.magnitude, votes=c.votes,
        seats=dict(zip(c.votes, seats[k, i].tolist(), strict=False)),
        qualified=frozenset(p for p, x in zip(c.votes, counted[k, i].tolist(), strict=False)
                            if x),
        awards=(), runner_up=None) for k, c in zip(count.general, regions, strict=True))
    precedence = Precedence.draw(tier.name, add_up(c.votes for c in regions), count.law.tie,
                                 count.seed + i)
    count.rows += 1
    try:
        result = tier.apportion(results, first, precedence)
    except AllocationError:
        count.uncertain[i] = True
        return
    out[i] = [result.seats.get(p, 0) for p in count.lists]
    placed[:, i] = 0
    for k, c in zip(count.general, regions, strict=True):
        there = result.placed.get(c.name, {})
        placed[k, i, : len(c.votes)] = [there.get(p, 0) for p in c.votes]


@numba.njit(nogil=True, cache=True)
def _quotas_of(votes: Ints, counted: Bools, magnitude: Ints, kind: int, rounding: int, i: int,
               qn: Ints, qd: Ints) -> None:
    """Draw i's quota in each region of the pool, qn[k] / qd[k] (qd 0: the region pools
    nothing — no seats, or no votes counted)."""
    for k in range(votes.shape[0]):
        qd[k] = 0
        if magnitude[k] == 0:
            continue
        total = 0
        for j in range(votes.shape[2]):
            if counted[k, i, j]:
                total += votes[k, i, j]
        if total:
            qn[k], qd[k] = _quota(total, magnitude[k], kind, rounding)


@numba.njit(nogil=True, cache=True)
def _pool(votes: Ints, seats: Ints, counted: Bools, columns: Ints, magnitude: Ints, kind: int,
          rounding: int, scale: int, skip: Bools, pooled: Ints, present: Bools,
          left: Ints) -> None:
    """Each draw's pool not to `skip`: every list's remainders (times `scale` ÷ the quota's
    denominator: whole numbers) summed over the regions into `pooled`, the lists counted in a
    region with seats `present`, and the seats the regions' whole quotas `left`."""
    qn = np.zeros(votes.shape[0], dtype=np.int64)
    qd = np.zeros(votes.shape[0], dtype=np.int64)
    for i in range(votes.shape[1]):
        if skip[i]:
            continue
        _quotas_of(votes, counted, magnitude, kind, rounding, i, qn, qd)
        for k in range(votes.shape[0]):
            left[i] += magnitude[k]
            for j in range(votes.shape[2]):
                left[i] -= seats[k, i, j] if magnitude[k] else 0
                c = columns[k, j]
                if qd[k] == 0 or c < 0 or not counted[k, i, j]:
                    continue
                pooled[i, c] += (votes[k, i, j] * qd[k] - qn[k] * seats[k, i, j]) * (scale
                                                                                    // qd[k])
                present[i, c] = True


@numba.njit(nogil=True, cache=True)
def _place_back(votes: Ints, seats: Ints, counted: Bools, columns: Ints, magnitude: Ints,
                kind: int, rounding: int, scale: int, pool: Ints, skip: Bools, placed: Ints,
                again: Bools) -> None:
    """Each draw's pooled seats (`pool`, draw × list) back to the regions, as
    `RemainderPool.apportion` places them: a list's regions ordered by its remainder there,
    largest first, equal ones in the regions' order; its i-th seat to the i-th region, round
    again when it has more seats than regions. A list with seats and no region: `again`."""
    n_k, n_draws, width = votes.shape
    qn = np.zeros(n_k, dtype=np.int64)
    qd = np.zeros(n_k, dtype=np.int64)
    where_k = np.empty(n_k, dtype=np.int64)
    where_j = np.empty(n_k, dtype=np.int64)
    over = np.empty(n_k, dtype=np.int64)
    for i in range(n_draws):
        if skip[i]:
            continue
        given = False
        for c in range(pool.shape[1]):
            if pool[i, c]:
                given = True
        if not given:
            continue
        _quotas_of(votes, counted, magnitude, kind, rounding, i, qn, qd)
        for c in range(pool.shape[1]):
            s = pool[i, c]
            if s == 0:
                continue
            n = 0
            for k in range(n_k):
                if qd[k] == 0:
                    continue
                for j in range(width):
                    if columns[k, j] != c or not counted[k, i, j]:
                        continue
                    r = (votes[k, i, j] * qd[k] - qn[k] * seats[k, i, j]) * (scale // qd[k])
                    m = n  # insert after every region with as large a remainder
                    while m > 0 and over[m - 1] < r:
                        over[m], where_k[m], where_j[m] = over[m - 1], where_k[m - 1], \
                            where_j[m - 1]
                        m -= 1
                    over[m], where_k[m], where_j[m] = r, k, j
                    n += 1
            if n == 0:
                again[i] = True
                break
            for t in range(s):
                placed[where_k[t % n], i, where_j[t % n]] += 1
