"""Mixed-member proportional (`[mixed]`): entitlement on party votes, wins counted elsewhere
subtracted, overhang kept, levelled or capped — hand-checked counts and the properties each
mode promises."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from majlis.errors import AllocationError, InputError
from majlis.law import (
    DIVISOR_SERIES,
    QUOTAS,
    Allocation,
    Constituency,
    DivisorRule,
    Election,
    Law,
    MixedCount,
    MixedMember,
    Overhang,
    Precedence,
    QuotaRule,
    Remainder,
    Rounding,
    Scope,
    Threshold,
    TieRule,
    VoteShare,
    allocate,
    parse_law,
    read_election,
)
from tests.law.conformance import check_law
from tests.strategies import divisor_rules, mixed_counts, quota_rules

Rule = DivisorRule | QuotaRule

SAINTE_LAGUE = DivisorRule(DIVISOR_SERIES["sainte-lague"])
# Sainte-Laguë on A 500, B 300, C 200: 500 A, 300 B, 200 C, 166.7 A, then A and B both at 100
# (A first: more votes), 71.4 A, 66.7 C, 60 B, 55.6 A, 45.5 A | 42.9 B, 40 C, 38.5 A.
# 10 seats: A 5, B 3, C 2; A's 7th seat comes 14th.
VOTES = {"A": 500, "B": 300, "C": 200}


def count(overhang: Overhang, wins: Mapping[str, int], votes: Mapping[str, int] = VOTES,
          seats: int = 10, rule: Rule = SAINTE_LAGUE, percent: int = 0) -> Allocation:
    """The count of one national constituency under a mixed-member law, checked by the battery."""
    threshold = Threshold(conditions=(VoteShare(share=Fraction(percent, 100),
                                                scope=Scope.NATIONAL),)) if percent else None
    law = Law(rule=rule, threshold=threshold, mixed=MixedMember(overhang=overhang))
    election = Election(constituencies=(Constituency(name="Nation", magnitude=seats,
                                                     votes=dict(votes)),),
                        lists={p: {"wins": str(w)} for p, w in wins.items()})
    return check_law(election, law)


def test_overhang_kept_enlarges_the_house_by_it_and_leaves_the_others_their_entitlement() -> None:
    (nation,) = count(Overhang.KEPT, {"A": 7, "B": 1}).constituencies
    assert dict(nation.seats) == {"A": 7, "B": 3, "C": 2}
    mixed = nation.mixed
    assert mixed is not None
    assert dict(mixed.entitlement) == {"A": 5, "B": 3, "C": 2}
    assert dict(mixed.list_seats) == {"A": 0, "B": 2, "C": 2}
    assert dict(mixed.overhang) == {"A": 2}
    assert (mixed.seats, mixed.house, mixed.shared, dict(mixed.not_awarded)) == (10, 12, 10, {})


def test_levelling_finds_the_smallest_house_whose_entitlement_covers_every_win() -> None:
    (nation,) = count(Overhang.LEVELLING, {"A": 7}).constituencies
    assert dict(nation.seats) == {"A": 7, "B": 4, "C": 3}
    mixed = nation.mixed
    assert mixed is not None
    assert (mixed.house, mixed.shared) == (14, 14)
    assert dict(mixed.overhang) == {"A": 2}  # at the law's 10 seats, what levelling answered
    assert dict(mixed.levelling) == {"A": 2, "B": 1, "C": 1}
    assert dict(mixed.list_seats) == {"A": 0, "B": 4, "C": 3}
    # One seat fewer does not cover A's wins: 13 seats give A 6.
    assert SAINTE_LAGUE.apportion(VOTES, 13, Precedence.draw("Nation", VOTES, TieRule.VOTES,
                                                               7)).seats["A"] == 6


def test_levelling_by_a_quota_method_is_enlarged_seat_by_seat() -> None:
    # Hare: 13 seats give 6.5, 3.9, 2.6 → A 6, B 4, C 3; 14 give 7, 4.2, 2.8 → A 7, B 4, C 3.
    (nation,) = count(Overhang.LEVELLING, {"A": 7}, rule=QuotaRule("hare")).constituencies
    assert dict(nation.seats) == {"A": 7, "B": 4, "C": 3}
    assert nation.mixed is not None and nation.mixed.house == 14


def test_capped_wins_beyond_the_entitlement_are_not_awarded() -> None:
    (nation,) = count(Overhang.CAPPED, {"A": 7, "C": 2}).constituencies
    assert dict(nation.seats) == {"A": 5, "B": 3, "C": 2}
    mixed = nation.mixed
    assert mixed is not None
    assert dict(mixed.not_awarded) == dict(mixed.overhang) == {"A": 2}
    assert dict(mixed.list_seats) == {"A": 0, "B": 3, "C": 0}
    assert mixed.house == 10


@pytest.mark.parametrize("overhang", list(Overhang))
def test_an_independents_win_is_taken_out_of_the_house_before_the_share(
        overhang: Overhang) -> None:
    # 9 seats left for A, B, C: 500 A, 300 B, 200 C, 166.7 A, 100 A, 100 B, 71.4 A, 66.7 C,
    # 60 B → A 4, B 3, C 2.
    votes = {**VOTES, "Independent": 0}
    (nation,) = count(overhang, {"Independent": 1, "A": 3}, votes).constituencies
    assert dict(nation.seats) == {"A": 4, "B": 3, "C": 2, "Independent": 1}
    mixed = nation.mixed
    assert mixed is not None
    assert (mixed.outside, mixed.house, dict(mixed.entitlement)) == (
        1, 10, {"A": 4, "B": 3, "C": 2})
    assert "Independent" not in mixed.list_seats and mixed.wins["Independent"] == 1


def test_a_party_below_the_threshold_keeps_its_wins_outside_the_share() -> None:
    # D (20 of 1,020 votes: under 5 %) won 2 constituencies: 8 seats are shared by A, B, C.
    votes = {**VOTES, "D": 20}
    (nation,) = count(Overhang.KEPT, {"D": 2}, votes, percent=5).constituencies
    assert "D" not in nation.qualified
    mixed = nation.mixed
    assert mixed is not None
    assert (mixed.outside, sum(mixed.entitlement.values()), mixed.house) == (2, 8, 10)
    assert nation.seats["D"] == 2 and "D" not in mixed.entitlement


def test_equal_quotients_at_the_last_seat_go_to_the_list_with_more_votes() -> None:
    # 6 seats: the 5th and 6th quotients are A and B, both 100 — A wins the 5th by votes, so
    # with 5 seats A has 3 (500, 166.7, 100) and B 1; B's 100 is the runner-up, tied.
    (nation,) = count(Overhang.KEPT, {"B": 2}, seats=5).constituencies
    assert dict(nation.seats) == {"A": 3, "B": 2, "C": 1}
    assert nation.mixed is not None and dict(nation.mixed.overhang) == {"B": 1}
    (tie,) = count(Overhang.KEPT, {"B": 2}, seats=5).ties
    assert (tie.lists, tie.winner, tie.decided_by) == (("A", "B"), "A", "votes")


def test_without_wins_the_count_is_the_plain_proportional_one() -> None:
    for overhang in Overhang:
        (nation,) = count(overhang, {}).constituencies
        assert dict(nation.seats) == {"A": 5, "B": 3, "C": 2}


@pytest.mark.parametrize(("overhang", "a_seats", "house"), [
    (Overhang.KEPT, 1, 4), (Overhang.LEVELLING, 1, 4), (Overhang.CAPPED, 0, 3)])
def test_when_wins_outside_the_share_fill_the_house_a_sharing_win_is_all_overhang(
        overhang: Overhang, a_seats: int, house: int) -> None:
    votes = {"A": 500, "B": 300, "Independent": 0}
    (nation,) = count(overhang, {"Independent": 3, "A": 1}, votes, seats=3).constituencies
    assert dict(nation.seats) == {"A": a_seats, "B": 0, "Independent": 3}
    assert nation.mixed is not None and nation.mixed.house == house
    assert dict(nation.mixed.overhang) == {"A": 1}


def test_wins_outside_the_share_beyond_the_house_are_refused() -> None:
    with pytest.raises(AllocationError, match="won 11 constituencies, more than the 10 seats"):
        count(Overhang.KEPT, {"Independent": 11}, {**VOTES, "Independent": 0})


def test_levelling_past_the_largest_house_is_refused() -> None:
    with pytest.raises(AllocationError, match="past 100,000 seats"):
        count(Overhang.LEVELLING, {"B": 3}, {"A": 10**9, "B": 1}, seats=3)


def test_a_mixed_law_counts_one_national_constituency() -> None:
    law = Law(rule=SAINTE_LAGUE, mixed=MixedMember(overhang=Overhang.KEPT))
    two = Election(constituencies=(Constituency(name="N", magnitude=3, votes={"A": 1}),
                                   Constituency(name="S", magnitude=3, votes={"A": 1})))
    with pytest.raises(AllocationError, match="one national constituency"):
        allocate(two, law)


MMP = '[allocation]\nmethod = "sainte-lague"\n[mixed]\noverhang = "kept"\n'
VOTES_CSV = "district,party,votes\nNation,A,500\nNation,B,300\nNation,C,200\n"


def problems(law_text: str, lists: str | None) -> list[str]:
    with pytest.raises(InputError) as caught:
        law = parse_law(law_text, "law.toml")
        read_election(VOTES_CSV, "votes.csv", law, "district,seats\nNation,10\n",
                      "districts.csv", lists, "lists.csv")
    return [str(p) for p in caught.value.problems]


def test_the_law_file_and_the_lists_file_are_checked_where_they_are_written() -> None:
    assert problems(MMP.replace('"kept"', '"kept-all"'), None) == [
        "law.toml:4: mixed.overhang: Input should be 'kept', 'levelling' or 'capped'"]
    assert problems(MMP.replace('"sainte-lague"', '"sntv"'), None) == [
        "law.toml: law: [mixed] shares the house on party votes by a list method, with no "
        "[tier] or [biproportional] above it"]
    assert problems(MMP, None) == [
        "law.toml:4: mixed: reads the list attribute 'wins': give a lists file (--lists)"]
    assert problems(MMP, "party,kind\nA,party\n") == [
        "law.toml:4: mixed: lists.csv has no column 'wins'"]
    assert problems(MMP, "party,wins\nA,seven\n") == [
        "lists.csv:2: wins: 'seven' is not a whole number"]


def test_a_law_file_with_mixed_reads_wins_from_the_lists_file() -> None:
    law = parse_law(MMP, "law.toml")
    election = read_election(VOTES_CSV, "votes.csv", law, "district,seats\nNation,10\n",
                             "districts.csv", "party,wins\nA,7\n", "lists.csv")
    (nation,) = check_law(election, law).constituencies
    assert dict(nation.seats) == {"A": 7, "B": 3, "C": 2}


# Quotas rounded or not: levelling skips the houses a quota method cannot cover by a ceiling on
# each list's seats, which the smallest-house property below checks house by house. (Not the
# Imperiali quota: its whole quotas can exceed the seats by more than one per list, and
# QuotaRule takes back only one per list — a lone list wins 2 of 1 seat.)
rounded_quotas = st.builds(QuotaRule, st.sampled_from(sorted(set(QUOTAS) - {"imperiali-quota"})),
                           st.just(Remainder.LARGEST), st.sampled_from([None, *Rounding]))
rules = st.one_of(divisor_rules, quota_rules, rounded_quotas)


def _counted(overhang: Overhang, rule: Rule, c: Constituency, wins: Mapping[str, int],
             percent: int) -> tuple[Mapping[str, int], MixedCount]:
    """The seats and the mixed-member count of a drawn election under a national threshold of
    `percent` (drawn elections where wins outside the share exceed the house, or where no list
    passes, are set aside)."""
    threshold = Threshold(conditions=(VoteShare(share=Fraction(percent, 100),
                                                scope=Scope.NATIONAL),))
    law = Law(rule=rule, threshold=threshold, mixed=MixedMember(overhang=overhang))
    election = Election(constituencies=(c,), lists={p: {"wins": str(w)} for p, w in wins.items()})
    try:
        (nation,) = check_law(election, law).constituencies
    except AllocationError as refused:
        assume("more than the" not in str(refused) and "no list qualifies" not in str(refused))
        raise
    assert nation.mixed is not None
    assert all(p not in nation.mixed.entitlement or p in nation.qualified for p in c.votes)
    return nation.seats, nation.mixed


percents = st.sampled_from([0, 10, 20])


@given(rules, mixed_counts(), percents)
def test_kept_the_house_is_the_law_s_seats_plus_the_overhang(
        rule: Rule, drawn: tuple[Constituency, dict[str, int]], percent: int) -> None:
    c = drawn[0]
    seats, mixed = _counted(Overhang.KEPT, rule, *drawn, percent)
    assert mixed.house == c.magnitude + sum(mixed.overhang.values()) == sum(seats.values())
    assert sum(mixed.entitlement.values()) == c.magnitude - mixed.outside
    for p, e in mixed.entitlement.items():
        w = mixed.wins.get(p, 0)
        assert seats[p] == max(e, w) == mixed.list_seats[p] + w


@given(rules, mixed_counts(), percents)
def test_capped_a_list_never_takes_more_than_its_entitlement(
        rule: Rule, drawn: tuple[Constituency, dict[str, int]], percent: int) -> None:
    c = drawn[0]
    seats, mixed = _counted(Overhang.CAPPED, rule, *drawn, percent)
    assert mixed.house == c.magnitude == sum(seats.values())
    for p, e in mixed.entitlement.items():
        w = mixed.wins.get(p, 0)
        assert seats[p] == e == mixed.list_seats[p] + min(w, e)
        assert mixed.not_awarded.get(p, 0) == max(0, w - e)


@given(rules, mixed_counts(), percents)
def test_levelling_gives_the_smallest_house_that_covers_every_win(
        rule: Rule, drawn: tuple[Constituency, dict[str, int]], percent: int) -> None:
    c = drawn[0]
    seats, mixed = _counted(Overhang.LEVELLING, rule, *drawn, percent)
    base = c.magnitude - mixed.outside
    assert mixed.house == mixed.shared + mixed.outside == sum(seats.values())
    assert all(seats[p] >= w for p, w in mixed.wins.items())
    assert all(seats[p] == mixed.list_seats[p] + mixed.wins.get(p, 0)
               for p in mixed.entitlement)
    if mixed.shared == base:
        assert not mixed.overhang
    # No smaller house covers every win (a divisor method never takes a seat back as the house
    # grows, so one seat fewer is enough to check).
    sharing = {p: c.votes[p] for p in mixed.entitlement}
    precedence = Precedence.draw(c.name, c.votes, TieRule.VOTES, 7)
    smaller = [mixed.shared - 1] if isinstance(rule, DivisorRule) else range(base, mixed.shared)
    for seats in (n for n in smaller if n >= max(base, 1) and mixed.shared > base):
        fewer = rule.apportion(sharing, seats, precedence).seats
        assert any(fewer[p] < mixed.wins.get(p, 0) for p in sharing), seats
