"""Official Iraqi results reproduced from the bundled data (sources in src/majlis/data/iraq)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from majlis import data
from majlis.law import (
    DIVISOR_SERIES,
    CompensatoryTier,
    Constituency,
    DivisorRule,
    DivisorSeries,
    Election,
    Law,
    Precedence,
    QuotaRule,
    ReservedSeats,
    TieRule,
    allocate,
    parse_law,
)
from tests.law.conformance import check_law

LAWS = Path(__file__).resolve().parents[2] / "examples" / "laws"


def law(name: str) -> Law:
    path = LAWS / name
    return parse_law(path.read_text(encoding="utf-8"), str(path))


def sainte_lague(first: Fraction) -> DivisorRule:
    series = DIVISOR_SERIES["sainte-lague"]
    assert isinstance(series, DivisorSeries)
    return DivisorRule(series.with_first(first))


def national_valid(election: str) -> int:
    return next(int(r["valid_votes"]) for r in data.rows("iraq/iraq_turnout_registration.csv")
                if (r["election"], r["scope"], r["stage"]) == (election, "national", "final"))


def test_january_2005_reproduces_all_twelve_published_seat_counts() -> None:
    rows = data.rows("iraq/iraq2005jan_national.csv")
    valid = national_valid("2005-01-30")
    iraq = Constituency(name="Iraq", magnitude=275, valid=valid,
                        votes={r["list"]: int(r["votes"]) for r in rows})
    result = allocate(Election(constituencies=(iraq,)), law("iraq-2005-jan.toml"))
    assert dict(result.seats_in("Iraq")) == {r["list"]: int(r["seats"]) for r in rows}
    # The published critique: 18 votes kept the Communists from the last seat.
    last, runner_up = result.constituencies[0].last_award, result.constituencies[0].runner_up
    assert last is not None and runner_up is not None
    assert (last.list, runner_up.list) == (
        "National Independent Elites and Cadres Party", "Communist Party (People's Union)")


def test_january_2005_threshold_is_what_excludes_small_lists() -> None:
    """Lists under one natural quota are out even when a remainder would have seated them."""
    valid = 8_456_266
    votes = {"big": valid - 60_000, "small": 30_000, "tiny": 30_000}
    iraq = Constituency(name="Iraq", magnitude=275, votes=votes, valid=valid)
    with_threshold = allocate(Election(constituencies=(iraq,)), law("iraq-2005-jan.toml"))
    plain = allocate(Election(constituencies=(iraq,)), Law(rule=QuotaRule("hare")))
    assert with_threshold.seats_in("Iraq") == {"big": 275, "small": 0, "tiny": 0}
    assert plain.seats_in("Iraq")["small"] == 1


def test_december_2005_compensatory_tier_reproduces_published_split() -> None:
    rows = data.rows("iraq/iraq2005dec_national.csv")
    valid = national_valid("2005-12-15")
    votes = {r["list"]: int(r["votes"]) for r in rows}
    governorate = {r["list"]: int(r["seats_governorate"]) for r in rows}
    tier = law("iraq-2005-dec.toml").tier
    assert isinstance(tier, CompensatoryTier)
    result = tier.apportion(votes, valid, governorate,
                            Precedence.draw("national", votes, TieRule.VOTES, 0))
    assert dict(result.seats) == {r["list"]: int(r["seats_compensatory_or_national"])
                                  for r in rows}
    assert sum(result.seats.values()) == 45


def kurdistan_2025(governorate: str) -> tuple[dict[str, int], dict[str, int]]:
    """Final votes and seats; lists missing from the final table take their preliminary votes."""
    rows = [r for r in data.rows("iraq/iraq2025_governorate_results.csv")
            if r["district"] == governorate]
    final = {r["list"]: int(r["votes"]) for r in rows if r["stage"].startswith("final")}
    seats = {r["list"]: int(r["seats"]) for r in rows if r["stage"].startswith("final")}
    for r in rows:
        if r["stage"].startswith("preliminary") and r["list"] not in final:
            final[r["list"]] = int(r["votes"])
            seats[r["list"]] = 0
    return final, seats


def general_seats_2025(governorate: str) -> int:
    row = next(r for r in data.rows("iraq/iraq_district_magnitudes.csv")
               if r["election"] == "2025-11-11" and r["district"] == governorate)
    return int(row["total_seats"]) - int(row["minority_seats"] or 0)


@pytest.mark.parametrize("governorate", ["Erbil", "Dohuk", "Sulaymaniyah"])
def test_kurdistan_2025_reproduces_published_seats(governorate: str) -> None:
    votes, published = kurdistan_2025(governorate)
    district = Constituency(name=governorate, magnitude=general_seats_2025(governorate),
                            votes=votes)
    result = check_law(Election(constituencies=(district,)), law("iraq-2025.toml"))
    assert dict(result.seats_in(governorate)) == published


def test_erbil_2025_needs_the_first_divisor_of_1_7() -> None:
    """Erbil discriminates: 1.0 and 1.4 give PUK 2 and KIU 1 instead of PUK 3."""
    votes, published = kurdistan_2025("Erbil")
    erbil = Election(constituencies=(Constituency(name="Erbil", magnitude=15, votes=votes),))
    for first in (Fraction(1), Fraction(7, 5)):
        seats = allocate(erbil, Law(rule=sainte_lague(first))).seats_in("Erbil")
        assert (seats["Patriotic Union of Kurdistan"], seats["Kurdistan Islamic Union"]) == (2, 1)
    assert published["Patriotic Union of Kurdistan"] == 3


@pytest.mark.parametrize("first", [Fraction(7, 5), Fraction(8, 5), Fraction(17, 10),
                                   Fraction(19, 10)])
def test_christian_quota_2014_reproduces_published_seats_as_a_reserved_contest(
    first: Fraction,
) -> None:
    rows = data.rows("iraq/iraq2014_christian_quota.csv")
    contest = Constituency(name="Christian", magnitude=5,
                           votes={r["list"]: int(r["votes"]) for r in rows})
    general = Constituency(name="Baghdad", magnitude=3, votes={"A": 9_000, "B": 1_000})
    the_law = Law(rule=DivisorRule(DIVISOR_SERIES["dhondt"]),
                  reserved={"Christian": ReservedSeats(community="Christian",
                                                       rule=sainte_lague(first))})
    result = allocate(Election(constituencies=(general, contest)), the_law)
    assert dict(result.seats_in("Christian")) == {r["list"]: int(r["seats_won"]) for r in rows}
    assert result.constituencies[1].community == "Christian"
