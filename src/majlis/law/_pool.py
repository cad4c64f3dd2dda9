"""A national pool of regional remainders: the seats whole quotas left in the regions.

Laws of this shape (the Czech Chamber of Deputies since 2021) give each region's lists only
whole quotas. Every list's remainder votes — its votes less its seats times the region's
quota, all its votes where it won none — are summed over the regions into a second, national
count, which shares the seats the regions left by its own rule. Each list's pooled seats then
go back to the regions where its unused remainders are largest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import cast

from ._divisors import Outcome
from ._quotas import QuotaRule
from ._rules import DivisorRule
from ._ties import Precedence
from ._values import ConstituencyResult, TierResult, frozen_mapping


@dataclass(frozen=True, slots=True, kw_only=True)
class RemainderPool:
    """The second count: `rule` shares the seats left by the regions' whole quotas among the
    lists' pooled remainders; seats are placed back by largest remainder, one per region in
    turn (more rounds when a list has more pooled seats than regions)."""

    name: str = "pool"
    rule: DivisorRule | QuotaRule

    def apportion(
        self,
        results: tuple[ConstituencyResult, ...],
        first: QuotaRule,
        precedence: Precedence,
    ) -> TierResult:
        """`results` are the regions' first counts (whole quotas by `first`); `precedence`
        (drawn on the national votes) orders lists with equal pooled votes."""
        left = {r.name: self._remainders(r, first) for r in results}
        seats_left = sum(r.magnitude - sum(r.seats.values()) for r in results)
        pooled: dict[str, Fraction] = {}
        for remainders in left.values():
            for list_name, votes in remainders.items():
                pooled[list_name] = pooled.get(list_name, Fraction(0)) + votes
        # Whole numbers stay ints; a quota left exact leaves fractions, compared just as exactly.
        counted = cast(Mapping[str, int], {p: int(v) if v.denominator == 1 else v
                                           for p, v in pooled.items()})
        second = (self.rule.apportion(counted, seats_left, precedence) if seats_left
                  else Outcome(dict.fromkeys(counted, 0), (), None, ()))
        placed: dict[str, dict[str, int]] = {r.name: {} for r in results}
        order = [r.name for r in results]
        for list_name, seats in second.seats.items():
            regions = sorted((n for n in order if list_name in left[n]),
                             key=lambda n: (-left[n][list_name], order.index(n)))
            for i in range(seats):
                region = regions[i % len(regions)]
                placed[region][list_name] = placed[region].get(list_name, 0) + 1
        return TierResult(
            name=self.name,
            seats=frozen_mapping(second.seats),
            placed=frozen_mapping({n: frozen_mapping(s) for n, s in placed.items()}),
            pooled=frozen_mapping(pooled),
            awards=second.awards,
            taken_back=second.taken_back,
        )

    @staticmethod
    def _remainders(result: ConstituencyResult, first: QuotaRule) -> dict[str, Fraction]:
        """Each list's unused votes in one region: votes less seats times the region's quota."""
        counted = {p: v for p, v in result.votes.items() if p in result.qualified}
        if not result.magnitude or not counted:
            return {}
        quota = first.quota_of(sum(counted.values()), result.magnitude)
        return {p: v - quota * result.seats.get(p, 0) for p, v in counted.items()}
