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

from ._divisors import DIVISOR_SERIES, Outcome, Series, _boundary_tie, highest_averages
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


@dataclass(frozen=True, slots=True, kw_only=True)
class RemainderLimits:
    """Limits on the largest-remainder stage, and the stage that gives what they leave.

    Dutch councils of fewer than 19 seats (Kieswet art. P 8) are the model: a remainder seat only
    to a list whose votes reach `min_quota` of the quota (3/4), at most `cap` per list (1); the
    seats still left by highest averages (`then`, D'Hondt: votes ÷ (seats held + 1)) among the
    lists whose votes reach `then_min_quota` of the quota, at most `then_cap` per list until no
    list taking part can take one more under it, then without it.
    """

    cap: int | None = None
    min_quota: Fraction = Fraction(0)
    then: Series | None = None
    then_cap: int | None = None
    then_min_quota: Fraction = Fraction(0)


@dataclass(frozen=True, slots=True)
class QuotaRule:
    """Whole quotas first, then the remaining seats by `remainder`; the quota is exact unless
    `rounding` makes it a whole number. `limits` restrict the largest remainders and name the
    stage after them."""

    quota: str
    remainder: Remainder = Remainder.LARGEST
    rounding: Rounding | None = None
    limits: RemainderLimits | None = None

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
        limits = self.limits or RemainderLimits()
        order = [p for p in sorted(votes, key=lambda p: (-over[p], rank[p]))
                 if _reaches(votes[p], quota, limits.min_quota)]
        # More seats left than lists: remainders go round again, up to the cap.
        by_remainder = (0 if not order else remaining if limits.cap is None
                        else min(remaining, limits.cap * len(order)))
        seats_won = dict(whole)
        for i in range(by_remainder):
            list_name = order[i % len(order)]
            seats_won[list_name] += 1
            awards.append(Award(seat=len(awards) + 1, list=list_name,
                                value=Fraction(over[list_name], qd), stage="remainder"))
        room = len(order) * limits.cap if limits.cap is not None else None
        if remaining > by_remainder or (room is not None and by_remainder >= room) or not order:
            return self._then(votes, quota, seats_won, awards, remaining - by_remainder,
                              precedence, taken)
        runner_up = None
        if len(order) > 1:
            nxt = order[by_remainder % len(order)]
            runner_up = Award(seat=seats + 1, list=nxt, value=Fraction(over[nxt], qd),
                              stage="remainder")
        ties: tuple[Tie, ...] = ()
        if by_remainder and runner_up is not None and awards[-1].value == runner_up.value:
            later = order[by_remainder % len(order):]
            waiting: list[tuple[Fraction | None, str]] = [(Fraction(over[p], qd), p)
                                                          for p in later]
            ties = _boundary_tie(awards[-by_remainder:], runner_up, waiting, precedence)
        return Outcome(seats_won, tuple(awards), runner_up, ties, taken_back=tuple(taken))

    def _then(
        self,
        votes: Mapping[str, int],
        quota: Fraction,
        seats_won: dict[str, int],
        awards: list[Award],
        left: int,
        precedence: Precedence,
        taken: list[str],
    ) -> Outcome:
        """The seats the limited largest remainders leave, by the limits' `then` stage: first at
        most `then_cap` per list, then without the cap. No `then`: they stay unfilled (the law's
        count refuses the result). The runner-up is the next in line at that stage."""
        limits = self.limits or RemainderLimits()
        if limits.then is None:
            return Outcome(seats_won, tuple(awards), None, (), taken_back=tuple(taken))
        taking = {p: v for p, v in votes.items() if _reaches(v, quota, limits.then_min_quota)}
        start = dict(seats_won)
        capped: list[Award] = []
        if limits.then_cap is not None:
            capped = _capped_averages(taking, left, limits.then, precedence, seats_won,
                                      limits.then_cap, start, len(awards))
        rest = highest_averages(taking, left - len(capped), limits.then, precedence,
                                initial={p: seats_won[p] for p in taking}, stage="average")
        for p, n in rest.seats.items():
            seats_won[p] = n
        first = len(awards) + len(capped)
        shifted = [replace(a, seat=a.seat + first) for a in rest.awards]
        runner_up = rest.runner_up and replace(rest.runner_up, seat=rest.runner_up.seat + first)
        if left == len(capped) and limits.then_cap is not None:
            runner_up = _next_capped(taking, limits.then, precedence, seats_won,
                                     limits.then_cap, start, first + 1) or runner_up
        ties = tuple(replace(t, seat=t.seat + first) for t in rest.ties)
        if not rest.awards and capped and runner_up is not None and limits.then_cap:
            waiting: list[tuple[Fraction | None, str]] = [
                (_average(taking[p], seats_won[p], limits.then), p) for p in taking
                if seats_won[p] - start[p] < limits.then_cap]
            ties = _boundary_tie(capped, runner_up, waiting, precedence)
        return Outcome(seats_won, (*awards, *capped, *shifted), runner_up, ties,
                       taken_back=tuple(taken))


def _reaches(votes: int, quota: Fraction, share: Fraction) -> bool:
    """Whether `votes` reach `share` of the quota (exactly at it counts). No share (no limits,
    every largest-remainder count) compares no Fractions: they were half of an exact Hare count
    of 30 lists, which a projection makes for each row a tie could change."""
    return votes >= 0 if not share else votes >= share * quota


def _average(votes: int, held: int, series: Series) -> Fraction | None:
    return series.quotient(votes, held).value()


def _capped_averages(
    votes: Mapping[str, int],
    seats: int,
    series: Series,
    precedence: Precedence,
    won: dict[str, int],
    cap: int,
    start: Mapping[str, int],
    before: int,
) -> list[Award]:
    """Up to `seats` seats by highest averages, none to a list that has taken `cap` since
    `start`; stops early when every list has. Updates `won`; awards numbered after `before`."""
    awards: list[Award] = []
    for seat in range(before + 1, before + seats + 1):
        best = _best(votes, series, precedence, won, cap, start)
        if best is None:
            break
        won[best] += 1
        awards.append(Award(seat=seat, list=best, value=_average(votes[best], won[best] - 1,
                                                                  series), stage="average"))
    return awards


def _best(
    votes: Mapping[str, int], series: Series, precedence: Precedence, won: Mapping[str, int],
    cap: int, start: Mapping[str, int],
) -> str | None:
    """The list under the cap with the highest next average (equal: the law's precedence)."""
    open_lists = [p for p in votes if won[p] - start[p] < cap]
    if not open_lists:
        return None
    return min(open_lists, key=lambda p: (series.quotient(votes[p], won[p]),
                                          precedence.rank[p]))


def _next_capped(
    votes: Mapping[str, int], series: Series, precedence: Precedence, won: Mapping[str, int],
    cap: int, start: Mapping[str, int], seat: int,
) -> Award | None:
    """The runner-up of a capped round that gave the last seat: the next list under the cap."""
    best = _best(votes, series, precedence, won, cap, start)
    return None if best is None else Award(
        seat=seat, list=best, value=_average(votes[best], won[best], series), stage="average")
