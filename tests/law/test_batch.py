"""The vector path (`allocate_batch`) against the exact path (`allocate`), row by row."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from majlis import data
from majlis.errors import AllocationError
from majlis.law import (
    DIVISOR_SERIES,
    Allocation,
    Constituency,
    DivisorRule,
    DivisorSeries,
    Election,
    HuntingtonHill,
    Law,
    Precedence,
    QuotaRule,
    Remainder,
    Rounding,
    Threshold,
    TieRule,
    VoteShare,
    allocate,
    allocate_batch,
    parse_law,
)


def named(name: str) -> DivisorSeries:
    series = DIVISOR_SERIES[name]
    assert isinstance(series, DivisorSeries)
    return series


SERIES = {
    "dhondt": named("dhondt"),
    "sainte-lague": named("sainte-lague"),
    "sainte-lague-1.4": named("sainte-lague").with_first(Fraction(7, 5)),
    "sainte-lague-1.7": named("sainte-lague").with_first(Fraction(17, 10)),
    "danish": named("danish"),
    "imperiali": named("imperiali"),
    "adams": named("adams"),
}
THRESHOLDS = st.sampled_from([None, Fraction(0), Fraction(1, 20), Fraction(1, 10), Fraction(1, 4)])


def exact(votes: np.ndarray, magnitude: int, series: DivisorSeries | HuntingtonHill | QuotaRule,
          threshold: Fraction | None) -> Allocation | None:
    """One row through `allocate`; None when the law cannot fill the seats (AllocationError)."""
    c = Constituency(name="C", magnitude=magnitude,
                     votes={f"L{j}": int(v) for j, v in enumerate(votes)})
    law = Law(
        rule=series if isinstance(series, QuotaRule) else DivisorRule(series),
        threshold=None if threshold is None
        else Threshold(conditions=(VoteShare(share=threshold),)),
    )
    try:
        return allocate(Election(constituencies=(c,)), law)
    except AllocationError:
        return None


def assert_agrees(votes: np.ndarray, magnitudes: np.ndarray,
                  series: DivisorSeries | HuntingtonHill | QuotaRule,
                  threshold: Fraction | None = None) -> np.ndarray:
    """Every row: untied rows have the exact seats; `tied` exactly when the exact path records a
    tie at the last seat (or cannot fill the seats at all), or gave back whole quotas (chosen
    by precedence among equal remainders, recorded as no tie). Returns `tied`."""
    result = allocate_batch(votes, magnitudes, series, threshold=threshold)
    assert result.seats.shape == votes.shape and result.seats.dtype == np.int64
    for i, (row, m) in enumerate(zip(votes, magnitudes, strict=True)):
        truth = exact(row, int(m), series, threshold)
        if truth is None:
            assert result.tied[i] and m > 0, (row, m)
            continue
        assert result.seats[i].sum() == m, (row, m)
        assert bool(result.tied[i]) == bool(truth.ties) or (
            result.tied[i] and truth.constituencies[0].taken_back), (row, m, truth.ties)
        if not result.tied[i]:
            seats = truth.constituencies[0].seats
            assert result.seats[i].tolist() == [seats[f"L{j}"] for j in range(len(row))], (row, m)
    return result.tied


@st.composite
def batches(draw: st.DrawFn, *, max_seats: int = 60, min_seats: int = 0
            ) -> tuple[np.ndarray, np.ndarray]:
    """Rows of one width: tiny counts (ties everywhere), big ones up to 2**40, zeros, 0–60 seats
    (at least one for a quota rule: Hare's quota of no seats is a division by zero)."""
    n_lists = draw(st.integers(1, 9))
    n_rows = draw(st.integers(1, 8))
    top = draw(st.sampled_from([6, 40, 10_000, 2_000_000, 2**40 - 1]))
    cell = st.one_of(st.just(0), st.integers(0, top))
    rows = draw(st.lists(st.lists(cell, min_size=n_lists, max_size=n_lists),
                         min_size=n_rows, max_size=n_rows))
    seats = draw(st.lists(st.integers(min_seats, max_seats), min_size=n_rows, max_size=n_rows))
    return np.array(rows, dtype=np.int64), np.array(seats, dtype=np.int64)


@pytest.mark.parametrize("name", list(SERIES))
@given(batch=batches(), threshold=THRESHOLDS)
def test_vector_path_equals_exact_path(
    name: str, batch: tuple[np.ndarray, np.ndarray], threshold: Fraction | None
) -> None:
    votes, magnitudes = batch
    assert_agrees(votes, magnitudes, SERIES[name], threshold)


@given(batch=batches(max_seats=400))
def test_vector_path_equals_exact_path_with_many_seats(
    batch: tuple[np.ndarray, np.ndarray],
) -> None:
    votes, magnitudes = batch
    assert_agrees(votes, magnitudes, SERIES["sainte-lague-1.7"])


QUOTA_RULES = {f"{quota} {remainder} {rounding or 'exact'}": QuotaRule(quota, remainder, rounding)
               for quota in ("hare", "droop", "droop-exact", "hagenbach-bischoff",
                             "imperiali-quota")
               for remainder in (Remainder.LARGEST, Remainder.HIGHEST_AVERAGE)
               for rounding in (None, *Rounding)}


def rules_of_the_laws() -> dict[str, DivisorSeries | QuotaRule]:
    """The constituency rule of every preset and example law that the vector path takes."""
    laws = {f"preset {name}": data.law(name) for name in data.laws()}
    for path in sorted((Path(__file__).parents[2] / "examples" / "laws").glob("*.toml")):
        laws[path.name] = parse_law(path.read_text(encoding="utf-8"), path.name)
    taken: dict[str, DivisorSeries | QuotaRule] = {}
    for name, law in laws.items():
        if isinstance(law.rule, DivisorRule) and isinstance(law.rule.series, DivisorSeries):
            taken[name] = law.rule.series
        elif isinstance(law.rule, QuotaRule) and law.rule.remainder is not Remainder.POOLED:
            taken[name] = law.rule
    return taken


TAKEN = {**QUOTA_RULES, **rules_of_the_laws()}


@pytest.mark.parametrize("name", sorted(TAKEN))
@settings(max_examples=30)
@given(batch=batches(min_seats=1), threshold=THRESHOLDS)
def test_every_quota_rule_and_law_rule_counts_as_the_exact_path(
    name: str, batch: tuple[np.ndarray, np.ndarray], threshold: Fraction | None
) -> None:
    votes, magnitudes = batch
    assert_agrees(votes, magnitudes, TAKEN[name], threshold)


@pytest.mark.parametrize("quota", ["hare", "droop", "droop-exact", "imperiali-quota"])
@pytest.mark.parametrize("rounding", [None, *Rounding])
@settings(max_examples=30)
@given(batch=batches(min_seats=1))
def test_pooled_remainders_leave_each_row_its_whole_quotas(
    quota: str, rounding: Rounding | None, batch: tuple[np.ndarray, np.ndarray]
) -> None:
    """Under remainders pooled nationally a row keeps its whole quotas alone, as
    `QuotaRule.apportion` leaves them (given back from the smallest remainders when too many);
    `tied` where equal remainders chose what was given back, or where no list has a vote."""
    rule = QuotaRule(quota, Remainder.POOLED, rounding)
    votes, magnitudes = batch
    result = allocate_batch(votes, magnitudes, rule)
    for i, (row, m) in enumerate(zip(votes, magnitudes, strict=True)):
        names = {f"L{j}": int(v) for j, v in enumerate(row)}
        truth = rule.apportion(names, int(m), Precedence.draw("C", names, TieRule.VOTES, 0))
        assert result.seats[i].sum() <= m
        if not row.any():
            assert result.tied[i]
        elif not result.tied[i]:
            assert result.seats[i].tolist() == [truth.seats[p] for p in names], (row, m)


@settings(max_examples=200)
@given(batch=batches(max_seats=120), threshold=THRESHOLDS)
def test_huntington_hill_counts_as_the_exact_path(
    batch: tuple[np.ndarray, np.ndarray], threshold: Fraction | None
) -> None:
    votes, magnitudes = batch
    assert_agrees(votes, magnitudes, HuntingtonHill(), threshold)


def test_huntington_hill_ties_and_first_seats_are_left_to_the_exact_path() -> None:
    # Equal votes: A's and B's second seats at 100 / sqrt(2) each. Three lists with votes and
    # two seats: every first seat is an infinite quotient, a tie the exact path decides.
    # 300, 100, 1 for 5 seats: a first seat each, then A's 300/√2, 300/√6 (B's 100/√2 next).
    votes = np.array([[100, 100, 0], [5, 3, 1], [300, 100, 1]])
    result = allocate_batch(votes, np.array([3, 2, 5]), HuntingtonHill())
    assert result.tied.tolist() == [True, True, False]
    assert result.seats[2].tolist() == [3, 1, 1]
    assert_agrees(votes, np.array([3, 2, 5]), HuntingtonHill())


def test_constructed_quota_ties_are_flagged() -> None:
    # Hare, 3 seats, 300 votes: quota 100; A 150 and B 150 have 50 left each for the last seat.
    # Droop, 2 seats of 4 votes: quota 2, A's and B's 2 votes fill both, C and D have none over.
    votes = np.array([[150, 150, 0], [151, 149, 0], [2, 2, 0]])
    result = allocate_batch(votes[:2], 3, QuotaRule("hare"))
    assert result.tied.tolist() == [True, False]
    assert result.seats[1].tolist() == [2, 1, 0]
    assert_agrees(votes, np.array([3, 3, 2]), QuotaRule("hare"))
    assert_agrees(votes, np.array([3, 3, 5]), QuotaRule("droop"))
    assert_agrees(votes, np.array([3, 3, 5]), QuotaRule("imperiali-quota"))


def test_constructed_tie_is_flagged_and_resolved_either_way() -> None:
    # D'Hondt, 4 seats: 600, 400, 300, then A's 600/3 = 200 against B's 400/2 = 200.
    # Sainte-Laguë 1.7, 2 seats: B's 30/1.7, then A's 17/1.7 = 10 against B's 30/3 = 10.
    votes = np.array([[600, 400, 0], [17, 30, 0], [601, 400, 0]])
    result = allocate_batch(votes, 4, SERIES["dhondt"])
    assert result.tied.tolist() == [True, False, False]
    assert result.seats[0].tolist() in ([3, 1, 0], [2, 2, 0])
    assert result.seats[2].tolist() == [3, 1, 0]
    iraq = allocate_batch(votes[1:2], [2], SERIES["sainte-lague-1.7"])
    assert iraq.tied.tolist() == [True]
    assert iraq.seats[0].tolist() in ([1, 1, 0], [0, 2, 0])
    assert_agrees(votes, np.array([4, 2, 4]), SERIES["sainte-lague-1.7"])


@pytest.mark.parametrize(("a", "b", "expected"), [
    (1_098_511_617_253, 1_098_731_348_874, [5_000, 5_000]),
    (1_098_511_627_251, 1_098_731_358_874, [4_999, 5_001]),
])
def test_quotients_equal_in_float_but_not_exactly_are_ordered_exactly(
    a: int, b: int, expected: list[int]
) -> None:
    # Danish divisors 3k + 1: A's 5000th seat at a / 14998 against B's 5001st at b / 15001.
    # The two differ by 1 / (14998 · 15001) and round to the same float.
    assert a / 14_998 == b / 15_001 and abs(a * 15_001 - b * 14_998) == 1
    votes = np.array([[a, b]])
    result = allocate_batch(votes, 10_000, SERIES["danish"])
    assert not result.tied[0] and result.seats[0].tolist() == expected
    assert_agrees(votes, np.array([10_000]), SERIES["danish"])


def test_threshold_is_at_least_the_share_in_integers() -> None:
    # 5 % of 2,000 is exactly 100: list B qualifies, list C (99) does not, though its 99 would
    # beat A's 20th quotient (1801 / 20) without the threshold.
    votes = np.array([[1_801, 100, 99]])
    assert allocate_batch(votes, 20, SERIES["dhondt"]).seats.tolist() == [[18, 1, 1]]
    result = allocate_batch(votes, 20, SERIES["dhondt"], threshold=Fraction(1, 20))
    assert result.seats.tolist() == [[19, 1, 0]]
    assert_agrees(votes, np.array([20]), SERIES["dhondt"], Fraction(1, 20))


def test_rows_without_votes_are_left_to_the_exact_path() -> None:
    votes = np.array([[0, 0, 0], [0, 0, 0], [10, 5, 1]])
    result = allocate_batch(votes, np.array([3, 0, 1]), SERIES["sainte-lague"])
    assert result.tied.tolist() == [True, False, False]
    assert result.seats.tolist() == [[0, 0, 0], [0, 0, 0], [1, 0, 0]]


def test_adams_gives_every_list_a_first_seat_or_flags_the_tie() -> None:
    votes = np.array([[1_000, 10, 1, 0], [1_000, 10, 1, 0]])
    result = allocate_batch(votes, np.array([5, 2]), SERIES["adams"])
    assert result.seats[0].tolist() == [3, 1, 1, 0] and not result.tied[0]
    assert result.tied[1] and result.seats[1].sum() == 2


def test_many_chunks_and_threads_give_the_same_seats(rng: np.random.Generator) -> None:
    shares = rng.dirichlet(np.full(25, 0.4), size=12_000)
    votes = np.rint(shares * rng.integers(1_000, 3_000_000, size=(12_000, 1))).astype(np.int64)
    magnitudes = rng.integers(1, 70, size=12_000)
    one = allocate_batch(votes, magnitudes, SERIES["sainte-lague-1.7"])
    two = allocate_batch(votes, magnitudes, SERIES["sainte-lague-1.7"], workers=2)
    assert np.array_equal(one.seats, two.seats) and np.array_equal(one.tied, two.tied)
    assert (one.seats.sum(axis=1) == magnitudes).all()
    sample = rng.choice(12_000, size=60, replace=False)
    assert_agrees(votes[sample], magnitudes[sample], SERIES["sainte-lague-1.7"])


@pytest.mark.parametrize(("args", "message"), [
    ((np.ones(3, dtype=np.int64), 3, SERIES["dhondt"]), "2-d"),
    ((np.array([[1, -1]]), 3, SERIES["dhondt"]), "non-negative"),
    ((np.array([[1, 2**40]]), 3, SERIES["dhondt"]), "2\\*\\*40"),
    ((np.array([[1.0, 2.0]]), 3, SERIES["dhondt"]), "integers"),
    ((np.array([[1, 2]]), [3, 4], SERIES["dhondt"]), "one per row"),
    ((np.array([[1, 2]]), -1, SERIES["dhondt"]), "non-negative"),
])
def test_bad_input_is_refused_clearly(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        allocate_batch(*args)  # type: ignore[arg-type]
