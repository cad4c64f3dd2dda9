"""How well seats mirror votes, and who sits through the law's guarantees: the representation
reports a results desk prints beside the seat table.

Every index is exact (a `Fraction` over the integer votes and seats); the Gallagher index needs
a square root, so its square is kept exact and the index itself is a float for display.
Shares are of the votes counted for lists (votes a source reports only as a total, without a
list, are no list's share) and of the seats the allocation fills, upper-tier seats included.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from math import sqrt

from majlis.law import Allocation, CandidateVotes

QUOTA = "women's quota"


@dataclass(frozen=True, slots=True, kw_only=True)
class Disproportionality:
    """Votes against seats over one set of lists: a constituency, or the whole house.

    `gallagher_squared` is ½ Σ (vᵢ − sᵢ)² and `loosemore_hanby` ½ Σ |vᵢ − sᵢ|, with vᵢ and sᵢ
    each list's share of the votes and of the seats (fractions of 1); `enp_votes` and
    `enp_seats` are Laakso and Taagepera's effective numbers of parties, 1 / Σ pᵢ². `wasted`
    are the votes of lists that won no seat here. An index whose shares are undefined (no
    votes, or no seats) is None.
    """

    votes: Mapping[str, int]
    seats: Mapping[str, int]
    gallagher_squared: Fraction | None
    loosemore_hanby: Fraction | None
    enp_votes: Fraction | None
    enp_seats: Fraction | None
    wasted: int

    @property
    def gallagher(self) -> float | None:
        """The least-squares index in percentage points, as Gallagher publishes it."""
        return None if self.gallagher_squared is None else 100 * sqrt(self.gallagher_squared)

    @property
    def total_votes(self) -> int:
        return sum(self.votes.values())

    @property
    def wasted_share(self) -> Fraction | None:
        """Wasted votes as a fraction of the votes counted for lists."""
        total = self.total_votes
        return Fraction(self.wasted, total) if total else None


def _shares(counts: Mapping[str, int]) -> dict[str, Fraction] | None:
    total = sum(counts.values())
    return {p: Fraction(n, total) for p, n in counts.items()} if total else None


def _effective(shares: Mapping[str, Fraction] | None) -> Fraction | None:
    return None if shares is None else 1 / sum((p * p for p in shares.values()), Fraction(0))


def disproportionality(votes: Mapping[str, int], seats: Mapping[str, int]) -> Disproportionality:
    """The indices of one count: a list with seats but no votes here (none in a normal count)
    and a list with votes but no seats both take part, at a share of 0 where they have none."""
    lists = sorted(set(votes) | set(seats))
    v, s = _shares(votes), _shares(seats)
    gaps = ([v.get(p, Fraction(0)) - s.get(p, Fraction(0)) for p in lists]
            if v is not None and s is not None else None)
    return Disproportionality(
        votes=dict(votes), seats={p: seats.get(p, 0) for p in lists},
        gallagher_squared=None if gaps is None else sum((g * g for g in gaps), Fraction(0)) / 2,
        loosemore_hanby=None if gaps is None else sum((abs(g) for g in gaps), Fraction(0)) / 2,
        enp_votes=_effective(v), enp_seats=_effective(s),
        wasted=sum(n for p, n in votes.items() if not seats.get(p, 0)))


@dataclass(frozen=True, slots=True, kw_only=True)
class Representation:
    """The house's indices and each constituency's, in the allocation's order. A
    constituency's seats include upper-tier seats placed there (Norway's levelling seats); a
    tier whose seats are not placed counts in the house only."""

    house: Disproportionality
    constituencies: Mapping[str, Disproportionality]


def represent(allocation: Allocation) -> Representation:
    """The representation report of an allocation: over every constituency and contest the
    allocation holds (reserved seats too, since they sit in the same house)."""
    votes: Counter[str] = Counter()
    for c in allocation.constituencies:
        votes.update(c.votes)
    return Representation(
        house=disproportionality(votes, allocation.totals()),
        constituencies={c.name: disproportionality(c.votes, allocation.seats_in(c.name))
                        for c in allocation.constituencies})


@dataclass(frozen=True, slots=True, kw_only=True)
class WomenSeats:
    """One list's seats in one constituency and the women among them: `on_votes` elected by
    their own votes (or list place), `by_quota` seated by the women's rule, each in place of
    the man in `displaced` (the same order). Under SNTV a quota woman's list may differ from
    the displaced man's: the row is hers."""

    constituency: str
    list: str
    seats: int
    on_votes: tuple[CandidateVotes, ...]
    by_quota: tuple[CandidateVotes, ...]
    displaced: tuple[CandidateVotes, ...]

    @property
    def women(self) -> int:
        return len(self.on_votes) + len(self.by_quota)


def women_seats(allocation: Allocation) -> tuple[WomenSeats, ...]:
    """The women's report: a row for every constituency and list that seated a named
    candidate, in the allocation's order and the lists' order of election; constituencies
    without candidates (lists given by totals) have no rows."""
    rows = []
    for c in allocation.constituencies:
        by_list: dict[str, list[tuple[CandidateVotes, str, CandidateVotes | None]]] = {}
        for e in c.elected:
            by_list.setdefault(e.candidate.list, []).append((e.candidate, e.via, e.displaced))
        rows += [WomenSeats(
            constituency=c.name, list=list_name, seats=len(seated),
            on_votes=tuple(x for x, via, _ in seated if x.gender == "F" and via != QUOTA),
            by_quota=tuple(x for x, via, _ in seated if via == QUOTA),
            displaced=tuple(d for _, via, d in seated if via == QUOTA and d is not None))
            for list_name, seated in by_list.items()]
    return tuple(rows)


@dataclass(frozen=True, slots=True, kw_only=True)
class MinoritySeat:
    """A list's (or candidate's) seats in a contest reserved for a community, with its votes
    and the contest's: a reserved seat often goes on a few thousand votes, which is the
    figure a reader asks for."""

    constituency: str
    community: str
    list: str
    candidate: str | None
    votes: int
    contest_votes: int
    seats: int


def minority_seats(allocation: Allocation) -> tuple[MinoritySeat, ...]:
    """The minority seats report: every winner of every reserved contest, by constituency in
    the allocation's order, by the candidates elected where they are named, else by list."""
    rows = []
    for c in allocation.constituencies:
        if c.community is None:
            continue
        total = sum(c.votes.values())
        if c.elected:
            rows += [MinoritySeat(constituency=c.name, community=c.community,
                                  list=e.candidate.list, candidate=e.candidate.candidate,
                                  votes=e.candidate.votes, contest_votes=total, seats=1)
                     for e in c.elected]
        else:
            rows += [MinoritySeat(constituency=c.name, community=c.community, list=p,
                                  candidate=None, votes=c.votes.get(p, 0),
                                  contest_votes=total, seats=n)
                     for p, n in c.seats.items() if n]
    return tuple(rows)
