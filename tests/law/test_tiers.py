"""Upper tiers inside `allocate`: compensatory (two phases) and levelling (with overhang)."""

from __future__ import annotations

from fractions import Fraction

from majlis.law import (
    DIVISOR_SERIES,
    CompensatoryTier,
    Constituency,
    DivisorRule,
    Election,
    Law,
    LevellingTier,
    Precedence,
    QuotaRule,
    Scope,
    Threshold,
    TieRule,
    VoteShare,
)
from tests.law.conformance import check_law

GOVERNORATES = Election(constituencies=(
    Constituency(name="North", magnitude=4, votes={"A": 5000, "B": 4000, "N": 900, "S": 100}),
    Constituency(name="South", magnitude=4, votes={"A": 6000, "B": 1000, "N": 800, "S": 50}),
))


def test_compensatory_tier_serves_seatless_lists_first_then_seat_winners() -> None:
    # National valid 17,850 over a 10-seat house: natural quota 1,785. N (1,700) misses it.
    law = Law(rule=QuotaRule("hare"),
              tier=CompensatoryTier(name="national", seats=2, quota_seats=10))
    result = check_law(GOVERNORATES, law)
    assert result.tier is not None
    assert sum(result.tier.seats.values()) == 2
    assert result.tier.seats["N"] == 0 and result.tier.seats["S"] == 0
    newcomer = Election(constituencies=(
        Constituency(name="North", magnitude=4, votes={"A": 5000, "B": 4000, "N": 1200}),
        Constituency(name="South", magnitude=4, votes={"A": 6000, "B": 1000, "N": 800}),
    ))
    # N: 2,000 of 18,000 ≥ one quota (1,800) but no governorate seat → the first national seat.
    result = check_law(newcomer, Law(rule=DivisorRule(DIVISOR_SERIES["dhondt"]),
                                     tier=CompensatoryTier(seats=2, quota_seats=10)))
    assert result.seats_in("North")["N"] == 0 and result.seats_in("South")["N"] == 0
    assert result.tier is not None and result.tier.seats["N"] == 1
    # The one seat left goes by Hare among A (11,000) and B (5,000): A's remainder is larger.
    assert result.totals() == {"A": 7, "B": 2, "N": 1}


def test_levelling_tier_tops_up_and_leaves_overhang_alone() -> None:
    """A wins all three single-seat districts with 40 %: more than its share of the house."""
    plurality = Election(constituencies=tuple(
        Constituency(name=name, magnitude=1, votes={"A": 400, "B": 350, "C": 250})
        for name in ("East", "West", "Centre")))
    four_percent = Threshold(conditions=(VoteShare(share=Fraction(4, 100),
                                                   scope=Scope.NATIONAL),))
    tier = LevellingTier(seats_per_constituency=1, threshold=four_percent,
                         national_rule=DivisorRule(DIVISOR_SERIES["sainte-lague"]),
                         placement=DIVISOR_SERIES["sainte-lague"])
    result = check_law(plurality, Law(rule=DivisorRule(DIVISOR_SERIES["dhondt"]), tier=tier))
    assert result.tier is not None
    # Sainte-Laguë over 6 seats would give A 2, B 2, C 2; A holds 3, keeps them, and the other
    # 3 seats are shared without it: B 1,050 → 2, C 750 → 1.
    assert result.tier.excluded == {"A"}
    assert dict(result.tier.seats) == {"A": 0, "B": 2, "C": 1}
    assert result.totals() == {"A": 3, "B": 2, "C": 1}


def test_the_house_counts_reserved_and_compensatory_seats() -> None:
    from majlis.data import law
    assert law("iraq-2010").house == 325  # 310 + 8 minority + 7 compensatory: 163 to govern
    assert law("iraq-2025").house == 329  # 320 + 9 minority: 165 to govern


def test_huntington_hill_placement_divides_its_true_quotients_by_the_votes_per_seat() -> None:
    """Huntington–Hill quotients are compared squared, so `relative` divides them by the
    district's votes per seat squared: the order is that of v ÷ √(k(k+1)) × seats ÷ votes."""
    a = Constituency(name="A", magnitude=2, votes={"P": 100, "Q": 200}, tier_seats=1)
    b = Constituency(name="B", magnitude=4, votes={"P": 300, "Q": 400}, tier_seats=1)
    c = Constituency(name="C", magnitude=1, votes={"P": 400}, tier_seats=0)
    held = {"A": {"P": 1, "Q": 1}, "B": {"P": 2, "Q": 2}, "C": {"P": 1}}
    tier = LevellingTier(
        seats_per_constituency=1, placement=DIVISOR_SERIES["huntington-hill"],
        threshold=Threshold(conditions=(VoteShare(share=Fraction(0), scope=Scope.NATIONAL),)),
        national_rule=QuotaRule("hare"))
    # Hare: P 800 and Q 600 of 1,400 votes for 9 seats: 5.14 and 3.86, so P 5 and Q 4, one
    # levelling seat each. Q in A: 200 ÷ √2 × 2 ÷ 300 = 0.943 beats Q in B: 400 ÷ √6 × 4 ÷ 700 =
    # 0.933 (and P's 0.471 and 0.700): Q takes A and P takes B. Squared quotients divided by the
    # plain ratio would have put Q in B (152.4 against 133.3) and P in A.
    result = tier.apportion((a, b, c), held, Precedence.draw(
        "levelling", {"P": 800, "Q": 600}, TieRule.VOTES, 0))
    assert dict(result.seats) == {"P": 1, "Q": 1}
    assert {d: dict(s) for d, s in result.placed.items()} == {
        "A": {"Q": 1}, "B": {"P": 1}, "C": {}}
