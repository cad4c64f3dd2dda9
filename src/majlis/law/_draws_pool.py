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
    qn = np.zeros((len(cs), count.n), dtype=np.int64)
    qd = np.zeros_like(qn)
    pooled = np.zeros_like(national)
    present = np.zeros(national.shape, dtype=np.bool_)
    left = np.zeros(count.n, dtype=np.int64)
    _pool(count.votes, seats, counted, columns, magnitude, kind, rounding, scale,
          again | count.uncertain, qn, qd, pooled, present, left)
    rule = tier.rule
    series = rule.series if isinstance(rule, DivisorRule) else rule
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
    pair_i, pair_c = map(np.ascontiguousarray, np.nonzero(np.where(
        (again | count.uncertain)[:, None], 0, out)))
    slot = np.full(out.shape, -1, dtype=np.int64)  # draw × list: its pair, if it has seats
    slot[pair_i, pair_c] = np.arange(pair_i.size)
    remainders = np.full((pair_i.size, len(cs)), -1, dtype=np.int64)  # -1: not a region of it
    _remainders(count.votes, seats, counted, columns, qn, qd, scale, slot, remainders)
    where = np.full((out.shape[1], len(cs)), -1, dtype=np.int64)  # list × region: its column
    for k in count.general:
        where[count.columns[k], k] = np.arange(count.columns[k].size)
    _place_back(pair_i, pair_c, remainders, out, where, placed)
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
def _pool(votes: Ints, seats: Ints, counted: Bools, columns: Ints, magnitude: Ints, kind: int,
          rounding: int, scale: int, skip: Bools, qn: Ints, qd: Ints, pooled: Ints,
          present: Bools, left: Ints) -> None:
    """Each draw's pool not to `skip`, region by region as the votes lie in memory: the
    region's quota `qn` / `qd` (qd 0: it pools nothing — no seats, or no votes counted), every
    list's remainder there (times `scale` ÷ qd: a whole number) summed into `pooled`, the lists
    counted in a region with seats `present`, and the seats the whole quotas `left`."""
    for k in range(votes.shape[0]):
        m = magnitude[k]
        if m == 0:
            continue
        for i in range(votes.shape[1]):
            if skip[i]:
                continue
            left[i] += m
            total = 0
            for j in range(votes.shape[2]):
                left[i] -= seats[k, i, j]
                if counted[k, i, j]:
                    total += votes[k, i, j]
            if total == 0:
                continue
            qn[k, i], qd[k, i] = _quota(total, m, kind, rounding)
            per = scale // qd[k, i]
            for j in range(votes.shape[2]):
                c = columns[k, j]
                if c >= 0 and counted[k, i, j]:
                    pooled[i, c] += (votes[k, i, j] * qd[k, i] - qn[k, i] * seats[k, i, j]) * per
                    present[i, c] = True


@numba.njit(nogil=True, cache=True)
def _remainders(votes: Ints, seats: Ints, counted: Bools, columns: Ints, qn: Ints, qd: Ints,
                scale: int, slot: Ints, remainders: Ints) -> None:
    """The scaled remainder of each list with pooled seats (its pair: `slot`[draw, list]) in
    each region it was counted in, into `remainders`[pair, region], region by region."""
    for k in range(votes.shape[0]):
        for i in range(votes.shape[1]):
            if qd[k, i] == 0:
                continue
            per = scale // qd[k, i]
            for j in range(votes.shape[2]):
                c = columns[k, j]
                if c < 0 or not counted[k, i, j] or slot[i, c] < 0:
                    continue
                remainders[slot[i, c], k] = (votes[k, i, j] * qd[k, i]
                                             - qn[k, i] * seats[k, i, j]) * per


@numba.njit(nogil=True, cache=True)
def _place_back(pair_i: Ints, pair_c: Ints, remainders: Ints, pool: Ints, where: Ints,
                placed: Ints) -> None:
    """Each pair's pooled seats (`pool`[draw, list]) back to its regions, as
    `RemainderPool.apportion` places them: the regions ordered by its remainder there, largest
    first, equal ones in the regions' order; its t-th seat to the (t mod n)-th of its n regions."""
    order = np.empty(remainders.shape[1], dtype=np.int64)
    for p in range(pair_i.size):
        n = 0
        for k in range(remainders.shape[1]):
            r = remainders[p, k]
            if r < 0:
                continue
            m = n  # after every region with as large a remainder
            while m > 0 and remainders[p, order[m - 1]] < r:
                order[m] = order[m - 1]
                m -= 1
            order[m] = k
            n += 1
        i, c = pair_i[p], pair_c[p]
        s = pool[i, c]
        for t in range(min(s, n)):
            k = order[t]
            placed[k, i, where[c, k]] += s // n + (1 if t < s % n else 0)
