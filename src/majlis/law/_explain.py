"""How close each list is to its next seat, or to losing its last one.

The question a results desk asks all night. A constituency counted by a divisor series alone is
answered from its quotients in closed form (with one exact count where a tie could decide);
any other is answered by re-running the constituency's own count exactly with one list's votes
changed (everything else held), so the answer is right for every method and threshold the law
combines. Upper-tier seats are not re-run: margins speak of constituency seats.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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

    def seats_of(changed: Constituency) -> Mapping[str, int]:
        if law.threshold is None or c.name in law.reserved:
            allowed = frozenset(changed.votes)
        else:
            everywhere = tuple(changed if x.name == c.name else x for x in general)
            allowed = qualifying(law, everywhere, seed, election.lists)[c.name]
        try:
            return apportion(changed, law, allowed, seed, election.lists).seats
        except AllocationError:  # nobody left with a vote: no seat for anyone
            return {}

    def seats_with(name: str, candidate: str | None, votes: int) -> int:
        return seats_of(_with_votes(c, name, candidate, votes)).get(name, 0)

    rule = law.rule_for(c.name)
    counted = apportion(c, law, frozenset(c.votes), seed) if isinstance(rule, SntvRule) else None
    elected = set(counted.elected) if counted else set()
    now = seats_of(c)
    hints = (_divisor_hints(c, rule, now, _closed_form(law, c.name))
             if isinstance(rule, DivisorRule) else {})
    result = []
    for list_name, votes in c.votes.items():
        gain: tuple[str | None, int] = (None, votes)
        lose = gain
        if isinstance(rule, SntvRule):
            mine = sorted((x for x in c.candidates if x.list == list_name), key=lambda x: -x.votes)
            out = [x for x in mine if x not in elected]
            won = [x for x in mine if x in elected]
            gain = (out[0].candidate, out[0].votes) if out else (None, 0)
            lose = (won[-1].candidate, won[-1].votes) if won else (None, 0)
        seats = now.get(list_name, 0)
        gain_hint, lose_hint = hints.get(list_name, (None, None))
        result.append(Margin(
            constituency=c.name, list=list_name, seats=seats,
            to_gain=_to_gain(partial(seats_with, list_name, gain[0]), gain[1], seats, c, gain_hint),
            to_lose=_to_lose(partial(seats_with, list_name, lose[0]), lose[1], seats, lose_hint),
        ))
    return tuple(result)


def _closed_form(law: Law, constituency: str) -> bool:
    """Whether a divisor hint is the margin itself (`_Hint`): the constituency is
    counted by its divisor series alone (no threshold, agreement, bonus or mixed-member tier)."""
    rule = law.rule_for(constituency)
    alone = law.threshold is None or constituency in law.reserved
    return (isinstance(rule, DivisorRule) and isinstance(rule.series, DivisorSeries) and alone
            and law.agreements is None and law.bonus is None and law.mixed is None)


@dataclass(frozen=True, slots=True)
class _Hint:
    """A closed-form margin. Where the count is the divisor series alone (`closed`), it is the
    margin itself, or one vote less when `tie`: the list's quotient meets the other lists'
    boundary quotient at a whole number of votes, where the tie rule decides — one exact count
    there says which. Elsewhere it is a guess, checked on the exact count."""

    votes: int
    tie: bool
    closed: bool = False


def _divisor_hints(
    c: Constituency, rule: DivisorRule, seats: Mapping[str, int], closed: bool
) -> dict[str, tuple[_Hint | None, _Hint | None]]:
    """Closed forms for divisor methods, from the count's own quotients.

    A list gains a seat when its next quotient passes the lowest quotient another list won with,
    and loses one when its last winning quotient falls below another list's next quotient.
    """
    if not isinstance(rule.series, DivisorSeries):
        return {}
    series = rule.series
    last = {p: series.key(v, seats.get(p, 0) - 1) for p, v in c.votes.items()
            if seats.get(p, 0)}
    nxt = {p: series.key(v, seats.get(p, 0)) for p, v in c.votes.items()}
    lowest_two = sorted(last, key=last.__getitem__)[:2]
    best_two = sorted(nxt, key=nxt.__getitem__, reverse=True)[:2]
    hints: dict[str, tuple[_Hint | None, _Hint | None]] = {}
    for list_name, votes in c.votes.items():
        mine = seats.get(list_name, 0)
        lowest = next((last[p] for p in lowest_two if p != list_name), None)
        best = next((nxt[p] for p in best_two if p != list_name), None)
        gain = lose = None
        if isinstance(lowest, Fraction) and series.divisor(mine):
            passing = lowest * series.divisor(mine)  # votes at which the next quotient meets it
            need = floor(passing) - votes + 1
            gain = _Hint(max(1, need), passing.denominator == 1 and need > 1,
                         closed and need >= 1)
        if mine and isinstance(best, Fraction) and series.divisor(mine - 1):
            keeping = best * series.divisor(mine - 1)
            spare = votes - floor(keeping) - 1
            lose = _Hint(min(votes, max(0, ceil(votes - keeping) - 1)),
                         keeping.denominator == 1 and spare + 1 <= votes,
                         closed and 0 <= spare < votes)
        hints[list_name] = (gain, lose)
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
    seats_at: Callable[[int], int], votes: int, seats: int, c: Constituency,
    guess: _Hint | None,
) -> int | None:
    """Fewest extra votes that win one more seat: the closed form where the count is the
    divisor series alone (one exact count at a tie), else the hint if the exact count
    confirms it, else a binary search on the exact count."""
    if seats >= c.magnitude:
        return None
    if guess is not None and guess.closed:
        if guess.tie and seats_at(votes + guess.votes - 1) > seats:
            return guess.votes - 1
        return guess.votes
    hint = None if guess is None else guess.votes
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
    seats_at: Callable[[int], int], votes: int, seats: int, guess: _Hint | None,
) -> int | None:
    """Most votes that can be lost while every seat is kept (the closed form as for
    `_to_gain`, else the hint checked, else searched)."""
    if seats == 0:
        return None
    if guess is not None and guess.closed:
        if guess.tie and seats_at(votes - guess.votes - 1) >= seats:
            return guess.votes + 1
        return guess.votes
    hint = None if guess is None else guess.votes
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
