"""Seat counts are bounded where they are read and where they are allocated: 10⁸ seats once
hung `allocate`; now every reader and the verb itself refuse them at once, and every real law
and election still loads."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from majlis import data
from majlis.errors import InputError
from majlis.law import (
    DIVISOR_SERIES,
    MAX_HOUSE,
    MAX_MAGNITUDE,
    Constituency,
    DivisorRule,
    Election,
    Law,
    allocate,
    allocate_batch,
    parse_law,
    read_election,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "laws"
SAINTE_LAGUE = DivisorRule(DIVISOR_SERIES["sainte-lague"])


def messages(error: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(p) for p in error.value.problems]


def test_allocate_refuses_a_hundred_million_seats_at_once() -> None:
    election = Election(constituencies=(
        Constituency(name="A", magnitude=10**8, votes={"x": 10, "y": 5}),))
    started = time.perf_counter()
    with pytest.raises(InputError) as caught:
        allocate(election, Law(rule=SAINTE_LAGUE))
    assert time.perf_counter() - started < 1
    assert messages(caught) == [
        f"A: magnitude: 100,000,000 seats is more than {MAX_MAGNITUDE:,}, the most majlis "
        "allocates",
        f"election: seats: 100,000,000 seats is more than {MAX_HOUSE:,}, the most majlis "
        "allocates"]


def test_allocate_refuses_a_house_past_the_bound_and_takes_one_at_it() -> None:
    many = Election(constituencies=tuple(
        Constituency(name=f"C{i}", magnitude=MAX_MAGNITUDE, votes={"x": 3, "y": 1})
        for i in range(11)))
    with pytest.raises(InputError) as caught:
        allocate(many, Law(rule=SAINTE_LAGUE))
    assert messages(caught) == [f"election: seats: 110,000 seats is more than {MAX_HOUSE:,}, "
                                "the most majlis allocates"]
    one = Election(constituencies=(
        Constituency(name="C", magnitude=MAX_MAGNITUDE, votes={"x": 3, "y": 1}),))
    assert dict(allocate(one, Law(rule=SAINTE_LAGUE)).totals()) == {"x": 7500, "y": 2500}


def test_allocate_batch_refuses_a_magnitude_past_the_bound() -> None:
    series = DIVISOR_SERIES["sainte-lague"]
    with pytest.raises(InputError) as caught:
        allocate_batch(np.array([[10, 5]]), np.array([10**8]), series)  # type: ignore[arg-type]
    assert messages(caught) == [f"seats: magnitude: 100,000,000 seats is more than "
                                f"{MAX_MAGNITUDE:,}, the most majlis allocates"]


def test_the_law_file_bounds_each_table_and_the_house() -> None:
    with pytest.raises(InputError) as caught:
        parse_law('[allocation]\nmethod = "sainte-lague"\n[districts]\nA = 100000000\n',
                  "law.toml")
    assert messages(caught) == ["law.toml:4: districts.A: Input should be less than or equal "
                                "to 10000"]
    tables = "".join(f"D{i} = {MAX_MAGNITUDE}\n" for i in range(11))
    with pytest.raises(InputError) as caught:
        parse_law(f'[allocation]\nmethod = "sainte-lague"\n[districts]\n{tables}', "law.toml")
    assert messages(caught) == [f"law.toml: law: the house has 110,000 seats; majlis allocates "
                                f"at most {MAX_HOUSE:,}"]
    with pytest.raises(InputError) as caught:
        parse_law('[allocation]\nmethod = "hare"\n[tier]\nkind = "compensatory"\n'
                  "seats = 400000000\nquota_seats = 10\n", "law.toml")
    assert messages(caught) == ["law.toml:5: tier.seats: Input should be less than or equal to "
                                "100000"]


def test_the_districts_file_bounds_each_constituency_and_the_house() -> None:
    law = parse_law('[allocation]\nmethod = "sainte-lague"\n', "law.toml")
    votes = "district,party,votes\nA,x,10\nA,y,5\n"
    with pytest.raises(InputError) as caught:
        read_election(votes, "v.csv", law, "district,seats,tier_seats\nA,100000000,20000\n",
                      "d.csv")
    assert messages(caught) == [
        "d.csv:2: seats: 100,000,000 is more than 10,000, the most majlis allocates to one "
        "constituency",
        "d.csv:2: tier_seats: 20,000 is more than 10,000, the most majlis allocates to one "
        "constituency"]
    districts = "district,seats\n" + "".join(f"D{i},{MAX_MAGNITUDE}\n" for i in range(11))
    with pytest.raises(InputError) as caught:
        read_election(votes, "v.csv", law, districts, "d.csv")
    assert messages(caught) == [f"d.csv: seats: the districts add up to 110,000 seats; majlis "
                                f"allocates at most {MAX_HOUSE:,}"]


@pytest.mark.parametrize("name", sorted(data.laws()))
def test_every_preset_law_is_within_the_bounds(name: str) -> None:
    assert 0 < data.law(name).house <= MAX_HOUSE


@pytest.mark.parametrize(("law", "votes", "districts"), [
    ("norway-2021.toml", "world/norway2021_votes.csv", "world/norway2021_districts.csv"),
    ("spain-congress.toml", "world/spain2019nov_madrid_votes.csv",
     "world/spain2019nov_madrid_districts.csv"),
])
def test_the_world_elections_still_load_and_allocate(law: str, votes: str,
                                                     districts: str) -> None:
    the_law = parse_law((EXAMPLES / law).read_text(encoding="utf-8"), law)
    election = read_election(data.path(votes).read_text(encoding="utf-8"), votes, the_law,
                             data.path(districts).read_text(encoding="utf-8"), districts)
    assert sum(allocate(election, the_law).totals().values()) > 0
