"""List attributes from a lists file: thresholds that differ by list, every name checked against
the votes, a base of all ballots cast, the fallback rule and rounded quotas — hand-checked."""

from __future__ import annotations

from fractions import Fraction

import pytest

from majlis.errors import InputError
from majlis.law import (
    Admission,
    Law,
    Precedence,
    QuotaRule,
    Remainder,
    Rounding,
    TieRule,
    allocate,
    parse_law,
    read_election,
)
from tests.law.conformance import check_law

BY_MEMBERS = """\
[allocation]
method = "hare"

[threshold]
percent = 5
scope = "national"

[[threshold.by_list]]
attribute = "members"
at_least = 2
at_most = 3
percent = 7

[[threshold.by_list]]
attribute = "members"
at_least = 4
percent = 10
"""

# 10,000 valid votes, 10 seats. B (2 parties) has 6.5 % < 7 %, C (5 parties) 9.5 % < 10 %;
# D (3 parties) 11 % ≥ 7 %, F (4 parties) 17.8 % ≥ 10 %, E (a party) 5.2 % ≥ 5 %.
VOTES = """\
district,party,votes
Land,A,5000
Land,B,650
Land,C,950
Land,D,1100
Land,E,520
Land,F,1780
"""
LISTS = """\
party,kind,members
A,party,1
B,coalition,2
C,coalition,5
D,coalition,3
E,party,1
F,coalition,4
"""
DISTRICTS = "district,seats\nLand,10\n"


def seats(law_text: str, votes: str = VOTES, lists: str | None = LISTS,
          districts: str = DISTRICTS) -> dict[str, int]:
    law = parse_law(law_text, "law.toml")
    election = read_election(votes, "votes.csv", law, districts, "districts.csv",
                             lists, "lists.csv")
    return {p: s for p, s in check_law(election, law).totals().items() if s}


def problems(law_text: str, votes: str = VOTES, lists: str | None = LISTS) -> list[str]:
    law = parse_law(law_text, "law.toml")
    with pytest.raises(InputError) as caught:
        read_election(votes, "votes.csv", law, DISTRICTS, "districts.csv", lists, "lists.csv")
    return [str(p) for p in caught.value.problems]


def test_coalitions_face_seven_and_ten_percent_by_their_number_of_parties() -> None:
    # Qualifying: A, D, E, F with 8,400 votes; Hare quota 840: A 5 (r 800), D 1 (r 260),
    # E 0 (r 520), F 2 (r 100); the two seats left go to A and E.
    assert seats(BY_MEMBERS) == {"A": 6, "D": 1, "E": 1, "F": 2}
    # With 5 % for every list B and C are in: quota 1,000, and C, F, B take the remainders.
    flat = BY_MEMBERS.split("[[threshold.by_list]]")[0]
    assert seats(flat) == {"A": 5, "B": 1, "C": 1, "D": 1, "F": 2}


def test_a_threshold_by_text_attribute_and_the_first_matching_table_wins() -> None:
    # Poland's shape: 8 % for any coalition. C (9.5 %) is a coalition first, so the later 10 %
    # for five parties does not apply; B (6.5 %) is out. Hare quota 935 of 9,350: A 5, C 1,
    # D 1, F 1 whole; F (r 845) and E (r 520) take the last two seats.
    law = BY_MEMBERS.split("[[threshold.by_list]]")[0] + (
        '[[threshold.by_list]]\nattribute = "kind"\nequals = "coalition"\npercent = 8\n'
        '[[threshold.by_list]]\nattribute = "members"\nat_least = 5\npercent = 10\n')
    assert seats(law) == {"A": 5, "C": 1, "D": 1, "E": 1, "F": 2}


def test_a_misspelled_exempt_list_is_refused_at_its_line() -> None:
    law = '[allocation]\nmethod = "hare"\n\n[threshold]\npercent = 10\nexempt = ["Bee"]\n'
    assert problems(law) == ["law.toml:6: threshold.exempt: 'Bee' is not a list in votes.csv"]
    # B exempt, C (9.5 %) and E out: Hare quota 853 of 8,530; A and B take the remainders.
    assert seats(law.replace("Bee", "B")) == {"A": 6, "B": 1, "D": 1, "F": 2}


def test_every_list_of_the_lists_file_stands_in_the_votes() -> None:
    assert problems(BY_MEMBERS, lists=LISTS + "Zed,party,1\nA,party,1\n") == [
        "lists.csv:9: party: 'A' repeats line 2",
        "lists.csv:8: party: 'Zed' is not a list in votes.csv",
    ]


def test_an_attribute_the_law_reads_must_be_given_and_whole_where_compared() -> None:
    reads = "reads the list attribute 'members': give a lists file (--lists)"
    assert problems(BY_MEMBERS, lists=None) == [
        f"law.toml:9: threshold.by_list.0.attribute: {reads}",
        f"law.toml:15: threshold.by_list.1.attribute: {reads}"]
    assert problems(BY_MEMBERS, lists="party,kind\nA,party\n")[0] == (
        "law.toml:9: threshold.by_list.0.attribute: lists.csv has no column 'members'")
    assert problems(BY_MEMBERS, lists=LISTS.replace("A,party,1", "A,party,one")) == [
        "lists.csv:2: members: 'one' is not a whole number"]


def test_a_base_of_all_ballots_cast_counts_invalid_ballots() -> None:
    law = '[allocation]\nmethod = "hare"\n\n[threshold]\npercent = 14\nbase = "cast"\n'
    votes = "district,party,votes\nLand,A,800\nLand,B,150\nLand,C,50\n"
    # B: 150 of 1,000 valid is 15 %, of 1,100 ballots cast (100 invalid) 13.6 %.
    valid_only = law.replace('"cast"', '"valid"')
    assert seats(valid_only, votes, None, "district,seats,invalid\nLand,5,100\n") == {
        "A": 4, "B": 1}
    assert seats(law, votes, None, "district,seats,invalid\nLand,5,100\n") == {"A": 5}
    # 150 of 1,071 (71 invalid) is 14.006 %: at least the threshold, so B is in.
    assert seats(law, votes, None, "district,seats,invalid\nLand,5,71\n") == {"A": 4, "B": 1}


FALLBACK = """\
[allocation]
method = "hare"

[threshold]
percent = 10
fallback_percent = 50
"""


def fallback_votes(*counts: int) -> str:
    names = "ABCDEFGHI"
    return "district,party,votes\n" + "".join(
        f"Land,{names[i]},{v}\n" for i, v in enumerate(counts))


def qualified(law_text: str, votes: str) -> frozenset[str]:
    law = parse_law(law_text, "law.toml")
    election = read_election(votes, "votes.csv", law, DISTRICTS, "districts.csv")
    return check_law(election, law).constituencies[0].qualified


def test_fallback_admits_the_next_lists_until_more_than_half_the_votes_qualify() -> None:
    # A and B (over 10 %) hold 4,500 of 10,000: C (990) is admitted, and then 5,490 > half.
    votes = fallback_votes(3000, 1500, 990, 910, 900, 800, 700, 600, 600)
    assert qualified(FALLBACK, votes) == {"A", "B", "C"}
    assert qualified(FALLBACK.replace("fallback_percent = 50\n", ""), votes) == {"A", "B"}
    # Exactly half is not enough; lists with equal votes are admitted together.
    assert qualified(FALLBACK, fallback_votes(3000, 2000, 990, 910, 900, 800, 700, 700)) == {
        "A", "B", "C"}
    assert qualified(FALLBACK, fallback_votes(3000, 1500, 950, 950, 900, 800, 700, 600, 600)) \
        == {"A", "B", "C", "D"}
    # Over half already: nobody else comes in.
    assert qualified(FALLBACK, fallback_votes(4000, 1100, 900, 900, 900, 800, 700, 700)) == {
        "A", "B"}



def test_each_list_is_told_which_condition_admitted_it_or_which_it_failed() -> None:
    # A and B pass 10 % (948), I (10 votes) is exempt: 4,510 of 9,480 is not more than half,
    # and C (940) comes in by the fallback; D (930) does not.
    law = parse_law(FALLBACK + 'exempt = ["I"]\n', "law.toml")
    votes = fallback_votes(3000, 1500, 940, 930, 900, 800, 700, 700, 10)
    land = check_law(read_election(votes, "votes.csv", law, DISTRICTS, "districts.csv"),
                     law).constituencies[0]
    faced = ("10 % of valid votes in the constituency",)
    assert land.admission["A"] == Admission(qualified=True, by=faced[0], faced=faced)
    assert land.admission["C"] == Admission(qualified=True, by="fallback", faced=faced)
    assert land.admission["I"] == Admission(qualified=True, by="exempt", faced=faced)
    assert land.admission["D"] == Admission(qualified=False, by=None, faced=faced)
    assert land.qualified == {p for p, a in land.admission.items() if a.qualified}


def test_quota_rounding_down_up_and_nearest() -> None:
    assert [r.of(Fraction(7, 2)) for r in Rounding] == [3, 4, 4]
    assert [r.of(Fraction(17, 5)) for r in Rounding] == [3, 4, 3]


def test_a_quota_rounded_down_that_hands_out_too_many_seats_takes_back_the_smallest() -> None:
    # 29 votes, 2 seats: Hagenbach-Bischoff 29/3 rounded down is 9, a whole quota for all three;
    # C has the smallest remainder (0) and gives its seat back.
    votes = {"A": 10, "B": 10, "C": 9}
    rule = QuotaRule("hagenbach-bischoff", Remainder.LARGEST, Rounding.DOWN)
    outcome = rule.apportion(votes, 2, Precedence.draw("Land", votes, TieRule.VOTES, 0))
    assert outcome.seats == {"A": 1, "B": 1, "C": 0}
    assert {a.value for a in outcome.awards} == {9}
    law = parse_law('[allocation]\nmethod = "droop"\nquota_rounding = "up"\n', "law.toml")
    assert isinstance(law, Law) and law.rule == QuotaRule("droop", Remainder.LARGEST,
                                                           Rounding.UP)
    allocation = allocate(read_election("district,party,votes\nLand,A,10\nLand,B,10\nLand,C,9\n",
                                        "votes.csv", law, DISTRICTS, "districts.csv"), law)
    assert sum(allocation.totals().values()) == 10


WINS = """\
[allocation]
method = "sainte-lague"

[threshold]
percent = 5
scope = "national"

[[threshold.alternatives]]
wins_at_least = 3
"""
WINS_VOTES = "district,party,votes\nLand,A,6000\nLand,B,3510\nLand,C,490\n"
TWENTY = "district,seats\nLand,20\n"


def test_constituencies_won_elsewhere_qualify_a_list_below_the_percentage() -> None:
    # Germany's old shape, 5 % or three constituencies: C has 4.9 %. Out, the 20 Sainte-Laguë
    # seats go A 13, B 7 (A's 13th quotient 6000/25 = 240 beats B's 8th 3510/15 = 234).
    assert seats(WINS, WINS_VOTES, "party,wins\nA,40\nC,2\n", TWENTY) == {"A": 13, "B": 7}
    assert seats(WINS, WINS_VOTES, "party,wins\nA,40\n", TWENTY) == {
        "A": 13, "B": 7}  # a list with no row won none
    # With three wins C is in: its 490 takes a seat from A's 12th (6000/23 = 260.87).
    assert seats(WINS, WINS_VOTES, "party,wins\nA,40\nC,3\n", TWENTY) == {
        "A": 12, "B": 7, "C": 1}


def test_wins_must_be_given_whole_and_for_lists_in_the_votes() -> None:
    def refused(lists: str | None) -> list[str]:
        law = parse_law(WINS, "law.toml")
        with pytest.raises(InputError) as caught:
            read_election(WINS_VOTES, "votes.csv", law, TWENTY, "districts.csv", lists,
                          "wins.csv")
        return [str(p) for p in caught.value.problems]

    assert refused(None) == ["law.toml:9: threshold.alternatives.0.wins_at_least: reads the "
                             "list attribute 'wins': give a lists file (--lists)"]
    assert refused("party,wins\nC,three\nCee,3\n") == [
        "wins.csv:3: party: 'Cee' is not a list in votes.csv",
        "wins.csv:2: wins: 'three' is not a whole number"]
    with pytest.raises(InputError, match="exactly one of percent"):
        parse_law(WINS.replace("wins_at_least = 3", "wins_at_least = 3\npercent = 4"), "l")
