"""Iraq's Council of Representatives: the coalitions, blocs and cabinets of real formations."""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations

import pytest

from majlis import data
from majlis.coalitions import (
    IRAQ_POSTS,
    POINTS_SYSTEMS,
    Constraints,
    Game,
    Seat,
    cabinet,
    check_posts,
    coalitions,
    gamson,
    largest_bloc,
    rank,
    read_seat_table,
)
from majlis.errors import InputError

IRAQIYA = "Iraqi National Movement (Iraqiya)"
SOL = "State of Law Coalition"
INA = "Iraqi National Alliance"
KA = "Kurdistan Alliance (Kurdistan List)"
KURDS = frozenset({KA, "Gorran (Movement for Change)", "Kurdistan Islamic Union",
                   "Kurdistan Islamic Group"})


@pytest.fixture(scope="module")
def seats_2010() -> dict[str, int]:
    return {p.name: p.seats for p in read_seat_table(data.seat_table_text("iraq-2010"), "2010")}


def test_bundled_seat_tables_fill_the_house(seats_2010: dict[str, int]) -> None:
    assert sum(seats_2010.values()) == 325 and Game.of(seats_2010).quota == 163
    table_2025 = read_seat_table(data.seat_table_text("iraq-2025"), "2025")
    assert sum(p.seats for p in table_2025) == 329 and len(table_2025) == 42


def test_2010_coalitions_include_the_one_that_governed(seats_2010: dict[str, int]) -> None:
    game = Game.of(seats_2010)
    found = {c.members: c for c in coalitions(game)}
    governed = frozenset({SOL, INA, KA})  # State of Law + INA + Kurdistan Alliance, Nov 2010
    assert found[governed].seats == 202 and found[governed].pivots == governed
    assert frozenset({SOL, IRAQIYA}) in found  # the two largest alone: 180
    assert frozenset({SOL, INA}) not in found  # the declared National Alliance: 159 < 163
    assert all(c.seats >= 163 for c in found.values())


def test_2010_with_the_kurds_as_one_bloc_and_maliki_apart_from_allawi(
        seats_2010: dict[str, int]) -> None:
    rules = Constraints(incompatible=frozenset({frozenset({SOL, IRAQIYA})}), blocs=(KURDS,))
    found = coalitions(Game.of(seats_2010), rules)
    assert frozenset({SOL, INA}) | KURDS in {c.members for c in found}
    assert all(c.members >= KURDS or not KURDS & c.members for c in found)
    assert not any({SOL, IRAQIYA} <= c.members for c in found)
    required = coalitions(Game.of(seats_2010), Constraints(required=frozenset({IRAQIYA})))
    assert required and all(IRAQIYA in c.members for c in required)


def test_constrained_search_agrees_with_brute_force_on_2010(
        seats_2010: dict[str, int]) -> None:
    game = Game.of(seats_2010)
    positions = {"axis": {p: Fraction(i % 5) for i, p in enumerate(sorted(seats_2010))}}
    rules = Constraints(incompatible=frozenset({frozenset({SOL, IRAQIYA})}),
                        positions=positions, connected=("axis",))
    placed = positions["axis"]

    def allowed(c: frozenset[str]) -> bool:
        low, high = min(placed[p] for p in c), max(placed[p] for p in c)
        return not {SOL, IRAQIYA} <= c and not any(
            low < placed[p] < high for p in placed if p not in c)

    everything = [frozenset(c) for k in range(1, 14) for c in combinations(seats_2010, k)]
    expected = {c for c in everything if allowed(c) and game.wins(c)
                and not any(allowed(c - {p}) and game.wins(c - {p}) for p in c)}
    assert {c.members for c in coalitions(game, rules)} == expected


def test_ranking_by_size_puts_the_two_largest_first(seats_2010: dict[str, int]) -> None:
    found = coalitions(Game.of(seats_2010), by="size")
    assert found[0].members == {SOL, IRAQIYA} and found[0].surplus == 17
    assert [c.seats for c in rank(list(found))] == sorted(c.seats for c in found)


def test_largest_bloc_both_readings(seats_2010: dict[str, int]) -> None:
    bloc = largest_bloc(Game.of(seats_2010), {"National Alliance": frozenset({SOL, INA})})
    assert bloc.lists == (IRAQIYA,) and bloc.list_seats == 91
    assert bloc.coalition == "National Alliance" and bloc.coalition_seats == 159


def test_posts_convention_against_the_2010_coalition() -> None:
    community = {p.name: p.community
                 for p in read_seat_table(data.seat_table_text("iraq-2010"), "x")}
    checks = check_posts(frozenset({SOL, INA, KA}), IRAQ_POSTS, community)
    assert [(c.post.name, c.eligible) for c in checks] == [
        ("Prime Minister", (INA, SOL)), ("President", (KA,)), ("Speaker", ())]
    with_iraqiya = check_posts(frozenset({SOL, INA, KA, IRAQIYA}), IRAQ_POSTS, community)
    assert all(c.filled for c in with_iraqiya)  # the national partnership government


def test_2010_points_reproduce_iraqiyas_reported_points() -> None:
    assert POINTS_SYSTEMS["iraq-2010-doubled"].points(91) == 182
    assert POINTS_SYSTEMS["iraq-2010-2.44"].points(91) == 37


def test_2022_rule_a_sovereign_ministry_per_15_seats() -> None:
    system = POINTS_SYSTEMS["iraq-2022"]
    assert [s.post for s in system.posts(7)] == [
        "Defence", "Interior", "Oil", "Finance", "Foreign Affairs", "Ministry 1", "Ministry 2"]
    posts = (Seat(post="Oil", kind="sovereign"), Seat(post="Finance", kind="sovereign"),
             *(Seat(post=f"M{i}", kind="ministry") for i in range(8)))
    shares = {s.list: s for s in cabinet({"A": 45, "B": 15, "C": 10}, system, posts)}
    assert shares["A"].posts[:2] == ("Oil", "Finance") and len(shares["A"].posts) == 5
    assert [len(shares[p].posts) for p in "BC"] == [3, 2]
    assert all(s.left == 0 for s in shares.values())  # prices sum to the seats: all spent
    with pytest.raises(InputError) as caught:
        cabinet({"A": 45}, system, (Seat(post="Envoy", kind="envoy"), Seat(post="X", kind="x")))
    assert [str(p) for p in caught.value.problems] == [
        "iraq-2022: posts: no price for a post of kind 'envoy'",
        "iraq-2022: posts: no price for a post of kind 'x'"]


def test_gamson_against_the_reported_2010_cabinet() -> None:
    # Al-Sabah (musingsoniraq, Nov 2010): 18 ministries to the National Coalition (SoL + INA,
    # 159 seats), 9 to Iraqiya, 7 to the Kurds, 1 to the Christians — 35 in all.
    shares, whole = gamson({"National": 159, "Iraqiya": 91, "Kurds": 57, "Christians": 5}, 35)
    assert shares["National"] == Fraction(159 * 35, 312)
    assert whole == {"National": 18, "Iraqiya": 10, "Kurds": 6, "Christians": 1}
