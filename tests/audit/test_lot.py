"""The public lot: anyone holding the seed and the station codes draws the same stations."""

from __future__ import annotations

import hashlib
import subprocess
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from majlis import audit
from majlis.errors import InputError
from majlis.tally import Station, VotingType


def station(code: str, centre: str, constituency: str) -> Station:
    return Station(code=code, centre=centre, constituency=constituency,
                   voting_type=VotingType.GENERAL, registered=400)


codes = st.text(st.characters(codec="utf-8", exclude_characters="\n\r"), min_size=1,
                max_size=12)
seeds = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",),
                              exclude_characters="\n\r"), min_size=1, max_size=30).filter(
    lambda s: s.strip())
nights = st.lists(st.tuples(codes, st.integers(0, 5), st.integers(0, 2)), min_size=1,
                  max_size=60, unique_by=lambda t: t[0]).map(
    lambda rows: [station(c, f"C{k}-{z}", f"Z{z}") for c, k, z in rows])


def test_the_lot_is_the_sha256_order_of_seed_newline_code() -> None:
    stations = [station(f"BAS-{c:04d}-{s:02d}", f"BAS-{c:04d}", "Basra")
                for c in range(1, 6) for s in range(1, 4)]
    drawn = audit.select(stations, "dice 3-1-6", stratum=audit.Stratum.ALL, size=15)
    by_hand = sorted(stations, key=lambda s: hashlib.sha256(
        b"dice 3-1-6\n" + s.code.encode()).hexdigest())
    assert [d.station for d in drawn.stations] == [s.code for s in by_hand]
    assert [d.rank for d in drawn.stations] == list(range(1, 16))
    # what docs/audit.md tells an observer to type
    typed = subprocess.run(["sh", "-c", "printf '%s\\n%s' \"$0\" \"$1\" | sha256sum",
                            "dice 3-1-6", "BAS-0003-02"], capture_output=True, text=True,
                           check=True).stdout.split()[0]
    assert typed == audit.lot_digest("dice 3-1-6", "BAS-0003-02")


@given(nights, seeds)
def test_one_station_per_centre_the_first_of_it_in_the_lot(stations: list[Station],
                                                          seed: str) -> None:
    drawn = audit.select(stations, seed)
    centres = {(s.constituency, s.centre) for s in stations}
    assert sorted((d.constituency, d.centre) for d in drawn.stations) == sorted(centres)
    for d in drawn.stations:
        rivals = [s.code for s in stations if (s.constituency, s.centre) == (d.constituency,
                                                                              d.centre)]
        assert d.digest == min(audit.lot_digest(seed, c) for c in rivals)


@given(nights, seeds, st.integers(1, 10), st.randoms(use_true_random=False))
def test_the_lot_depends_on_the_seed_and_codes_only(stations: list[Station], seed: str,
                                                   size: int, shuffle: object) -> None:
    again = list(stations)
    shuffle.shuffle(again)  # type: ignore[attr-defined]
    for stratum in (audit.Stratum.CONSTITUENCY, audit.Stratum.ALL):
        first = audit.select(stations, seed, stratum=stratum, size=size)
        assert first == audit.select(again, seed, stratum=stratum, size=size)
        by = stratum is audit.Stratum.CONSTITUENCY

        def key(s: Station | audit.Drawn, by: bool = by) -> str:
            return s.constituency if by else ""
        available = Counter(map(key, stations))
        assert Counter(map(key, first.stations)) == {k: min(size, n)
                                                     for k, n in available.items()}
        # a larger sample extends a smaller one: the lot's order does not change with size
        more = audit.select(stations, seed, stratum=stratum, size=size + 1)
        assert {d.station for d in first.stations} <= {d.station for d in more.stations}


@pytest.mark.parametrize(("seed", "size", "stratum", "fields"), [
    ("", 1, audit.Stratum.CENTRE, ["seed"]),
    ("two\nlines", 1, audit.Stratum.CENTRE, ["seed"]),
    ("dice", 2, audit.Stratum.CENTRE, ["size"]),
    (" ", 0, audit.Stratum.ALL, ["seed", "size"]),
])
def test_a_seed_or_size_that_cannot_be_drawn_is_refused(seed: str, size: int,
                                                        stratum: audit.Stratum,
                                                        fields: list[str]) -> None:
    with pytest.raises(InputError) as caught:
        audit.select([station("A", "C", "Z")], seed, stratum=stratum, size=size)
    assert [p.field for p in caught.value.problems] == fields
