"""Divisor, quota and SNTV rules: textbook examples and the properties each method promises."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from majlis.errors import AllocationError
from majlis.law import (
    DIVISOR_SERIES,
    CandidateVotes,
    Constituency,
    DivisorRule,
    DivisorSeries,
    Election,
    Law,
    QuotaRule,
    Remainder,
    ReservedSeats,
    SntvRule,
    TieRule,
    allocate,
    parse_law,
)
from tests.law.conformance import check_law
from tests.strategies import constituencies, divisor_rules, quota_rules, sntv_constituency


def seats(votes: dict[str, int], magnitude: int, law: Law, seed: int = 0) -> dict[str, int]:
    c = Constituency(name="C", magnitude=magnitude, votes=votes)
    return dict(allocate(Election(constituencies=(c,)), law, seed=seed).seats_in("C"))


def divisor(name: str) -> Law:
    return Law(rule=DivisorRule(DIVISOR_SERIES[name]))


TEXTBOOK = {"A": 100_000, "B": 80_000, "C": 30_000, "D": 20_000}


@pytest.mark.parametrize(("law", "expected"), [
    (divisor("dhondt"), {"A": 4, "B": 3, "C": 1, "D": 0}),
    (divisor("sainte-lague"), {"A": 3, "B": 3, "C": 1, "D": 1}),
    (divisor("imperiali"), {"A": 5, "B": 3, "C": 0, "D": 0}),
    (divisor("danish"), {"A": 3, "B": 3, "C": 1, "D": 1}),
    (divisor("adams"), {"A": 3, "B": 3, "C": 1, "D": 1}),
    (divisor("huntington-hill"), {"A": 3, "B": 3, "C": 1, "D": 1}),
    (Law(rule=QuotaRule("hare")), {"A": 3, "B": 3, "C": 1, "D": 1}),
    (Law(rule=QuotaRule("droop")), {"A": 4, "B": 3, "C": 1, "D": 0}),
    (Law(rule=QuotaRule("hare", Remainder.HIGHEST_AVERAGE)), {"A": 4, "B": 3, "C": 1, "D": 0}),
])
def test_textbook_eight_seats(law: Law, expected: dict[str, int]) -> None:
    assert seats(TEXTBOOK, 8, law) == expected


def test_explicit_divisor_series_continues_in_its_last_step() -> None:
    series = DivisorSeries.of((Fraction(17, 10), Fraction(3), Fraction(5)))
    assert [series.divisor(k) for k in range(5)] == [Fraction(17, 10), 3, 5, 7, 9]
    with pytest.raises(ValueError, match="increase"):
        DivisorSeries.of((Fraction(3), Fraction(2)))


def test_sainte_lague_first_divisor_shuts_out_a_small_list() -> None:
    votes = {"A": 10_000, "B": 1_000}
    plain = seats(votes, 8, divisor("sainte-lague"))
    series = DIVISOR_SERIES["sainte-lague"]
    assert isinstance(series, DivisorSeries)
    modified = seats(votes, 8, Law(rule=DivisorRule(series.with_first(Fraction(17, 10)))))
    assert plain["B"] == 1 and modified["B"] == 0


@given(constituencies(), st.one_of(divisor_rules, quota_rules))
def test_every_seat_is_filled_and_the_law_conforms(c: Constituency, rule) -> None:
    check_law(Election(constituencies=(c,)), Law(rule=rule))


@given(constituencies(), quota_names := st.sampled_from(["hare"]))
def test_hare_largest_remainder_stays_within_quota(c: Constituency, quota: str) -> None:
    won = seats(dict(c.votes), c.magnitude, Law(rule=QuotaRule(quota)))
    total = sum(c.votes.values())
    for list_name, v in c.votes.items():
        exact = Fraction(v * c.magnitude, total)
        assert exact - 1 < won[list_name] < exact + 1


@given(constituencies(max_seats=30), divisor_rules)
def test_divisor_methods_are_house_monotone(c: Constituency, rule: DivisorRule) -> None:
    law = Law(rule=rule, tie=TieRule.VOTES)
    smaller = seats(dict(c.votes), c.magnitude, law)
    larger = seats(dict(c.votes), c.magnitude + 1, law)
    assert all(larger[p] >= smaller[p] for p in c.votes)


def test_alabama_paradox_under_hare() -> None:
    """One more seat in the house costs list C a seat: the paradox divisor methods avoid."""
    votes = {"A": 6, "B": 6, "C": 2}
    hare = Law(rule=QuotaRule("hare"))
    assert seats(votes, 10, hare)["C"] == 2
    assert seats(votes, 11, hare)["C"] == 1
    dhondt = divisor("dhondt")
    assert seats(votes, 11, dhondt)["C"] >= seats(votes, 10, dhondt)["C"]


def test_imperiali_quota_overshoot_is_taken_back_from_smallest_remainders() -> None:
    # quota 1000/(3+2) = 200: whole quotas 2+1+1 = 4 > 3 seats
    won = seats({"A": 500, "B": 300, "C": 200}, 3, Law(rule=QuotaRule("imperiali-quota")))
    assert won == {"A": 2, "B": 1, "C": 0}


def test_tie_on_the_last_seat_goes_to_more_votes_then_to_a_recorded_lot() -> None:
    # D'Hondt, 2 seats: A's second quotient (300 / 2) ties with B's first (150).
    pair = Constituency(name="C", magnitude=2, votes={"A": 300, "B": 150})
    (tie,) = allocate(Election(constituencies=(pair,)), divisor("dhondt"), seed=1).ties
    assert (tie.seat, set(tie.lists), tie.winner, tie.decided_by) == (2, {"A", "B"}, "A", "votes")
    # Three lists level at 150 for one seat: only a lot can decide, and the seed replays it.
    c = Constituency(name="C", magnitude=1, votes={"A": 150, "B": 150, "C": 150})
    lot = Law(rule=DivisorRule(DIVISOR_SERIES["dhondt"]), tie=TieRule.LOT)
    winners = {allocate(Election(constituencies=(c,)), lot, seed=s).ties[0].winner
               for s in range(40)}
    assert winners == {"A", "B", "C"}
    again = allocate(Election(constituencies=(c,)), lot, seed=11)
    assert again == allocate(Election(constituencies=(c,)), lot, seed=11)
    assert again.lot_used and again.seed == 11


def test_sntv_elects_the_candidates_with_most_votes() -> None:
    c = sntv_constituency("D1")
    result = allocate(Election(constituencies=(c,)), Law(rule=SntvRule()))
    assert [e.candidate.candidate for e in result.constituencies[0].elected] == ["a1", "b1", "c1"]
    # A list vote total can lead while its seats trail: the SNTV penalty for spreading votes.
    assert dict(result.seats_in("D1")) == {"A": 1, "B": 1, "C": 1}


def test_sntv_given_votes_by_entry_counts_each_entry_as_one_candidate() -> None:
    """A tally's sheets carry one figure per entry: in a reserved SNTV contest each entry is a
    candidate standing alone, and the top entries win — Iraq's minority seats as counted."""
    contest = Constituency(name="Yazidi", magnitude=1,
                           votes={"Khalid Sido": 9_686, "B": 4_954, "C": 9_685})
    law = Law(rule=DivisorRule(DIVISOR_SERIES["sainte-lague"]),
              reserved={"Yazidi": ReservedSeats(community="Yazidi", rule=SntvRule())})
    result = allocate(Election(constituencies=(contest,)), law)
    assert dict(result.seats_in("Yazidi")) == {"Khalid Sido": 1, "B": 0, "C": 0}
    assert result.constituencies[0].runner_up is not None
    assert result.constituencies[0].runner_up.list == "C"
    two = Constituency(name="D", magnitude=2, votes={"A": 5, "B": 7, "C": 6})
    assert seats(dict(two.votes), 2, Law(rule=SntvRule())) == {"A": 0, "B": 1, "C": 1}


def test_too_few_candidates_is_an_allocation_error() -> None:
    c = Constituency(name="D1", magnitude=3, votes={"A": 10},
                     candidates=(CandidateVotes(list="A", candidate="a1", votes=10),))
    with pytest.raises(AllocationError, match="only 1 of 3 seats"):
        allocate(Election(constituencies=(c,)), Law(rule=SntvRule()))


def test_a_count_so_far_is_allocated_in_the_constituencies_the_law_seats_that_have_votes() -> None:
    law = Law(rule=DivisorRule(DIVISOR_SERIES["dhondt"]), magnitudes={"North": 3, "South": 2})
    election = law.election({"North": {"A": 700, "B": 300}, "South": {},
                             "Abroad": {"A": 50}})
    assert [(c.name, c.magnitude) for c in election.constituencies] == [("North", 3)]
    assert dict(allocate(election, law).seats_in("North")) == {"A": 2, "B": 1}


@pytest.mark.parametrize("quota", ["hare", "droop", "imperiali-quota"])
def test_a_constituency_without_seats_gets_none_under_a_quota(quota: str) -> None:
    """Hare's quota for 0 seats would divide by zero: a seatless constituency gets no seats."""
    law = parse_law(f'[allocation]\nmethod = "{quota}"\nremainder = "largest"\n', "law.toml")
    result = allocate(Election(constituencies=(
        Constituency(name="A", magnitude=0, votes={"p": 10, "q": 5}),
        Constituency(name="B", magnitude=3, votes={"p": 10, "q": 5}))), law)
    assert [dict(c.seats) for c in result.constituencies] == [{"p": 0, "q": 0},
                                                             {"p": 2, "q": 1}]
