"""The power table is pseudo-polynomial in the seats: a seat table of 4·10⁸ seats per list
once ran to 24 GB. The reader and `power` itself now refuse such a game at once."""

from __future__ import annotations

import time

import numpy as np
import pytest

from majlis import data
from majlis.coalitions import Game, expected_power, power, read_seat_table
from majlis.errors import InputError
from majlis.law import MAX_HOUSE


def test_power_refuses_a_game_whose_tables_would_not_fit_in_a_gigabyte() -> None:
    game = Game(seats={"A": 400_000_000, "B": 400_000_001, "C": 3}, quota=400_000_003)
    started = time.perf_counter()
    with pytest.raises(InputError) as caught:
        power(game)
    assert time.perf_counter() - started < 1
    (problem,) = caught.value.problems
    assert str(problem).startswith("game: seats: 3 parties and a quota of 400,000,003 seats")
    assert str(problem).endswith("MB to count exactly; at most 1,024 MB are allowed")
    with pytest.raises(InputError):
        expected_power(("A", "B", "C"), np.array([[400_000_000, 400_000_001, 3]]))


def test_a_large_but_reducible_game_is_still_counted() -> None:
    """Seats with a common factor are divided by it first: the table stays small."""
    exact = power(Game(seats={"A": 4 * 10**8, "B": 4 * 10**8, "C": 2 * 10**8},
                       quota=5 * 10**8 + 1))
    assert exact.swings == {"A": 2, "B": 2, "C": 2}


def test_the_seat_table_reader_bounds_each_party_and_the_house() -> None:
    with pytest.raises(InputError) as caught:
        read_seat_table("party,seats\nA,400000000\nB,400000001\n", "seats.csv")
    assert [str(p) for p in caught.value.problems] == [
        f"seats.csv:2: seats: 400,000,000 is more than {MAX_HOUSE:,}, the most majlis counts "
        "in a house",
        f"seats.csv:3: seats: 400,000,001 is more than {MAX_HOUSE:,}, the most majlis counts "
        "in a house"]
    with pytest.raises(InputError) as caught:
        read_seat_table("party,seats\nA,60000\nB,60000\n", "seats.csv")
    assert [str(p) for p in caught.value.problems] == [
        f"seats.csv: seats: the parties hold 120,000 seats; majlis counts at most {MAX_HOUSE:,} "
        "in a house"]


@pytest.mark.parametrize("name", sorted(data.SEAT_TABLES))
def test_every_bundled_seat_table_is_still_counted(name: str) -> None:
    table = read_seat_table(data.seat_table_text(name), name)
    seats = {p.name: p.seats for p in table}
    assert sum(power(Game(seats=seats, quota=sum(seats.values()) // 2 + 1)).swings.values())
