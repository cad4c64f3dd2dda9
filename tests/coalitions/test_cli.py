"""`majlis power`, `coalitions`, `cabinet`: the JSON contract, exit codes, one line per problem."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests import commands

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "coalitions"


def majlis(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return commands.majlis(*args, cwd=ROOT)


def test_power_json_contract_on_the_eec() -> None:
    run = majlis("power", "--seats", EXAMPLES / "eec-1958.csv", "--quota", "12",
                 "--format", "json", "--minimal-indices")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["quota"] == 12
    france = result["parties"]["France"]
    assert france["seats"] == 4 and france["banzhaf"] == 5 / 21
    assert france["shapley_shubik"] == 14 / 60 and france["johnston"] == 0.25
    assert result["parties"]["Luxembourg"]["banzhaf"] == 0



def test_minimal_indices_of_the_42_lists_of_2025() -> None:
    """Billions of minimal winning coalitions: counted by the sum of seats, not listed."""
    run = majlis("power", "iraq-2025", "--minimal-indices", "--format", "json")
    assert run.returncode == 0, run.stderr
    lists = json.loads(run.stdout)["parties"]
    assert len(lists) == 42
    for index in ("deegan_packel", "holler", "johnston"):
        assert abs(sum(p[index] for p in lists.values()) - 1) < 1e-12
    largest = max(lists, key=lambda p: lists[p]["seats"])
    assert largest == max(lists, key=lambda p: lists[p]["johnston"])

def test_power_of_2010_with_a_walk_out_and_two_thirds() -> None:
    run = majlis("power", "iraq-2010", "--quota", "two-thirds", "--without", "Iraqiya",
                 "--format", "csv")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "party,seats,swings,banzhaf,shapley_shubik"
    assert len(lines) == 1 + 12 and not any("Iraqiya" in line for line in lines)


def test_coalitions_json_names_the_governing_coalition_and_both_largest_blocs() -> None:
    run = majlis("coalitions", "iraq-2010", "--constraints", EXAMPLES / "iraq-2010.toml",
                 "--format", "json", "--limit", "100")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["largest_bloc"]["lists"] == ["Iraqi National Movement (Iraqiya)"]
    assert result["largest_bloc"]["coalition_seats"] == 159
    members = [c["members"] for c in result["coalitions"]]
    assert sorted(["State of Law Coalition", "Iraqi National Alliance",
                   "Kurdistan Alliance (Kurdistan List)", "Gorran (Movement for Change)",
                   "Kurdistan Islamic Union", "Kurdistan Islamic Group"]) in members


def test_cabinet_points_and_gamson() -> None:
    run = majlis("cabinet", "iraq-2010", "--coalition", "Iraqiya", "--coalition", "INA",
                 "--points", "iraq-2010-doubled", "--format", "json")
    assert run.returncode == 0, run.stderr
    rows = {r["party"]: r for r in json.loads(run.stdout)["cabinet"]}
    assert rows["Iraqi National Movement (Iraqiya)"]["points"] == "182"
    run = majlis("cabinet", "--seats", EXAMPLES / "eec-1958.csv", "--ministries", "17",
                 "--format", "csv")
    assert run.returncode == 0, run.stderr
    assert "France,4,4,4.0,4" in run.stdout.splitlines()


def test_bad_seat_and_constraint_files_list_every_problem(tmp_path: Path) -> None:
    seats = tmp_path / "seats.csv"
    seats.write_text("party,seats,colour\nA,x,\nA,3,\nB,2,red\n", encoding="utf-8")
    run = majlis("power", "--seats", seats)
    assert run.returncode == 2
    assert run.stderr.splitlines() == [
        f"{seats}:2: seats: 'x' is not a whole number",
        f"{seats}:3: party: 'A' repeats line 2",
        f"{seats}:4: colour: 'red' is not #rrggbb"]
    rules = tmp_path / "rules.toml"
    rules.write_text('incompatible = [["Iraqiya", "State of Law Coalition"]]\n'
                     'required = ["Nobody"]\n', encoding="utf-8")
    run = majlis("coalitions", "iraq-2010", "--constraints", rules)
    assert run.returncode == 2
    assert run.stderr.splitlines() == [
        f"{rules}:1: incompatible: no party 'Iraqiya' in the seat table",
        f"{rules}:2: required: no party 'Nobody' in the seat table"]


def test_too_many_parties_to_enumerate_is_refused_not_hung() -> None:
    run = majlis("coalitions", "iraq-2025")
    assert run.returncode == 2 and "too many to enumerate" in run.stderr


def test_power_on_the_seats_won_in_a_release_counts_the_whole_house(tmp_path: Path) -> None:
    tally = ROOT / "examples" / "tally"
    db = f"sqlite:///{tmp_path / 'night.db'}"
    for step in (("db", "init"), ("ingest", tally / "stations.csv", tally / "lists.csv"),
                 ("ingest", tally / "sheets.csv"), ("release", "first results")):
        assert majlis(*step, "--db", db).returncode == 0
    seats = json.loads(majlis("results", "--db", db, "--law", "iraq-2025", "--release", "1",
                              "--format", "json").stdout)
    won: dict[str, int] = {}
    for c in seats:
        for list_name, n in c["seats"].items():
            won[list_name] = won.get(list_name, 0) + n
    run = majlis("power", "--release", "1", "--db", db, "--law", "iraq-2025", "--format", "json")
    result = json.loads(run.stdout)
    assert result["quota"] == 165  # a majority of the law's 329, not of the seats counted so far
    assert {p: v["seats"] for p, v in result["parties"].items()} == won
    assert all(v["banzhaf"] == 0 for v in result["parties"].values())  # nobody near 165
    leader = max(won, key=won.__getitem__)
    run = majlis("power", "--release", "1", "--db", db, "--law", "iraq-2025", "--quota",
                 str(won[leader]), "--format", "json")
    assert json.loads(run.stdout)["parties"][leader]["banzhaf"] == 1.0
