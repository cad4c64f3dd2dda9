"""Representation reports: indices checked by hand and against official seats, the women's and
minority seats reports against the law's own record of who was seated how."""

from __future__ import annotations

from fractions import Fraction
from math import sqrt

from majlis import data
from majlis.law import (
    DIVISOR_SERIES,
    CandidateVotes,
    Constituency,
    DivisorRule,
    Election,
    Law,
    QuarterByList,
    ReservedSeats,
    SntvRule,
    allocate,
)
from majlis.publish import disproportionality, minority_seats, represent, women_seats
from tests.real.test_world import run, run_world


def test_indices_of_a_small_count_equal_the_hand_computed_fractions() -> None:
    # Votes 60/30/10 %, seats 7/3/0 of 10: gaps −10, 0, +10 points.
    d = disproportionality({"A": 600, "B": 300, "C": 100}, {"A": 7, "B": 3, "C": 0})
    assert d.gallagher_squared == Fraction(1, 100)  # ½ (0.1² + 0 + 0.1²)
    assert d.gallagher is not None and abs(d.gallagher - 10.0) < 1e-12
    assert d.loosemore_hanby == Fraction(1, 10)  # ½ (0.1 + 0 + 0.1)
    assert d.enp_votes == 1 / Fraction(36 + 9 + 1, 100)  # 1 / 0.46
    assert d.enp_seats == 1 / Fraction(49 + 9, 100)
    assert (d.wasted, d.wasted_share) == (100, Fraction(1, 10))


def test_a_list_with_seats_and_no_votes_counts_at_a_vote_share_of_zero() -> None:
    d = disproportionality({"A": 10}, {"A": 1, "B": 1})
    assert d.loosemore_hanby == Fraction(1, 2) and d.seats == {"A": 1, "B": 1}
    empty = disproportionality({}, {})
    assert (empty.gallagher, empty.enp_votes, empty.wasted_share) == (None, None, None)


def test_new_zealand_2017_indices_match_those_computed_by_hand_from_official_figures() -> None:
    """NZ 2017 (Electoral Commission final party votes and seats, bundled with their source in
    src/majlis/data/world/README.md): the Gallagher index, Loosemore–Hanby and ENP computed
    here in floats, independently, from the published seats file, and the rounded figures a
    results desk would print (LSq 2.73, ENEP 2.91, ENPP 2.67), worked by hand from them."""
    _, _, result = run_world("new-zealand-mmp.toml", "newzealand2017")
    votes = {r["party"]: int(r["votes"]) for r in data.rows("world/newzealand2017_votes.csv")}
    seats = {r["party"]: int(r["seats"]) for r in data.rows("world/newzealand2017_seats.csv")}
    v_total, s_total = sum(votes.values()), sum(seats.values())
    gaps = [100 * votes.get(p, 0) / v_total - 100 * seats.get(p, 0) / s_total
            for p in set(votes) | set(seats)]
    house = represent(result).house
    assert house.seats == {p: seats.get(p, 0) for p in house.seats}  # the official seats
    assert house.gallagher is not None
    assert abs(house.gallagher - sqrt(sum(g * g for g in gaps) / 2)) < 1e-9
    assert round(house.gallagher, 2) == 2.73
    assert house.loosemore_hanby is not None
    assert abs(100 * float(house.loosemore_hanby) - sum(map(abs, gaps)) / 2) < 1e-9
    assert house.enp_votes is not None and house.enp_seats is not None
    assert round(float(house.enp_votes), 2) == 2.91 and round(float(house.enp_seats), 2) == 2.67
    # Wasted: every party vote for a party that won no seat.
    assert house.wasted == sum(n for p, n in votes.items() if not seats.get(p))
    assert house.wasted == 121_413


def test_norway_levelling_seats_count_in_their_county_and_in_the_house() -> None:
    _, _, result = run("norway-2021.toml", "world/norway2021_votes.csv",
                       "world/norway2021_districts.csv")
    report = represent(result)
    assert sum(report.house.seats.values()) == 169
    assert sum(sum(d.seats.values()) for d in report.constituencies.values()) == 169
    oslo = report.constituencies["Oslo"]
    assert sum(oslo.seats.values()) == 20  # 19 constituency seats and one levelling seat
    assert oslo.wasted == sum(n for p, n in oslo.votes.items() if not oslo.seats[p])


def _slate(list_name: str, *people: tuple[str, int, str]) -> tuple[CandidateVotes, ...]:
    return tuple(CandidateVotes(list=list_name, candidate=name, votes=votes, gender=gender)
                 for name, votes, gender in people)


def test_women_report_separates_women_elected_on_votes_from_quota_seats_and_their_men() -> None:
    # 8 seats need 2 women: A seats af on her own votes, B (4 seats, all men) must seat bf in
    # place of its lowest-voted man, b4.
    a = _slate("A", ("a1", 990, "M"), ("af", 980, "F"), ("a2", 970, "M"), ("a3", 960, "M"))
    b = _slate("B", *((f"b{i}", 1000 - i, "M") for i in range(1, 5)), ("bf", 40, "F"))
    candidates = a + b
    votes = {p: sum(x.votes for x in candidates if x.list == p) for p in "AB"}
    c = Constituency(name="C", magnitude=8, votes=votes, candidates=candidates)
    result = allocate(Election(constituencies=(c,)),
                      Law(rule=DivisorRule(DIVISOR_SERIES["dhondt"]), women=QuarterByList()))
    rows = {r.list: r for r in women_seats(result)}
    assert {p: r.seats for p, r in rows.items()} == {"A": 4, "B": 4}
    assert [x.candidate for x in rows["A"].on_votes] == ["af"] and rows["A"].by_quota == ()
    assert [x.candidate for x in rows["B"].by_quota] == ["bf"] and rows["B"].on_votes == ()
    assert [x.candidate for x in rows["B"].displaced] == ["b4"]
    assert sum(r.women for r in rows.values()) == 2


def test_minority_report_names_each_reserved_contest_winner_with_the_contest_votes() -> None:
    general = Constituency(name="Nineveh", magnitude=3, votes={"A": 600, "B": 300})
    yazidi = Constituency(name="Yazidi", magnitude=1,
                          votes={"Khalid Sido": 9_686, "B": 4_954, "C": 9_685})
    law = Law(rule=DivisorRule(DIVISOR_SERIES["sainte-lague"]),
              reserved={"Yazidi": ReservedSeats(community="Yazidi", rule=SntvRule())})
    (seat,) = minority_seats(allocate(Election(constituencies=(general, yazidi)), law))
    assert (seat.constituency, seat.community, seat.list, seat.votes, seat.seats) == (
        "Yazidi", "Yazidi", "Khalid Sido", 9_686, 1)
    assert seat.contest_votes == 9_686 + 4_954 + 9_685
