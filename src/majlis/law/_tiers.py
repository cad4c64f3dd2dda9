"""Upper tiers: seats given on national votes on top of the constituency seats.

Two families, as laws write them:
- `CompensatoryTier` (Iraq, December 2005): national seats in two phases — first to lists that
  reached a natural quota nationally but won no constituency seat, then the rest among lists that
  won constituency seats — kept as national seats, not placed in constituencies.
- `LevellingTier` (Norway, Sweden, Iceland): the whole house is shared nationally among lists over
  the tier threshold; each list is topped up from its constituency seats to that share; a list
  already over its share (overhang) keeps its seats and the share is recomputed without it; the
  levelling seats are then placed in constituencies by the highest (relative) next quotient.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from majlis.errors import AllocationError

from ._divisors import HuntingtonHill, Quotient, Series
from ._quotas import QuotaRule
from ._rules import DivisorRule
from ._threshold import NO_LISTS, Threshold
from ._ties import Precedence
from ._values import Constituency, TierResult, add_up, frozen_mapping


@dataclass(frozen=True, slots=True, kw_only=True)
class CompensatoryTier:
    """National seats in two phases; qualifying needs one natural quota of the national vote.

    The natural quota is national valid votes ÷ `quota_seats` (the whole house in Iraq 2005).
    Phase one gives lists without constituency seats one seat per whole quota; phase two shares
    the remaining seats by `rule` among lists that won constituency seats and reach the quota.
    """

    name: str = "national"
    seats: int
    quota_seats: int
    rule: DivisorRule | QuotaRule = field(default_factory=lambda: QuotaRule("hare"))

    def apportion(
        self,
        national_votes: Mapping[str, int],
        valid: int,
        constituency_seats: Mapping[str, int],
        precedence: Precedence,
    ) -> TierResult:
        quota = Fraction(valid, self.quota_seats)
        seats = dict.fromkeys(national_votes, 0)
        left = self.seats
        newcomers = sorted(
            (p for p, v in national_votes.items()
             if v >= quota and constituency_seats.get(p, 0) == 0),
            key=lambda p: (-national_votes[p], precedence.rank[p]),
        )
        for list_name in newcomers:
            seats[list_name] = min(left, int(national_votes[list_name] // quota))
            left -= seats[list_name]
        winners = {
            p: v for p, v in national_votes.items()
            if v >= quota and constituency_seats.get(p, 0) > 0
        }
        if left and not winners:
            raise AllocationError(f"{self.name}: no list qualifies for the remaining seats")
        if left:
            for list_name, s in self.rule.apportion(winners, left, precedence).seats.items():
                seats[list_name] += s
        return TierResult(name=self.name, seats=frozen_mapping(seats))


@dataclass(frozen=True, slots=True, kw_only=True)
class LevellingTier:
    """Top lists up to their national proportional share of the whole house.

    `national_rule` shares the house nationally; `placement` gives the next-seat divisors used to
    place levelling seats, compared as quotient ÷ (constituency valid votes ÷ its constituency
    seats) when `relative` (Norway), or as plain quotients when not.
    """

    name: str = "levelling"
    seats_per_constituency: int
    threshold: Threshold
    national_rule: DivisorRule | QuotaRule
    placement: Series
    relative: bool = True

    def apportion(
        self,
        constituencies: tuple[Constituency, ...],
        constituency_seats: Mapping[str, Mapping[str, int]],
        precedence: Precedence,
        lists: Mapping[str, Mapping[str, str]] = NO_LISTS,
    ) -> TierResult:
        per_constituency = {
            c.name: self.seats_per_constituency if c.tier_seats is None else c.tier_seats
            for c in constituencies
        }
        house = sum(c.magnitude for c in constituencies) + sum(per_constituency.values())
        national = add_up(c.votes for c in constituencies)
        won = {p: 0 for p in national} | add_up(constituency_seats[c.name] for c in constituencies)
        qualified = set().union(*self.threshold.qualifying(constituencies, won, lists).values())
        excluded: set[str] = set()
        while True:
            sharing = {p: national[p] for p in qualified - excluded}
            outside = sum(s for p, s in won.items() if p not in sharing)
            share = self.national_rule.apportion(sharing, house - outside, precedence).seats
            over = {p for p in sharing if won[p] > share[p]}
            if not over:
                break
            excluded |= over
        levelling = {p: share[p] - won[p] for p in sharing if share[p] > won[p]}
        placed = self._place(constituencies, constituency_seats, per_constituency, levelling,
                             precedence)
        return TierResult(
            name=self.name,
            seats=frozen_mapping({p: levelling.get(p, 0) for p in national}),
            placed=frozen_mapping({d: frozen_mapping(s) for d, s in placed.items()}),
            entitlement=frozen_mapping(share),
            excluded=frozenset(excluded),
        )

    def _place(
        self,
        constituencies: tuple[Constituency, ...],
        constituency_seats: Mapping[str, Mapping[str, int]],
        per_constituency: Mapping[str, int],
        levelling: Mapping[str, int],
        precedence: Precedence,
    ) -> dict[str, dict[str, int]]:
        """One seat at a time to the highest relative quotient among open lists and constituencies.

        Each (list, constituency) pair waits in a heap at its next quotient; only the pair that
        takes a seat moves on, so a seat costs a heap step rather than a scan of every pair.
        Equal quotients go to the list of higher precedence, then to the earlier constituency.
        """
        list_left = dict(levelling)
        constituency_left = dict(per_constituency)
        placed: dict[str, dict[str, int]] = {c.name: {} for c in constituencies}
        heap: list[tuple[Quotient, int, int, str]] = []
        for i, c in enumerate(constituencies):
            for list_name, votes in c.votes.items():
                if list_left.get(list_name) and votes and constituency_left[c.name]:
                    seats = constituency_seats[c.name].get(list_name, 0)
                    heap.append((self._relative(c, votes, seats), precedence.rank[list_name], i,
                                 list_name))
        heapq.heapify(heap)
        while any(list_left.values()):
            while heap and not (list_left[heap[0][3]]
                                and constituency_left[constituencies[heap[0][2]].name]):
                heapq.heappop(heap)
            if not heap:
                raise AllocationError(f"{self.name}: levelling seats cannot be placed")
            _, rank, i, list_name = heapq.heappop(heap)
            c = constituencies[i]
            placed[c.name][list_name] = placed[c.name].get(list_name, 0) + 1
            list_left[list_name] -= 1
            constituency_left[c.name] -= 1
            seats = constituency_seats[c.name].get(list_name, 0) + placed[c.name][list_name]
            heapq.heappush(heap, (self._relative(c, c.votes[list_name], seats), rank, i, list_name))
        return placed

    def _relative(self, c: Constituency, votes: int, seats: int) -> Quotient:
        """The next quotient, divided by the constituency's valid votes per constituency seat
        when `relative` (squared for Huntington–Hill, whose quotients are compared squared)."""
        quotient = self.placement.quotient(votes, seats)
        if not self.relative:
            return quotient
        power = 2 if isinstance(self.placement, HuntingtonHill) else 1
        return Quotient(quotient.num * c.magnitude**power, quotient.den * c.valid_votes**power)
