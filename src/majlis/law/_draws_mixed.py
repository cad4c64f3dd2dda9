"""A mixed-member list tier (`MixedMember.count`) on many draws at once, for `allocate_draws`.

The constituency wins are the lists file's, the same in every draw; only the party votes are
drawn. Each draw's entitlement is `allocate_batch` on the lists sharing in the party vote (those
the threshold admits, with a vote), over the house less the wins of lists outside the share.
Levelling searches the house each draw as `MixedMember.count` does — galloping, then bisecting,
under a divisor rule; one seat at a time under a quota rule — every house a row of one batch, so
that every draw whose count no tie touched meets the same houses and stops at the same one.

A draw is handed back to the exact path (`allocate` with the draw's seed, which applies the
law's tie rule or refuses the draw) where a tie could change any share it needed, where its
wins outside the share exceed the house or no list shares a house with seats, and where
levelling would pass the most seats `allocate_batch` counts in one row.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ._batch import allocate_batch
from ._bounds import MAX_MAGNITUDE
from ._divisors import DivisorSeries
from ._mixed import MixedMember, Overhang
from ._quotas import QuotaRule, Remainder
from ._rules import DivisorRule, Rule

Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]


def counts_mixed(rule: Rule, general: int, tiered: bool) -> bool:
    """Whether `count_mixed` counts a mixed-member law with this general rule, `general`
    constituencies that are not reserved contests and (`tiered`) an upper tier: one national
    count of party votes by a list rule, nothing above it (else `allocate` refuses or counts
    every draw)."""
    return general == 1 and not tiered and isinstance(rule, DivisorRule | QuotaRule)


def count_mixed(votes: Ints, taking: Bools | None, wins: Ints, magnitude: int,
                rule: DivisorRule | QuotaRule, mixed: MixedMember, workers: int
                ) -> tuple[Ints, Bools]:
    """Seats of each draw (row of `votes`, draw × column) in the mixed-member count: `taking`
    the columns the threshold admits (None: all), `wins` each column's constituencies won.
    Returns the seats and the draws for the exact path."""
    series = rule.series if isinstance(rule, DivisorRule) else rule
    assert isinstance(series, DivisorSeries | QuotaRule)  # `_counts` admitted it
    sharing = votes > 0 if taking is None else taking & (votes > 0)
    outside = np.where(sharing, 0, wins).sum(axis=1)
    base = magnitude - outside
    again = (base < 0) | ((base > 0) & ~sharing.any(axis=1))  # `allocate` refuses these
    some = np.flatnonzero(sharing.any(axis=0))  # the count's columns: sharing in some draw
    mine, shared, won = votes[:, some], sharing[:, some], wins[some]
    shares = allocate_batch(mine, np.maximum(base, 0), series, taking=shared, workers=workers)
    again |= shares.tied
    if mixed.overhang is Overhang.LEVELLING:
        short = np.flatnonzero((shared & (won > shares.seats)).any(axis=1) & ~again)
        if short.size:
            shares.seats[short], again[short] = _level(
                mine[short], shared[short], won, base[short], series,
                isinstance(rule, DivisorRule), workers)
    entitlement = np.zeros_like(votes)
    entitlement[:, some] = shares.seats
    if mixed.overhang is Overhang.KEPT:
        entitlement = np.maximum(entitlement, wins)
    return np.where(sharing, entitlement, wins), again


def _level(votes: Ints, sharing: Bools, wins: Ints, base: Ints,
           series: DivisorSeries | QuotaRule, monotone: bool, workers: int
           ) -> tuple[Ints, Bools]:
    """The smallest house above `base` whose share covers every sharing list's `wins`, in each
    draw (row), found as `_mixed._levelled` finds it: its share, and the draws whose search met
    a tie or a house past MAX_MAGNITUDE (for the exact path)."""
    entitlement = np.zeros_like(votes)
    again = np.zeros(base.shape, dtype=np.bool_)
    todo = np.arange(base.size)
    low = base.copy()  # never covers
    high = base + 1  # galloping: the house to try; bisecting: one that covers
    if _hamilton(series):  # one seat at a time, from the first house `quota_ceiling` lets by
        total = np.where(sharing, votes, 0).sum(axis=1, keepdims=True)
        least = np.where(sharing & (wins > 0), -((1 - wins) * total // np.maximum(votes, 1)), 0)
        high = np.maximum(high, least.max(axis=1))
    step = np.ones_like(base)
    bisecting = np.zeros(base.shape, dtype=np.bool_)
    while todo.size:
        house = np.where(bisecting[todo], (low[todo] + high[todo]) // 2, high[todo])
        past = house > MAX_MAGNITUDE
        again[todo[past]] = True
        todo, house = todo[~past], house[~past]
        batch = allocate_batch(votes[todo], house, series, taking=sharing[todo],
                               workers=workers)
        again[todo[batch.tied]] = True
        covers = ((batch.seats >= wins) | ~sharing[todo]).all(axis=1) & ~batch.tied
        entitlement[todo[covers]] = batch.seats[covers]
        if monotone:
            galloped = ~bisecting[todo]
            moving = todo[galloped & ~covers]  # gallop on: twice as far above the base
            low[moving] = high[moving]
            step[moving] *= 2
            high[moving] = base[moving] + step[moving]
            bisecting[todo[galloped & covers]] = True
            halved = todo[~galloped]
            middle = house[~galloped]
            high[halved] = np.where(covers[~galloped], middle, high[halved])
            low[halved] = np.where(covers[~galloped], low[halved], middle)
            todo = todo[~batch.tied & ~(bisecting[todo] & (high[todo] - low[todo] <= 1))]
        else:
            high[todo] += 1
            todo = todo[~batch.tied & ~covers]
    return entitlement, again


def _hamilton(series: DivisorSeries | QuotaRule) -> bool:
    """Hare quotas and largest remainders, plainly: a list's seats at house h are at most
    ⌊votes · h ÷ total⌋ + 1 (`quota_ceiling`), so no house below ⌈(wins − 1) · total ÷ votes⌉
    covers its wins, and the exact path skips them all."""
    return (isinstance(series, QuotaRule) and series.quota == "hare" and series.rounding is None
            and series.remainder is Remainder.LARGEST and series.limits is None)
