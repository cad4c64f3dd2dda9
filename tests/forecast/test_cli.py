"""`majlis project` on the tally examples' store: a table, and JSON that records how it was made."""

from __future__ import annotations

import json
from pathlib import Path

from tests.commands import majlis

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "tally"


def test_project_prints_a_table_and_writes_json(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'night.db'}"
    majlis("db", "init", "--db", db)
    majlis("ingest", EXAMPLES / "stations.csv", EXAMPLES / "lists.csv", "--db", db)
    majlis("ingest", EXAMPLES / "sheets.csv", "--db", db)
    majlis("release", "first results", "--db", db)
    out = tmp_path / "projection.json"
    run = majlis("project", "--release", "1", "--law", "iraq-2025", "--draws", "2000",
                 "--seed", "9", "--out", out, "--db", db)
    assert run.returncode == 0, run.stderr
    assert "Release 1 (first results): 2,000 draws, seed 9" in run.stdout
    assert "Najaf (100% counted) last seat: Sadiqoun 100%" in run.stdout
    found = json.loads(out.read_text())
    assert (found["release"], found["draws"], found["seed"]) == (1, 2000, 9)
    assert found["settings"]["national_error"] == 0.03
    by_name = {x["name"]: x for x in found["lists"]}
    assert by_name["Sadiqoun"]["interval95"] == [5, 5]  # Najaf is all counted: 5 seats, sure
    assert by_name["Tasmim"]["largest"] == 1.0
    assert sum(x["expected"] for x in found["lists"]) == 37  # Basra 25 + Najaf 12
    missing = majlis("project", "--release", "2", "--law", "iraq-2025", "--db", db)
    assert missing.returncode == 2 and "no release 2" in missing.stderr


def test_project_of_a_release_with_nothing_counted_says_where(tmp_path: Path) -> None:
    """The forecast's refusal reaches the user as one located problem, exit 2, no traceback."""
    db = f"sqlite:///{tmp_path / 'night.db'}"
    majlis("db", "init", "--db", db)
    majlis("ingest", EXAMPLES / "stations.csv", EXAMPLES / "lists.csv", "--db", db)
    majlis("release", "before the count", "--db", db)
    run = majlis("project", "--release", "1", "--law", "iraq-2025", "--draws", "100",
                 "--db", db)
    assert run.returncode == 2
    assert run.stderr.strip() == ("release 1: constituencies: nothing is counted yet in any "
                                  "constituency the law gives seats to")
