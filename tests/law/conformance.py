"""The conformance battery every law and preset passes (`check_law`)."""

from __future__ import annotations

from dataclasses import replace

from majlis.law import Allocation, Election, Law, allocate


def check_law(election: Election, law: Law, *, seed: int = 7) -> Allocation:
    """Seats fill every constituency, thresholds hold, list order and reruns change nothing."""
    result = allocate(election, law, seed=seed)
    for c, r in zip(election.constituencies, result.constituencies, strict=True):
        assert sum(r.seats.values()) == c.magnitude, c.name
        assert all(r.seats[p] == 0 for p in c.votes if p not in r.qualified), c.name
        assert all(s >= 0 for s in r.seats.values())
    if result.tier is not None and result.tier.placed:
        for name, placed in result.tier.placed.items():
            c = next(x for x in election.constituencies if x.name == name)
            expected = law.tier.seats_per_district if c.tier_seats is None else c.tier_seats
            assert sum(placed.values()) == expected, name
    reversed_lists = Election(constituencies=tuple(
        replace(c, votes=dict(reversed(list(c.votes.items()))))
        for c in election.constituencies))
    assert allocate(reversed_lists, law, seed=seed).totals() == result.totals()
    assert allocate(election, law, seed=seed) == result
    return result
