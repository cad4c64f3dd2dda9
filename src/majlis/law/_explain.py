"""How close each list is to its next seat, or to losing its last one.

The question a results desk asks all night. Answered by re-running the constituency's own count
exactly with one list's votes changed (everything else held), so the answer is right for every
method and threshold the law combines, not only for divisor methods' closed forms. Upper-tier
seats are not re-run: margins speak of constituency seats.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import partial
from math import ceil, floor

from majlis.errors import AllocationError

from ._allocate import Law, apportion, qualifying
from ._divisors import DivisorSeries
from ._rules import DivisorRule, SntvRule
from ._values import Constituency, Election, frozen_mapping


@dataclass(frozen=True, slots=True, kw_only=True)
class Margin:
    """Votes a list must gain to win one more seat, or may lose and keep all it has.

    `to_gain` is None when no number of votes wins another seat (it holds them all);
    `to_lose` is None when the list has no seat to lose.
    """

    constituency: str
    list: str
    seats: int
    to_gain: int | None
    to_lose: int | None


def margins(
    election: Election, law: Law, constituency: str, *, seed: int = 0
) -> tuple[Margin, ...]:
    """The margin of every list in one constituency, all other votes held as counted.

    Under SNTV a list gains a seat through its best unelected candidate and loses one through its
    weakest elected candidate, so those are the votes varied. Under a biproportional law a
    general constituency is not counted alone — a vote there can move seats in every other —
    so it has no margins here (an empty tuple).
    """
    c = next(x for x in election.constituencies if x.name == constituency)
    general = law.general(election)
    if law.biproportional is not None and c in general:
        return ()

    def seats_with(name: str, candidate: str | None, votes: int) -> int:
        changed = _with_votes(c, name, candidate, votes)
        if law.threshold is None or c.name in law.reserved:
            allowed = frozenset(changed.votes)
        else:
            everywhere = tuple(changed if x.name == c.name else x for x in general)
            allowed = qualifying(law, everywhere, seed, election.lists)[c.name]
        try:
            return apportion(changed, law, allowed, seed, election.lists).seats.get(name, 0)
        except AllocationError:  # nobody left with a vote: no seat for anyone
            return 0

    rule = law.rule_for(c.name)
    counted = apportion(c, law, frozenset(c.votes), seed) if isinstance(rule, SntvRule) else None
    elected = set(counted.elected) if counted else set()
    hints = _divisor_hints(c, rule, seats_with) if isinstance(rule, DivisorRule) else {}
    result = []
    for party, votes in c.votes.items():
        gain: tuple[str | None, int] = (None, votes)
        lose = gain
        if isinstance(rule, SntvRule):
            mine = sorted((x for x in c.candidates if x.list == party), key=lambda x: -x.votes)
            out = [x for x in mine if x not in elected]
            won = [x for x in mine if x in elected]
            gain = (out[0].candidate, out[0].votes) if out else (None, 0)
            lose = (won[-1].candidate, won[-1].votes) if won else (None, 0)
        seats = seats_with(party, None, votes)
        gain_hint, lose_hint = hints.get(party, (None, None))
        result.append(Margin(
            constituency=c.name, list=party, seats=seats,
            to_gain=_to_gain(partial(seats_with, party, gain[0]), gain[1], seats, c, gain_hint),
            to_lose=_to_lose(partial(seats_with, party, lose[0]), lose[1], seats, lose_hint),
        ))
    return tuple(result)


def _divisor_hints(
    c: Constituency, rule: DivisorRule, seats_with: Callable[[str, str | None, int], int]
) -> dict[str, tuple[int | None, int | None]]:
    """Closed-form guesses for divisor methods, each then checked on the exact count.

    A list gains a seat when its next quotient passes the lowest quotient another list won with,
    and loses one when its last winning quotient falls below another list's next quotient.
    """
    if not isinstance(rule.series, DivisorSeries):
        return {}
    series = rule.series
    seats = {p: seats_with(p, None, v) for p, v in c.votes.items()}
    hints: dict[str, tuple[int | None, int | None]] = {}
    for party, votes in c.votes.items():
        others = [p for p in c.votes if p != party]
        won = [series.key(c.votes[p], k) for p in others for k in range(seats[p])]
        nxt = [series.key(c.votes[p], seats[p]) for p in others]
        gain = lose = None
        lowest = min(won, default=None)
        if isinstance(lowest, Fraction) and series.divisor(seats[party]):
            gain = max(1, floor(lowest * series.divisor(seats[party])) - votes + 1)
        best = max(nxt, default=None)
        if seats[party] and isinstance(best, Fraction) and series.divisor(seats[party] - 1):
            lose = min(votes, max(0, ceil(votes - best * series.divisor(seats[party] - 1)) - 1))
        hints[party] = (gain, lose)
    return hints


def _with_votes(c: Constituency, name: str, candidate: str | None, votes: int) -> Constituency:
    """The constituency with one list's (or one of its candidates') votes set to `votes`."""
    if candidate is None:
        delta = votes - c.votes[name]
        candidates = c.candidates
    else:
        old = next(x for x in c.candidates if x.list == name and x.candidate == candidate)
        delta = votes - old.votes
        candidates = tuple(replace(x, votes=votes) if x is old else x for x in c.candidates)
    return replace(c, votes=frozen_mapping({**c.votes, name: c.votes[name] + delta}),
                   candidates=candidates, valid=None if c.valid is None else c.valid + delta)


def _to_gain(
    seats_at: Callable[[int], int], votes: int, seats: int, c: Constituency, hint: int | None
) -> int | None:
    """Fewest extra votes that win one more seat: the hint if the exact count confirms it,
    else a binary search on the exact count."""
    if seats >= c.magnitude:
        return None
    if hint is not None and seats_at(votes + hint) > seats and (
            hint == 1 or seats_at(votes + hint - 1) <= seats):
        return hint
    # Gallop up to a bound far past any threshold share, then bisect: low never gains, high does.
    low, high = 0, 1
    bound = (c.valid_votes + c.list_votes + c.blank + 1) * (c.magnitude + 1) * 10**9
    while seats_at(votes + high) <= seats:
        if high >= bound:
            return None
        low, high = high, high * 2
    while high - low > 1:
        mid = (low + high) // 2
        if seats_at(votes + mid) > seats:
            high = mid
        else:
            low = mid
    return high


def _to_lose(
    seats_at: Callable[[int], int], votes: int, seats: int, hint: int | None
) -> int | None:
    """Most votes that can be lost while every seat is kept (hint checked, else searched)."""
    if seats == 0:
        return None
    if hint is not None and seats_at(votes - hint) >= seats and (
            hint == votes or seats_at(votes - hint - 1) < seats):
        return hint
    if seats_at(0) >= seats:
        return votes
    low, high = 0, votes  # losing low keeps all seats, losing high does not
    while high - low > 1:
        mid = (low + high) // 2
        if seats_at(votes - mid) >= seats:
            low = mid
        else:
            high = mid
    return low
