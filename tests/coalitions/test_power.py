"""Power indices: published values, brute force, the powerindex package, projections."""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations, product
from math import comb, factorial

import numpy as np
import powerindex
import pytest
from hypothesis import given, settings

from majlis.coalitions import (
    Constraints,
    Game,
    coalitions,
    expected_power,
    minimal_power,
    minimal_winning,
    power,
    quota_of,
)
from majlis.errors import InputError
from tests.strategies import weighted_games

EEC = {"France": 4, "Germany": 4, "Italy": 4, "Belgium": 2, "Netherlands": 2, "Luxembourg": 1}


def brute_force(seats: dict[str, int], quota: int) -> tuple[dict[str, int], dict[str, Fraction]]:
    """Swings and Shapley–Shubik by enumerating all 2^n coalitions."""
    names = list(seats)
    n = len(names)
    swings = dict.fromkeys(names, 0)
    shapley = dict.fromkeys(names, Fraction(0))
    for k in range(n + 1):
        for coalition in combinations(names, k):
            weight = sum(seats[p] for p in coalition)
            for p in names:
                if p not in coalition and weight < quota <= weight + seats[p]:
                    swings[p] += 1
                    shapley[p] += Fraction(factorial(k) * factorial(n - 1 - k), factorial(n))
    return swings, shapley


def test_eec_1958_council_reproduces_published_indices() -> None:
    result = power(Game(seats=EEC, quota=12))
    assert [result.shapley_shubik[p] * 60 for p in EEC] == [14, 14, 14, 9, 9, 0]
    assert [result.banzhaf[p] * 21 for p in EEC] == [5, 5, 5, 3, 3, 0]
    assert result.swings["Luxembourg"] == 0  # the famous dummy


def test_eec_minimal_winning_indices() -> None:
    more = minimal_power(Game(seats=EEC, quota=12))
    assert more.minimal_winning == 4
    assert more.deegan_packel["France"] == Fraction(5, 24)
    assert more.deegan_packel["Belgium"] == Fraction(3, 16)
    assert set(more.holler.values()) == {Fraction(1, 5), Fraction(0)}
    assert more.johnston["France"] == Fraction(1, 4)
    assert more.johnston["Belgium"] == Fraction(1, 8)


@given(weighted_games())
@settings(max_examples=200)
def test_generating_functions_agree_with_brute_force(game: tuple[dict[str, int], int]) -> None:
    seats, quota = game
    result = power(Game(seats=seats, quota=quota))
    swings, shapley = brute_force(seats, quota)
    assert result.swings == swings
    assert result.shapley_shubik == shapley
    assert sum(result.banzhaf.values()) == 1
    assert sum(result.shapley_shubik.values()) == 1


@given(weighted_games(max_players=10))
def test_minimal_winning_coalitions_are_exactly_those_where_everyone_is_needed(
        game: tuple[dict[str, int], int]) -> None:
    seats, quota = game
    g = Game(seats=seats, quota=quota)
    found = minimal_winning(g)
    expected = {frozenset(c) for k in range(len(seats) + 1) for c in combinations(seats, k)
                if g.wins(c) and g.pivots(c) == frozenset(c)}
    assert len(found) == len(set(found)) and set(found) == expected


def minimal_brute_force(game: Game) -> tuple[int, dict[str, Fraction], dict[str, Fraction],
                                            dict[str, Fraction]]:
    """Minimal winning coalitions, Deegan–Packel, Holler and Johnston (raw) from all 2^n
    coalitions and the definitions: minimal when every member is pivotal; Johnston shares each
    winning coalition among its pivots."""
    names = game.lists
    deegan = dict.fromkeys(names, Fraction(0))
    holler = dict.fromkeys(names, Fraction(0))
    johnston = dict.fromkeys(names, Fraction(0))
    minimal = 0
    for k in range(1, len(names) + 1):
        for coalition in combinations(names, k):
            pivots = game.pivots(coalition)
            for p in pivots:
                johnston[p] += Fraction(1, len(pivots))
            if game.wins(coalition) and len(pivots) == k:
                minimal += 1
                for p in coalition:
                    deegan[p] += Fraction(1, k)
                    holler[p] += 1
    return minimal, deegan, holler, johnston


def shares(raw: dict[str, Fraction]) -> dict[str, Fraction]:
    total = sum(raw.values())
    return {p: v / total if total else Fraction(0) for p, v in raw.items()}


@given(weighted_games(max_players=15))
@settings(max_examples=150)
def test_minimal_indices_agree_with_brute_force(game: tuple[dict[str, int], int]) -> None:
    seats, quota = game
    g = Game(seats=seats, quota=quota)
    ours = minimal_power(g)
    minimal, deegan, holler, johnston = minimal_brute_force(g)
    assert ours.minimal_winning == minimal
    assert ours.deegan_packel == shares(deegan)
    assert ours.holler == shares(holler)
    assert ours.johnston == shares(johnston)


def test_minimal_indices_count_exactly_beyond_uint64() -> None:
    """40 lists of 3 seats and 60 of 1: more than 2^64 minimal winning coalitions, shares
    times lcm(1..100) of 240 bits; the reference counts coalitions by how many of each kind."""
    heavy, light, quota = 40, 60, 91
    game = Game(seats={f"h{i}": 3 for i in range(heavy)} | {f"l{i}": 1 for i in range(light)},
                quota=quota)
    minimal = 0
    raw = {name: [Fraction(0)] * 3 for name in ("h", "l")}
    for big, small in product(range(heavy + 1), range(light + 1)):
        weight = 3 * big + small
        critical = {"h": big > 0 and weight - 3 < quota <= weight,
                    "l": small > 0 and weight - 1 < quota <= weight}
        pivots = big * critical["h"] + small * critical["l"]
        everyone = pivots == big + small > 0
        minimal += comb(heavy, big) * comb(light, small) * everyone
        for name in (n for n in ("h", "l") if critical[n]):
            ways = (comb(heavy - 1, big - 1) * comb(light, small) if name == "h"
                    else comb(heavy, big) * comb(light - 1, small - 1))
            raw[name][0] += ways * everyone / Fraction(big + small)
            raw[name][1] += ways * everyone
            raw[name][2] += ways / Fraction(pivots)
    ours = minimal_power(game)
    assert ours.minimal_winning == minimal > 2**64
    for k, index in enumerate((ours.deegan_packel, ours.holler, ours.johnston)):
        total = heavy * raw["h"][k] + light * raw["l"][k]
        assert index["h0"] == raw["h"][k] / total and index["l7"] == raw["l"][k] / total


@given(weighted_games(max_players=12))
def test_powerindex_package_agrees(game: tuple[dict[str, int], int]) -> None:
    seats, quota = game
    # powerindex 0.3.5 miscounts Banzhaf when a list with no seats comes last ([5, 3, 1, 0],
    # quota 8: it gives the 1-seat list 1/9; that list is never a swing), and calls any list
    # reaching the quota a dictator even when the quota is half the house or less ([5, 2, 1],
    # quota 3: 2 + 1 win too). So it is given lists with seats and a majority quota.
    seats = {p: s for p, s in seats.items() if s}
    quota = min(max(quota, sum(seats.values()) // 2 + 1), sum(seats.values()))
    ours = power(Game(seats=seats, quota=quota))
    theirs = powerindex.Game(quota, weights=list(seats.values()))
    theirs.calc()
    for p, b, s in zip(seats, theirs.banzhaf, theirs.shapley_shubik, strict=True):
        assert float(ours.banzhaf[p]) == pytest.approx(b, abs=1e-12)
        assert float(ours.shapley_shubik[p]) == pytest.approx(s, abs=1e-12)


def test_more_than_64_parties_counts_exactly_beyond_uint64() -> None:
    result = power(Game.of({f"p{i}": 1 for i in range(101)}))
    assert result.swings["p0"] == comb(100, 50) > 2**64
    assert result.shapley_shubik["p0"] == Fraction(1, 101)


def test_quota_rules() -> None:
    assert quota_of("majority", 325) == 163 and quota_of("majority", 329) == 165
    assert quota_of("two-thirds", 329) == 220
    assert quota_of(Fraction(1, 2), 10) == 5 and quota_of(12, 25) == 12


def test_a_boycott_keeps_the_quota() -> None:
    game = Game.of({"A": 40, "B": 35, "C": 25})
    after = game.without("A")
    assert after.quota == 51 and power(after).banzhaf == {"B": Fraction(1, 2),
                                                          "C": Fraction(1, 2)}
    assert power(game.without("A", "B")).banzhaf == {"C": 0}


def test_a_game_the_caller_got_wrong_is_refused_with_every_problem() -> None:
    with pytest.raises(InputError) as caught:
        Game.of({"A": 40, "B": 35}).without("A", "Z", "Y")
    assert [str(p) for p in caught.value.problems] == [
        "game: without: no party 'Z' in this game", "game: without: no party 'Y' in this game"]
    with pytest.raises(InputError, match=r"^game: quota: a share of the house is in"):
        quota_of(Fraction(3, 2), 10)
    with pytest.raises(InputError, match=r"^game: quota: the quota must be at least one seat"):
        Game(seats={"A": 1}, quota=0)
    with pytest.raises(InputError, match=r"^game: seats: seats cannot be negative"):
        Game(seats={"A": -1, "B": 3}, quota=2)
    with pytest.raises(InputError) as caught:
        coalitions(Game.of({"A": 40, "B": 35}),
                   Constraints(required=frozenset({"C"}), connected=("left-right",)))
    assert [str(p) for p in caught.value.problems] == [
        "constraints: required: no party 'C' in the seat table",
        "constraints: connected: no positions on axis 'left-right'"]
    with pytest.raises(InputError, match=r"^draws: shape: draws must be an array of draws × 2"):
        expected_power(("A", "B"), np.array([[1, 2, 3]]))


def test_expected_power_groups_identical_draws_and_matches_the_exact_path(
        rng: np.random.Generator) -> None:
    names = ("A", "B", "C", "D")
    base = np.array([[40, 30, 20, 10], [45, 25, 20, 10], [40, 30, 20, 10]])
    draws = base[rng.integers(0, 3, size=300)]
    result = expected_power(names, draws)
    assert result.draws == 300 and result.distinct == 2
    weights = (draws == base[1]).all(axis=1).mean()
    for i, p in enumerate(names):
        exact = [float(power(Game.of(dict(zip(names, map(int, row), strict=True)))).banzhaf[p])
                 for row in base[:2]]
        assert result.banzhaf[p] == pytest.approx((1 - weights) * exact[0] + weights * exact[1],
                                                  abs=1e-12), i
