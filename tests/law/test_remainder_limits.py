"""A limited largest-remainder stage and the highest-average stage after it (Kieswet art. P 8):
hand-checked counts where the cap or the quota share decides, and the properties it keeps."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from majlis.errors import AllocationError, InputError
from majlis.law import (
    DIVISOR_SERIES,
    Constituency,
    Election,
    Law,
    QuotaRule,
    RemainderLimits,
    allocate,
    allocate_batch,
    parse_law,
)
from tests.law.conformance import check_law
from tests.strategies import constituencies

DUTCH = """
[allocation]
method = "hare"
remainder_cap = 1
remainder_min_quota = "3/4"
then = "dhondt"
then_cap = 1
"""


def count(law: Law, votes: dict[str, int], seats: int, seed: int = 0):
    election = Election(constituencies=(Constituency(name="C", magnitude=seats, votes=votes),))
    return check_law(election, law, seed=seed).constituencies[0]


def law_of(text: str) -> Law:
    return parse_law(text, "law.toml")


def limited(**limits: object) -> Law:
    return Law(rule=QuotaRule("hare", limits=RemainderLimits(**limits)))  # type: ignore[arg-type]


# 1,200 votes for 15 seats: a quota of 80, 75 % of it 60. Only L1 (808) reaches it; L2…L8
# (59…53) do not. Whole quotas: L1 10, with 8 left over; 5 seats remain.
ONE_ELIGIBLE = {"L1": 808, "L2": 59, "L3": 58, "L4": 57, "L5": 56, "L6": 55, "L7": 54, "L8": 53}


def test_the_cap_decides_one_remainder_seat_then_averages_one_each() -> None:
    """L1 takes its one remainder seat (8 left over); the four seats still left go by
    votes ÷ (seats held + 1), one per list: L1 808/12 = 67⅓, then L2 59, L3 58, L4 57."""
    result = count(law_of(DUTCH), ONE_ELIGIBLE, 15)
    assert dict(result.seats) == {"L1": 12, "L2": 1, "L3": 1, "L4": 1,
                                  "L5": 0, "L6": 0, "L7": 0, "L8": 0}
    assert [(a.list, a.stage, a.value) for a in result.awards[10:]] == [
        ("L1", "remainder", Fraction(8)), ("L1", "average", Fraction(202, 3)),
        ("L2", "average", Fraction(59)), ("L3", "average", Fraction(58)),
        ("L4", "average", Fraction(57))]
    assert result.runner_up is not None
    assert (result.runner_up.seat, result.runner_up.list, result.runner_up.stage,
            result.runner_up.value) == (16, "L5", "average", Fraction(56))


def test_without_the_cap_the_one_eligible_list_takes_every_remainder_seat() -> None:
    """The 75 % rule alone, no cap: the remainders go round again among the lists that reach
    it — here L1 alone, which takes all five."""
    law = law_of('[allocation]\nmethod = "hare"\nremainder_min_quota = 0.75\n')
    assert dict(count(law, ONE_ELIGIBLE, 15).seats)["L1"] == 15


def test_the_share_of_the_quota_is_met_exactly_at_it() -> None:
    """60 votes is exactly 3/4 of a quota of 80: the list takes part (and wins on its 60)."""
    votes = {"A": 740, "B": 60, "C": 210, "D": 190}  # 1,200 votes, 15 seats, quota 80
    result = count(law_of(DUTCH), votes, 15)
    # Whole: A 9 (20 over), B 0 (60), C 2 (50), D 2 (30): 13; B and C take the two left.
    assert dict(result.seats) == {"A": 9, "B": 1, "C": 3, "D": 2}
    below = count(law_of(DUTCH), {**votes, "B": 59, "A": 741}, 15)
    assert dict(below.seats) == {"A": 9, "B": 0, "C": 3, "D": 3}


def test_the_first_round_of_averages_is_capped_and_the_next_is_not() -> None:
    """10 seats, 1,000 votes, quota 100: A 730 holds 7 (30 over) and is the only list at 75 %.
    A takes one remainder seat; two are left. Every list may take part in the averages: A at
    730/9 = 81.1 first, then, A having had its one, B at 50. Without `then_cap` A's 730/10 = 73
    beats B's 50; with only lists at 75 % taking part A takes both, the second uncapped."""
    votes = {"A": 730, "B": 50, "C": 48, "D": 46, "E": 44, "F": 42, "G": 40}
    assert dict(count(law_of(DUTCH), votes, 10).seats) == {
        "A": 9, "B": 1, "C": 0, "D": 0, "E": 0, "F": 0, "G": 0}
    uncapped = law_of(DUTCH.replace("then_cap = 1\n", ""))
    assert dict(count(uncapped, votes, 10).seats)["A"] == 10
    only_eligible = count(law_of(DUTCH + 'then_min_quota = "3/4"\n'), votes, 10)
    assert dict(only_eligible.seats)["A"] == 10
    assert [a.stage for a in only_eligible.awards[7:]] == ["remainder", "average", "average"]


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_a_tie_at_the_last_capped_average_goes_to_the_lot_and_is_recorded(seed: int) -> None:
    """As above with L4 and L5 at 57 votes each (1,201 votes, quota 80.07, 75 % of it 60.05):
    the fifteenth seat stands between their equal averages of 57, equal votes too, so the lot
    drawn from the seed decides — and the result says so."""
    votes = {**ONE_ELIGIBLE, "L5": 57}
    result = count(law_of(DUTCH), votes, 15, seed)
    assert (result.seats["L4"], result.seats["L5"]) in {(1, 0), (0, 1)}
    assert result.seats["L1"] == 12 and result.seats["L2"] == result.seats["L3"] == 1
    winner = "L4" if result.seats["L4"] else "L5"
    allocation = allocate(Election(constituencies=(Constituency(
        name="C", magnitude=15, votes=votes),)), law_of(DUTCH), seed=seed)
    (tie,) = allocation.ties
    assert (tie.seat, set(tie.lists), tie.winner, tie.decided_by) == (
        15, {"L4", "L5"}, winner, "lot")
    assert result.runner_up is not None
    assert result.runner_up.list in {"L4", "L5"} - {winner}
    assert result.runner_up.value == Fraction(57)


def test_a_cap_without_a_stage_after_it_is_refused_and_an_empty_stage_cannot_fill() -> None:
    with pytest.raises(InputError) as exc:
        law_of('[allocation]\nmethod = "hare"\nremainder_cap = 1\n')
    assert "need then" in str(exc.value)
    # The 75 % rule with no list reaching it (a share above one quota): nothing can be filled.
    law = limited(min_quota=Fraction(2), cap=1, then=DIVISOR_SERIES["dhondt"],
                  then_min_quota=Fraction(2))
    election = Election(constituencies=(
        Constituency(name="C", magnitude=3, votes={"A": 50, "B": 40, "C": 10}),))
    with pytest.raises(AllocationError, match="only 2 of 3 seats"):
        allocate(election, law)


@pytest.mark.parametrize(("text", "message"), [
    ('method = "dhondt"\nremainder_cap = 1\nthen = "dhondt"', "quota method"),
    ('method = "hare"\nremainder = "highest-average"\nremainder_min_quota = 0.75',
     "quota method"),
    ('method = "hare"\nremainder_cap = 1\nthen = "hare"', "then must name a divisor method"),
    ('method = "hare"\nremainder_cap = 1\nthen = "huntington-hill"', "then must name"),
    ('method = "hare"\nthen_cap = 1', "need then"),
    ('method = "hare"\nremainder_min_quota = "3/0"', "remainder_min_quota"),
    ('method = "hare"\nremainder_min_quota = -1', "remainder_min_quota"),
])
def test_impossible_limits_are_refused_with_their_line(text: str, message: str) -> None:
    with pytest.raises(InputError) as exc:
        law_of(f"[allocation]\n{text}\n")
    problem = exc.value.problems[0]
    assert message in f"{problem.field}: {problem.message}"
    assert problem.field.startswith("allocation")


def test_a_share_is_read_exactly_as_a_number_or_a_fraction() -> None:
    for written in ('"3/4"', "0.75", '"0.75"', '" 3 / 4 "'):
        rule = law_of(DUTCH.replace('"3/4"', written)).rule
        assert isinstance(rule, QuotaRule) and rule.limits is not None
        assert rule.limits.min_quota == Fraction(3, 4)
    rule = law_of(DUTCH + 'then_min_quota = "2/3"\n').rule
    assert isinstance(rule, QuotaRule) and rule.limits is not None
    assert rule.limits.then_min_quota == Fraction(2, 3)


def test_the_vector_path_counts_a_limited_remainder_stage_exactly() -> None:
    rule = law_of(DUTCH).rule
    assert isinstance(rule, QuotaRule)
    batch = allocate_batch(np.array([list(ONE_ELIGIBLE.values()), [750, 250, 0, 0, 0, 0, 0, 0]]),
                           [15, 4], rule)
    assert batch.seats.tolist() == [[12, 1, 1, 1, 0, 0, 0, 0], [3, 1, 0, 0, 0, 0, 0, 0]]
    assert batch.tied.tolist() == [False, False]


@settings(max_examples=150, deadline=None)
@given(constituencies(max_seats=30), st.sampled_from(["hare", "droop", "droop-exact"]),
       st.booleans())
def test_no_cap_and_no_share_is_plain_largest_remainder(
        c: Constituency, quota: str, with_then: bool) -> None:
    """With no cap (or one no count can reach) and a share of 0 the limited stage is the plain
    largest-remainder count, seat for seat — and the compiled vector path's count too."""
    then = DIVISOR_SERIES["dhondt"] if with_then else None
    election = Election(constituencies=(c,))
    plain = allocate(election, Law(rule=QuotaRule(quota))).constituencies[0]
    for cap in (None, c.magnitude):
        rule = QuotaRule(quota, limits=RemainderLimits(cap=cap, then=then))
        same = allocate(election, Law(rule=rule)).constituencies[0]
        assert dict(same.seats) == dict(plain.seats)
        assert same.awards == plain.awards
    batch = allocate_batch(np.array([list(c.votes.values())]), c.magnitude, QuotaRule(quota))
    if not batch.tied[0]:
        assert list(batch.seats[0]) == list(plain.seats.values())


@settings(max_examples=150, deadline=None)
@given(constituencies(max_seats=18, min_lists=2, max_lists=10, max_votes=5_000),
       st.integers(0, 2), st.sampled_from([Fraction(0), Fraction(1, 2), Fraction(3, 4),
                                          Fraction(1)]))
def test_the_limits_hold_in_every_count(c: Constituency, cap: int, share: Fraction) -> None:
    """Every seat is filled; a remainder seat goes only to a list at the share of the quota, at
    most `cap` to each; seats by average come only after the remainders run out."""
    rule = QuotaRule("hare", limits=RemainderLimits(
        cap=cap, min_quota=share, then=DIVISOR_SERIES["dhondt"], then_cap=1))
    result = count(Law(rule=rule), dict(c.votes), c.magnitude)
    quota = Fraction(sum(c.votes.values()), c.magnitude)
    by_remainder = [a.list for a in result.awards if a.stage == "remainder"]
    assert all(c.votes[p] >= share * quota for p in by_remainder)
    assert all(by_remainder.count(p) <= cap for p in by_remainder)
    stages = [a.stage for a in result.awards]
    assert stages == sorted(stages, key=["quota", "remainder", "average"].index)
    if "average" in stages:  # the remainders ran out: every list at the share had its cap
        eligible = [p for p, v in c.votes.items() if v >= share * quota]
        assert len(by_remainder) == cap * len(eligible)
