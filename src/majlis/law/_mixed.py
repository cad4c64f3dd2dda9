"""Mixed-member proportional representation: a national entitlement on party votes, with the
single-member constituencies won (counted elsewhere) subtracted.

The constituency tier is counted elsewhere: each list's wins come from the lists file's `wins`
column. Lists that take no part in the share — below the threshold, or with no party vote at
all (an independent candidate, entered as a list without votes) — keep their wins, and those
seats are taken out of the house before the share (New Zealand, Electoral Act 1993 s 191).
The sharing lists' entitlement is the law's own rule applied to the seats left; a list's list
seats are its entitlement less its wins. Wins beyond the entitlement (overhang) are, as the law
says, `kept` with the house enlarged by them, compensated by `levelling` (the house enlarged
until every entitlement covers its wins), or `capped` (not awarded).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from majlis.errors import AllocationError

from ._bounds import MAX_HOUSE
from ._divisors import Outcome
from ._quotas import QUOTAS, QuotaRule, Remainder
from ._rules import DivisorRule
from ._threshold import WINS
from ._values import Constituency, MixedCount, frozen_mapping

Share = Callable[[Mapping[str, int], int], Outcome]  # the law's rule: votes, seats → seats
Ceiling = Callable[[Mapping[str, int], int], Mapping[str, int]]  # most seats a list can take


class Overhang(StrEnum):
    """What becomes of constituency wins that the party-vote entitlement does not cover."""

    KEPT = "kept"
    LEVELLING = "levelling"
    CAPPED = "capped"


def quota_ceiling(rule: DivisorRule | QuotaRule) -> Ceiling | None:
    """For a largest-remainder quota method, the most seats each list can take: its whole
    quotas, one remainder seat, and one more for every round the remainders go round when more
    seats are left than lists. Lets levelling pass over houses that cannot cover the wins
    without counting them (a quota method is not monotone, so no house can be skipped blind)."""
    if (not isinstance(rule, QuotaRule) or rule.remainder is not Remainder.LARGEST
            or rule.limits is not None):  # a stage after the remainders has no such bound
        return None

    def most(votes: Mapping[str, int], seats: int) -> Mapping[str, int]:
        total = sum(votes.values())
        quota = QUOTAS[rule.quota](total, seats)
        if rule.rounding is not None:
            quota = rule.rounding.of(quota)
        if not quota:
            return dict.fromkeys(votes, seats)
        rounds = max(0, math.ceil((seats - total / quota) / len(votes)))
        return {p: int(v // quota) + 1 + rounds for p, v in votes.items()}

    return most


def wins_of(lists: Mapping[str, Mapping[str, str]]) -> dict[str, int]:
    """Constituencies won per list, from the lists file's `wins` column (none when empty)."""
    return {p: int(a[WINS]) for p, a in lists.items() if a.get(WINS)}


@dataclass(frozen=True, slots=True, kw_only=True)
class MixedMember:
    """The list tier of a mixed-member system, applied to one national count of party votes.

    The constituency's magnitude is the law's house. `monotone` says the law's rule never takes
    a seat from a list as the house grows (every divisor method), so the levelling house can be
    found by bisection; a quota method is enlarged one seat at a time, past the houses where
    `ceiling` shows that some list cannot reach its wins.
    """

    overhang: Overhang

    def count(
        self,
        c: Constituency,
        allowed: frozenset[str],
        wins: Mapping[str, int],
        share: Share,
        *,
        monotone: bool,
        ceiling: Ceiling | None = None,
    ) -> Outcome:
        """Seats per list in the house: entitlement, wins and overhang as the law treats them."""
        sharing = {p: v for p, v in c.votes.items() if p in allowed and v > 0}
        won = {p: wins.get(p, 0) for p in c.votes}
        outside = sum(w for p, w in won.items() if p not in sharing)
        base = c.magnitude - outside
        if base < 0:
            raise AllocationError(
                f"{c.name}: lists that do not share in the party vote won {outside} "
                f"constituencies, more than the {c.magnitude} seats of the house")
        if base and not sharing:
            raise AllocationError(f"{c.name}: no list qualifies for a seat")
        # Every seat taken by wins outside the share: nothing to count (a quota of 0 seats
        # would divide by zero).
        first = share(sharing, base) if base else Outcome(dict.fromkeys(sharing, 0), (), None, ())
        over = {p: max(0, won[p] - first.seats.get(p, 0)) for p in sharing}
        final, shared = first, base
        if self.overhang is Overhang.LEVELLING and any(over.values()):
            shared, final = _levelled(c.name, sharing, won, base, share, monotone, ceiling)
        entitlement = {p: final.seats.get(p, 0) for p in sharing}
        seats = {p: 0 if p in sharing else won[p] for p in c.votes}
        for p, e in entitlement.items():
            seats[p] = max(e, won[p]) if self.overhang is Overhang.KEPT else e
        house = {Overhang.KEPT: c.magnitude + sum(over.values()),
                 Overhang.LEVELLING: shared + outside,
                 Overhang.CAPPED: c.magnitude}[self.overhang]
        mixed = MixedCount(
            overhang_rule=self.overhang.value, seats=c.magnitude, outside=outside,
            shared=shared, house=house,
            entitlement=frozen_mapping(entitlement),
            wins=frozen_mapping({p: w for p, w in won.items() if w}),
            list_seats=frozen_mapping({p: max(0, e - won[p]) for p, e in entitlement.items()}),
            overhang=frozen_mapping({p: o for p, o in over.items() if o}),
            levelling=frozen_mapping({p: e - first.seats.get(p, 0)
                                      for p, e in entitlement.items()
                                      if e > first.seats.get(p, 0)}),
        )
        return replace(final, seats=seats, mixed=mixed)


def _levelled(
    name: str,
    sharing: Mapping[str, int],
    won: Mapping[str, int],
    base: int,
    share: Share,
    monotone: bool,
    ceiling: Ceiling | None,
) -> tuple[int, Outcome]:
    """The smallest house above `base` whose entitlement covers every sharing list's wins."""

    def covering(seats: int) -> Outcome | None:
        outcome = share(sharing, seats)
        return outcome if all(outcome.seats.get(p, 0) >= won[p] for p in sharing) else None

    def beyond() -> AllocationError:
        return AllocationError(f"{name}: levelling would enlarge the house past {MAX_HOUSE:,} "
                               "seats, the most majlis allocates")

    if not monotone:
        for seats in range(base + 1, MAX_HOUSE + 1):
            if ceiling is not None:
                most = ceiling(sharing, seats)
                if any(most[p] < won[p] for p in sharing):
                    continue
            found = covering(seats)
            if found is not None:
                return seats, found
        raise beyond()
    low, high, step = base, base + 1, 1  # low never covers; gallop until high does
    while (found := covering(high)) is None:
        if high >= MAX_HOUSE:
            raise beyond()
        low, step = high, step * 2
        high = min(MAX_HOUSE, base + step)
    while high - low > 1:
        middle = (low + high) // 2
        if (outcome := covering(middle)) is not None:
            high, found = middle, outcome
        else:
            low = middle
    return high, found
