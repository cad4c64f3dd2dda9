"""Agreements and the majority bonus on the vector path (`allocate_draws`) against the exact
path (`allocate`), draw by draw: generated elections with lists that signed agreements, ties
and declared valid votes, and the official results of Israel and Greece."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from majlis import data
from majlis.law import (
    DIVISOR_SERIES,
    Agreements,
    Base,
    CompensatoryTier,
    Constituency,
    DivisorRule,
    Election,
    Law,
    MajorityBonus,
    QuotaRule,
    Remainder,
    Scope,
    Threshold,
    TieRule,
    VoteShare,
    allocate_draws,
    parse_law,
)
from tests.law.test_draws import agrees, draws
from tests.real.test_world import run

EXAMPLES = Path(__file__).parents[2] / "examples" / "laws"
ISRAEL = parse_law((EXAMPLES / "israel-knesset.toml").read_text(encoding="utf-8"), "israel")
GREECE = parse_law((EXAMPLES / "greece-bonus.toml").read_text(encoding="utf-8"), "greece")
SIGNED = Agreements(attribute="agreement")
BONUS = MajorityBonus(seats=3, share=Fraction(1, 4), step=Fraction(1, 20), step_seats=2,
                      max_seats=9, base=Base.VALID_AND_BLANK)
NATIONAL = Threshold(conditions=(VoteShare(share=Fraction(5, 100), scope=Scope.NATIONAL),))
IRAQ_2014 = data.law("iraq-2014")
LAWS = {
    "israel-knesset.toml": ISRAEL,
    "greece-bonus.toml": GREECE,
    "greece, agreements too, lot": replace(GREECE, agreements=SIGNED, tie=TieRule.LOT),
    "agreements, D'Hondt, no threshold": Law(rule=DivisorRule(DIVISOR_SERIES["dhondt"]),
                                             agreements=SIGNED),
    "agreements and bonus, Sainte-Laguë, 5 % nationally": Law(
        rule=DivisorRule(DIVISOR_SERIES["sainte-lague"]), agreements=SIGNED, bonus=BONUS,
        threshold=NATIONAL),
    "agreements, Hagenbach-Bischoff, lot": Law(rule=QuotaRule("hagenbach-bischoff"),
                                               agreements=SIGNED, tie=TieRule.LOT),
    "agreements and a flat bonus, Imperiali quota": Law(
        rule=QuotaRule("imperiali-quota"), agreements=SIGNED,
        bonus=MajorityBonus(seats=2, base=Base.LIST_VOTES)),
    "bonus at 40 %, Droop, highest averages": Law(
        rule=QuotaRule("droop", remainder=Remainder.HIGHEST_AVERAGE),
        bonus=MajorityBonus(seats=4, share=Fraction(2, 5))),
    "2014 with agreements and a bonus, reserved contests": replace(
        IRAQ_2014, agreements=SIGNED, bonus=BONUS),
    "2010 with agreements, compensatory tier": replace(data.law("iraq-2010"), agreements=SIGNED),
    "norway-2025 with agreements and a bonus": replace(data.law("norway-2025"),
                                                       agreements=SIGNED, bonus=BONUS),
    "agreements and bonus under a tier by Sainte-Laguë": replace(
        data.law("iraq-2010"), agreements=SIGNED, bonus=BONUS, tier=CompensatoryTier(
            name="compensatory", seats=7, quota_seats=325,
            rule=DivisorRule(DIVISOR_SERIES["sainte-lague"]))),
}


@st.composite
def signed(draw: st.DrawFn, law: Law) -> tuple[Election, np.ndarray]:
    """`draws` of the law, each list's agreement (none, or one of three), and, where no tier
    counts valid votes, declared valid and blank votes now and then."""
    election, votes = draw(draws(law))
    names = sorted({p for c in election.constituencies for p in c.votes})
    keys = draw(st.lists(st.sampled_from(["", "a", "b", "c"]), min_size=len(names),
                         max_size=len(names)))
    lists = {p: {"agreement": key} if key else {} for p, key in zip(names, keys, strict=True)}
    if law.tier is None and draw(st.booleans()):
        election = replace(election, constituencies=tuple(
            replace(c, valid=int(votes[k].sum(axis=1).max()) + draw(st.integers(0, 50)),
                    blank=draw(st.integers(0, 20)))
            for k, c in enumerate(election.constituencies)))
    return replace(election, lists=lists), votes


@pytest.mark.parametrize("name", sorted(LAWS))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_draw_under_agreements_and_a_bonus_has_the_exact_paths_seats(
        name: str, data: st.DataObject) -> None:
    law = LAWS[name]
    election, votes = data.draw(signed(law))
    agrees(election, votes, law)


def test_agreements_and_a_bonus_are_counted_on_the_vector_path() -> None:
    """200 draws of six lists in two agreements, in five constituencies, under every law above
    without a reserved contest or a tier: each draw `allocate`'s seats, none left to it whole,
    a tied row counted alone now and then."""
    rng = np.random.default_rng(3)
    lists = {f"L{j}": {"agreement": "ab"[j % 2]} if j < 4 else {} for j in range(6)}
    election = Election(constituencies=tuple(
        Constituency(name=f"D{k}", magnitude=m, votes=dict.fromkeys(lists, 0))
        for k, m in enumerate((5, 9, 12, 20, 40))), lists=lists)
    shares = rng.dirichlet(np.full(6, 1.5), size=(5, 200))
    votes = (shares * 300_000).astype(np.int64) + rng.integers(0, 1000, shares.shape)
    for name, law in LAWS.items():
        if law.reserved or law.tier is not None:
            continue
        result = agrees(election, votes, law)
        assert result is not None, name
        assert not result.exact.any(), name
        assert result.exact_rows <= 5, (name, result.exact_rows)


def _official(law_file: str, name: str, lists: bool) -> tuple[Election, Law, dict[str, int]]:
    """A bundled world election read as the real-election tests read it, and its seats."""
    files = [f"world/{name}_{part}.csv" for part in ("votes", "districts", "lists")]
    election, law, _ = run(law_file, *files[:2], files[2] if lists else None)
    published = {r["party"]: int(r["seats"]) for r in data.rows(f"world/{name}_seats.csv")}
    return election, law, published


def _near(election: Election, n: int) -> np.ndarray:
    """The official votes as the first of `n` draws, the others near them (±0.5 % a list)."""
    (c,) = election.constituencies
    official = np.array(list(c.votes.values()), dtype=np.int64)
    rng = np.random.default_rng(11)
    votes = np.rint(official * rng.uniform(0.995, 1.005, (n, official.size))).astype(np.int64)
    votes[0] = official
    return votes[None]


def test_israel_2022_official_seats_through_the_vector_path() -> None:
    """The 2022 Knesset's votes (4,764,742 declared valid: 3.25 % is 154,854.1, so the
    Labor–Meretz agreement lapses) give the official 120 seats with no count on the exact
    path, and 200 draws near them each `allocate`'s seats."""
    election, law, published = _official("israel-knesset.toml", "israel2022", lists=True)
    result = agrees(election, _near(election, 200), law)
    assert result is not None
    c = election.constituencies[0]
    assert dict(zip(c.votes, result.seats[0, 0].tolist(), strict=True)) == published
    assert not result.exact.any() and result.exact_rows <= 2


def test_greece_june_2023_official_seats_and_bonus_through_the_vector_path() -> None:
    """New Democracy's 40.8 % takes the bonus at its most (50) and 108 of the other 250 seats:
    the official 158 with no count on the exact path; 200 draws near them as `allocate`
    counts them. Without the bonus it would have 129."""
    election, law, published = _official("greece-bonus.toml", "greece2023jun", lists=False)
    votes = _near(election, 200)
    result = agrees(election, votes, law)
    assert result is not None
    c = election.constituencies[0]
    assert dict(zip(c.votes, result.seats[0, 0].tolist(), strict=True)) == published
    assert not result.exact.any() and result.exact_rows <= 2
    plain = allocate_draws(votes[:, :1], election, replace(law, bonus=None))
    assert plain.seats[0, 0, list(c.votes).index("New Democracy")] == 129


def test_a_bonus_past_int64_is_counted_in_pythons_integers() -> None:
    """A declared valid count of 2**61 puts the bonus's cross products past int64: X's
    2**40 − 1 votes are a share of 7.99… steps of 2**-24, worth 1 + 7 seats, and the other
    two go by D'Hondt one each. Equal votes for first place: that row by the exact path."""
    law = Law(rule=DivisorRule(DIVISOR_SERIES["dhondt"]), bonus=MajorityBonus(
        seats=1, step=Fraction(1, 2**24), step_seats=1))
    election = Election(constituencies=(Constituency(name="A", magnitude=10, votes={
        "X": 0, "Y": 0}, valid=2**61),))
    result = agrees(election, np.array([[[2**40 - 1, 2**39], [2**40 - 1, 2**40 - 1]]]), law)
    assert result is not None and not result.exact.any() and result.exact_rows == 1
    assert result.seats[0, 0].tolist() == [9, 1]
