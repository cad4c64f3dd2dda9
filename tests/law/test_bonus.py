"""A majority bonus to the first list: fixed or sliding, capped, and nothing when unearned —
hand-checked counts and properties on generated elections."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from majlis.errors import InputError
from majlis.law import (
    Allocation,
    Base,
    Constituency,
    Election,
    Law,
    MajorityBonus,
    allocate,
    parse_law,
    read_election,
)
from tests.law.conformance import check_law
from tests.strategies import constituencies

SLIDING = """\
[allocation]
method = "hare"

[bonus]
seats = 20
percent = 25
step_percent = 0.5
max_seats = 50
"""
HARE = '[allocation]\nmethod = "hare"\n'
DISTRICTS = "district,seats\nLand,100\n"


def count(law_text: str, votes: dict[str, int], districts: str = DISTRICTS) -> Allocation:
    law = parse_law(law_text, "law.toml")
    text = "district,party,votes\n" + "".join(f"Land,{p},{v}\n" for p, v in votes.items())
    return check_law(read_election(text, "votes.csv", law, districts, "districts.csv", None, ""),
                     law)


def seats(law_text: str, votes: dict[str, int], districts: str = DISTRICTS) -> dict[str, int]:
    return dict(count(law_text, votes, districts).seats_in("Land"))


@pytest.mark.parametrize(("share", "bonus"), [
    (Fraction(2499, 10000), 0), (Fraction(25, 100), 20), (Fraction(2549, 10000), 20),
    (Fraction(255, 1000), 21), (Fraction(3999, 10000), 49), (Fraction(40, 100), 50),
    (Fraction(1), 50)])
def test_a_sliding_bonus_grows_one_seat_per_full_half_point_to_its_cap(
        share: Fraction, bonus: int) -> None:
    law = parse_law(SLIDING, "law.toml")
    assert law.bonus is not None and law.bonus.seats_for(share) == bonus


def test_the_list_with_most_votes_takes_the_bonus_and_shares_the_rest() -> None:
    # B has 40 % of 10,000: 50 bonus seats. The other 50 by Hare, quota 200: A 15, B 20, C 15.
    result = count(SLIDING, {"A": 3000, "B": 4000, "C": 3000})
    assert dict(result.seats_in("Land")) == {"A": 15, "B": 70, "C": 15}
    land = result.constituencies[0]
    assert land.bonus is not None
    assert (land.bonus.list, land.bonus.share, land.bonus.seats) == ("B", Fraction(2, 5), 50)
    assert [a.seat for a in land.awards] == list(range(1, 101))
    assert {a.list for a in land.awards[:50]} == {"B"} and land.awards[50].stage == "quota"


def test_below_the_share_no_bonus_is_given_and_the_plain_law_stands() -> None:
    votes = {"A": 2400, "B": 2300, "C": 2200, "D": 2000, "E": 1100}  # A: 24 %
    result = count(SLIDING, votes)
    assert result.constituencies[0].bonus is None
    assert dict(result.seats_in("Land")) == seats(HARE, votes)


def test_a_fixed_bonus_goes_to_the_first_list_whatever_its_share() -> None:
    # A +10; 90 seats by Hare, quota 10000/90: A 36, B 31.5, C 22.5 — the last seat's equal
    # remainders go to the list with more votes, B.
    fixed = HARE + "[bonus]\nseats = 10\n"
    assert seats(fixed, {"A": 4000, "B": 3500, "C": 2500}) == {"A": 46, "B": 32, "C": 22}


def test_a_bonus_larger_than_the_constituency_fills_it() -> None:
    fixed = HARE + "[bonus]\nseats = 10\n"
    result = count(fixed, {"A": 4000, "B": 3500}, "district,seats\nLand,5\n")
    assert dict(result.seats_in("Land")) == {"A": 5, "B": 0}
    assert result.constituencies[0].bonus is not None
    assert result.constituencies[0].bonus.seats == 5


def test_the_share_is_measured_on_the_laws_base() -> None:
    # A: 2,600 of 10,000 valid is 26 % (22 seats); of 11,000 cast, 23.6 % (none).
    votes = {"A": 2600, "B": 2500, "C": 2500, "D": 2400}
    districts = "district,seats,invalid\nLand,100,1000\n"
    valid = count(SLIDING, votes, districts).constituencies[0].bonus
    assert valid is not None and valid.seats == 22
    cast = SLIDING + 'base = "cast"\n'
    assert count(cast, votes, districts).constituencies[0].bonus is None


@pytest.mark.parametrize(("extra", "message"), [
    ("[bonus]\nseats = 30\nmax_seats = 20\n", "max_seats (20) is below seats (30)"),
    ("[bonus]\nseats = 5\nshare = 3\n", "unknown key"),
    ("[bonus]\nseats = 5\nstep_percent = 0\n", "greater than 0"),
])
def test_a_bad_bonus_is_refused_at_its_line(extra: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_law(HARE + extra, "law.toml")
    problems = [str(p) for p in caught.value.problems]
    assert any(message in p for p in problems), problems


def test_a_bonus_needs_a_list_count() -> None:
    with pytest.raises(InputError, match="bonus"):
        parse_law('[allocation]\nmethod = "sntv"\n[bonus]\nseats = 2\n', "law.toml")


def _with(c: Constituency, rule: str, bonus: MajorityBonus | None) -> tuple[Election, Law]:
    return Election(constituencies=(c,)), replace(
        parse_law(f'[allocation]\nmethod = "{rule}"\n', "law.toml"), bonus=bonus)


rules = st.sampled_from(["dhondt", "sainte-lague", "hare", "droop"])
bonuses = st.builds(
    MajorityBonus, seats=st.integers(0, 30), share=st.fractions(0, 1),
    step=st.none() | st.fractions(Fraction(1, 1000), Fraction(1, 10)),
    step_seats=st.integers(1, 3), max_seats=st.none() | st.integers(30, 60),
    base=st.sampled_from(list(Base)))


@given(constituencies(max_seats=60), rules, bonuses)
def test_seats_always_fill_the_constituency_and_the_bonus_is_the_first_lists(
        c: Constituency, rule: str, bonus: MajorityBonus) -> None:
    election, law = _with(c, rule, bonus)
    result = check_law(election, law)
    given_bonus = result.constituencies[0].bonus
    if given_bonus is not None:
        assert c.votes[given_bonus.list] == max(c.votes.values())
        assert 0 < given_bonus.seats <= c.magnitude
        assert result.seats_in("C")[given_bonus.list] >= given_bonus.seats


@given(constituencies(max_seats=60), rules, st.fractions(0, 1))
def test_a_zero_bonus_is_the_plain_law(c: Constituency, rule: str, share: Fraction) -> None:
    election, law = _with(c, rule, MajorityBonus(seats=0, share=share))
    plain = allocate(election, replace(law, bonus=None))
    assert allocate(election, law) == plain


@given(constituencies(max_seats=60), st.sampled_from(["dhondt", "sainte-lague"]), bonuses)
def test_under_a_divisor_rule_the_bonus_never_costs_the_first_list_a_seat(
        c: Constituency, rule: str, bonus: MajorityBonus) -> None:
    # Divisor methods are house-monotone: with fewer seats shared, no other list gains one.
    election, law = _with(c, rule, bonus)
    with_bonus = allocate(election, law)
    plain = allocate(election, replace(law, bonus=None))
    given_bonus = with_bonus.constituencies[0].bonus
    if given_bonus is not None:
        first = given_bonus.list
        assert with_bonus.seats_in("C")[first] >= plain.seats_in("C")[first]
