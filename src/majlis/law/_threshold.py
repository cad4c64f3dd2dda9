"""Thresholds: which lists may take part in the count at all.

A threshold is a set of alternative conditions (any one qualifies a list) plus named exempt
lists (minority parties). A list at exactly the threshold qualifies ("at least 3 %").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from ._values import Constituency, add_up


class Base(StrEnum):
    """What a percentage threshold is a percentage of."""

    VALID = "valid"
    VALID_AND_BLANK = "valid_and_blank"
    LIST_VOTES = "list_votes"

    def of(self, c: Constituency) -> int:
        if self is Base.VALID:
            return c.valid_votes
        if self is Base.VALID_AND_BLANK:
            return c.valid_votes + c.blank
        return c.list_votes


class Scope(StrEnum):
    """Where a list's share is measured: in each constituency, or over the whole country."""

    DISTRICT = "district"
    NATIONAL = "national"


@dataclass(frozen=True, slots=True, kw_only=True)
class VoteShare:
    """At least `share` of the base; `share=None` means one natural quota (base ÷ seats)."""

    share: Fraction | None
    scope: Scope = Scope.DISTRICT
    base: Base = Base.VALID


@dataclass(frozen=True, slots=True, kw_only=True)
class DistrictSeats:
    """At least `seats` constituency seats won nationally ("5 % or 3 seats")."""

    seats: int


Condition = VoteShare | DistrictSeats


@dataclass(frozen=True, slots=True, kw_only=True)
class Threshold:
    """Alternative conditions, any of which qualifies a list; `exempt` lists always qualify."""

    conditions: tuple[Condition, ...]
    exempt: frozenset[str] = frozenset()

    def qualifying(
        self,
        constituencies: tuple[Constituency, ...],
        district_seats: Mapping[str, int] | None = None,
    ) -> dict[str, frozenset[str]]:
        """The lists that qualify in each constituency (national conditions count everywhere)."""
        national = add_up(c.votes for c in constituencies)
        result: dict[str, frozenset[str]] = {}
        for c in constituencies:
            result[c.name] = frozenset(
                p for p in c.votes
                if p in self.exempt
                or any(self._meets(cond, p, c, constituencies, national, district_seats)
                       for cond in self.conditions)
            )
        return result

    @staticmethod
    def _meets(
        cond: Condition,
        party: str,
        c: Constituency,
        everywhere: tuple[Constituency, ...],
        national: Mapping[str, int],
        district_seats: Mapping[str, int] | None,
    ) -> bool:
        if isinstance(cond, DistrictSeats):
            if district_seats is None:
                raise ValueError("a seats condition needs the constituency seats won")
            return district_seats.get(party, 0) >= cond.seats
        if cond.scope is Scope.DISTRICT:
            votes, base, seats = c.votes[party], cond.base.of(c), c.magnitude
        else:
            votes = national[party]
            base = sum(cond.base.of(x) for x in everywhere)
            seats = sum(x.magnitude for x in everywhere)
        share = Fraction(1, seats) if cond.share is None else cond.share
        return votes >= share * base
