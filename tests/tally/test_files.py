"""Tally files: every kind told apart by its header, candidates on open-list sheets, JSON."""

from __future__ import annotations

import pytest

from majlis.errors import InputError
from majlis.tally import Source, read_tally_file

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
