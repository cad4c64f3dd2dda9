"""Tally files: every kind told apart by its header, candidates on open-list sheets, JSON."""

from __future__ import annotations

import json

import pytest

from majlis.errors import InputError
from majlis.tally import (
    CODE_LENGTH,
    LIST_LENGTH,
    MAX_COUNT,
    TIME_LENGTH,
    Source,
    read_tally_file,
)

HEAD = "station,source,received_at,received_by,ballots_received,cast,valid,invalid,spoiled,unused"


def test_sheet_rows_with_candidates() -> None:
    text = (f"{HEAD},list,candidate,votes\n"
            "S1,manual,t,c,120,110,100,10,5,5,A,,100\n"
            "S1,manual,t,c,120,110,100,10,5,5,A,Ali,60\n"
            "S1,manual,t,c,120,110,100,10,5,5,A,Huda,30\n")
    (sheet,) = read_tally_file(text, "s.csv").sheets
    assert sheet.source is Source.MANUAL and sheet.votes == {"A": 100}
    assert sheet.candidate_votes == {("A", "Ali"): 60, ("A", "Huda"): 30}


def test_registry_and_figures_files() -> None:
    found = read_tally_file("constituency,list,candidate\nBasra,A,Ali\nBasra,A,Huda\n", "c.csv")
    assert found.lists == [("Basra", "A"), ("Basra", "A")]
    assert found.candidates == [("Basra", "A", "Ali"), ("Basra", "A", "Huda")]
    figures = read_tally_file("constituency,list,votes\nBasra,A,7\n", "f.csv").figures
    assert figures == {("Basra", "A"): 7}


def test_json_sheets_and_their_problem_paths() -> None:
    good = ('[{"station": "S1", "source": "machine", "ballots_received": 10, "cast": 10, '
            '"valid": 10, "invalid": 0, "spoiled": 0, "unused": 0, "votes": {"A": 10}}]')
    assert read_tally_file(good, "s.json").sheets[0].votes == {"A": 10}
    bad = good.replace('"A": 10', '"A": -1').replace('"cast": 10', '"cast": "ten"')
    with pytest.raises(InputError) as caught:
        read_tally_file(bad, "s.json")
    assert [str(p) for p in caught.value.problems] == [
        "s.json: sheet 1 › list A: -1 is negative",
        "s.json: sheet 1 › cast: 'ten' is not a whole number"]


def problems_of(text: str, source: str = "f.csv") -> list[str]:
    with pytest.raises(InputError) as caught:
        read_tally_file(text, source)
    return [str(p) for p in caught.value.problems]


def test_every_name_and_figure_is_held_to_the_stores_limits_all_at_once() -> None:
    long_code = "S" * (CODE_LENGTH + 1)
    assert problems_of(
        "constituency,centre,station,voting_type,registered\n"
        f"Basra,C1,{long_code},general,10\n"
        "Bas\x00ra,C1,S2,general,2147483648\n"
        "Basra,C1,S3,general,-4\n"
        "Basra,C1,S4,general,1.5\n") == [
        f"f.csv:2: station: is 101 characters long; at most {CODE_LENGTH} are kept",
        "f.csv:3: constituency: contains a NUL character, which no store keeps",
        f"f.csv:3: registered: 2,147,483,648 is more than {MAX_COUNT:,}, the most one sheet "
        "can carry",
        "f.csv:4: registered: -4 is negative",
        "f.csv:5: registered: '1.5' is not a whole number"]
    assert problems_of(f"constituency,list,candidate\nBasra,{'L' * (LIST_LENGTH + 1)},\x00\n"
                       ) == [
        f"f.csv:2: list: is 301 characters long; at most {LIST_LENGTH} are kept",
        "f.csv:2: candidate: contains a NUL character, which no store keeps"]
    assert problems_of(f"{HEAD},list,votes\n"
                       f"S1,machine,{'t' * (TIME_LENGTH + 1)},c,10,10,10,0,0,0,A,99999999999\n"
                       ) == [
        f"f.csv:2: votes: 99,999,999,999 is more than {MAX_COUNT:,}, the most one sheet can "
        "carry",
        f"f.csv:2: received_at: is 41 characters long; at most {TIME_LENGTH} are kept"]
    assert problems_of("constituency,list,votes\nBasra,A,-1\n") == [
        "f.csv:2: votes: -1 is negative"]


def test_json_refuses_booleans_floats_huge_numbers_nuls_and_odd_text() -> None:
    sheet = {"station": "S1", "source": "machine", "ballots_received": True, "cast": 1.0,
             "valid": 2**31, "invalid": 0, "spoiled": 0, "unused": 0,
             "received_by": ["clerk"], "votes": {"A\x00": 1, "\udc00": 2, "C": False}}
    assert problems_of(json.dumps([sheet]), "s.json") == [
        "s.json: sheet 1 › list: contains a NUL character, which no store keeps",
        "s.json: sheet 1 › list: contains a lone surrogate, which is no character of UTF-8",
        "s.json: sheet 1 › list C: false is not a whole number",
        "s.json: sheet 1 › received_by: expected text, found [\"clerk\"]",
        "s.json: sheet 1 › ballots_received: true is not a whole number",
        "s.json: sheet 1 › cast: 1.0 is not a whole number",
        f"s.json: sheet 1 › valid: 2,147,483,648 is more than {MAX_COUNT:,}, the most one "
        "sheet can carry"]


@pytest.mark.parametrize(("text", "expected"), [
    ("[" * 100_000, "s.json: json: nested too deeply to be a tally file"),
    ('[{"votes": {"A": ' + "9" * 5000 + "}}]",
     "s.json: json: Exceeds the limit (4300 digits) for integer string conversion"),
    ('{"votes": {"A": 1}, "source": "machine", "station": "\\u0000", "ballots_received": 1, '
     '"cast": 1, "valid": 1, "invalid": 0, "spoiled": 0, "unused": 0}',
     "s.json: sheet 1 › station: contains a NUL character, which no store keeps"),
])
def test_json_that_cannot_be_a_sheet_is_refused_not_raised(text: str, expected: str) -> None:
    assert problems_of(text, "s.json") == [expected]


def test_a_csv_field_past_the_csv_modules_limit_is_a_problem_on_its_line() -> None:
    text = f"constituency,list\nBasra,A\nBasra,{'x' * 131_073}\n"
    assert problems_of(text) == [
        "f.csv:3: csv: cannot be read: field larger than field limit (131072)"]


def test_a_column_named_twice_is_refused_not_read_as_its_last() -> None:
    assert problems_of("constituency,list,list\nBasra,A,B\n") == [
        "f.csv:1: header: names 'list' twice"]


def test_every_list_name_goes_through_the_callers_rename() -> None:
    one = {"Asas": "Al-Asas", "A": "A"}.get
    lists = read_tally_file("constituency,list,alias\nBasra,Asas,Foundation\nBasra,A,\n",
                            "l.csv", lambda n: one(n, n))
    assert lists.lists == [("Basra", "Al-Asas"), ("Basra", "A")]
    assert lists.aliases == {"Foundation": "Al-Asas"}
    (sheet,) = read_tally_file(f"{HEAD},list,votes\nS1,machine,t,c,9,9,9,0,0,0,Asas,9\n",
                               "s.csv", lambda n: one(n, n)).sheets
    assert sheet.votes == {"Al-Asas": 9}
    figures = read_tally_file("constituency,list,votes\nBasra,Asas,7\n", "f.csv",
                              lambda n: one(n, n)).figures
    assert figures == {("Basra", "Al-Asas"): 7}


def test_two_spellings_of_one_list_on_a_sheet_are_refused() -> None:
    same = {"Asas": "Al-Asas"}.get
    with pytest.raises(InputError) as raised:
        read_tally_file(f"{HEAD},list,votes\nS1,machine,t,c,9,9,9,0,0,0,Asas,4\n"
                        "S1,machine,t,c,9,9,9,0,0,0,Al-Asas,5\n", "s.csv", lambda n: same(n, n))
    assert [(p.line, p.field) for p in raised.value.problems] == [(3, "list")]
    text = json.dumps([{**dict.fromkeys(HEAD.split(","), 0), "station": "S1",
                        "source": "machine", "votes": {"Asas": 4, "Al-Asas": 5}}])
    with pytest.raises(InputError, match="appears twice"):
        read_tally_file(text, "s.json", lambda n: same(n, n))
