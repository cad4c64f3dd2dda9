"""Surplus-vote agreements (apparentements): lists that signed one are counted as one list, then
the seats they won together are split between them by the same rule.

Israel's Knesset law (Bader-Ofer) and Switzerland's National Council (Hagenbach-Bischoff) both
work this way. An agreement binds only lists in the count: a partner below the threshold takes
no part, and a list left alone stands alone (the agreement lapses).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ._divisors import Outcome
from ._quotas import QuotaRule
from ._rules import DivisorRule
from ._ties import Precedence, TieRule
from ._values import AgreementSplit, frozen_mapping


@dataclass(frozen=True, slots=True, kw_only=True)
class Agreements:
    """Agreements as the lists file gives them: lists with the same value in the column
    `attribute` signed one agreement together."""

    attribute: str = "agreement"

    def blocs(
        self, votes: Mapping[str, int], lists: Mapping[str, Mapping[str, str]]
    ) -> tuple[tuple[str, ...], ...]:
        """The agreements that stand among the lists counted, each as its lists ordered by
        votes (then name): those with one list left in the count have lapsed."""
        signed: dict[str, list[str]] = {}
        for list_name in votes:
            key = lists.get(list_name, {}).get(self.attribute)
            if key is not None:
                signed.setdefault(key, []).append(list_name)
        return tuple(tuple(sorted(members, key=lambda p: (-votes[p], p)))
                     for members in signed.values() if len(members) > 1)

    def lapsed(
        self, votes: Mapping[str, int], allowed: frozenset[str],
        lists: Mapping[str, Mapping[str, str]],
    ) -> tuple[tuple[str, ...], ...]:
        """The agreements signed by lists of this constituency that do not stand: all of their
        lists but one (or all) are out of the count."""
        return tuple(bloc for bloc in self.blocs(votes, lists)
                     if sum(p in allowed for p in bloc) < 2)

    def apportion(
        self,
        constituency: str,
        votes: Mapping[str, int],
        seats: int,
        rule: DivisorRule | QuotaRule,
        blocs: tuple[tuple[str, ...], ...],
        tie: TieRule,
        seed: int,
    ) -> Outcome:
        """Seats with every bloc counted as one list, then each bloc's seats split among its
        lists by `rule`. Ties are broken by the law's rule: within a bloc, among its lists."""
        bloc_of = {p: bloc for bloc in blocs for p in bloc}
        counted: dict[str, int] = {}
        for list_name, n in votes.items():
            name = " + ".join(bloc_of[list_name]) if list_name in bloc_of else list_name
            counted[name] = counted.get(name, 0) + n
        pooled = rule.apportion(counted, seats, Precedence.draw(constituency, counted, tie, seed))
        won = {p: pooled.seats[p] for p in votes if p not in bloc_of}
        ties = list(pooled.ties)
        splits: list[AgreementSplit] = []
        for bloc in blocs:
            label = " + ".join(bloc)
            share = {p: votes[p] for p in bloc}
            together = pooled.seats[label]
            split = rule.apportion(share, together, Precedence.draw(
                f"{constituency} › {label}", share, tie, seed)) if together else None
            seats_of = split.seats if split else dict.fromkeys(bloc, 0)
            won.update(seats_of)
            ties.extend(split.ties if split else ())
            splits.append(AgreementSplit(
                lists=bloc, votes=sum(share.values()), seats=together,
                split=frozen_mapping(seats_of), awards=split.awards if split else ()))
        return Outcome(won, pooled.awards, pooled.runner_up, tuple(ties),
                       agreements=tuple(splits))
