"""Many drawn elections under one whole law at once: the vectorised twin of `allocate` for
projections.

A forecast draws the same election thousands of times with other votes. Each draw's count is
the law's: the threshold (vote shares and natural quotas, in each constituency or nationally,
exempt lists, conditions by list, a fallback: `_draws_fallback`), each constituency's rule (the
general one or a reserved contest's: divisors, quotas, SNTV) through `allocate_batch`
(agreements and a majority bonus through `Blocs`, in `_draws_blocs`), and an upper tier on the
national votes — a compensatory tier's two phases, or a levelling tier (Norway): the whole
house shared among the lists over the tier's threshold, lists over their share left out and the
share counted again, then each list's levelling seats placed one at a time by the highest
(relative) next quotient. A mixed-member law's national count of party votes goes through
`count_mixed` (`_draws_mixed`): the wins are the lists file's, the same in every draw, and the
entitlement and any levelling of the house are batches of `allocate_batch`. A biproportional
count goes through `biproportion` (`_draws_biproportional`): the upper apportionment a batch,
the lower found in floats and taken only where divisors prove it the one matrix. Every
comparison is in integers, or certified as `allocate_batch` certifies it, so the seats are
exactly `allocate`'s. A remainder pool (Czechia) is counted in `_draws_pool`: the regions'
whole quotas, each list's remainders summed in integers over a common denominator, the pool's
count, and its seats placed back where a list's remainders are largest.

A row any tie could change — one `allocate_batch` flags, equal votes at an SNTV contest's last
seat — is counted again alone by the exact path, with the law's tie rule and the draw's seed, and
so is a tier's count a tie could change (newcomers with equal votes competing for too few
seats, equal remainders or quotients in the national share, two lists' equal quotients for a
levelling seat, equal values at a pool's last seat). A draw
the exact path refuses (no list to fill a constituency's or the tier's seats, levelling seats
that cannot be placed) goes through `allocate` whole, which refuses it with the same error. So
does every draw of a law with a part this path does not count (a threshold's condition on seats
won before the tier, levelling seats placed by Huntington–Hill, Huntington–Hill beside
agreements, a bonus or a mixed-member count, Adams' divisors or the strongest-list condition in
a biproportional count, candidates, declared valid, blank or invalid votes beside a tier):
slow, and still the same seats; and so does a biproportional draw whose matrix no divisors
prove.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from fractions import Fraction

import numba
import numpy as np
from numpy.typing import ArrayLike, NDArray

from majlis.errors import AllocationError

from ._allocate import Law, _pools, allocate, apportion, check_genders
from ._batch import MAX_VOTES, allocate_batch
from ._bounds import MAX_MAGNITUDE, check_seats
from ._divisors import DivisorSeries
from ._draws_biproportional import biproportion, counts_biproportional
from ._draws_blocs import Blocs, base_of
from ._draws_fallback import fall_back
from ._draws_mixed import count_mixed, counts_mixed
from ._draws_pool import pool_draws
from ._mixed import wins_of
from ._pool import RemainderPool
from ._quotas import QuotaRule
from ._rules import DivisorRule, Rule, SntvRule
from ._threshold import Base, ConstituencySeats, ConstituencyWins, Scope, Threshold, VoteShare
from ._tiers import CompensatoryTier, LevellingTier
from ._ties import Precedence, TieRule
from ._values import Constituency, Election, add_up

__all__ = ["DrawAllocation", "allocate_draws"]

Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class DrawAllocation:
    """Seats of every draw: per constituency and list (`seats`, constituency × draw × list, the
    lists in each constituency's order), the upper tier's per list of `lists` (`tier`, draw
    × list), and where the tier placed them (`placed`, shaped as `seats`: Norway's levelling
    seats by county; zeros for a tier kept national). `exact` marks the draws `allocate`
    counted whole; `exact_rows` counts the counts the exact path made (a tied row alone, a
    tier's count, or every row of such a draw)."""

    seats: Ints
    tier: Ints
    placed: Ints
    lists: tuple[str, ...]
    exact: Bools
    exact_rows: int


def allocate_draws(
    votes: ArrayLike, election: Election, law: Law, *, seed: int = 0, workers: int = 1
) -> DrawAllocation:
    """The seats `allocate` gives each draw of `election` under `law`: `votes` is constituency ×
    draw × list, constituency k's column j its j-th list in `election` (columns past its lists
    are zero). Draw i is the election with those votes, counted with seed `seed + i`."""
    v = np.asarray(votes)
    cs = election.constituencies
    if v.ndim != 3 or v.shape[0] != len(cs):
        raise ValueError(f"votes must be constituency × draw × list ({len(cs)} constituencies), "
                         f"not shaped {v.shape}")
    width = max((len(c.votes) for c in cs), default=0)
    if v.shape[2] < width:
        raise ValueError(f"votes have {v.shape[2]} columns; the election has {width} lists")
    if v.size and not np.issubdtype(v.dtype, np.integer):
        raise ValueError(f"votes must be integers, not {v.dtype}")
    v = v.astype(np.int64, copy=False)
    if v.size and v.min() < 0:
        raise ValueError("votes must be non-negative")
    check_seats(election, law)
    check_genders(election, law)
    lists = tuple(dict.fromkeys(p for c in cs for p in c.votes))
    n = v.shape[1]
    tier = np.zeros((n, len(lists)), dtype=np.int64)
    placed = np.zeros(v.shape, dtype=np.int64)
    rows = 0
    if n and int(v.max(initial=0)) < MAX_VOTES and _counts(election, law):
        count = _Count(v, election, law, lists, seed, workers)
        seats, exact = count.run(tier, placed)
        rows = count.rows
    else:
        seats, exact = np.zeros(v.shape, dtype=np.int64), np.ones(n, dtype=np.bool_)
    index = {p: j for j, p in enumerate(lists)}
    for i in np.flatnonzero(exact):
        allocation = allocate(replace(election, constituencies=tuple(
            replace(c, votes=dict(zip(c.votes, v[k, i, : len(c.votes)].tolist(), strict=True)))
            for k, c in enumerate(cs))), law, seed=seed + int(i))
        for k, (c, r) in enumerate(zip(cs, allocation.constituencies, strict=True)):
            seats[k, i, : len(c.votes)] = [r.seats[p] for p in c.votes]
        tier[i] = 0
        placed[:, i] = 0
        if allocation.tier is not None:
            for p, s in allocation.tier.seats.items():
                tier[i, index[p]] = s
            for k, c in enumerate(cs):
                there = allocation.tier.placed.get(c.name, {})
                placed[k, i, : len(c.votes)] = [there.get(p, 0) for p in c.votes]
    return DrawAllocation(seats=seats, tier=tier, placed=placed, lists=lists, exact=exact,
                          exact_rows=rows + len(cs) * int(exact.sum()))


def _counts(election: Election, law: Law) -> bool:
    """Whether this path counts the law's draws (else `allocate` counts every one)."""
    if (law.mixed is not None or law.biproportional is not None) and (
            law.agreements is not None or law.bonus is not None):
        return False  # pooled or given a bonus inside those counts
    if law.biproportional is not None and not counts_biproportional(
            law.rule, law.biproportional, law.tier is not None):
        return False
    if law.mixed is not None and not counts_mixed(law.rule, len(law.general(election)),
                                                  law.tier is not None):
        return False
    if (law.agreements is not None or law.bonus is not None or law.mixed is not None) and any(
            isinstance(r, DivisorRule) and not isinstance(r.series, DivisorSeries)
            for r in (law.rule, *(x.rule for x in law.reserved.values()))):
        return False  # `Blocs` and `count_mixed` count divisor series and quotas, not H–H
    if any(c.candidates or (law.tier is not None and (c.valid is not None or c.blank
                                                      or c.invalid))
           for c in election.constituencies):
        return False  # a tier counts valid votes as the lists' here
    general = law.general(election)
    if law.tier is not None and not _tier_counts(law.tier, general):
        return False
    return law.threshold is None or _threshold_counts(law.threshold, general)


def _tier_counts(tier: CompensatoryTier | LevellingTier | RemainderPool,
                 general: tuple[Constituency, ...]) -> bool:
    if isinstance(tier, CompensatoryTier):
        return 0 < tier.quota_seats < 2**22  # votes · it in int64
    if isinstance(tier, LevellingTier):
        house = sum(c.magnitude + _tier_seats(tier, c) for c in general)
        return (isinstance(tier.placement, DivisorSeries)
                and house <= MAX_MAGNITUDE  # the national count is one row of `allocate_batch`
                and _threshold_counts(tier.threshold, general, seats_won=True))
    return True  # a remainder pool


def _tier_seats(tier: LevellingTier, c: Constituency) -> int:
    """The levelling seats placed in constituency c, as `LevellingTier.apportion` reads them."""
    return tier.seats_per_constituency if c.tier_seats is None else c.tier_seats


def _threshold_counts(threshold: Threshold, general: tuple[Constituency, ...], *,
                      seats_won: bool = False) -> bool:
    """Whether this path applies `threshold`; `seats_won`: a tier's, where the constituency
    seats won are counted already."""
    conditions = (*threshold.conditions, *(b.condition for b in threshold.by_list))
    for cond in conditions:
        if isinstance(cond, VoteShare):
            if cond.share is None and (sum(c.magnitude for c in general) == 0 if
                                       cond.scope is Scope.NATIONAL else
                                       any(c.magnitude == 0 for c in general)):
                return False  # a natural quota of no seats: `allocate` refuses it
        elif not (isinstance(cond, ConstituencyWins)
                  or (seats_won and isinstance(cond, ConstituencySeats))):
            return False  # seats won, before a tier: a count without the threshold first
    return True


class _Count:
    """One batch of draws through the law's parts, in `run`: a tied row is counted again alone
    by the exact path (`apportion`, the law's tie rule and the draw's seed), a tied tier too;
    a draw where that refuses (no list to fill the seats) is left to `allocate` whole."""

    def __init__(self, votes: Ints, election: Election, law: Law, lists: tuple[str, ...],
                 seed: int, workers: int) -> None:
        self.votes = votes
        self.election = election
        self.law = law
        self.lists = lists
        self.seed = seed
        self.workers = workers
        self.rows = 0
        cs = election.constituencies
        index = {p: j for j, p in enumerate(lists)}
        self.columns = [np.array([index[p] for p in c.votes], dtype=np.int64) for c in cs]
        self.general = [k for k, c in enumerate(cs) if c.name not in law.reserved]
        self.n = votes.shape[1]
        self.uncertain = np.zeros(self.n, dtype=np.bool_)
        self._national_votes: Ints | None = None
        self.blocs = Blocs.of(election, law)

    def run(self, tier: Ints, placed: Ints) -> tuple[Ints, Bools]:
        """The seats, tier seats into `tier` and where they are placed into `placed`, and the
        draws left to `allocate`."""
        taking = self._taking()
        groups: dict[Rule, list[int]] = defaultdict(list)
        apart = (self.general if self.law.mixed is not None or self.law.biproportional
                 is not None else [])  # counted by `_mix`, `_biproportion`
        for k, c in enumerate(self.election.constituencies):
            if k not in apart:
                groups[self.law.rule_for(c.name)].append(k)
        every = list(range(self.votes.shape[0]))
        seats = None if list(groups.values()) == [every] else np.zeros(self.votes.shape,
                                                                         dtype=np.int64)
        for rule, ks in groups.items():
            seats = self._apportion(rule, ks, taking, seats)
        assert seats is not None
        if self.law.mixed is not None:
            for k in apart:
                self._mix(k, taking, seats)
        elif apart:
            self._biproportion(taking, seats)
        if isinstance(self.law.tier, CompensatoryTier):
            self._compensate(self.law.tier, seats, tier)
        elif isinstance(self.law.tier, LevellingTier):
            self._level(self.law.tier, seats, tier, placed)
        elif isinstance(self.law.tier, RemainderPool):
            pool_draws(self, self.law.tier, seats, taking, tier, placed)
        return seats, self.uncertain

    def _taking(self) -> Bools | None:
        """Constituency × draw × list: the columns in each count (its lists, past the threshold
        in a general constituency); None when every column is a list in its count."""
        threshold = self.law.threshold
        if threshold is None or not self.general:
            padded = any(len(c.votes) < self.votes.shape[2] for c in self.election.constituencies)
            return self._admitted(None) if padded else None
        return self._admitted(threshold)

    def _admitted(self, threshold: Threshold | None, won: Ints | None = None) -> Bools:
        """Constituency × draw × list: each constituency's lists that `threshold` admits (in a
        general constituency; all of a reserved contest's), none past its lists. `won`, draw ×
        list of `lists`: the constituency seats a tier's threshold counts."""
        v = self.votes
        taking = np.zeros(v.shape, dtype=np.bool_)
        for k, c in enumerate(self.election.constituencies):
            taking[k, :, : len(c.votes)] = True
        if threshold is None:
            return taking
        cs = self.election.constituencies
        totals = v.sum(axis=2)  # constituency × draw: the lists' votes
        bases: dict[Base, Ints] = {}  # a base → general constituency × draw

        def based(base: Base) -> Ints:
            if base not in bases:
                bases[base] = np.array([base_of(totals[k], cs[k], base) for k in self.general])
            return bases[base]

        conditions = {id(f): f for f in (*threshold.conditions,
                                          *(b.condition for b in threshold.by_list))}
        nationally: dict[int, Bools] = {}  # a national condition → draw × list of `lists`
        # Without conditions by list every list faces the same ones: asked list by list, in
        # Python, for each chunk, they were half of this.
        same = None if threshold.by_list else tuple(id(f) for f in threshold.conditions)
        for g, k in enumerate(self.general):
            width = len(cs[k].votes)
            faced = {j: same or tuple(id(f) for f in threshold.conditions_for(
                p, self.election.lists)) for j, p in enumerate(cs[k].votes)
                if p not in threshold.exempt}
            met: dict[int, Bools] = {}  # condition → draw × column
            for key in {f for fs in faced.values() for f in fs}:
                cond = conditions[key]
                if isinstance(cond, ConstituencyWins):
                    met[key] = np.broadcast_to(np.array([cond.met_by(self.election.lists.get(
                        p, {})) for p in cs[k].votes]), (self.n, width))
                    continue
                if isinstance(cond, ConstituencySeats):
                    assert won is not None  # `_threshold_counts` admits it for a tier only
                    met[key] = won[:, self.columns[k]] >= cond.seats
                    continue
                assert isinstance(cond, VoteShare)
                if cond.scope is Scope.CONSTITUENCY:
                    share = Fraction(1, cs[k].magnitude) if cond.share is None else cond.share
                    met[key] = _at_least(v[k, :, :width], based(cond.base)[g][:, None], share)
                    continue
                if key not in nationally:
                    room = sum(cs[x].magnitude for x in self.general)
                    share = Fraction(1, room) if cond.share is None else cond.share
                    nationally[key] = _at_least(self._national(),
                                                based(cond.base).sum(axis=0)[:, None], share)
                met[key] = nationally[key][:, self.columns[k]]
            for fs in set(faced.values()):
                columns = [j for j, x in faced.items() if x == fs]
                every = columns == list(range(width))  # as a slice: no copies
                admitted = met[fs[0]] if every else met[fs[0]][:, columns]
                for key in fs[1:]:
                    admitted = admitted | (met[key] if every else met[key][:, columns])
                if every:
                    taking[k, :, :width] = admitted
                else:
                    taking[k][:, columns] = admitted
        if threshold.fallback is not None:
            fall_back(self, threshold, taking)
        return taking

    def _general_columns(self) -> Ints:
        """Constituency × column: the column's list in `lists`, -1 outside the general count."""
        columns = np.full((self.votes.shape[0], self.votes.shape[2]), -1, dtype=np.int64)
        for k in self.general:
            columns[k, : len(self.columns[k])] = self.columns[k]
        return columns

    def _national(self) -> Ints:
        """Draw × list of `lists`: the votes summed over the general constituencies by list
        (summed once, for the threshold and the tier)."""
        if self._national_votes is None:
            self._national_votes = np.zeros((self.n, len(self.lists)), dtype=np.int64)
            _add_up(self.votes, self._general_columns(), self._national_votes)
        return self._national_votes

    def _drawn(self, k: int, i: int) -> Constituency:
        """Constituency k with draw i's votes."""
        c = self.election.constituencies[k]
        return replace(c, votes=dict(zip(c.votes, self.votes[k, i, : len(c.votes)].tolist(),
                                         strict=True)))

    def _apportion(self, rule: Rule, ks: list[int], taking: Bools | None, seats: Ints | None
                   ) -> Ints:
        """The constituencies `ks` under `rule`, all their draws in one batch, into `seats`
        (None: `ks` are all of them, and the batch's seats are the seats)."""
        v, n = self.votes, self.n
        width = v.shape[2]
        rows = v.reshape(-1, width) if seats is None else v[ks].reshape(-1, width)
        mine = None if taking is None else taking[ks].reshape(-1, width)
        magnitudes = np.repeat([self.election.constituencies[k].magnitude for k in ks], n)
        if isinstance(rule, SntvRule):
            got, tied = _sntv(rows, magnitudes,
                              np.ones(rows.shape, dtype=np.bool_) if mine is None else mine)
        else:
            series = rule.series if isinstance(rule, DivisorRule) else rule
            if self.blocs is None:
                batch = allocate_batch(rows, magnitudes, series, taking=mine,
                                       workers=self.workers)
            else:
                assert isinstance(series, DivisorSeries | QuotaRule)  # as `_counts` sees to it
                batch = self.blocs.apportion(rows, magnitudes, series, mine, ks, self.workers)
            got, tied = batch.seats, batch.tied
        if seats is None:
            seats = got.reshape(v.shape)
        else:
            seats[ks] = got.reshape(len(ks), n, width)
        for r in np.flatnonzero(tied):
            g, i = divmod(int(r), n)
            self._recount(ks[g], i, taking, seats)
        return seats

    def _mix(self, k: int, taking: Bools | None, seats: Ints) -> None:
        """The mixed-member count of constituency k (the national one) on every draw, into
        `seats`; a draw it hands back is counted again by the exact path."""
        c = self.election.constituencies[k]
        wins = wins_of(self.election.lists)
        column = np.zeros(self.votes.shape[2], dtype=np.int64)
        column[: len(c.votes)] = [wins.get(p, 0) for p in c.votes]
        rule = self.law.rule
        assert self.law.mixed is not None and isinstance(rule, DivisorRule | QuotaRule)
        seats[k], again = count_mixed(self.votes[k], None if taking is None else taking[k],
                                      column, c.magnitude, rule, self.law.mixed, self.workers)
        for i in np.flatnonzero(again):
            self._recount(k, int(i), taking, seats)

    def _biproportion(self, taking: Bools | None, seats: Ints) -> None:
        """The biproportional count of the general constituencies on every draw, into `seats`:
        a list the threshold admits in any of them takes part in all; a draw it leaves
        unproven goes to `allocate` whole."""
        part, rule = self.law.biproportional, self.law.rule
        assert part is not None and isinstance(rule, DivisorRule)
        assert isinstance(rule.series, DivisorSeries)
        columns = self._general_columns()
        cells = np.zeros((self.n, len(self.lists), len(self.general)), dtype=np.int64)
        qualified = np.zeros((self.n, len(self.lists)), dtype=np.int64)
        for g, k in enumerate(self.general):
            there = columns[k, : len(self.columns[k])]
            cells[:, there, g] = self.votes[k, :, : there.size]
            qualified[:, there] += (True if taking is None else taking[k, :, : there.size])
        magnitudes = np.array([self.election.constituencies[k].magnitude
                               for k in self.general], dtype=np.int64)
        got, unsettled = biproportion(cells, qualified > 0, magnitudes, part, rule.series,
                                      self.workers)
        for g, k in enumerate(self.general):
            seats[k, :, : len(self.columns[k])] = got[:, self.columns[k], g]
        self.uncertain |= unsettled

    def _recount(self, k: int, i: int, taking: Bools | None, seats: Ints) -> None:
        """Constituency k of draw i by the exact path, as `allocate` counts it."""
        c = self.election.constituencies[k]
        width = len(c.votes)
        alone = self._drawn(k, i)
        allowed = frozenset(c.votes if taking is None else (
            p for p, x in zip(c.votes, taking[k, i, :width], strict=True) if x))
        self.rows += 1
        try:
            outcome = apportion(alone, self.law, allowed, self.seed + i, self.election.lists)
        except AllocationError:
            self.uncertain[i] = True
            return
        if sum(outcome.seats.values()) < c.magnitude and not _pools(self.law.rule_for(c.name)):
            self.uncertain[i] = True
        seats[k, i, :width] = [outcome.seats.get(p, 0) for p in c.votes]

    def _compensate(self, tier: CompensatoryTier, seats: Ints, out: Ints) -> None:
        """`CompensatoryTier.apportion` on every draw: newcomers' whole quotas, then the rest by
        the tier's rule among the lists that won constituency seats and reach the quota."""
        columns = self._general_columns()
        present = np.zeros(len(self.lists), dtype=np.bool_)
        for k in self.general:
            present[self.columns[k]] = True
        winners = np.zeros(out.shape, dtype=np.bool_)
        flags = np.zeros(self.n, dtype=np.int8)
        _phase_one(self._national(), seats, columns, present, tier.quota_seats, tier.seats, out,
                   winners, flags)
        self.uncertain |= flags == _REFUSED
        left = np.maximum(tier.seats - out.sum(axis=1), 0)
        self.uncertain |= (left > 0) & ~winners.any(axis=1)  # `allocate` refuses these
        series = tier.rule.series if isinstance(tier.rule, DivisorRule) else tier.rule
        some = np.flatnonzero(winners.any(axis=0))  # the count's columns: winners somewhere
        national = self._national()[:, some]
        national[self.uncertain] = 0  # counted by `allocate` whole
        rest = allocate_batch(national, np.where(self.uncertain, 0, left), series,
                              taking=winners[:, some], workers=self.workers)
        out[:, some] += rest.seats
        for i in np.flatnonzero(((flags == _ORDERED) | rest.tied) & ~self.uncertain):
            votes = dict.fromkeys((p for j, p in enumerate(self.lists) if present[j]), 0)
            won = dict(votes)
            for k in self.general:
                for p, x, y in zip(self.election.constituencies[k].votes,
                                   self.votes[k, i].tolist(), seats[k, i].tolist(),
                                   strict=False):
                    votes[p] += x
                    won[p] += y
            self.rows += 1
            try:
                result = tier.apportion(votes, sum(votes.values()), won, Precedence.draw(
                    tier.name, votes, self.law.tie, self.seed + int(i)))
            except AllocationError:
                self.uncertain[i] = True
                continue
            out[i] = [result.seats.get(p, 0) for p in self.lists]

    def _level(self, tier: LevellingTier, seats: Ints, out: Ints, placed: Ints) -> None:
        """`LevellingTier.apportion` on every draw: the whole house shared by the national
        rule among the lists over the tier's threshold, the lists over their share left out
        and the share counted again without them, as often as it takes; then each list's
        levelling seats placed by `_place`. A draw whose count a tie could change — in the
        national share, or between two lists' equal quotients in the placement — is counted
        again by the exact path, and so is one past the compiled path's integers."""
        cs = self.election.constituencies
        national = self._national()
        won = np.zeros_like(national)
        columns = self._general_columns()
        _add_up(seats, columns, won)
        admitted = np.zeros_like(national)  # constituencies each list is admitted in
        _add_up(self._admitted(tier.threshold, won).view(np.uint8), columns, admitted)
        qualified = admitted > 0
        room = np.zeros(len(cs), dtype=np.int64)  # levelling seats per constituency
        for k in self.general:
            room[k] = _tier_seats(tier, cs[k])
        house = sum(cs[k].magnitude for k in self.general) + int(room.sum())
        series = tier.national_rule.series if isinstance(tier.national_rule, DivisorRule) \
            else tier.national_rule
        again = national.max(axis=1, initial=0) >= MAX_VOTES  # for the exact path
        some = np.flatnonzero(qualified.any(axis=0))  # the count's columns: qualified somewhere
        sharing = qualified[:, some]
        votes, won_there = national[:, some], won[:, some]
        share = np.zeros_like(votes)
        all_won = won.sum(axis=1)
        todo = np.flatnonzero(~(again | self.uncertain))
        while todo.size:
            mine = sharing[todo]
            outside = all_won[todo] - np.where(mine, won_there[todo], 0).sum(axis=1)
            batch = allocate_batch(votes[todo], house - outside, series, taking=mine,
                                   workers=self.workers)
            share[todo] = batch.seats
            again[todo[batch.tied]] = True
            over = mine & (won_there[todo] > batch.seats)
            sharing[todo] &= ~over
            todo = todo[over.any(axis=1) & ~batch.tied]
        out[:, some] = np.where(sharing, np.maximum(share - won_there, 0), 0)
        placement = tier.placement
        assert isinstance(placement, DivisorSeries)
        length = max((c.magnitude for c in cs), default=0) + int(room.sum()) + 1  # seats in one
        table = placement.denominators(0, length)
        if table[-1] >= 2**62:  # divisors with denominators this fine: all by the exact path
            again[:] = True
        else:
            magnitude = np.array([c.magnitude for c in cs], dtype=np.int64)
            _place(self.votes, seats, columns, magnitude, room, out,
                   np.array(table, dtype=np.int64), placement.scale, tier.relative,
                   national, self.law.tie is TieRule.VOTES, again | self.uncertain, placed,
                   again)
        for i in np.flatnonzero(again & ~self.uncertain):
            self._level_exactly(tier, int(i), seats, out, placed)

    def _level_exactly(self, tier: LevellingTier, i: int, seats: Ints, out: Ints,
                       placed: Ints) -> None:
        """Draw i's levelling tier by the exact path, as `allocate` counts it; a draw it
        refuses (seats that cannot be placed) is left to `allocate` whole."""
        general = tuple(self._drawn(k, i) for k in self.general)
        won = {c.name: dict(zip(c.votes, seats[k, i].tolist(), strict=False))
               for k, c in zip(self.general, general, strict=True)}
        precedence = Precedence.draw(tier.name, add_up(c.votes for c in general),
                                     self.law.tie, self.seed + i)
        self.rows += 1
        try:
            result = tier.apportion(general, won, precedence, self.election.lists)
        except AllocationError:
            self.uncertain[i] = True
            return
        out[i] = [result.seats.get(p, 0) for p in self.lists]
        for k, c in zip(self.general, general, strict=True):
            there = result.placed.get(c.name, {})
            placed[k, i, : len(c.votes)] = [there.get(p, 0) for p in c.votes]


_ORDERED, _REFUSED = 1, 2  # phase one: the tie rule orders newcomers; for `allocate` whole


@numba.njit(nogil=True, cache=True)
def _phase_one(national: Ints, seats: Ints, columns: Ints, present: Bools, quota_seats: int,
               tier_seats: int, whole: Ints, winners: Bools, flags: NDArray[np.int8]) -> None:
    """A compensatory tier's first phase on every draw i, from each list's `national` votes
    (draw × list: `_Count._national`, summed once for this and the second phase) and its
    constituency seats (summed here; `columns[k, j]`: constituency k's list j, -1 outside the
    general count): a list of `present` reaching the natural quota (valid ÷ `quota_seats`)
    without constituency seats takes its whole quotas, most votes first while seats are left,
    into `whole`; one reaching it with seats is one of the `winners`. `_ORDERED` where two
    newcomers with equal votes compete for too few seats; `_REFUSED` without valid votes, or
    with votes past the compiled path's."""
    n_lists = whole.shape[1]
    newcomers = np.empty(n_lists, dtype=np.int64)  # a draw's, by column
    done = np.zeros(n_lists, dtype=np.bool_)
    won = np.zeros(n_lists, dtype=np.int64)
    for i in range(national.shape[0]):
        won[:] = 0
        for k in range(seats.shape[0]):
            for j in range(seats.shape[2]):
                if columns[k, j] >= 0:
                    won[columns[k, j]] += seats[k, i, j]
        valid = 0
        most = 0
        for j in range(n_lists):
            valid += national[i, j]
            most = max(most, national[i, j])
        if valid == 0 or most >= MAX_VOTES:
            flags[i] = _REFUSED
            continue
        given = 0
        count = 0
        for j in range(n_lists):
            x = national[i, j] * quota_seats
            if present[j] and x >= valid:
                if won[j] == 0:
                    whole[i, j] = x // valid
                    given += whole[i, j]
                    newcomers[count] = j
                    count += 1
                else:
                    winners[i, j] = True
        if given <= tier_seats:
            continue
        # Most votes first, among the newcomers only: scanning every list for each (a few
        # dozen newcomers of 400 lists) was most of a 2005 projection's tier.
        done[:] = False
        left = tier_seats
        while True:
            best = -1
            equal = False
            for j in newcomers[:count]:
                if not done[j]:
                    if best < 0 or national[i, j] > national[i, best]:
                        best, equal = j, False
                    elif national[i, j] == national[i, best]:
                        equal = True
            if best < 0:
                break
            if equal:
                flags[i] = _ORDERED
            done[best] = True
            whole[i, best] = min(left, whole[i, best])
            left -= whole[i, best]


@numba.njit(nogil=True, cache=True)
def _place(votes: Ints, seats: Ints, columns: Ints, magnitude: Ints, room: Ints,
           levelling: Ints, table: Ints, scale: int, relative: bool, national: Ints,
           by_votes: bool, skip: Bools, placed: Ints, again: Bools) -> None:
    """`LevellingTier._place` on every draw i not to `skip`: one seat at a time to the highest
    next quotient of a list with levelling seats left in a constituency with `room` left —
    votes·`scale` ÷ `table`[its seats there] (the series' integer denominators), divided by
    the constituency's votes per constituency seat when `relative` — compared exactly by
    cross-multiplication. Of equal quotients, one list's go to the earlier constituency, two
    lists' to the one with more `national` votes when the tie rule goes `by_votes` first (the
    tier's precedence). Two lists' equal quotients the lot decides, no pair left for a seat
    (the exact path refuses), or quotients past int64 mark the draw `again`."""
    n_k, n_draws, width = votes.shape
    pairs_k = np.empty(n_k * width, dtype=np.int64)  # a pair: a list in a constituency
    pairs_j = np.empty(n_k * width, dtype=np.int64)
    pairs_c = np.empty(n_k * width, dtype=np.int64)
    nums = np.empty(n_k * width, dtype=np.int64)  # its next quotient: nums / dens
    dens = np.empty(n_k * width, dtype=np.int64)
    per = np.empty(n_k * width, dtype=np.int64)  # dens = table[its seats there] · per
    held = np.empty(n_k * width, dtype=np.int64)
    left = np.empty(levelling.shape[1], dtype=np.int64)
    open_ = np.empty(n_k, dtype=np.int64)
    for i in range(n_draws):
        if skip[i]:
            continue
        to_place = 0
        for c in range(levelling.shape[1]):
            left[c] = levelling[i, c]
            to_place += left[c]
        if to_place == 0:
            continue
        most_num = 0.0
        most_den = 0.0
        count = 0
        for k in range(n_k):
            open_[k] = room[k]
            if room[k] == 0:
                continue
            valid = 0
            for j in range(width):
                valid += votes[k, i, j]
            for j in range(width):
                c = columns[k, j]
                x = votes[k, i, j]
                if c < 0 or left[c] == 0 or x == 0:
                    continue
                pairs_k[count], pairs_j[count], pairs_c[count] = k, j, c
                nums[count] = x * scale * magnitude[k] if relative else x * scale
                per[count] = valid if relative else 1
                held[count] = seats[k, i, j]
                most_num = max(most_num, float(x) * scale * (magnitude[k] if relative else 1))
                most_den = max(most_den, float(per[count]))
                count += 1
        most_den *= float(table[table.size - 1])
        if most_num * most_den >= 2.0**62:  # cross products past int64
            again[i] = True
            continue
        for q in range(count):
            dens[q] = table[held[q]] * per[q]
            if nums[q] == 0 and dens[q] == 0:  # as `Quotient`: no votes per seat, no quotient
                dens[q] = 1
        while to_place:
            best = -1
            tied = False
            for q in range(count):
                c = pairs_c[q]
                if left[c] == 0 or open_[pairs_k[q]] == 0:
                    continue
                if best < 0 or nums[q] * dens[best] > nums[best] * dens[q]:
                    best, tied = q, False
                    continue
                other = pairs_c[best]
                if nums[q] * dens[best] < nums[best] * dens[q] or c == other:
                    continue
                if by_votes and national[i, c] > national[i, other]:
                    best, tied = q, False
                elif not by_votes or national[i, c] == national[i, other]:
                    tied = True  # the lot's
            if best < 0 or tied:
                again[i] = True
                break
            k = pairs_k[best]
            placed[k, i, pairs_j[best]] += 1
            held[best] += 1
            dens[best] = table[held[best]] * per[best]
            if nums[best] == 0 and dens[best] == 0:
                dens[best] = 1
            left[pairs_c[best]] -= 1
            open_[k] -= 1
            to_place -= 1


@numba.njit(nogil=True, cache=True)
def _add_up(values: Ints | NDArray[np.uint8], columns: Ints, out: Ints) -> None:
    """out[i, columns[k, j]] += values[k, i, j] wherever columns[k, j] is a column (not -1);
    draw by draw, so that a draw's row of `out` stays in cache."""
    for i in range(values.shape[1]):
        for k in range(values.shape[0]):
            for j in range(values.shape[2]):
                c = columns[k, j]
                if c >= 0:
                    out[i, c] += values[k, i, j]


def _at_least(votes: Ints, base: Ints, share: Fraction) -> Bools:
    """votes ≥ share · base, exactly in integers (Python's beyond int64)."""
    num, den = share.numerator, share.denominator
    if max(int(votes.max(initial=0)), int(base.max(initial=0))) * max(num, den) >= 2**62:
        return np.asarray(votes.astype(object) * den >= base.astype(object) * num, dtype=bool)
    out: Bools = votes * den >= base * num
    return out


def _sntv(votes: Ints, magnitude: Ints, taking: Bools) -> tuple[Ints, Bools]:
    """Each row's `magnitude` columns with most votes among those `taking` part (SNTV on lists'
    votes); tied where the last seat's votes equal the next's, or where there are too few."""
    seats = np.zeros(votes.shape, dtype=np.int64)
    tied = np.zeros(votes.shape[0], dtype=np.bool_)
    ranked = -np.sort(-np.where(taking, votes, -1), axis=1)  # not taking part: below any vote
    for m in np.unique(magnitude):
        if m == 0:
            continue
        rows = np.flatnonzero(magnitude == m)
        mine = ranked[rows]
        if m > votes.shape[1]:
            tied[rows] = True
            continue
        last = mine[:, m - 1]
        too_few = last < 0
        if m < votes.shape[1]:
            too_few |= mine[:, m] == last
        tied[rows] = too_few
        seats[rows] = (np.where(taking[rows], votes[rows], -1) >= last[:, None]).astype(np.int64)
    return seats, tied
