"""Who is elected: open and closed lists, and each step of every women's rule."""

from __future__ import annotations

from fractions import Fraction

import pytest

from majlis.errors import AllocationError
from majlis.law import (
    DIVISOR_SERIES,
    CandidateVotes,
    Constituency,
    ConstituencyWoman,
    DivisorRule,
    Election,
    EveryNth,
    Law,
    QuarterByList,
    QuotaRule,
    Ranking,
    SntvRule,
    allocate,
)


def slate(list_name: str, *people: tuple[str, int, str]) -> tuple[CandidateVotes, ...]:
    return tuple(CandidateVotes(list=list_name, candidate=name, votes=votes, gender=gender)
                 for name, votes, gender in people)


def run(seats: int, candidates: tuple[CandidateVotes, ...], **law: object):
    votes: dict[str, int] = {}
    for x in candidates:
        votes[x.list] = votes.get(x.list, 0) + x.votes
    c = Constituency(name="C", magnitude=seats, votes=votes, candidates=candidates)
    rule = law.pop("rule", DivisorRule(DIVISOR_SERIES["dhondt"]))
    return allocate(Election(constituencies=(c,)), Law(rule=rule, **law)).constituencies[0]


def winners(result) -> list[str]:
    return [e.candidate.candidate for e in result.elected]


def quota(result) -> dict[str, str]:
    return {e.candidate.candidate: e.displaced.candidate for e in result.elected
            if e.via == "women's quota" and e.displaced}


def test_open_lists_go_by_personal_votes_closed_lists_by_list_order() -> None:
    a = slate("A", ("a1", 100, "M"), ("a2", 900, "M"), ("a3", 500, "F"))
    assert winners(run(2, a)) == ["a2", "a3"]
    assert winners(run(2, a, ranking=Ranking.CLOSED)) == ["a1", "a2"]
    assert {e.via for e in run(2, a, ranking=Ranking.CLOSED).elected} == {"list order"}


def test_quarter_rule_changes_nothing_when_votes_elect_enough_women() -> None:
    a = slate("A", ("a1", 900, "F"), ("a2", 800, "M"), ("a3", 700, "M"), ("a4", 600, "M"),
              ("a5", 10, "F"))
    result = run(4, a, women=QuarterByList())
    assert winners(result) == ["a1", "a2", "a3", "a4"] and quota(result) == {}


def test_quarter_rule_first_seats_a_woman_per_four_seats_of_each_list() -> None:
    # 8 seats, 2 women required; A and B win 4 each with men only: each seats one woman.
    a = slate("A", *((f"a{i}", 1000 - i, "M") for i in range(1, 5)), ("af", 50, "F"))
    b = slate("B", *((f"b{i}", 1000 - i, "M") for i in range(1, 5)), ("bf", 40, "F"))
    result = run(8, a + b, women=QuarterByList())
    assert quota(result) == {"af": "a4", "bf": "b4"}
    assert sum(e.candidate.gender == "F" for e in result.elected) == 2


def test_quarter_rule_then_seats_a_woman_per_three_seats() -> None:
    # 12 seats need 3 women. A and B win 6 each: ÷4 gives one each (2 < 3), ÷3 gives two each.
    a = slate("A", *((f"a{i}", 1000 - i, "M") for i in range(1, 7)),
              ("af1", 60, "F"), ("af2", 50, "F"))
    b = slate("B", *((f"b{i}", 1000 - i, "M") for i in range(1, 7)),
              ("bf1", 40, "F"), ("bf2", 30, "F"))
    result = run(12, a + b, women=QuarterByList())
    assert quota(result) == {"af1": "a6", "af2": "a5", "bf1": "b6", "bf2": "b5"}


def test_quarter_rule_gives_the_last_seats_to_the_highest_voted_women() -> None:
    # 10 seats need 3 (2.5 rounds up). Hare: A 5 seats, B 3, C 2. ÷4: A seats one woman;
    # ÷3: B seats one too (2 < 3); the third goes to the highest-voted unelected woman of a
    # winning list: C's cf (400), ahead of A's af2 (5).
    a = slate("A", *((f"a{i}", 1000 - i, "M") for i in range(1, 6)), ("af", 10, "F"),
              ("af2", 5, "F"))
    b = slate("B", ("b1", 1000, "M"), ("b2", 990, "M"), ("b3", 980, "M"), ("bf", 30, "F"))
    c = slate("C", ("c1", 1000, "M"), ("c2", 600, "M"), ("cf", 400, "F"))
    result = run(10, a + b + c, women=QuarterByList(), rule=QuotaRule("hare"))
    seats = {p: sum(e.candidate.list == p for e in result.elected) for p in "ABC"}
    assert seats == {"A": 5, "B": 3, "C": 2}
    assert quota(result) == {"af": "a5", "bf": "b3", "cf": "c2"}


def test_quarter_rule_shortfall_stands_when_lists_have_no_women() -> None:
    a = slate("A", *((f"a{i}", 1000 - i, "M") for i in range(1, 6)))
    result = run(4, a, women=QuarterByList(share=Fraction(1, 2)))
    assert winners(result) == ["a1", "a2", "a3", "a4"] and quota(result) == {}


def test_every_fourth_winner_of_a_list_is_a_woman() -> None:
    a = slate("A", *((f"m{i}", 1000 - i, "M") for i in range(1, 6)), ("f1", 10, "F"),
              ("f2", 5, "F"))
    result = run(5, a, women=EveryNth(every=4))
    assert winners(result) == ["m1", "m2", "m3", "f1", "m4"]
    assert quota(result) == {"f1": "m5"}


def sntv_constituency(name: str, *people: tuple[str, str, int, str]) -> Constituency:
    candidates = tuple(CandidateVotes(list=p, candidate=n, votes=v, gender=g)
                       for p, n, v, g in people)
    votes: dict[str, int] = {}
    for x in candidates:
        votes[x.list] = votes.get(x.list, 0) + x.votes
    return Constituency(name=name, magnitude=2, votes=votes, candidates=candidates,
                        region="Basra")


def test_district_woman_fills_the_region_quota_from_districts_without_women() -> None:
    one = sntv_constituency("Basra 1", ("A", "m1", 900, "M"), ("B", "m2", 800, "M"),
                        ("C", "w1", 300, "F"))
    two = sntv_constituency("Basra 2", ("A", "w2", 900, "F"), ("B", "m3", 800, "M"),
                        ("C", "w3", 100, "F"))
    three = sntv_constituency("Basra 3", ("A", "m4", 900, "M"), ("B", "m5", 800, "M"),
                          ("C", "w4", 200, "F"))
    law = Law(rule=SntvRule(), women=ConstituencyWoman())
    result = allocate(Election(constituencies=(one, two, three)), law)
    # Three districts need three women; Basra 2 elected one on votes. Basra 1's best woman
    # (300) goes first, then Basra 3's (200), each replacing the district's lowest-voted man.
    by_name = {r.name: r for r in result.constituencies}
    assert quota(by_name["Basra 1"]) == {"w1": "m2"}
    assert quota(by_name["Basra 3"]) == {"w4": "m5"}
    assert quota(by_name["Basra 2"]) == {}
    assert dict(by_name["Basra 1"].seats) == {"A": 1, "B": 0, "C": 1}


def test_district_woman_stops_when_the_region_has_its_women() -> None:
    one = sntv_constituency("Basra 1", ("A", "w1", 900, "F"), ("B", "w2", 800, "F"),
                        ("C", "m1", 700, "M"))
    two = sntv_constituency("Basra 2", ("A", "m2", 900, "M"), ("B", "m3", 800, "M"),
                        ("C", "w3", 100, "F"))
    result = allocate(Election(constituencies=(one, two)),
                      Law(rule=SntvRule(), women=ConstituencyWoman()))
    assert all(quota(r) == {} for r in result.constituencies)


def test_a_list_without_enough_candidates_cannot_fill_its_seats() -> None:
    a = slate("A", ("a1", 900, "M"))
    b = slate("B", ("b1", 10, "M"))
    with pytest.raises(AllocationError, match="A won 3 seats but has 1 candidates"):
        run(3, a + b)  # D'Hondt: 900 against 10 takes all three
