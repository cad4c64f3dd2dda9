"""Agreements and a majority bonus on the vector path: the constituency counts of
`allocate_draws` under a law whose general constituencies count lists that signed an agreement
as one, or give the first list a bonus before the rest are shared.

`apportion` (the exact path) counts such a constituency in three steps, and so does this module,
each step one `allocate_batch` over every row (one constituency in one draw) at once:

1. the bonus: the list with most votes among those in the count takes the seats
   `MajorityBonus.seats_for` gives its share of the base, at most the magnitude — the share is
   compared with the bonus's and its steps counted in integers, never as a float;
2. the other seats, every agreement standing (two or more of its lists in the count) counted as
   one list with its lists' votes — an agreement with one list left in the count is that list
   alone, so the pooled column is the same count either way;
3. each agreement's seats split among its lists in the count by the same rule.

A row any tie could change is returned as tied, for the caller to count again alone by the exact
path (the law's tie rule, the draw's seed): equal votes for first place when a bonus is given, a
tie in the pooled count or in a split, and a row with seats to fill and no votes in the count
(which the exact path refuses).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._allocate import Law
from ._batch import BatchAllocation, allocate_batch
from ._bonus import MajorityBonus
from ._divisors import DivisorSeries
from ._quotas import QuotaRule
from ._threshold import Base
from ._values import Constituency, Election

__all__ = ["Blocs", "base_of"]

Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]


def base_of(totals: Ints, c: Constituency, base: Base) -> Ints:
    """`base.of` constituency c in every draw, `totals` its list votes by draw: the declared
    valid votes (when given) stand in every draw, as `allocate` reads them."""
    valid = totals if c.valid is None else np.full_like(totals, c.valid)
    if base is Base.LIST_VOTES:
        return totals
    if base is Base.VALID:
        return valid
    return valid + c.blank + (c.invalid if base is Base.CAST else 0)


@dataclass(frozen=True, slots=True)
class Blocs:
    """A law's agreements and bonus, read for one election: per constituency, the columns of
    each agreement its lists signed (two or more; none in a reserved contest), and whether the
    bonus is given there (a general constituency)."""

    signed: tuple[tuple[tuple[int, ...], ...], ...]
    bonus: MajorityBonus | None
    general: Bools
    constituencies: tuple[Constituency, ...]

    @classmethod
    def of(cls, election: Election, law: Law) -> Blocs | None:
        """The law's blocs in `election`; None when it has neither agreements nor a bonus."""
        if law.agreements is None and law.bonus is None:
            return None
        attribute = None if law.agreements is None else law.agreements.attribute
        reserved = law.reserved
        signed = []
        for c in election.constituencies:
            keys: dict[str, list[int]] = {}
            if attribute is not None and c.name not in reserved:
                for j, p in enumerate(c.votes):
                    key = election.lists.get(p, {}).get(attribute)
                    if key is not None:
                        keys.setdefault(key, []).append(j)
            signed.append(tuple(tuple(js) for js in keys.values() if len(js) > 1))
        general = np.array([c.name not in reserved for c in election.constituencies],
                           dtype=np.bool_)
        return cls(tuple(signed), law.bonus, general, election.constituencies)

    def apportion(self, votes: Ints, magnitudes: Ints, series: DivisorSeries | QuotaRule,
                  taking: Bools | None, ks: list[int], workers: int) -> BatchAllocation:
        """The rows of constituencies `ks` (at least one; each one's draws in turn) as
        `apportion` counts them; `taking` (None: every column) the columns in each count."""
        n = votes.shape[0] // len(ks)
        mine = np.ones(votes.shape, dtype=np.bool_) if taking is None else taking
        counted = np.where(mine, votes, 0)
        tied = (magnitudes > 0) & (counted.sum(axis=1) == 0)  # the exact path refuses these
        extra = np.zeros(votes.shape[0], dtype=np.int64)
        first = np.zeros(votes.shape[0], dtype=np.int64)
        if self.bonus is not None:
            general = np.repeat(self.general[ks], n)
            bases = np.concatenate([base_of(votes[g * n:(g + 1) * n].sum(axis=1),
                                            self.constituencies[k], self.bonus.base)
                                    for g, k in enumerate(ks)])
            extra, first, level = _bonus(votes, mine, bases, magnitudes, self.bonus)
            extra[~general] = 0
            tied |= level & (extra > 0)
        pooled_votes, pooled = counted, mine
        blocs = [(g, js) for g, k in enumerate(ks) for js in self.signed[k]]
        if blocs:
            pooled_votes, pooled = counted.copy(), mine.copy()
            for g, js in blocs:
                part = slice(g * n, (g + 1) * n)
                pooled_votes[part, js[0]] = counted[part][:, js].sum(axis=1)
                pooled[part, js[0]] = mine[part][:, js].any(axis=1)
                pooled_votes[part, js[1:]] = 0
                pooled[part, js[1:]] = False
        batch = allocate_batch(pooled_votes, magnitudes - extra, series, taking=pooled,
                               workers=workers)
        seats, tied = batch.seats, tied | batch.tied
        if blocs:
            self._split(blocs, n, votes, mine, seats, tied, series, workers)
        seats[np.arange(seats.shape[0]), first] += extra
        return BatchAllocation(seats=seats, tied=tied)

    @staticmethod
    def _split(blocs: list[tuple[int, tuple[int, ...]]], n: int, votes: Ints, mine: Bools,
               seats: Ints, tied: Bools, series: DivisorSeries | QuotaRule,
               workers: int) -> None:
        """Each standing agreement's seats (in its first list's column of `seats`) split among
        its lists in the count, in one batch, into `seats`; a tied split marks its row."""
        width = max(len(js) for _, js in blocs)
        parts: list[tuple[Ints, tuple[int, ...]]] = []  # the rows split, and the bloc's columns
        rows_v, rows_t, rows_s = [], [], []
        for g, js in blocs:
            rows = np.arange(g * n, (g + 1) * n)
            together = seats[rows, js[0]]
            taking = mine[rows][:, js]
            standing = taking.sum(axis=1) > 1
            alone = ~standing & (together > 0)  # the one list of it in the count takes them
            seats[rows[alone], js[0]] = 0
            seats[rows[alone], np.array(js)[taking[alone].argmax(axis=1)]] = together[alone]
            split = standing & (together > 0)
            if split.any():
                seats[rows[split], js[0]] = 0
                parts.append((rows[split], js))
                rows_v.append(np.pad(votes[rows[split]][:, js], ((0, 0), (0, width - len(js)))))
                rows_t.append(np.pad(taking[split], ((0, 0), (0, width - len(js)))))
                rows_s.append(together[split])
        if not parts:
            return
        batch = allocate_batch(np.concatenate(rows_v), np.concatenate(rows_s), series,
                               taking=np.concatenate(rows_t), workers=workers)
        at = 0
        for rows, js in parts:
            got = batch.seats[at:at + rows.size, : len(js)]
            seats[rows[:, None], np.array(js)[None, :]] = got
            tied[rows] |= batch.tied[at:at + rows.size]
            at += rows.size


def _bonus(votes: Ints, taking: Bools, bases: Ints, magnitudes: Ints, bonus: MajorityBonus
           ) -> tuple[Ints, Ints, Bools]:
    """Each row's bonus seats (`MajorityBonus.award`: the share of the first list in the count,
    at most the magnitude), the first list's column, and whether another list in the count has
    as many votes (the tie rule, not the votes, then decides who takes it)."""
    ranked = np.where(taking, votes, -1)
    first = ranked.argmax(axis=1)
    top = np.maximum(ranked[np.arange(votes.shape[0]), first], 0)
    level = (ranked == top[:, None]).sum(axis=1) > 1
    share, step = bonus.share, bonus.step
    x = np.where(bases > 0, top, 0)  # no base: a share of 0, as `award` reads it
    b = np.where(bases > 0, bases, 1)
    an, ad = share.numerator, share.denominator
    sn, sd = (1, 1) if step is None else (step.numerator, step.denominator)
    most = max(int(x.max(initial=0)), int(b.max(initial=0)))
    if most * max(an, ad) * max(sd, ad * sn) >= 2**62:  # past int64: Python's integers
        x, b = x.astype(object), b.astype(object)
    over = x * ad - b * an  # the share less the bonus's, over b · ad
    seats = np.full(votes.shape[0], bonus.seats, dtype=np.int64)
    if step is not None:
        steps = np.minimum(np.where(over >= 0, over, 0) * sd // (b * ad * sn), 2**31)
        seats += bonus.step_seats * np.asarray(steps, dtype=np.int64)
    if bonus.max_seats is not None:
        seats = np.minimum(seats, bonus.max_seats)
    seats = np.where(np.asarray(over >= 0, dtype=np.bool_), np.minimum(seats, magnitudes), 0)
    return seats.astype(np.int64), first, level
