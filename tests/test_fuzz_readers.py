"""Every file reader, fed random text and bytes and well-formed files with extreme values, either
reads the file or raises an InputError — never another exception — and a refused tally file
writes nothing to the store (#21).

Readers: tally files (CSV and JSON), votes and districts CSV, law TOML, seat tables and
coalition constraints, and the staff's users file."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from majlis import audit, data
from majlis.coalitions import Game, read_constraints, read_seat_table
from majlis.errors import InputError
from majlis.law import MAX_MAGNITUDE, METHODS, Law, parse_law, read_election
from majlis.tally import Store, read_tally_file
from majlis.web import Users
from tests.strategies import (
    csv_texts,
    deeply_nested,
    extreme_cells,
    json_values,
    plausible_csv,
    random_texts,
    toml_document,
    toml_values,
)

# one worker builds the store once for every test here (pytest -n … --dist loadgroup)
pytestmark = pytest.mark.xdist_group("test_fuzz_readers")

EXAMPLES = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example,
                                           HealthCheck.data_too_large])

TALLY_HEADERS = [
    ("constituency", "centre", "station", "voting_type", "registered"),
    ("constituency", "list"), ("constituency", "list", "candidate"),
    ("constituency", "list", "votes"),
    ("station", "source", "received_at", "received_by", "ballots_received", "cast", "valid",
     "invalid", "spoiled", "unused", "list", "votes"),
    ("station", "source", "received_at", "received_by", "ballots_received", "cast", "valid",
     "invalid", "spoiled", "unused", "list", "candidate", "votes"),
]
SHEET_KEYS = ["station", "source", "received_at", "received_by", "ballots_received", "cast",
              "valid", "invalid", "spoiled", "unused"]
extreme_numbers = st.one_of(
    st.integers(-(2**70), 2**70), st.floats(), st.booleans(),
    st.sampled_from([0, 1, 2**31 - 1, 2**31, MAX_MAGNITUDE, MAX_MAGNITUDE + 1]))
numbers = st.one_of(st.integers(1, 20), st.integers(1, 20), st.integers(1, 20), extreme_numbers)


REFUSED = object()


def reads(reader: Callable[..., Any], *args: object) -> Any:
    """What `reader(*args)` returns, or REFUSED when it refuses with an InputError; any other
    exception fails the test."""
    try:
        read = reader(*args)
    except InputError as refused:
        assert refused.problems, "an InputError names at least one problem"
        event(f"{getattr(reader, '__name__', 'reader')}: refused")
        return REFUSED
    event(f"{getattr(reader, '__name__', 'reader')}: read")
    return read


@st.composite
def json_sheets(draw: st.DrawFn) -> str:
    """A JSON list of sheets whose fields are anything from sane to absurd."""
    sheets = []
    for _ in range(draw(st.integers(0, 3))):
        sheet: dict[str, object] = {
            key: draw(st.one_of(numbers, extreme_cells, json_values)) for key in SHEET_KEYS
            if draw(st.integers(0, 5))}
        if draw(st.integers(0, 9)):
            sheet["source"] = draw(st.sampled_from(["machine", "manual", "entry-a", "x"]))
        sheet["votes"] = draw(st.dictionaries(extreme_cells, numbers | json_values, max_size=4)
                              if draw(st.integers(0, 9)) else json_values)
        sheets.append(sheet)
    text = json.dumps(sheets if draw(st.booleans()) or len(sheets) != 1 else sheets[0],
                      ensure_ascii=draw(st.booleans()))
    return ("\ufeff" if draw(st.booleans()) else "") + text


SANE = {"constituency": st.sampled_from(["Basra", "Najaf", "بغداد"]),
        "centre": st.sampled_from(["C1", "C2"]), "station": st.sampled_from(["S1", "S2", "S3"]),
        "voting_type": st.sampled_from(["general", "special-idp"]),
        "source": st.sampled_from(["machine", "entry-a", "entry-b"]),
        "list": st.sampled_from(["A", "B", "تقدم"]), "candidate": st.sampled_from(["", "Ali"]),
        "received_at": st.just("2025-11-11T19:00"), "received_by": st.just("clerk 7")}


tally_texts = st.one_of(random_texts, csv_texts(TALLY_HEADERS), json_sheets(),
                        json_values.map(json.dumps), deeply_nested,
                        plausible_csv(TALLY_HEADERS, SANE), plausible_csv(TALLY_HEADERS, SANE))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    made = Store(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'tally.db'}")
    made.init()
    yield made
    made.engine.dispose()


@EXAMPLES
@given(text=tally_texts)
def test_a_tally_file_is_read_and_stored_whole_or_refused_with_nothing_written(
        store: Store, text: str) -> None:
    found = reads(read_tally_file, text, "fuzz.csv")
    if found is REFUSED:
        return
    assert isinstance(found, type(read_tally_file("constituency,list\n", "x")))
    night = Store(store.url, f"fuzz-{uuid.uuid4().hex}")
    try:
        night.register([], [])  # the night's election, empty
        before = audit.verify_chain(store.chain()).checked
        stations = {s.code for s in night.stations()}
        if found.stations or found.lists or found.candidates:
            if reads(night.register, found.stations, found.lists, found.candidates) is REFUSED:
                assert {s.code for s in night.stations()} == stations
            else:
                assert {s.code for s in found.stations} <= {s.code for s in night.stations()}
        if found.sheets:
            report = reads(night.ingest, found.sheets)
            stored = audit.verify_chain(store.chain()).checked - before
            if report is REFUSED:
                assert stored == 0
            else:
                assert stored == len(found.sheets) - report.duplicates
    finally:
        night.engine.dispose()


VOTES_HEADERS = [("district", "party", "votes"), ("district", "party", "candidate", "votes"),
                 ("district", "party", "candidate", "votes", "gender", "community")]
DISTRICT_HEADERS = [("district", "seats"),
                    ("district", "seats", "blank", "invalid", "valid", "tier_seats", "region")]
PLAIN_LAW = parse_law('[allocation]\nmethod = "sainte-lague"\n[districts]\nA = 3\nB = 2\n', "x")


VOTES_SANE = {"district": st.sampled_from(["A", "B"]), "party": st.sampled_from(["x", "y"]),
              "candidate": st.sampled_from(["x1", "y1", "y2"]),
              "gender": st.sampled_from(["F", "m", ""]), "community": st.just(""),
              "region": st.just("")}


@EXAMPLES
@given(votes=st.one_of(random_texts, csv_texts(VOTES_HEADERS), deeply_nested,
                       plausible_csv(VOTES_HEADERS, VOTES_SANE),
                       plausible_csv(VOTES_HEADERS, VOTES_SANE)),
       districts=st.none() | random_texts | csv_texts(DISTRICT_HEADERS)
       | plausible_csv(DISTRICT_HEADERS, VOTES_SANE))
def test_votes_and_districts_files_are_read_or_refused(votes: str, districts: str | None
                                                       ) -> None:
    reads(read_election, votes, "votes.csv", PLAIN_LAW, districts, "districts.csv")


@st.composite
def law_tables(draw: st.DrawFn) -> dict[str, object]:
    """A law as data: the real keys with values from sane to absurd, now and then a stray key."""
    method = st.sampled_from(METHODS) | st.sampled_from(METHODS) | st.sampled_from(
        ["sntv ", "", "x"]) | extreme_cells
    rule = st.fixed_dictionaries({"method": method}, optional={
        "first_divisor": numbers, "divisors": st.lists(numbers, max_size=4),
        "remainder": st.sampled_from(["largest", "x"]) | extreme_cells,
        "tie": st.sampled_from(["votes", "lot", "x"])})
    condition = st.fixed_dictionaries({}, optional={
        "percent": numbers, "natural_quota": st.booleans(), "seats": numbers,
        "scope": st.sampled_from(["district", "national", "x"]),
        "base": st.sampled_from(["valid", "cast", "x"]), "exempt": st.lists(extreme_cells)})
    tables = draw(st.fixed_dictionaries({"allocation": rule}, optional={
        "districts": st.dictionaries(extreme_cells, numbers, max_size=4),
        "threshold": condition,
        "reserved": st.dictionaries(extreme_cells, rule.map(lambda r: {
            **r, "community": "c", "seats": 1}), max_size=2),
        "tier": st.fixed_dictionaries({"kind": st.sampled_from(["compensatory", "levelling"])},
                                      optional={"seats": numbers, "quota_seats": numbers,
                                                "seats_per_district": numbers,
                                                "threshold": condition,
                                                "placement": method}),
        "candidates": st.fixed_dictionaries({"ranking": st.sampled_from(["open", "x"])}),
        "women": st.fixed_dictionaries({"rule": st.sampled_from(["every-nth", "x"])},
                                       optional={"share": numbers, "every": numbers}),
        "extends": st.sampled_from([*data.laws(), "x", "iraq-2025"]),
    }))
    if draw(st.integers(0, 9)) == 0:
        tables[draw(extreme_cells)] = draw(toml_values)
    return tables


NUMBER = re.compile(r"(?<=[=\[,] )-?\d+(\.\d+)?")
EXTREME_LITERALS = ["0", "-1", "10001", "100000000", "2147483648", "1e308", "inf", "nan",
                    "-0.0", "1e-320", "9" * 5000, "0.0000001", '"7"', "true", "[]"]
PRESETS = [text for text in map(data.law_text, sorted(data.laws())) if NUMBER.search(text)]


@st.composite
def extreme_presets(draw: st.DrawFn) -> str:
    """A bundled law with one or two of its numbers swapped for extreme ones."""
    text = draw(st.sampled_from(PRESETS))
    spans = [m.span() for m in NUMBER.finditer(text)]
    for start, end in sorted(draw(st.lists(st.sampled_from(spans), min_size=1, max_size=2,
                                           unique=True)), reverse=True):
        text = text[:start] + draw(st.sampled_from(EXTREME_LITERALS)) + text[end:]
    return text


@EXAMPLES
@given(text=st.one_of(random_texts, law_tables().map(toml_document), extreme_presets(),
                      extreme_presets(),
                      toml_values.map(lambda v: toml_document({"allocation": v})),
                      deeply_nested))
def test_a_law_file_is_read_or_refused(text: str) -> None:
    law = reads(lambda: parse_law(text, "law.toml", presets=data.law_text))
    if isinstance(law, Law):
        reads(read_election, "district,party,votes\nA,x,10\nB,y,5\n", "votes.csv", law,
              "district,seats\nA,3\nB,2\n", "districts.csv")


GAME = Game(seats={"A": 5, "B": 3, "C": 1}, quota=5)
SEAT_HEADERS = [("party", "seats"),
                ("party", "seats", "bloc", "community", "colour", "name_ar", "name_en", "source",
                 "axis_left")]


SEATS_SANE = {"party": st.sampled_from(["A", "B", "C", "D"]), "colour": st.just("#aabbcc"),
              **{c: st.just("") for c in ("bloc", "community", "name_ar", "name_en", "source")},
              "axis_left": st.sampled_from(["", "0.5", "-3"])}


@EXAMPLES
@given(seats=st.one_of(random_texts, csv_texts(SEAT_HEADERS), plausible_csv(SEAT_HEADERS,
                                                                            SEATS_SANE)),
       constraints=st.one_of(
           random_texts, deeply_nested,
           st.fixed_dictionaries({}, optional={
               "incompatible": st.lists(st.lists(st.sampled_from(["A", "B", "Z"]) | extreme_cells,
                                                 max_size=3), max_size=3),
               "required": st.lists(st.sampled_from(["A", "Z"]) | extreme_cells, max_size=3),
               "blocs": st.lists(st.lists(st.sampled_from(["A", "B", "C"]), max_size=3),
                                 max_size=3),
               "connected": st.lists(st.sampled_from(["A", "B", "C"]) | extreme_cells,
                                     max_size=3),
               "positions": st.dictionaries(extreme_cells, st.dictionaries(
                   st.sampled_from(["A", "B"]) | extreme_cells, numbers, max_size=3),
                   max_size=2),
               "declared": st.dictionaries(extreme_cells, st.lists(
                   st.sampled_from(["A", "Z"]) | extreme_cells, max_size=3), max_size=2),
           }).map(toml_document)))
def test_seat_tables_and_constraints_are_read_or_refused(seats: str, constraints: str) -> None:
    reads(read_seat_table, seats, "seats.csv")
    reads(read_constraints, constraints, "constraints.toml", GAME)


@pytest.fixture(scope="module")
def users_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("users")


@EXAMPLES
@given(content=st.one_of(
    st.binary(max_size=300),
    random_texts.map(lambda t: t.encode("utf-8", "surrogateescape")),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.lists(st.fixed_dictionaries({}, optional={
        "name": extreme_cells | json_values, "role": st.sampled_from(["clerk", "x"]),
        "password_hash": extreme_cells | json_values}), max_size=3).map(
        lambda users: json.dumps({"users": users}).encode())))
def test_a_users_file_is_read_or_refused(users_folder: Path, content: bytes) -> None:
    path = users_folder / "users.json"
    path.write_bytes(content)
    reads(Users.load, path)


def test_a_deeply_nested_users_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    path.write_text('{"users": ' + "[" * 100_000, encoding="utf-8")
    with pytest.raises(InputError):
        Users.load(path)
