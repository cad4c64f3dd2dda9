"""The seat table: one row per constituency and list, as every front end shows an allocation."""

from __future__ import annotations

from dataclasses import dataclass

from ._values import Allocation


@dataclass(frozen=True, slots=True, kw_only=True)
class SeatCount:
    """A list's votes and seats in one constituency, or in an upper tier whose seats are not
    placed in constituencies."""

    constituency: str
    list: str
    votes: int
    seats: int


def _order(row: SeatCount) -> tuple[int, int, str]:
    return -row.seats, -row.votes, row.list


def seat_table(allocation: Allocation) -> tuple[SeatCount, ...]:
    """Seats per constituency and list, the one way the CLI, the service and the replay show
    them: upper-tier seats placed in a constituency (Norway's levelling seats) counted there; a
    tier whose seats are not placed (Iraq 2005's compensatory seats) as rows of its own, with
    its lists' national votes. Constituencies in the allocation's order; in each, lists by
    seats, then votes, then name."""
    rows: list[SeatCount] = []
    for c in allocation.constituencies:
        seats = allocation.seats_in(c.name)
        rows += sorted((SeatCount(constituency=c.name, list=p, votes=v, seats=seats.get(p, 0))
                        for p, v in c.votes.items()), key=_order)
    tier = allocation.tier
    if tier is not None and not tier.placed:
        votes = allocation.national_votes()
        rows += sorted((SeatCount(constituency=tier.name, list=p, votes=votes.get(p, 0), seats=s)
                        for p, s in tier.seats.items()), key=_order)
    return tuple(rows)
