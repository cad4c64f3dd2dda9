"""Assertions that imply a constituency's reported seats, each an assorter in the SHANGRLA
sense (Stark, "Sets of Half-Average Nulls Generate Risk-Limiting Audits", 2020): a function of
one ballot, between 0 and an upper bound, whose mean over the ballots cast is above 1/2 exactly
when the assertion holds.

Under a divisor method (Blom, Stark, Stuckey, Teague, Vukcevic, "Assertion-based approaches to
auditing complex elections, with application to party-list proportional elections", 2021, give
them for D'Hondt): for every list A with seats and every other list B in the count, A's last
winning quotient above B's first losing one; and every threshold decision. docs/audit.md
derives them for any divisor series, Iraq's 1.7 Sainte-Laguë among them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from majlis.errors import InputError, Problem
from majlis.law import DivisorSeries


class Kind(StrEnum):
    """What an assertion says: a seat won before one lost, a list at or above the threshold, a
    list below it, a candidate ahead of another (plurality, SNTV), a candidate's personal votes
    ahead of another's (who sits, the women's rule included)."""

    SEAT = "seat"
    ABOVE = "above-threshold"
    BELOW = "below-threshold"
    PLURALITY = "plurality"
    CANDIDATE = "candidate"


@dataclass(frozen=True, slots=True, kw_only=True)
class Assertion:
    """g(b) = for_winner·[b for winner] − for_loser·[b for loser] + per_valid·[b valid], summed
    over the ballots, is positive: the assertion. Its assorter is h(b) = 1/2 + g(b) ÷ (2λ), λ the
    most g can lose on one ballot, so h ≥ 0 and mean h > 1/2 exactly when Σ g > 0.

    `winner_divisor`/`loser_divisor` (seat assertions) and `share` (threshold ones) say where
    the coefficients come from."""

    constituency: str
    kind: Kind
    winner: str | None
    loser: str | None
    for_winner: Fraction
    for_loser: Fraction
    per_valid: Fraction = Fraction(0)
    winner_divisor: Fraction | None = None
    loser_divisor: Fraction | None = None
    share: Fraction | None = None

    @property
    def scale(self) -> Fraction:
        """λ: the most g can lose on one ballot (a ballot for the loser, or any valid ballot)."""
        return -min(Fraction(0), self.for_winner + self.per_valid,
                    -self.for_loser + self.per_valid, self.per_valid)

    @property
    def upper(self) -> Fraction:
        """u: the assorter's largest value on one ballot."""
        return Fraction(1, 2) + max(Fraction(0), self.for_winner + self.per_valid,
                                    -self.for_loser + self.per_valid,
                                    self.per_valid) / (2 * self.scale)

    def excess(self, votes: Mapping[str, int]) -> Fraction:
        """Σ g over the ballots of a count: positive exactly when the assertion holds."""
        winner = votes.get(self.winner, 0) if self.winner is not None else 0
        loser = votes.get(self.loser, 0) if self.loser is not None else 0
        return (self.for_winner * winner - self.for_loser * loser
                + self.per_valid * sum(votes.values()))

    def assort(self, ballots: int, votes: Mapping[str, int]) -> Fraction:
        """Σ h over `ballots` ballots cast (invalid ones included) carrying `votes`."""
        return Fraction(ballots, 2) + self.excess(votes) / (2 * self.scale)

    def holds(self, votes: Mapping[str, int]) -> bool:
        return self.excess(votes) > 0

    def describe(self) -> str:
        """In words: `A's 3rd seat (÷5) before B's 2nd (÷3)`, `A at or above 5 %`."""
        if self.kind is Kind.SEAT:
            assert self.winner_divisor is not None and self.loser_divisor is not None
            return (f"{self.winner} ÷ {_number(self.winner_divisor)} > {self.loser} ÷ "
                    f"{_number(self.loser_divisor)}")
        if self.kind in (Kind.PLURALITY, Kind.CANDIDATE):
            return f"{self.winner} > {self.loser}"
        assert self.share is not None
        side = "≥" if self.kind is Kind.ABOVE else "<"
        return f"{self.winner or self.loser} {side} {_number(self.share * 100)} % of valid votes"


def _number(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{float(x):g}"


def seat_assertions(constituency: str, votes: Mapping[str, int], seats: Mapping[str, int], *,
                    series: DivisorSeries, threshold: Fraction | None = None,
                    exempt: frozenset[str] = frozenset()) -> tuple[Assertion, ...]:
    """The assertions that imply `seats` from `votes` (the reported count of one
    constituency) under a divisor `series` with a `threshold` share of the valid votes (a list
    at exactly the share qualifies; `exempt` lists always do).

    For lists A (with seats) and B (another list in the count): votes_A ÷ d(s_A − 1) > votes_B
    ÷ d(s_B), i.e. g = d(s_B)·[A] − d(s_A − 1)·[B]. A list with seats, not exempt: share ≥ t
    (g = [list] − t·[valid], λ = t). A list out of the count: share < t (g = t·[valid] −
    [list], λ = 1 − t) — or, where those margins are wider, every A before it as though it
    were in the count with no seat, which holds the seats whichever side of t it is on."""
    problems = []
    if series.divisor(0) <= 0:
        problems.append(Problem(source=constituency, line=None, field="divisor", message=(
            "a first divisor of 0 gives every list a seat whatever its votes: no assertion "
            "can hold it")))
    if threshold is not None and not 0 < threshold < 1:
        problems.append(Problem(source=constituency, line=None, field="threshold", message=(
            f"a threshold share of {threshold} is not between 0 and 1")))
    if any(n < 0 for n in votes.values()):
        problems.append(Problem(source=constituency, line=None, field="votes",
                                message="votes are counts, never negative"))
    if problems:
        raise InputError(problems)
    valid = sum(votes.values())
    counted = sorted(p for p in votes if threshold is None or p in exempt
                     or votes[p] >= threshold * valid)
    pairs = {(a, b): _pair(constituency, a, b, series, seats)
             for a in counted if seats.get(a, 0) for b in votes if b != a}
    out = [] if threshold is None else _thresholds(constituency, votes, seats, threshold,
                                                   exempt, counted, pairs)
    out.extend(pairs[a, b] for a in counted for b in counted if (a, b) in pairs)
    return tuple(out)


def _thresholds(constituency: str, votes: Mapping[str, int], seats: Mapping[str, int],
                threshold: Fraction, exempt: frozenset[str], counted: list[str],
                pairs: Mapping[tuple[str, str], Assertion]) -> list[Assertion]:
    """The threshold decisions that hold the seats (`seat_assertions` says which)."""
    out = []
    for p in sorted(votes):
        if p in exempt or (p in counted and not seats.get(p, 0)):
            continue  # a list in the count without a seat decides nothing by being in it
        if p in counted:
            out.append(Assertion(constituency=constituency, kind=Kind.ABOVE, winner=p,
                                 loser=None, for_winner=Fraction(1), for_loser=Fraction(0),
                                 per_valid=-threshold, share=threshold))
            continue
        below = Assertion(constituency=constituency, kind=Kind.BELOW, winner=None, loser=p,
                          for_winner=Fraction(0), for_loser=Fraction(1), per_valid=threshold,
                          share=threshold)
        instead = [pairs[a, p] for a in counted if (a, p) in pairs]
        if not instead or _room(below, votes) >= min(_room(x, votes) for x in instead):
            out.append(below)
        else:  # in the count or not, it would take no seat: the wider margins say so
            out.extend(instead)
    return out


def _pair(constituency: str, a: str, b: str, series: DivisorSeries,
          seats: Mapping[str, int]) -> Assertion:
    """A's last seat won before B's first seat lost."""
    last, first = series.divisor(seats[a] - 1), series.divisor(seats.get(b, 0))
    return Assertion(constituency=constituency, kind=Kind.SEAT, winner=a, loser=b,
                     for_winner=first, for_loser=last, winner_divisor=last,
                     loser_divisor=first)


def _room(a: Assertion, votes: Mapping[str, int]) -> Fraction:
    """The assertion's margin up to the number of ballots: Σ g ÷ λ."""
    return a.excess(votes) / a.scale


def plurality_assertions(constituency: str, votes: Mapping[str, int],
                         winners: frozenset[str]) -> tuple[Assertion, ...]:
    """Every winner ahead of every loser (single- or k-winner plurality, SNTV): g = [w] − [l],
    the assorter (1 + [w] − [l]) ÷ 2 of SHANGRLA's plurality contests."""
    return tuple(Assertion(constituency=constituency, kind=Kind.PLURALITY, winner=w, loser=lost,
                           for_winner=Fraction(1), for_loser=Fraction(1))
                 for w in sorted(winners) for lost in sorted(set(votes) - winners))
