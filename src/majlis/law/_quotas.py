"""Quota (largest-remainder) methods: one seat per whole quota, the rest by remainders.

The quota is computed on the votes of the lists still in the count (after any threshold), which
is how Iraq's January 2005 count "recomputed" the quota once small lists were excluded.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from fractions import Fraction

from ._divisors import DIVISOR_SERIES, Outcome, _boundary_tie, highest_averages
from ._ties import Precedence
from ._values import Award, Tie

QuotaFunction = Callable[[int, int], Fraction]


def _droop(votes: int, seats: int) -> Fraction:
    return Fraction(votes // (seats + 1) + 1)


QUOTAS: Mapping[str, QuotaFunction] = {
    "hare": lambda v, s: Fraction(v, s),
    "droop": _droop,
    "droop-exact": lambda v, s: Fraction(v, s + 1),
    "hagenbach-bischoff": lambda v, s: Fraction(v, s + 1),
    "imperiali-quota": lambda v, s: Fraction(v, s + 2),
}


class Remainder(StrEnum):
    """How seats left after whole quotas go: largest remainders, highest averages (D'Hondt),
    or nowhere here — `pooled`: a national pool of the remainders gives them (`RemainderPool`)."""

    LARGEST = "largest"
    HIGHEST_AVERAGE = "highest-average"
    POOLED = "pooled"


class Rounding(StrEnum):
    """How a law makes the quota a whole number of votes (Slovakia: down), if it does."""

    DOWN = "down"
    UP = "up"
    NEAREST = "nearest"

    def of(self, quota: Fraction) -> Fraction:
        if self is Rounding.DOWN:
            return Fraction(math.floor(quota))
        if self is Rounding.UP:
            return Fraction(math.ceil(quota))
        return Fraction(math.floor(quota + Fraction(1, 2)))  # half up


@dataclass(frozen=True, slots=True)
class QuotaRule:
    """Whole quotas first, then the remaining seats by `remainder`; the quota is exact unless
    `rounding` makes it a whole number."""

    quota: str
    remainder: Remainder = Remainder.LARGEST
    rounding: Rounding | None = None

    def quota_of(self, total: int, seats: int) -> Fraction:
        """The quota for `seats` among lists holding `total` votes, rounded as the law says."""
        quota = QUOTAS[self.quota](total, seats)
        return quota if self.rounding is None else self.rounding.of(quota)

    def apportion(self, votes: Mapping[str, int], seats: int, precedence: Precedence) -> Outcome:
        if not seats:  # a constituency with no seats has no quota (Hare's would divide by 0)
            return Outcome(dict.fromkeys(votes, 0), (), None, ())
        quota = self.quota_of(sum(votes.values()), seats)
        # Remainders in integers over the quota's denominator: v - quota·w = over[p] / qd.
        qn, qd = quota.numerator, quota.denominator
        whole = {p: v * qd // qn if qn else 0 for p, v in votes.items()}
        over = {p: v * qd - qn * whole[p] for p, v in votes.items()}
        rank = precedence.rank
        # Whole quotas can exceed the seats (Imperiali quota): take back the smallest remainders,
        # one seat at a time (a list that gave one back now holds a whole quota more).
        taken: list[str] = []
        while sum(whole.values()) > seats:
            list_name = min((p for p in whole if whole[p]), key=lambda p: (over[p], -rank[p]))
            whole[list_name] -= 1
            over[list_name] += qn
            taken.append(list_name)
        awards = [
            Award(seat=seat, list=p, value=quota, stage="quota")
            for seat, p in enumerate((p for p in sorted(votes, key=rank.__getitem__)
                                      for _ in range(whole[p])), 1)
        ]
        remaining = seats - len(awards)
        if self.remainder is Remainder.POOLED:
            return Outcome(whole, tuple(awards), None, (), taken_back=tuple(taken))
        if self.remainder is Remainder.HIGHEST_AVERAGE:
            rest = highest_averages(
                votes, remaining, DIVISOR_SERIES["dhondt"], precedence,
                initial=whole, stage="remainder",
            )
            shifted = tuple(replace(a, seat=a.seat + len(awards)) for a in rest.awards)
            runner_up = rest.runner_up and replace(rest.runner_up,
                                                   seat=rest.runner_up.seat + len(awards))
            return Outcome(rest.seats, (*awards, *shifted), runner_up,
                           tuple(replace(t, seat=t.seat + len(awards)) for t in rest.ties),
                           taken_back=tuple(taken))
        order = sorted(votes, key=lambda p: (-over[p], rank[p]))
        seats_won = dict(whole)
        # More seats left than lists only happens with tiny counts; remainders then go round again.
        for i in range(remaining):
            list_name = order[i % len(order)]
            seats_won[list_name] += 1
            awards.append(Award(seat=len(awards) + 1, list=list_name,
                                value=Fraction(over[list_name], qd), stage="remainder"))
        runner_up = None
        if len(order) > 1:
            nxt = order[remaining % len(order)]
            runner_up = Award(seat=seats + 1, list=nxt, value=Fraction(over[nxt], qd),
                              stage="remainder")
        ties: tuple[Tie, ...] = ()
        if remaining and runner_up is not None and awards[-1].value == runner_up.value:
            later = order[remaining % len(order):]
            waiting: list[tuple[Fraction | None, str]] = [(Fraction(over[p], qd), p)
                                                          for p in later]
            ties = _boundary_tie(awards[-remaining:], runner_up, waiting, precedence)
        return Outcome(seats_won, tuple(awards), runner_up, ties, taken_back=tuple(taken))
