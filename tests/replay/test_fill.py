"""The votes nobody published, filled so that the law gives the published seats: the law itself
is the check, on a made-up case and on every seed."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from majlis import replay
from majlis.law import DIVISOR_SERIES, Constituency, DivisorRule, Election, Law, allocate

IRAQ = DIVISOR_SERIES["sainte-lague"].with_first(Fraction(17, 10))
LAW = Law(rule=DivisorRule(IRAQ))
KNOWN = (
    # all seats published, one winner's votes missing
    replay.Published(name="North", magnitude=5, votes={"A": 40_000, "B": 21_000},
                     valid=110_000, fixed={"A": 2, "B": 1, "C": 2}, minimum={}),
    # three of seven seats published; B "won at least one"; A's votes published but not its
    # seats; D and E published nowhere
    replay.Published(name="South", magnitude=7, votes={"A": 30_000, "B": 12_000, "F": 1_000},
                     valid=120_000, fixed={"F": 0}, minimum={"B": 1}),
)
NATIONAL = {"A": 4, "B": 2, "C": 2, "D": 3, "E": 1}


def seats_of(filled: list[replay.Filled], seed: int) -> dict[str, dict[str, int]]:
    rng = np.random.default_rng(seed)
    out = {}
    for known, f in zip(KNOWN, filled, strict=True):
        votes = {**known.votes, **f.votes}
        votes |= replay.minor_lists(f, known.valid - sum(votes.values()), IRAQ, rng)
        assert sum(votes.values()) == known.valid
        assert {p: votes[p] for p in known.votes} == dict(known.votes)  # published kept
        result = allocate(Election(constituencies=(
            Constituency(name=known.name, magnitude=known.magnitude, votes=votes),)), LAW)
        out[known.name] = {p: n for p, n in result.seats_in(known.name).items() if n}
        assert out[known.name] == {p: n for p, n in f.seats.items() if n}
    return out


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_the_law_gives_the_published_and_the_national_seats_on_any_seed(seed: int) -> None:
    filled = replay.fill(KNOWN, NATIONAL, IRAQ, np.random.default_rng(seed))
    won = seats_of(filled, seed)
    assert {p: won["North"].get(p, 0) for p in "ABC"} == {"A": 2, "B": 1, "C": 2}
    assert won["South"].get("B", 0) >= 1 and "F" not in won["South"]
    national: dict[str, int] = {}
    for constituency in won.values():
        for p, n in constituency.items():
            national[p] = national.get(p, 0) + n
    assert national == NATIONAL  # every list its national seats, no minor list seated


def test_the_same_seed_fills_the_same_votes() -> None:
    one = replay.fill(KNOWN, NATIONAL, IRAQ, np.random.default_rng(5))
    assert one == replay.fill(KNOWN, NATIONAL, IRAQ, np.random.default_rng(5))


def test_seats_the_published_votes_cannot_give_are_refused() -> None:
    # B's 21,000 votes cannot win 1 seat while A's 40,000 win 4 of 5
    bad = replay.Published(name="North", magnitude=5, votes={"A": 40_000, "B": 21_000},
                           valid=110_000, fixed={"A": 4, "B": 1}, minimum={})
    with pytest.raises(ValueError, match="no cut"):
        replay.fill((bad,), {"A": 4, "B": 1}, IRAQ, np.random.default_rng(0))
