"""Seats apportioned to constituencies: the house's seats shared by population, registered voters
or votes, with a minimum per constituency and seats fixed for some, before any vote is counted.

An apportionment is a list allocation in which the constituencies stand as the lists: the same
divisor and quota rules (`DivisorRule`, `QuotaRule`) decide it, exactly, with the law's tie rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from ._divisors import Outcome
from ._quotas import QuotaRule
from ._rules import DivisorRule
from ._ties import Precedence, TieRule
from ._values import Apportioned, frozen_mapping

STAGE = "apportionment"


class ApportionmentBasis(StrEnum):
    """What seats are shared in proportion to: a districts-file column, or the votes counted."""

    POPULATION = "population"
    REGISTERED = "registered"
    VOTES = "votes"


class MinimumRule(StrEnum):
    """How a minimum per constituency combines with the method.

    `first`: every constituency gets the minimum, then the seats left are apportioned by the
    method as a count of their own (Spain's Congress: two per province, the rest by Hare quotas).
    `floor`: the method apportions all the seats; a constituency it gives fewer than the minimum
    is raised to it and set aside, and the others share the seats left by the method again.
    For a divisor method, `floor` is the method's own series continued from the minimum (the
    U.S. House's priority list: one seat per state, then by P ÷ √(n(n+1)) from n = 1).
    """

    FIRST = "first"
    FLOOR = "floor"


@dataclass(frozen=True, slots=True, kw_only=True)
class Apportionment:
    """How many seats each constituency has, computed from `basis` by `rule` instead of given.

    `seats` is the whole number apportioned, `fixed` constituencies' seats included; those keep
    their fixed seats and take no part in the count or the minimum.
    """

    rule: DivisorRule | QuotaRule
    basis: ApportionmentBasis
    seats: int
    minimum: int = 0
    minimum_rule: MinimumRule = MinimumRule.FIRST
    fixed: Mapping[str, int] = field(default_factory=dict)

    def apportion(self, basis: Mapping[str, int], tie: TieRule, seed: int = 0) -> Apportioned:
        """Magnitudes of the fixed constituencies and of those in `basis` (their population,
        registered voters or votes); ties go by `tie` (a larger basis first), then a lot from
        `seed`. A ValueError when the seats cannot give every constituency its minimum."""
        shared = {n: b for n, b in basis.items() if n not in self.fixed}
        left = self.seats - sum(self.fixed.values())
        if left < self.minimum * len(shared):
            raise ValueError(f"{self.seats} seats cannot give {len(shared)} constituencies "
                             f"{self.minimum} each beside {sum(self.fixed.values())} fixed")
        precedence = Precedence.draw(STAGE, shared, tie, seed)
        first = self.minimum_rule is MinimumRule.FIRST
        given = dict.fromkeys(shared, self.minimum) if first else {}
        while True:
            rest = {n: b for n, b in shared.items() if first or n not in given}
            outcome = self._count(rest, left - sum(given.values()), precedence)
            below = set() if first else {n for n, s in outcome.seats.items()
                                         if s < self.minimum}
            if not below:
                break
            given |= dict.fromkeys(below, self.minimum)
        magnitudes = {**self.fixed, **given}
        for name, won in outcome.seats.items():
            magnitudes[name] = magnitudes.get(name, 0) + won
        return Apportioned(basis=self.basis.value, magnitudes=frozen_mapping(magnitudes),
                           awards=outcome.awards, runner_up=outcome.runner_up,
                           ties=outcome.ties, seed=seed)

    def _count(self, basis: dict[str, int], seats: int, precedence: Precedence) -> Outcome:
        if not basis or seats == 0:
            return Outcome(dict.fromkeys(basis, 0), (), None, ())
        return self.rule.apportion(basis, seats, precedence)
