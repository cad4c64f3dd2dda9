"""Thresholds with alternatives and exemptions; margins that are exactly right."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from majlis.errors import AllocationError
from majlis.law import (
    DIVISOR_SERIES,
    Base,
    Constituency,
    ConstituencySeats,
    DivisorRule,
    Election,
    Law,
    Scope,
    SntvRule,
    Threshold,
    VoteShare,
    allocate,
    margins,
)
from tests.strategies import constituencies, divisor_rules, quota_rules, sntv_constituency


def share(percent: int, scope: Scope = Scope.CONSTITUENCY, base: Base = Base.VALID) -> VoteShare:
    return VoteShare(share=Fraction(percent, 100), scope=scope, base=base)


NORTH = Constituency(name="North", magnitude=10, votes={"A": 5000, "B": 3000, "R": 1500},
                     blank=2000)
SOUTH = Constituency(name="South", magnitude=10, votes={"A": 6000, "B": 3900, "R": 100})


def qualifying(threshold: Threshold) -> dict[str, frozenset[str]]:
    return threshold.qualifying((NORTH, SOUTH))


def test_national_threshold_or_regional_stronghold() -> None:
    """Sweden's shape: 4 % nationally, or 12 % in the constituency (there only)."""
    national = share(10, Scope.NATIONAL)  # R has 1,600 of 19,500 = 8.2 %
    assert qualifying(Threshold(conditions=(national,)))["North"] == {"A", "B"}
    either = Threshold(conditions=(national, share(12)))
    assert qualifying(either) == {"North": {"A", "B", "R"}, "South": {"A", "B"}}


def test_blank_votes_raise_the_bar_when_the_base_includes_them() -> None:
    # North: R has 1,500 of 9,500 valid (15.8 %) but of 11,500 valid-and-blank only 13.0 %.
    assert "R" in qualifying(Threshold(conditions=(share(15),)))["North"]
    with_blank = Threshold(conditions=(share(15, base=Base.VALID_AND_BLANK),))
    assert "R" not in qualifying(with_blank)["North"]


def test_exempt_minority_list_qualifies_below_the_threshold() -> None:
    exempt = Threshold(conditions=(share(50),), exempt=frozenset({"R"}))
    assert qualifying(exempt)["South"] == {"A", "R"}


def test_declared_valid_total_counts_unlisted_votes_in_the_base() -> None:
    listed = Constituency(name="X", magnitude=5, votes={"A": 900, "B": 100})
    declared = Constituency(name="X", magnitude=5, votes={"A": 900, "B": 100}, valid=2000)
    rule = Threshold(conditions=(share(10),))
    assert rule.qualifying((listed,))["X"] == {"A", "B"}
    assert rule.qualifying((declared,))["X"] == {"A"}


@settings(max_examples=60)
@given(constituencies(max_lists=6, max_seats=12, max_votes=5_000),
       st.one_of(divisor_rules, quota_rules), st.integers(0, 20))
def test_margins_are_the_exact_boundary(c: Constituency, rule, percent: int) -> None:
    law = Law(rule=rule, threshold=Threshold(conditions=(share(percent),)))
    election = Election(constituencies=(c,))

    def seats_with(list_name: str, votes: int) -> int:
        changed = Constituency(name="C", magnitude=c.magnitude, votes={**c.votes, list_name: votes})
        try:
            return allocate(Election(constituencies=(changed,)), law).seats_in("C")[list_name]
        except AllocationError:  # no qualifying list has a vote left
            return 0

    for m in margins(election, law, "C"):
        v = c.votes[m.list]
        assert m.seats == allocate(election, law).seats_in("C")[m.list]
        if m.to_gain is not None:
            assert seats_with(m.list, v + m.to_gain) > m.seats
            assert seats_with(m.list, v + m.to_gain - 1) <= m.seats
        else:  # no number of votes wins another seat (all seats held, or Adams' first seats)
            assert seats_with(m.list, v + 10 * sum(c.votes.values()) + 10**6) == m.seats
        if m.to_lose is not None:
            assert seats_with(m.list, v - m.to_lose) >= m.seats
            if m.to_lose < v:
                assert seats_with(m.list, v - m.to_lose - 1) < m.seats
        else:
            assert m.seats == 0


def test_sntv_margins_move_the_candidate_that_decides() -> None:
    c = sntv_constituency("D")
    law = Law(rule=SntvRule())
    found = {m.list: (m.to_gain, m.to_lose) for m in margins(Election(constituencies=(c,)),
                                                               law, "D")}
    # a2 needs 251 to pass c1 outright (250 ties, and ties between candidates go to lot);
    # b1 can drop to 301 above c2; C keeps a seat even if c1 loses every vote (c2 steps in).
    assert found["A"][0] in (250, 251)
    assert found["B"] == (None, 99)
    assert found["C"] == (None, 350)


def test_national_share_or_constituency_seats() -> None:
    """5 % nationally or 2 seats: the regional list R qualifies through its home seats."""
    home = Constituency(name="Home", magnitude=5, votes={"A": 3000, "B": 2000, "R": 4000})
    away = tuple(Constituency(name=f"Away {i}", magnitude=10,
                              votes={"A": 30_000, "B": 25_000, "R": 100}) for i in range(3))
    election = Election(constituencies=(home, *away))
    national = share(5, Scope.NATIONAL)  # R: 4,300 of 175,300 = 2.5 %
    alone = allocate(election, Law(rule=DivisorRule(DIVISOR_SERIES["dhondt"]),
                                   threshold=Threshold(conditions=(national,))))
    assert alone.totals()["R"] == 0
    either = Law(rule=DivisorRule(DIVISOR_SERIES["dhondt"]),
                 threshold=Threshold(conditions=(national, ConstituencySeats(seats=2))))
    result = allocate(election, either)
    assert result.seats_in("Home")["R"] == 2
    assert margins(election, either, "Home")[2].seats == 2
