"""Surplus-vote agreements: lists that signed one counted as one, their seats split by the same
rule, lapsed when a partner is out of the count — hand-checked counts."""

from __future__ import annotations

import pytest

from majlis.errors import InputError
from majlis.law import Allocation, parse_law, read_election
from tests.law.conformance import check_law

DHONDT = """\
[allocation]
method = "dhondt"

[agreements]
attribute = "agreement"
"""
# 10,100 votes, 5 seats.
VOTES = "district,party,votes\nLand,A,4000\nLand,B,3000\nLand,C,1800\nLand,D,1300\n"
SIGNED = "party,agreement\nC,left\nD,left\n"
DISTRICTS = "district,seats\nLand,5\n"


def count(law_text: str, votes: str = VOTES, lists: str | None = SIGNED,
          districts: str = DISTRICTS) -> Allocation:
    law = parse_law(law_text, "law.toml")
    return check_law(read_election(votes, "votes.csv", law, districts, "districts.csv", lists,
                                   "lists.csv"), law)


def refused(law_text: str, lists: str | None) -> list[str]:
    law = parse_law(law_text, "law.toml")
    with pytest.raises(InputError) as caught:
        read_election(VOTES, "votes.csv", law, DISTRICTS, "districts.csv", lists, "lists.csv")
    return [str(p) for p in caught.value.problems]


def test_two_lists_counted_as_one_win_a_seat_and_split_it_by_the_same_rule() -> None:
    # Alone: A 4000, B 3000, A 2000, C 1800, B 1500 — A 2, B 2, C 1, D 0.
    alone = count(DHONDT, lists="party,agreement\n")
    assert dict(alone.totals()) == {"A": 2, "B": 2, "C": 1, "D": 0}
    # Together C + D have 3,100: A 4000, C+D 3100, B 3000, A 2000, C+D 1550 (over B's 1500).
    # Their two seats split by D'Hondt: C 1800, D 1300.
    together = count(DHONDT)
    assert dict(together.totals()) == {"A": 2, "B": 1, "C": 1, "D": 1}
    land = together.constituencies[0]
    assert [a.list for a in land.awards] == ["A", "C + D", "B", "A", "C + D"]
    (split,) = land.agreements
    assert (split.lists, split.votes, split.seats, dict(split.split)) == (
        ("C", "D"), 3100, 2, {"C": 1, "D": 1})
    assert [a.list for a in split.awards] == ["C", "D"]


def test_an_agreement_with_a_partner_below_the_threshold_lapses() -> None:
    # 13 % of 10,100 is 1,313: D (1,300) is out, so C stands alone: A 2, B 2, C 1.
    law = DHONDT + "\n[threshold]\npercent = 13\n"
    land = count(law).constituencies[0]
    assert land.agreements == ()
    assert dict(land.seats) == {"A": 2, "B": 2, "C": 1, "D": 0}
    assert land.lapsed == (("C", "D"),)
    assert count(DHONDT).constituencies[0].lapsed == ()


def test_three_lists_in_one_agreement_under_sainte_lague() -> None:
    # Switzerland's shape, any number of lists. Alone (7 seats): P 4600, X 2600, Y 1900,
    # P 1533, P 920, X 867, P 657 — P 4, X 2, Y 1. X + Y + Z (5,100): 5100, P 4600, 1700,
    # P 1533, 1020, P 920, 729 — four seats, split X 2600, Y 1900, X 867, Y 633 (Z's 600 short).
    law = DHONDT.replace("dhondt", "sainte-lague")
    votes = "district,party,votes\nLand,X,2600\nLand,Y,1900\nLand,Z,600\nLand,P,4600\nLand,Q,500\n"
    seven = "district,seats\nLand,7\n"
    assert dict(count(law, votes, "party,agreement\n", seven).totals()) == {
        "X": 2, "Y": 1, "Z": 0, "P": 4, "Q": 0}
    result = count(law, votes, "party,agreement\nX,1\nY,1\nZ,1\n", seven)
    assert dict(result.totals()) == {"X": 2, "Y": 2, "Z": 0, "P": 3, "Q": 0}
    assert result.constituencies[0].agreements[0].lists == ("X", "Y", "Z")


def test_agreements_are_read_from_a_lists_file_and_checked() -> None:
    assert refused(DHONDT, None) == ["law.toml:5: agreements.attribute: reads the list "
                                     "attribute 'agreement': give a lists file (--lists)"]
    assert refused(DHONDT, "party,agreement\nC,left\nD,lefft\nE,left\n") == [
        "lists.csv:4: party: 'E' is not a list in votes.csv",
        "lists.csv:3: agreement: 'D' is the only list that signed agreement 'lefft'"]
    with pytest.raises(InputError, match="SNTV elects candidates"):
        parse_law(DHONDT.replace("dhondt", "sntv"), "law.toml")
