"""A national pool of regional remainders: whole quotas in the regions, the seats they leave
shared on the pooled remainders and placed back — hand-checked counts and properties."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from majlis.errors import InputError
from majlis.law import (
    DIVISOR_SERIES,
    Allocation,
    Constituency,
    ConstituencyResult,
    DivisorRule,
    Election,
    Precedence,
    QuotaRule,
    Remainder,
    RemainderPool,
    TieRule,
    allocate,
    parse_law,
    read_election,
)
from tests.law.conformance import check_law
from tests.strategies import constituencies

HARE_POOL = """\
[allocation]
method = "hare"
remainder = "pooled"

[tier]
kind = "pool"
method = "hare"
"""
# A: 4 seats, quota 2,500 — X 2 (remainder 0), Y 1 (500), Z 0 (2,000): one seat left.
# B: 3 seats, quota 2,000 — X 0 (1,000), Y 2 (0), Z 0 (1,000): one seat left.
VOTES = ("district,party,votes\nA,X,5000\nA,Y,3000\nA,Z,2000\n"
         "B,X,1000\nB,Y,4000\nB,Z,1000\n")
DISTRICTS = "district,seats\nA,4\nB,3\n"


def count(law_text: str, votes: str = VOTES, districts: str = DISTRICTS) -> Allocation:
    law = parse_law(law_text, "law.toml")
    return check_law(read_election(votes, "votes.csv", law, districts, "districts.csv", None,
                                   ""), law)


def test_remainders_are_pooled_shared_and_placed_where_largest() -> None:
    result = count(HARE_POOL)
    assert {c.name: dict(c.seats) for c in result.constituencies} == {
        "A": {"X": 2, "Y": 1, "Z": 0}, "B": {"X": 0, "Y": 2, "Z": 0}}
    pool = result.tier
    assert pool is not None
    # Pooled: X 1,000, Y 500, Z 3,000 for 2 seats; Hare quota 2,250 — Z 1 (750 left), then the
    # largest remainder, X's 1,000.
    assert dict(pool.pooled) == {"X": 1000, "Y": 500, "Z": 3000}
    assert dict(pool.seats) == {"X": 1, "Y": 0, "Z": 1}
    assert [(a.list, a.stage) for a in pool.awards] == [("Z", "quota"), ("X", "remainder")]
    # Z's largest remainder is in A (2,000), X's in B (1,000).
    assert {d: dict(s) for d, s in pool.placed.items()} == {"A": {"Z": 1}, "B": {"X": 1}}
    assert dict(result.seats_in("A")) == {"X": 2, "Y": 1, "Z": 1}
    assert dict(result.seats_in("B")) == {"X": 1, "Y": 2, "Z": 0}


def test_whole_quotas_past_the_seats_are_taken_back_from_the_smallest_remainders() -> None:
    # Imperiali quota of 10,000 votes for 3 seats: 10,000 ÷ 5 = 2,000. X 2 (100 left), Y 2 (0),
    # Z 0 (1,900): four whole quotas for three seats; Y, with the smallest remainder, gives one
    # back (its remainder is then 2,000). No seat is left for the pool.
    law = HARE_POOL.replace('method = "hare"\nremainder', 'method = "imperiali-quota"\nremainder')
    result = count(law, "district,party,votes\nA,X,4100\nA,Y,4000\nA,Z,1900\n",
                   "district,seats\nA,3\n")
    a = result.constituencies[0]
    assert dict(a.seats) == {"X": 2, "Y": 1, "Z": 0} and a.taken_back == ("Y",)
    assert result.tier is not None
    assert dict(result.tier.pooled) == {"X": 100, "Y": 2000, "Z": 1900}
    assert dict(result.seats_in("A")) == {"X": 2, "Y": 1, "Z": 0}


def test_whole_quotas_two_past_the_seats_give_two_back() -> None:
    # One list alone under an Imperiali quota: 500 ÷ (3 + 2) = 100 fits five times in three
    # seats, so it gives back two, one at a time; its remainder is then 200.
    law = HARE_POOL.replace('method = "hare"\nremainder', 'method = "imperiali-quota"\nremainder')
    result = count(law, "district,party,votes\nA,X,500\n", "district,seats\nA,3\n")
    assert result.constituencies[0].taken_back == ("X", "X")
    assert result.tier is not None and dict(result.tier.pooled) == {"X": 200}
    assert dict(result.seats_in("A")) == {"X": 3}


def test_a_list_pooled_more_seats_than_regions_goes_round_again() -> None:
    # Regions whose counts gave no seat: X's pooled seats go A, B, A, B, … by its remainders.
    regions = tuple(
        ConstituencyResult(name=n, magnitude=3, votes={"X": v}, seats={"X": 0},
                           qualified=frozenset({"X"}), awards=(), runner_up=None)
        for n, v in (("B", 400), ("A", 500)))
    pool = RemainderPool(rule=DivisorRule(DIVISOR_SERIES["dhondt"]))
    result = pool.apportion(regions, QuotaRule("hare", Remainder.POOLED),
                            Precedence.draw("pool", {"X": 900}, TieRule.VOTES, 0))
    assert dict(result.seats) == {"X": 6}
    assert {d: dict(s) for d, s in result.placed.items()} == {"A": {"X": 3}, "B": {"X": 3}}


@pytest.mark.parametrize(("law", "message"), [
    ('[allocation]\nmethod = "hare"\nremainder = "pooled"\n', 'go together'),
    (HARE_POOL.replace('remainder = "pooled"\n', ""), "go together"),
    (HARE_POOL + "seats = 5\n", "takes no seats"),
    (HARE_POOL.replace('"hare"\nremainder', '"dhondt"\nremainder'), "quota methods only"),
    (HARE_POOL + 'remainder = "pooled"\n', "[allocation] only"),
])
def test_a_pool_that_does_not_fit_is_refused(law: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_law(law, "law.toml")
    assert any(message in str(p) for p in caught.value.problems), caught.value.problems


def _pool_law(first: str, second: str) -> str:
    return (f'[allocation]\nmethod = "{first}"\nremainder = "pooled"\n'
            f'[tier]\nkind = "pool"\nmethod = "{second}"\n')


@given(constituencies(max_seats=30, min_lists=2))
def test_one_region_pooling_its_hare_remainders_is_plain_largest_remainder(
        c: Constituency) -> None:
    # The pooled remainders hold exactly (seats left) × quota votes, so the pool's Hare quota is
    # the region's and its whole quotas are none: the largest remainders decide, as plainly.
    assume(len(set(c.votes.values())) == len(c.votes) and c.list_votes > 0)
    election = Election(constituencies=(c,))
    pooled = allocate(election, parse_law(_pool_law("hare", "hare"), "law.toml"))
    plain = allocate(election, parse_law('[allocation]\nmethod = "hare"\n', "law.toml"))
    assert dict(pooled.seats_in("C")) == dict(plain.seats_in("C"))


@given(st.lists(constituencies(max_seats=20, min_lists=2), min_size=1, max_size=4),
       st.sampled_from(["hare", "droop", "imperiali-quota", "hagenbach-bischoff"]),
       st.sampled_from(["hare", "hagenbach-bischoff", "dhondt", "sainte-lague"]))
def test_every_seat_of_the_house_is_given_once(
        regions: list[Constituency], first: str, second: str) -> None:
    named = tuple(replace(c, name=f"R{i}", votes={**c.votes, "L00": c.votes["L00"] + 1})
                  for i, c in enumerate(regions))
    result = check_law(Election(constituencies=named),
                       parse_law(_pool_law(first, second), "law.toml"))
    assert result.tier is not None
    assert sum(s for p in result.tier.placed.values() for s in p.values()) == sum(
        result.tier.seats.values())
    for name, placed in result.tier.placed.items():
        region = next(c for c in result.constituencies if c.name == name)
        assert set(placed) <= region.qualified
    assert all(v >= 0 for v in result.tier.pooled.values())
    assert all(isinstance(v, Fraction) for v in result.tier.pooled.values())
