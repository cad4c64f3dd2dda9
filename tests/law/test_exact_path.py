"""The exact path's fast forms give what the slow ones gave: the count on correctly rounded
floats is the count on exact quotients (the same seats in the same order, values, runner-up and
ties), and margins from the quotients are the margins a re-count search finds."""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Mapping
from fractions import Fraction
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from majlis.law import (
    DIVISOR_SERIES,
    Constituency,
    DivisorRule,
    Election,
    Law,
    TieRule,
    _explain,
    allocate,
    margins,
)
from majlis.law._divisors import _exact_count, highest_averages
from majlis.law._ties import Precedence
from tests.strategies import constituencies, divisor_rules, vote_counts

# Small vote counts tie often; counts near 2**60 round to equal floats while their quotients
# differ, which only the exact comparison may order.
votes = st.one_of(vote_counts(max_votes=12), vote_counts(max_votes=1_000_000),
                  vote_counts(max_votes=2**60, min_lists=2, max_lists=4))


@settings(max_examples=300, deadline=None)
@given(votes, st.integers(0, 60), divisor_rules, st.sampled_from(list(TieRule)),
       st.integers(0, 3), st.data())
def test_the_float_count_is_the_exact_count(
    counted: dict[str, int], seats: int, rule: DivisorRule, tie: TieRule, seed: int,
    data: st.DataObject,
) -> None:
    precedence = Precedence.draw("C", counted, tie, seed)
    initial = data.draw(st.none() | st.fixed_dictionaries(
        {p: st.integers(0, 5) for p in counted}))
    got = highest_averages(counted, seats, rule.series, precedence, initial=initial)
    assert got == _exact_count(counted, seats, rule.series, precedence, initial, "quotient")


def test_quotients_equal_as_floats_are_ordered_exactly() -> None:
    # 10**17 and 10**17 + 1 are the same float: A's higher precedence must not win B's seat.
    counted = {"A": 10**17, "B": 10**17 + 1}
    precedence = Precedence(constituency="C", rank={"A": 0, "B": 1}, votes=counted,
                            rule=TieRule.LOT)
    got = highest_averages(counted, 1, DIVISOR_SERIES["dhondt"], precedence)
    assert got.seats == {"A": 0, "B": 1}
    assert got.awards[0].value == Fraction(10**17 + 1)
    assert got.runner_up is not None and got.runner_up.value == Fraction(10**17)
    assert got.ties == ()


class _Unread(Mapping[str, int]):
    """Ranks that fail the test when read: the lot must not be drawn."""

    def __getitem__(self, name: str) -> int:
        raise AssertionError(f"the lot was drawn for {name}")

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("the lot was drawn")

    def __len__(self) -> int:
        raise AssertionError("the lot was drawn")


def test_the_lot_is_drawn_only_where_equal_values_could_decide() -> None:
    counted = {"A": 10_000, "B": 7_000, "C": 3_000, "D": 0}
    unread = Precedence(constituency="C", rank=_Unread(), votes=counted, rule=TieRule.LOT)
    got = highest_averages(counted, 5, DIVISOR_SERIES["sainte-lague"], unread)
    assert got.seats == {"A": 2, "B": 2, "C": 1, "D": 0}
    assert got.runner_up is not None and got.runner_up.list == "A"
    assert got.ties == ()
    # A and B tie for the third seat: the law's precedence decides it, and the tie is recorded.
    tied = {"A": 9_000, "B": 9_000, "C": 1_000}
    got = highest_averages(tied, 3, DIVISOR_SERIES["dhondt"], Precedence(
        constituency="C", rank={"B": 0, "A": 1, "C": 2}, votes=tied, rule=TieRule.LOT))
    assert got.seats == {"A": 1, "B": 2, "C": 0}
    assert [a.list for a in got.awards] == ["B", "A", "B"]
    assert [(t.seat, t.lists, t.winner) for t in got.ties] == [(3, ("B", "A"), "B")]


def test_awards_read_compare_and_pickle_as_the_tuple_they_stand_for() -> None:
    election = Election(constituencies=(
        Constituency(name="C", magnitude=4, votes={"A": 5_000, "B": 3_000, "C": 1_000}),))
    awards = allocate(election, Law(rule=DivisorRule(DIVISOR_SERIES["dhondt"]))).constituencies[
        0].awards
    whole = tuple(awards)
    assert [(a.list, a.value) for a in whole] == [
        ("A", 5_000), ("B", 3_000), ("A", 2_500), ("A", Fraction(5_000, 3))]
    assert awards == whole and whole == awards and awards[1:3] == whole[1:3]
    assert awards[-1].seat == len(awards) == 4
    assert pickle.loads(pickle.dumps(awards)) == whole


@settings(max_examples=150, deadline=None)
@given(st.one_of(constituencies(max_lists=6, max_seats=12, max_votes=40),
                 constituencies(max_lists=8, max_seats=30, max_votes=100_000)),
       divisor_rules, st.sampled_from(list(TieRule)), st.integers(0, 3))
def test_closed_form_margins_are_the_re_count_search(
    c: Constituency, rule: DivisorRule, tie: TieRule, seed: int,
) -> None:
    # Without a threshold a divisor count's margins come from its quotients (one exact count
    # at a tie); with the closed form switched off they come from re-counting: the same.
    law = Law(rule=rule, tie=tie)
    election = Election(constituencies=(c,))
    closed = margins(election, law, "C", seed=seed)
    with patch.object(_explain, "_closed_form", return_value=False):
        searched = margins(election, law, "C", seed=seed)
    assert closed == searched
