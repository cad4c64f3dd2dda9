"""How many seats a law may be asked to fill, so that no allocation runs on for hours.

A divisor count gives seats one at a time and a margin re-runs it for every list: time grows
with the magnitude, and a districts file asking for 10⁸ seats never returned. The bounds are far
above any assembly that exists — the largest, China's National People's Congress, has under
3,000 seats, and the largest single constituency in use (the Netherlands' or Israel's whole
country) 150 — yet low enough that a whole allocation of the largest election allowed takes
seconds (10,000 seats among 20 lists: 0.1 s; their margins 13 s on this project's machine).
Votes read from a file are bounded too (MAX_VOTES), only so that every figure can be shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from majlis.errors import InputError, Problem

from ._tiers import CompensatoryTier, LevellingTier
from ._values import Election

if TYPE_CHECKING:
    from ._allocate import Law

MAX_MAGNITUDE = 10_000  # seats of one constituency, of its levelling seats, of a cabinet
MAX_HOUSE = 100_000  # seats of the whole house: constituencies and upper tier
MAX_VOTES = 10**12  # one list's votes in a file: over a hundred times the world's people, and
                    # small enough that every quotient still has a float to show it by


def check_seats(election: Election, law: Law) -> None:
    """An InputError when `election` under `law` asks for more seats than the bounds allow."""
    problems = list(_seat_problems(election, law))
    if problems:
        raise InputError(problems)


def _seat_problems(election: Election, law: Law) -> Iterator[Problem]:
    def problem(source: str, field: str, seats: int, most: int) -> Problem:
        return Problem(source=source, line=None, field=field,
                       message=f"{seats:,} seats is more than {most:,}, the most majlis "
                       "allocates")

    house = 0
    for c in election.constituencies:
        house += c.magnitude
        if c.magnitude > MAX_MAGNITUDE:
            yield problem(c.name, "magnitude", c.magnitude, MAX_MAGNITUDE)
        if (c.tier_seats or 0) > MAX_MAGNITUDE:
            yield problem(c.name, "tier_seats", c.tier_seats or 0, MAX_MAGNITUDE)
    tier = law.tier
    if isinstance(tier, CompensatoryTier):
        house += tier.seats
        if tier.seats > MAX_HOUSE:
            yield problem("law", "tier.seats", tier.seats, MAX_HOUSE)
    elif isinstance(tier, LevellingTier):
        if tier.seats_per_constituency > MAX_MAGNITUDE:
            yield problem("law", "tier.seats_per_district", tier.seats_per_constituency,
                          MAX_MAGNITUDE)
        house += sum(tier.seats_per_constituency if c.tier_seats is None else c.tier_seats
                     for c in election.constituencies)
    if house > MAX_HOUSE:
        yield problem("election", "seats", house, MAX_HOUSE)
