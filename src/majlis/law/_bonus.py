"""A majority bonus: seats given to the first list before the rest are shared.

Several laws strengthen the winner this way (Greece, law 4654/2020: 20 seats at 25 % of the
valid votes, one more for each full half point above, at most 50). The bonus is a part of its
own, so that a law without it is the plain law, seat for seat.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from fractions import Fraction

from ._divisors import Outcome
from ._threshold import Base
from ._ties import Precedence
from ._values import Award, BonusAward, Constituency


@dataclass(frozen=True, slots=True, kw_only=True)
class MajorityBonus:
    """`seats` bonus seats to the list with most votes when its share of `base` reaches
    `share`; each full `step` of share above it adds `step_seats`, up to `max_seats`."""

    seats: int
    share: Fraction = Fraction(0)
    step: Fraction | None = None
    step_seats: int = 1
    max_seats: int | None = None
    base: Base = Base.VALID

    def seats_for(self, share: Fraction) -> int:
        """The bonus a first list with this share of the base earns (0 below `share`)."""
        if share < self.share:
            return 0
        bonus = self.seats
        if self.step is not None:
            bonus += self.step_seats * math.floor((share - self.share) / self.step)
        return bonus if self.max_seats is None else min(bonus, self.max_seats)

    def award(
        self, c: Constituency, votes: dict[str, int], precedence: Precedence
    ) -> BonusAward | None:
        """Who takes the bonus in this count and how many seats, or None when nobody does.

        The first list is the one with most votes among the lists in the count (equal votes:
        the precedence's order); the bonus never exceeds the constituency's seats.
        """
        if not votes:
            return None
        first = min(votes, key=lambda p: (-votes[p], precedence.rank[p]))
        base = self.base.of(c)
        share = Fraction(votes[first], base) if base else Fraction(0)
        seats = min(self.seats_for(share), c.magnitude)
        return BonusAward(list=first, share=share, seats=seats) if seats else None


def with_bonus(
    outcome: Outcome | None, bonus: BonusAward, votes: dict[str, int], precedence: Precedence
) -> Outcome:
    """The count of the other seats (None when the bonus took them all) with the bonus seats
    added in front of it: the bonus awards come first, the shared seats are numbered after
    them. Equal votes for first place are recorded as a tie at seat 1."""
    if outcome is None:
        outcome = Outcome(dict.fromkeys(votes, 0), (), None, ())
    level = [p for p, v in votes.items() if v == votes[bonus.list]]
    tie = (precedence.tie(1, level, bonus.list),) if len(level) > 1 else ()
    ahead = tuple(Award(seat=i, list=bonus.list, value=bonus.share, stage="bonus")
                  for i in range(1, bonus.seats + 1))
    shift = bonus.seats
    seats = dict(outcome.seats)
    seats[bonus.list] = seats.get(bonus.list, 0) + bonus.seats
    return replace(
        outcome,
        seats=seats,
        awards=(*ahead, *(replace(a, seat=a.seat + shift) for a in outcome.awards)),
        runner_up=outcome.runner_up and replace(outcome.runner_up,
                                                seat=outcome.runner_up.seat + shift),
        ties=(*tie, *(replace(t, seat=t.seat + shift) for t in outcome.ties)),
        bonus=bonus,
    )
