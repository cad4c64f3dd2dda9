"""The constituency-level rules a law can name: divisor, quota, or SNTV."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from fractions import Fraction

from ._divisors import Outcome, Series, highest_averages
from ._quotas import QuotaRule
from ._ties import Precedence, TieRule
from ._values import Award, CandidateVotes, Tie


@dataclass(frozen=True, slots=True)
class DivisorRule:
    """Highest averages with one divisor series."""

    series: Series

    def apportion(self, votes: Mapping[str, int], seats: int, precedence: Precedence) -> Outcome:
        return highest_averages(votes, seats, self.series, precedence)


@dataclass(frozen=True, slots=True)
class SntvRule:
    """Single non-transferable vote: the `seats` candidates with most votes win.

    Ties between candidates are broken like ties between lists: by the tie rule over the
    candidates' own votes, then lot (seeded by constituency).
    """

    def elect(
        self,
        constituency: str,
        candidates: tuple[CandidateVotes, ...],
        seats: int,
        rule: TieRule,
        seed: int,
    ) -> Outcome:
        ids = {f"{c.list}\x1f{c.candidate}": c for c in candidates}
        precedence = Precedence.draw(
            constituency, {k: c.votes for k, c in ids.items()}, rule, seed
        )
        order = sorted(ids, key=lambda k: (-ids[k].votes, precedence.rank[k]))
        elected = [ids[k] for k in order[:seats]]
        awards = [
            Award(seat=i, list=c.list, value=Fraction(c.votes), stage="votes",
                  candidate=c.candidate)
            for i, c in enumerate(elected, 1)
        ]
        runner_up = None
        if len(order) > seats:
            c = ids[order[seats]]
            runner_up = Award(seat=seats + 1, list=c.list, value=Fraction(c.votes),
                              stage="votes", candidate=c.candidate)
        ties: tuple[Tie, ...] = ()
        if elected and runner_up is not None and awards[-1].value == runner_up.value:
            tied = [k for k in order if ids[k].votes == elected[-1].votes]
            tie = precedence.tie(seats, tied, order[seats - 1])
            ties = (replace(
                tie,
                lists=tuple(k.replace("\x1f", " / ") for k in tie.lists),
                winner=tie.winner.replace("\x1f", " / "),
            ),)
        seats_won: dict[str, int] = {c.list: 0 for c in candidates}
        for c in elected:
            seats_won[c.list] += 1
        return Outcome(seats_won, tuple(awards), runner_up, ties, tuple(elected))


Rule = DivisorRule | QuotaRule | SntvRule
