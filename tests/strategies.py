"""Hypothesis strategies and small example values of the domain, shared by every test module."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from majlis.law import (
    DIVISOR_SERIES,
    CandidateVotes,
    Constituency,
    DivisorRule,
    DivisorSeries,
    QuotaRule,
)

LIST_NAMES = [f"L{i:02d}" for i in range(40)]

divisor_names = st.sampled_from(sorted(DIVISOR_SERIES))
quota_names = st.sampled_from(["hare", "droop", "droop-exact", "hagenbach-bischoff"])
first_divisors = st.sampled_from([Fraction(1), Fraction(7, 5), Fraction(6, 5), Fraction(17, 10)])


@st.composite
def vote_counts(draw: st.DrawFn, *, min_lists: int = 1, max_lists: int = 12,
                max_votes: int = 1_000_000) -> dict[str, int]:
    """Votes per list; at least one list has votes."""
    n = draw(st.integers(min_lists, max_lists))
    votes = draw(st.lists(st.integers(0, max_votes), min_size=n, max_size=n))
    if not any(votes):
        votes[0] = draw(st.integers(1, max_votes))
    return dict(zip(LIST_NAMES, votes, strict=False))


@st.composite
def constituencies(draw: st.DrawFn, *, max_seats: int = 40, **kw: int) -> Constituency:
    votes = draw(vote_counts(**kw))
    seats = draw(st.integers(1, max_seats))
    return Constituency(name="C", magnitude=seats, votes=votes)


@st.composite
def sainte_lague_variants(draw: st.DrawFn) -> DivisorSeries:
    series = DIVISOR_SERIES["sainte-lague"]
    assert isinstance(series, DivisorSeries)
    return series.with_first(draw(first_divisors))


divisor_rules = st.one_of(
    divisor_names.map(lambda n: DivisorRule(DIVISOR_SERIES[n])),
    sainte_lague_variants().map(DivisorRule),
)
quota_rules = quota_names.map(QuotaRule)


def sntv_district(name: str = "D") -> Constituency:
    """Three seats, five candidates: a1 900, b1 400, c1 350 win; c2 300 and a2 100 do not."""
    candidates = (
        CandidateVotes(list="A", candidate="a1", votes=900),
        CandidateVotes(list="A", candidate="a2", votes=100),
        CandidateVotes(list="B", candidate="b1", votes=400),
        CandidateVotes(list="C", candidate="c1", votes=350),
        CandidateVotes(list="C", candidate="c2", votes=300),
    )
    return Constituency(name=name, magnitude=3, votes={"A": 1000, "B": 400, "C": 650},
                        candidates=candidates)


@st.composite
def weighted_games(draw: st.DrawFn, *, max_players: int = 15, max_weight: int = 30
                   ) -> tuple[dict[str, int], int]:
    """Seats per party (some may be 0) and a quota between 1 and the house."""
    weights = draw(st.lists(st.integers(0, max_weight), min_size=1, max_size=max_players))
    if not any(weights):
        weights[0] = 1
    return (dict(zip(LIST_NAMES, weights, strict=False)),
            draw(st.integers(1, sum(weights))))
