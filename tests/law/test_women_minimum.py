"""A minimum number of women per constituency ([women] rule = "minimum"): SNTV and lists, by
number, share or constituency — hand-checked, Iraq's published quotas, and a property."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from majlis import data
from majlis.errors import AllocationError, InputError
from majlis.law import (
    DIVISOR_SERIES,
    CandidateVotes,
    Constituency,
    ConstituencyResult,
    DivisorRule,
    Election,
    Law,
    MinimumWomen,
    Ranking,
    Rounding,
    SntvRule,
    allocate,
    parse_law,
)

DHONDT = DivisorRule(DIVISOR_SERIES["dhondt"])


def people(list_name: str, *rows: tuple[str, int, str]) -> tuple[CandidateVotes, ...]:
    return tuple(CandidateVotes(list=list_name, candidate=n, votes=v, gender=g) for n, v, g in rows)


def count(seats: int, candidates: tuple[CandidateVotes, ...], law: Law,
          name: str = "C") -> ConstituencyResult:
    votes: dict[str, int] = {}
    for x in candidates:
        votes[x.list] = votes.get(x.list, 0) + x.votes
    c = Constituency(name=name, magnitude=seats, votes=votes, candidates=candidates)
    return allocate(Election(constituencies=(c,)), law).constituencies[0]


def seated(result: ConstituencyResult) -> dict[str, str]:
    return {e.candidate.candidate: e.via if e.displaced is None
            else f"{e.via} for {e.displaced.candidate}" for e in result.elected}


SNTV = (*people("A", ("a1", 900, "M"), ("a2", 800, "M"), ("a3", 300, "F")),
        *people("B", ("b1", 700, "M"), ("b2", 650, "M"), ("b3", 400, "F")),
        *people("C", ("c1", 500, "F")))


def test_sntv_seats_the_best_placed_women_in_place_of_the_weakest_men() -> None:
    law = Law(rule=SntvRule(), women=MinimumWomen(seats=2))
    result = count(4, SNTV, law)
    # On votes: a1, a2, b1, b2. Two women are owed: c1 (500) for b2 (650), then b3 (400) for b1
    # (700) — the seats move between lists, as SNTV elects candidates.
    assert seated(result) == {"a1": "votes", "a2": "votes", "c1": "women's quota for b2",
                              "b3": "women's quota for b1"}
    assert dict(result.seats) == {"A": 2, "B": 1, "C": 1}


def test_nothing_changes_when_the_votes_elect_the_minimum() -> None:
    law = Law(rule=SntvRule(), women=MinimumWomen(seats=1))
    result = count(6, SNTV, law)
    assert set(seated(result).values()) == {"votes"}


def test_lists_keep_their_seats_and_the_best_voted_waiting_woman_goes_first() -> None:
    a = people("A", ("a1", 900, "M"), ("a2", 800, "M"), ("a3", 700, "M"), ("a4", 90, "F"))
    b = people("B", ("b1", 850, "M"), ("b2", 300, "M"), ("b3", 200, "F"), ("b4", 100, "F"))
    # 30 % of 5 seats is 1.5: two women, rounded half up.
    law = Law(rule=DHONDT, women=MinimumWomen(share=Fraction(3, 10)))
    result = count(5, a + b, law)
    assert dict(result.seats) == {"A": 3, "B": 2}
    # b3 (200) is the best-voted of each list's best waiting woman, for B's weakest man b2; then
    # b4 (100) still beats a4 (90), for B's last man b1.
    assert seated(result) == {"a1": "votes", "a2": "votes", "a3": "votes",
                              "b3": "women's quota for b2", "b4": "women's quota for b1"}
    down = count(5, a + b, Law(rule=DHONDT, women=MinimumWomen(
        share=Fraction(3, 10), rounding=Rounding.DOWN)))
    assert [x for x, via in seated(down).items() if via != "votes"] == ["b3"]


def test_closed_lists_replace_the_last_placed_man_by_the_first_placed_woman() -> None:
    # Personal votes do not count under closed lists: a4 (1 vote) is placed before a5 (200),
    # a3 (100) after a1 (10).
    a = people("A", ("a1", 10, "M"), ("a2", 50, "M"), ("a3", 100, "M"), ("a4", 1, "F"),
               ("a5", 200, "F"))
    law = Law(rule=DHONDT, ranking=Ranking.CLOSED, women=MinimumWomen(seats=1))
    result = count(3, people("B", ("b1", 5, "M")) + a, law)
    assert seated(result) == {"a1": "list order", "a2": "list order",
                              "a4": "women's quota for a3"}


def test_a_constituency_named_takes_its_own_minimum_and_a_shortfall_stands() -> None:
    rule = MinimumWomen(seats=1, constituencies={"Kabul": 2, "Panjshir": 0})
    assert (rule.required("Kabul", 33), rule.required("Panjshir", 2),
            rule.required("Other", 4), rule.required("Other", 0)) == (2, 0, 1, 0)
    men = people("A", ("a1", 10, "M"), ("a2", 9, "M"), ("a3", 8, "F"))
    result = count(2, men, Law(rule=SntvRule(), women=MinimumWomen(
        constituencies={"Kabul": 2})), name="Kabul")
    assert seated(result) == {"a1": "votes", "a3": "women's quota for a2"}  # one woman only


def test_a_constituency_the_election_lacks_is_refused() -> None:
    with pytest.raises(InputError, match="'Kabol' is not a constituency"):
        count(2, SNTV, Law(rule=SntvRule(), women=MinimumWomen(constituencies={"Kabol": 1})))


def test_the_minimum_reproduces_iraqs_published_womens_seats_by_governorate() -> None:
    """As a share, the rule asks what IHEC published for 2025: a quarter, rounded half up."""
    law = parse_law('[allocation]\nmethod = "sntv"\n[women]\nrule = "minimum"\nshare = 25\n',
                    "law.toml")
    assert isinstance(law.women, MinimumWomen)
    magnitudes = data.law("iraq-2025").magnitudes
    published = {r["district"]: int(r["women_quota_seats"])
                 for r in data.rows("iraq/iraq_district_magnitudes.csv")
                 if r["election"] == "2025-11-11" and r["women_quota_seats"]
                 and r["district"] != "NATIONAL"}
    assert {d: law.women.required(d, magnitudes[d]) for d in published} == published


@pytest.mark.parametrize(("women", "message"), [
    ('rule = "minimum"', "needs seats, share or constituencies"),
    ('rule = "minimum"\nseats = 1\nshare = 10', "not both"),
    ('rule = "quarter-by-list"\nseats = 1', "apply to rule"),
    ('rule = "minimum"\nrounding = "sideways"\nseats = 1', "rounding"),
])
def test_bad_minimum_laws_are_refused(women: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_law(f'[allocation]\nmethod = "sntv"\n[women]\n{women}\n', "law.toml")


@st.composite
def contests(draw: st.DrawFn) -> tuple[int, tuple[CandidateVotes, ...]]:
    n = draw(st.integers(1, 12))
    rows = tuple(CandidateVotes(list=f"L{draw(st.integers(0, 2))}", candidate=f"x{i}",
                                votes=draw(st.integers(1, 1000)),
                                gender=draw(st.sampled_from("FM"))) for i in range(n))
    return draw(st.integers(1, n)), rows


@settings(max_examples=80, deadline=None)
@given(contest=contests(), goal=st.integers(0, 6), sntv=st.booleans())
def test_the_minimum_is_met_whenever_women_stand_where_men_could_give_way(
        contest: tuple[int, tuple[CandidateVotes, ...]], goal: int, sntv: bool) -> None:
    magnitude, candidates = contest
    law = Law(rule=SntvRule() if sntv else DHONDT, women=MinimumWomen(seats=goal))
    try:
        plain = count(magnitude, candidates, Law(rule=law.rule))
    except AllocationError:  # a list won more seats than it has candidates
        return
    result = count(magnitude, candidates, law)
    women = sum(e.candidate.gender == "F" for e in result.elected)
    before = sum(e.candidate.gender == "F" for e in plain.elected)
    assert women == max(before, women) and len(result.elected) == magnitude
    if not sntv:  # lists keep their seats
        assert dict(result.seats) == dict(plain.seats)
    # Short only if every list with a man seated has no woman left to seat.
    if women < min(goal, magnitude):
        elected = {e.candidate for e in result.elected}
        for e in result.elected:
            if e.candidate.gender == "M":
                pool = candidates if sntv else [x for x in candidates
                                                if x.list == e.candidate.list]
                assert all(x in elected for x in pool if x.gender == "F")
