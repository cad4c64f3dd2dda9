"""Seats apportioned to constituencies ([apportionment]): the minimum first or as a floor, fixed
seats, the basis read from a districts-file column or the votes — hand-checked."""

from __future__ import annotations

import pytest

from majlis.errors import InputError
from majlis.law import (
    DIVISOR_SERIES,
    Apportionment,
    ApportionmentBasis,
    DivisorRule,
    MinimumRule,
    QuotaRule,
    TieRule,
    parse_law,
    read_election,
)
from tests.law.conformance import check_law

HARE = QuotaRule("hare")
DHONDT = DivisorRule(DIVISOR_SERIES["dhondt"])


def magnitudes(rule: DivisorRule | QuotaRule, basis: dict[str, int], seats: int, minimum: int,
               minimum_rule: MinimumRule, fixed: dict[str, int] | None = None) -> dict[str, int]:
    part = Apportionment(rule=rule, basis=ApportionmentBasis.POPULATION, seats=seats,
                         minimum=minimum, minimum_rule=minimum_rule, fixed=fixed or {})
    return dict(part.apportion(basis, TieRule.VOTES).magnitudes)


def test_a_quota_minimum_first_then_floor_give_different_seats() -> None:
    population = {"A": 900, "B": 60, "C": 40}
    # First: one each, the 7 left by Hare quotas of 1000/7 — A 6 (remainder 42.86), B's 60 wins
    # the last seat.
    assert magnitudes(HARE, population, 10, 1, MinimumRule.FIRST) == {"A": 7, "B": 2, "C": 1}
    # Floor: Hare over 10 gives A 9, B 1, C 0; C is raised to 1 and A, B share 9 (quota 960/9):
    # A 8, B 1.
    assert magnitudes(HARE, population, 10, 1, MinimumRule.FLOOR) == {"A": 8, "B": 1, "C": 1}


def test_a_divisor_floor_raises_again_until_none_is_below() -> None:
    # D'Hondt over 8 gives A 6, B 2, C 0: C is raised to 2; over 6, A 5, B 1: B is raised too;
    # A takes the 4 left — as D'Hondt continued from 2 seats each (A's 233.3 and 175 beat B's
    # 66.7).
    population = {"A": 700, "B": 200, "C": 90}
    assert magnitudes(DHONDT, population, 8, 2, MinimumRule.FLOOR) == {"A": 4, "B": 2, "C": 2}


def test_fixed_seats_come_out_before_the_rest_and_ties_go_by_the_larger_basis() -> None:
    # Spain's shape: two constituencies fixed at 1, the others 2 each, then 4 by Hare quotas of
    # 1000/4 = 250: A 2 (remainder 100), B 1 (50), C 0 (100) — A and C tie at 100, A is larger.
    part = Apportionment(rule=HARE, basis=ApportionmentBasis.POPULATION, seats=12, minimum=2,
                         fixed={"Ceuta": 1, "Melilla": 1})
    result = part.apportion({"A": 600, "B": 300, "C": 100, "Ceuta": 80}, TieRule.VOTES)
    assert dict(result.magnitudes) == {"Ceuta": 1, "Melilla": 1, "A": 5, "B": 3, "C": 2}
    assert [(t.lists, t.winner, t.decided_by) for t in result.ties] == [
        (("A", "C"), "A", "votes")]
    assert result.runner_up is not None and result.runner_up.list == "C"


def test_too_few_seats_for_the_minimum_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot give 3 constituencies 2 each"):
        magnitudes(HARE, {"A": 1, "B": 1, "C": 1}, 5, 2, MinimumRule.FIRST)


LAW = """\
[allocation]
method = "dhondt"

[apportionment]
method = "sainte-lague"
basis = "{basis}"
seats = 10
minimum = 2
"""

VOTES = "district,party,votes\nNorth,X,600\nNorth,Y,400\nSouth,X,120\nSouth,Y,300\n"


def test_magnitudes_from_a_population_column_feed_the_allocation() -> None:
    law = parse_law(LAW.format(basis="population"), "law.toml")
    election = read_election(VOTES, "votes.csv", law,
                             "district,population\nNorth,7000\nSouth,1000\n", "districts.csv")
    # Two each, then Sainte-Laguë of 6 afresh: North's 7000, 2333, 1400, 1000, 778 and South's
    # 1000 take them — North 5, South 1.
    assert {c.name: c.magnitude for c in election.constituencies} == {"North": 7, "South": 3}
    assert election.apportionment is not None and election.apportionment.basis == "population"
    result = check_law(election, law)
    assert dict(result.seats_in("North")) == {"X": 4, "Y": 3}
    assert dict(result.seats_in("South")) == {"X": 1, "Y": 2}


def test_magnitudes_from_the_votes_need_no_districts_file() -> None:
    law = parse_law(LAW.format(basis="votes"), "law.toml")
    election = read_election(VOTES, "votes.csv", law)
    # 1000 and 420 votes: two each, then Sainte-Laguë of 6 — North 1000, 333, 200, 143, 111;
    # South 420, 140: North 4, South 2.
    assert {c.name: c.magnitude for c in election.constituencies} == {"North": 6, "South": 4}


@pytest.mark.parametrize(("districts", "message"), [
    ("district,seats,population\nNorth,5,7000\nSouth,5,1000\n",
     "districts.csv:1: seats: the law apportions the seats"),
    ("district,registered\nNorth,7000\nSouth,1000\n",
     "districts.csv:1: header: expected a population column"),
    ("district,population\nNorth,7000\nSouth,\n", "districts.csv:3: population: missing"),
])
def test_a_districts_file_that_does_not_fit_the_apportionment_is_refused(
        districts: str, message: str) -> None:
    law = parse_law(LAW.format(basis="population"), "law.toml")
    with pytest.raises(InputError) as caught:
        read_election(VOTES, "votes.csv", law, districts, "districts.csv")
    assert message in str(caught.value)


@pytest.mark.parametrize(("extra", "message"), [
    ('[districts]\nNorth = 3\n', "give fixed seats in its `fixed` table"),
    ('fixed = {{ North = 11 }}\n', "the fixed seats (11) exceed seats (10)"),
])
def test_an_apportionment_law_that_contradicts_itself_is_refused(extra: str, message: str) -> None:
    text = LAW.format(basis="population") + extra.format()
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_law(text, "law.toml")
