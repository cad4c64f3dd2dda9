"""Thresholds: which lists may take part in the count at all.

A threshold is a set of alternative conditions (any one qualifies a list) plus named exempt
lists (minority parties). A condition is a share of the votes, constituency seats won in this
count, or single-member constituencies won in a tier counted elsewhere (given as input). A list
at exactly the threshold qualifies ("at least 3 %"). The first condition may differ by list,
chosen by the list's attributes (a coalition of four parties needs 10 %, a party 5 %), and a
fallback admits the next lists when too few votes qualify.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType

from ._values import Admission, Constituency, add_up


class Base(StrEnum):
    """What a percentage threshold is a percentage of."""

    VALID = "valid"
    VALID_AND_BLANK = "valid_and_blank"
    LIST_VOTES = "list_votes"
    CAST = "cast"

    def of(self, c: Constituency) -> int:
        if self is Base.VALID:
            return c.valid_votes
        if self is Base.VALID_AND_BLANK:
            return c.valid_votes + c.blank
        if self is Base.CAST:
            return c.valid_votes + c.blank + c.invalid
        return c.list_votes


class Scope(StrEnum):
    """Where a list's share is measured: in each constituency, or over the whole country."""

    CONSTITUENCY = "district"
    NATIONAL = "national"


@dataclass(frozen=True, slots=True, kw_only=True)
class VoteShare:
    """At least `share` of the base; `share=None` means one natural quota (base ÷ seats)."""

    share: Fraction | None
    scope: Scope = Scope.CONSTITUENCY
    base: Base = Base.VALID


@dataclass(frozen=True, slots=True, kw_only=True)
class ConstituencySeats:
    """At least `seats` constituency seats won nationally ("5 % or 3 seats")."""

    seats: int


WINS = "wins"  # the lists file's column of constituencies won elsewhere


@dataclass(frozen=True, slots=True, kw_only=True)
class ConstituencyWins:
    """At least `wins` single-member constituencies won in a tier counted elsewhere, as the
    lists file's `wins` column gives them ("5 % or three constituencies", "5 % or one
    electorate"); a list without the column's value won none."""

    wins: int

    def met_by(self, attributes: Mapping[str, str]) -> bool:
        return int(attributes.get(WINS, 0)) >= self.wins  # the reader refused non-numbers


Condition = VoteShare | ConstituencySeats | ConstituencyWins
NO_LISTS: Mapping[str, Mapping[str, str]] = MappingProxyType({})


@dataclass(frozen=True, slots=True, kw_only=True)
class ListMatch:
    """Lists whose `attribute` (from the lists file) is `equals`, or a whole number within
    `at_least`..`at_most`; a list without the attribute does not match."""

    attribute: str
    equals: str | None = None
    at_least: int | None = None
    at_most: int | None = None

    @property
    def numeric(self) -> bool:
        return self.at_least is not None or self.at_most is not None

    def matches(self, attributes: Mapping[str, str]) -> bool:
        value = attributes.get(self.attribute)
        if value is None or (self.equals is not None and value != self.equals):
            return False
        if not self.numeric:
            return True
        number = int(value)  # the lists reader refused a value that is not a whole number
        return ((self.at_least is None or number >= self.at_least)
                and (self.at_most is None or number <= self.at_most))


@dataclass(frozen=True, slots=True, kw_only=True)
class ListCondition:
    """The condition that replaces a threshold's first one for the lists `match` selects."""

    match: ListMatch
    condition: Condition


EXEMPT = "exempt"  # Admission.by of a list the threshold exempts
FALLBACK = "fallback"  # Admission.by of a list the fallback admitted


BASE_WORDS = {Base.VALID: "valid votes", Base.VALID_AND_BLANK: "valid and blank votes",
              Base.CAST: "ballots cast", Base.LIST_VOTES: "list votes"}


def describe(cond: Condition) -> str:
    """A condition in words: `5 % of valid votes nationally`, `3 constituency seats won`."""
    if isinstance(cond, ConstituencyWins):
        return f"{cond.wins} single-member constituenc{'y' if cond.wins == 1 else 'ies'} won"
    if isinstance(cond, ConstituencySeats):
        return f"{cond.seats} constituency seat{'' if cond.seats == 1 else 's'} won"
    where = "nationally" if cond.scope is Scope.NATIONAL else "in the constituency"
    if cond.share is None:
        return f"one natural quota of {BASE_WORDS[cond.base]} {where}"
    return f"{_percent(cond.share * 100)} % of {BASE_WORDS[cond.base]} {where}"


def _local(cond: Condition) -> bool:
    """Whether a condition is measured in each constituency apart."""
    return isinstance(cond, VoteShare) and cond.scope is Scope.CONSTITUENCY


def _percent(x: Fraction) -> str:
    """A percentage as the law writes it: 5, 3.25, or 100/3 when its decimals do not end."""
    for places in range(13):
        scaled = x * 10**places
        if scaled.denominator == 1:
            digits = str(scaled.numerator).rjust(places + 1, "0")
            return digits if not places else f"{digits[:-places]}.{digits[-places:]}"
    return str(x)


class _Nation:
    """The national totals a national condition measures against, and each constituency's
    base, each summed once per count when first asked for (not once per list)."""

    def __init__(self, constituencies: tuple[Constituency, ...]) -> None:
        self.constituencies = constituencies
        self.seats = sum(c.magnitude for c in constituencies)
        self._votes: dict[str, int] | None = None
        self._bases: dict[Base, int] = {}
        self._local: dict[tuple[str, Base], int] = {}

    @property
    def votes(self) -> dict[str, int]:
        if self._votes is None:
            self._votes = add_up(c.votes for c in self.constituencies)
        return self._votes

    def base(self, base: Base) -> int:
        if base not in self._bases:
            self._bases[base] = sum(base.of(c) for c in self.constituencies)
        return self._bases[base]

    def local(self, c: Constituency, base: Base) -> int:
        """`base` of one of the count's constituencies."""
        key = (c.name, base)
        if key not in self._local:
            self._local[key] = base.of(c)
        return self._local[key]


@dataclass(frozen=True, slots=True, kw_only=True)
class Threshold:
    """Alternative conditions, any of which qualifies a list; `exempt` lists always qualify.

    `by_list` replaces the first condition for the lists it selects (the first match wins).
    `fallback`: while the qualifying lists hold this share of the first condition's base or
    less, the next lists in order of votes are admitted (lists with equal votes together).
    """

    conditions: tuple[Condition, ...]
    exempt: frozenset[str] = frozenset()
    by_list: tuple[ListCondition, ...] = ()
    fallback: Fraction | None = None

    def conditions_for(
        self, name: str, lists: Mapping[str, Mapping[str, str]] = NO_LISTS
    ) -> tuple[Condition, ...]:
        """The conditions a list must meet one of, given the lists' attributes."""
        attributes = lists.get(name, {})
        first = next((b.condition for b in self.by_list if b.match.matches(attributes)),
                     self.conditions[0])
        return (first, *self.conditions[1:])

    def qualifying(
        self,
        constituencies: tuple[Constituency, ...],
        constituency_seats: Mapping[str, int] | None = None,
        lists: Mapping[str, Mapping[str, str]] = NO_LISTS,
    ) -> dict[str, frozenset[str]]:
        """The lists that qualify in each constituency (national conditions count everywhere):
        `admissions` without the reasons, which margins' many re-counts do not need."""
        met, _ = self._verdicts(constituencies, constituency_seats, lists)
        qualified = {name: frozenset(p for p, by in verdicts.items() if by is not None)
                     for name, verdicts in met.items()}
        if self.fallback is None:
            return qualified
        return self._fall_back(self.fallback, constituencies, qualified)

    def admissions(
        self,
        constituencies: tuple[Constituency, ...],
        constituency_seats: Mapping[str, int] | None = None,
        lists: Mapping[str, Mapping[str, str]] = NO_LISTS,
    ) -> dict[str, dict[str, Admission]]:
        """Each list's admission to each constituency's count: the condition that let it in
        (the first of its conditions it meets), or the conditions it failed."""
        met, faced = self._verdicts(constituencies, constituency_seats, lists)
        result = {name: {p: Admission(qualified=by is not None, by=by, faced=faced[p])
                         for p, by in verdicts.items()}
                  for name, verdicts in met.items()}
        if self.fallback is None:
            return result
        qualified = {name: frozenset(p for p, a in by_list.items() if a.qualified)
                     for name, by_list in result.items()}
        for name, lists_in in self._fall_back(self.fallback, constituencies, qualified).items():
            for p in lists_in - qualified[name]:
                result[name][p] = replace(result[name][p], qualified=True, by=FALLBACK)
        return result

    def _verdicts(
        self,
        constituencies: tuple[Constituency, ...],
        constituency_seats: Mapping[str, int] | None,
        lists: Mapping[str, Mapping[str, str]],
    ) -> tuple[dict[str, dict[str, str | None]], dict[str, tuple[str, ...]]]:
        """In each constituency, the words of the condition each list meets first (`EXEMPT`
        for an exempt list, None if it meets none), and the conditions each list faces, in
        words. A list whose conditions do not look at the constituency has the same verdict
        everywhere: worked out once."""
        national = _Nation(constituencies)
        described = {id(f): describe(f)  # each condition put in words once per count
                     for f in (*self.conditions, *(b.condition for b in self.by_list))}
        conditions: dict[str, tuple[Condition, ...]] = {}
        faced: dict[str, tuple[str, ...]] = {}
        everywhere: dict[str, str | None] = {}  # verdicts that no constituency changes

        def first_met(p: str, c: Constituency) -> str | None:
            return next((w for f, w in zip(conditions[p], faced[p], strict=True)
                         if self._meets(f, p, c, national, constituency_seats, lists)), None)

        for c in constituencies:
            for p in c.votes:
                if p in conditions:
                    continue
                conditions[p] = self.conditions_for(p, lists)
                faced[p] = tuple(described[id(f)] for f in conditions[p])
                if p in self.exempt:
                    everywhere[p] = EXEMPT
                elif not any(_local(f) for f in conditions[p]):
                    everywhere[p] = first_met(p, c)
        met = {c.name: {p: everywhere[p] if p in everywhere else first_met(p, c)
                        for p in c.votes}
               for c in constituencies}
        return met, faced

    def _fall_back(
        self,
        share: Fraction,
        constituencies: tuple[Constituency, ...],
        qualified: dict[str, frozenset[str]],
    ) -> dict[str, frozenset[str]]:
        """Admit the next lists by votes until the qualifying lists hold more than `share` of
        the base, measured where the first condition measures it (nationally for seats)."""
        first = self.conditions[0]
        base = first.base if isinstance(first, VoteShare) else Base.VALID
        national = not isinstance(first, VoteShare) or first.scope is Scope.NATIONAL
        groups = [constituencies] if national else [(c,) for c in constituencies]
        result = dict(qualified)
        for group in groups:
            votes = add_up(c.votes for c in group)
            admitted: set[str] = set().union(*(qualified[c.name] for c in group))
            held = sum(votes[p] for p in admitted)
            waiting = sorted((p for p in votes if p not in admitted), key=lambda p: -votes[p])
            needed = share * sum(base.of(c) for c in group)
            new: set[str] = set()
            last: int | None = None
            for list_name in waiting:
                if held > needed and votes[list_name] != last:
                    break
                new.add(list_name)
                last = votes[list_name]
                held += last
            for c in group:
                result[c.name] = qualified[c.name] | frozenset(p for p in new if p in c.votes)
        return result

    @staticmethod
    def _meets(
        cond: Condition,
        name: str,
        c: Constituency,
        national: _Nation,
        constituency_seats: Mapping[str, int] | None,
        lists: Mapping[str, Mapping[str, str]],
    ) -> bool:
        if isinstance(cond, ConstituencyWins):
            return cond.met_by(lists.get(name, {}))
        if isinstance(cond, ConstituencySeats):
            if constituency_seats is None:
                raise ValueError("a seats condition needs the constituency seats won")
            return constituency_seats.get(name, 0) >= cond.seats
        if cond.scope is Scope.CONSTITUENCY:
            votes, base, seats = c.votes[name], national.local(c, cond.base), c.magnitude
        else:
            votes = national.votes[name]
            base = national.base(cond.base)
            seats = national.seats
        share = Fraction(1, seats) if cond.share is None else cond.share
        return votes * share.denominator >= share.numerator * base
