"""Bad and extreme input at the command line: always `FILE:LINE: field: message` and exit 2
(a store that is not ready: `error: …` and exit 1), never a traceback.

Most cases run `main()` in this process (a traceback would fail the test as an uncaught
exception); one runs the installed entry point to see what a clerk sees."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from majlis import data
from majlis.cli import main
from majlis.tally import Source, Station, Store, TallySheet, VotingType
from tests.cli.test_allocate import write
from tests.commands import majlis

SHEETS = ("station,source,received_at,received_by,ballots_received,cast,valid,invalid,spoiled,"
          "unused,list,votes\n")
Run = Callable[..., tuple[int, str]]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """`majlis ARGS…` in this process: its exit code and what it printed on stderr."""
    def invoke(*args: str | Path) -> tuple[int, str]:
        monkeypatch.setattr(sys, "argv", ["majlis", *map(str, args)])
        with pytest.raises(SystemExit) as stopped:
            main()
        code = stopped.value.code
        return code if isinstance(code, int) else 1, capsys.readouterr().err
    return invoke


@pytest.fixture
def db(tmp_path: Path, run: Run) -> str:
    url = f"sqlite:///{tmp_path / 'night.db'}"
    assert run("db", "init", "--db", url)[0] == 0
    return url


def test_a_directory_a_missing_file_and_bytes_not_utf8_name_the_file(tmp_path: Path,
                                                                     run: Run) -> None:
    law = write(tmp_path / "law.toml", '[allocation]\nmethod = "sainte-lague"\n')
    votes = write(tmp_path / "votes.csv", "district,party,votes\nA,x,10\n")
    folder = tmp_path / "folder"
    folder.mkdir()
    assert run("allocate", folder, "--law", law) == (2, f"{folder}: file: is a directory\n")
    assert run("allocate", votes, "--law", folder) == (2, f"{folder}: file: is a directory\n")
    assert run("allocate", votes, "--law", law, "--districts", folder) == (
        2, f"{folder}: file: is a directory\n")
    missing = tmp_path / "missing.csv"
    assert run("allocate", missing, "--law", law) == (
        2, f"{missing}: file: no such file or directory\n")
    assert run("power", "--seats", folder) == (2, f"{folder}: file: is a directory\n")
    assert run("coalitions", "iraq-2025", "--constraints", folder) == (
        2, f"{folder}: file: is a directory\n")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"district,party,votes\nA,caf\xe9,10\n")
    assert run("allocate", latin, "--law", law) == (
        2, f"{latin}: encoding: not UTF-8 (invalid continuation byte at byte 26)\n")
    assert run("allocate", votes, "--law", "x" * 5000)[0] == 2  # a name too long to be a file


def test_the_tally_files_bad_and_extreme_values_are_refused_whole(tmp_path: Path, run: Run,
                                                                  db: str) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    assert run("ingest", folder, "--db", db) == (2, f"{folder}: file: is a directory\n")
    assert run("reconcile", folder, "--db", db) == (2, f"{folder}: file: is a directory\n")
    wide = write(tmp_path / "wide.csv", f"constituency,list\nBasra,{'x' * 131_073}\n")
    assert run("ingest", wide, "--db", db) == (
        2, f"{wide}:2: csv: cannot be read: field larger than field limit (131072)\n")
    deep = write(tmp_path / "deep.json", "[" * 100_000)
    assert run("ingest", deep, "--db", db) == (
        2, f"{deep}: json: nested too deeply to be a tally file\n")
    long = write(tmp_path / "long.csv", f"constituency,list\nBasra,{'L' * 400}\nBas\x00ra,A\n")
    assert run("ingest", long, "--db", db) == (
        2, f"{long}:2: list: is 400 characters long; at most 300 are kept\n"
           f"{long}:3: constituency: contains a NUL character, which no store keeps\n")
    huge = write(tmp_path / "huge.json", json.dumps(
        [{"station": "S", "source": "machine", "votes": {"A": 10**12}}]))
    code, said = run("ingest", huge, "--db", db)
    assert code == 2 and f"{huge}: sheet 1 › list A: 1,000,000,000,000 is more than" in said


def test_empty_reason_empty_release_and_a_malformed_database_url(tmp_path: Path, run: Run,
                                                                 db: str) -> None:
    sheet = write(tmp_path / "sheet.csv", SHEETS + "S1,machine,t,c,10,10,10,0,0,0,A,10\n")
    code, said = run("correct", sheet, "--reason", " ", "--author", "a", "--db", db)
    assert code == 2 and ": reason: " in said and "Traceback" not in said
    lists = write(tmp_path / "lists.csv", "constituency,list\nBasra,A\n")
    assert run("correct", lists, "--reason", "", "--author", "a", "--db", db) == (
        2, f"{lists}: sheets: no tally sheet in this file to correct\n")
    code, said = run("release", "", "--db", db)
    assert code == 2 and ": name: " in said
    code, said = run("results", "--db", "nonsense://")
    assert code == 2 and ": --db: " in said
    code, said = run("results", "--db", f"sqlite:///{tmp_path / 'typo.db'}")
    assert code == 1 and said.startswith("error: no tally store at")
    assert not (tmp_path / "typo.db").exists()


@pytest.mark.parametrize("args", [
    ("serve", "--port", "99999"), ("serve", "--port", "0"), ("serve", "--port", "-1"),
    ("allocate", "iraq-2025-kurdistan", "--law", "iraq-2025", "--seed", "-1"),
    ("replay", "run", "iraq-2025", "--speed", "-1"),
    ("coalitions", "iraq-2025", "--limit", "0"),
])
def test_out_of_range_options_are_usage_errors(args: tuple[str, ...], run: Run) -> None:
    code, said = run(*args)
    assert code == 2 and "Invalid value for" in said


def test_an_election_without_a_replay_is_named_with_those_there_are(run: Run) -> None:
    assert run("replay", "build", "iraq-1958") == (
        2, "bundled data: replay: no replay for 'iraq-1958'; one of: iraq-2025, iraq-2010\n")
    assert run("replay", "real", "norway-2017") == (
        2, "bundled data: night: no published night 'norway-2017'; one of: norway-2021, "
           "norway-2025, slovakia-2023\n")


def test_seat_counts_past_the_bounds_are_refused_at_once(tmp_path: Path, run: Run) -> None:
    law = write(tmp_path / "law.toml",
                '[allocation]\nmethod = "sainte-lague"\n[districts]\nA = 100000000\n')
    votes = write(tmp_path / "votes.csv", "district,party,votes\nA,x,10\nA,y,5\n")
    assert run("allocate", votes, "--law", law) == (
        2, f"{law}:4: districts.A: Input should be less than or equal to 10000\n")
    districts = write(tmp_path / "districts.csv", "district,seats\nA,100000000\n")
    assert run("allocate", votes, "--law", "iraq-2025", "--districts", districts) == (
        2, f"{districts}:2: seats: 100,000,000 is more than 10,000, the most majlis allocates "
           "to one constituency\n")
    seats = write(tmp_path / "seats.csv", "party,seats\nA,400000000\nB,400000001\n")
    code, said = run("power", "--seats", seats)
    assert code == 2 and said.startswith(f"{seats}:2: seats: 400,000,000 is more than 100,000")
    votes = write(tmp_path / "many.csv", f"district,party,votes\nA,x,{'9' * 400}\nA,y,5\n")
    law = write(tmp_path / "law.toml",
                '[allocation]\nmethod = "sainte-lague"\n[districts]\nA = 3\n')
    assert run("allocate", votes, "--law", law, "--format", "json") == (
        2, f"{votes}:2: votes: '{'9' * 40}…' is more than 1,000,000,000,000, the most majlis "
           "counts\n")


BASRA = {"Basra 1": {"a": 900, "b": 850, "c": 100},  # a, b women: Basra's third woman is f
         "Basra 2": {"d": 900, "e": 800, "f": 300, "g": 50},
         "Basra 3": {"h": 700, "i": 600, "j": 200}}


@pytest.mark.parametrize("args", [("results",), ("report", "representation", "--release", "1"),
                                  ("audit", "rla", "plan")])
def test_store_seats_under_a_womens_rule_it_has_no_genders_for_are_refused(
        tmp_path: Path, run: Run, args: tuple[str, ...]) -> None:
    """Iraq 2021's woman per district counted over the governorate would give Basra 2's seat of
    e to f; the store keeps SNTV candidates' votes but not their genders, so the seats are
    refused rather than counted as if the rule were not there."""
    law = write(tmp_path / "basra.toml", data.path("laws/iraq-2021.toml").read_text(
        encoding="utf-8") + "\n[districts]\n" + "".join(f'"{name}" = 2\n' for name in BASRA))
    url = f"sqlite:///{tmp_path / 'night.db'}"
    with Store(url) as s:
        s.init()
        s.register([Station(code=name, centre=name, constituency=name,
                            voting_type=VotingType.GENERAL, registered=3000) for name in BASRA],
                   [(name, x) for name, xs in BASRA.items() for x in xs])
        s.ingest([TallySheet(station=name, source=Source.MACHINE, received_at="2021-10-10T19:00",
                             received_by="PCOS", ballots_received=3000, cast=sum(xs.values()),
                             valid=sum(xs.values()), invalid=0, spoiled=0,
                             unused=3000 - sum(xs.values()), votes=xs)
                  for name, xs in BASRA.items()])
        s.release("preliminary")
    code, said = run(*args, "--law", law, "--db", url)
    assert code == 2 and said.startswith(
        "law: women: Basra 1, Basra 2, Basra 3: the women's rule may give a man's seat to a woman")


def test_a_users_file_that_is_a_directory_or_cannot_be_written(tmp_path: Path,
                                                               run: Run) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    add = ("users", "add", "ali", "--role", "clerk", "--password", "long enough")
    assert run(*add, "--users", folder) == (2, f"{folder}: file: is a directory\n")
    inside = write(tmp_path / "plain", "x") / "users.json"
    assert run(*add, "--users", inside) == (2, f"{inside}: file: not a directory\n")


def test_the_installed_command_prints_problems_not_a_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    done = majlis("ingest", folder, "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert (done.returncode, done.stderr) == (2, f"{folder}: file: is a directory\n")
