"""`majlis report`: the representation reports from a votes file, a bundled election and a
release of the store."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.cli.test_allocate import ROOT, write
from tests.commands import majlis

WORLD = ROOT / "src" / "majlis" / "data" / "world"


def test_representation_of_new_zealand_2017_gives_exact_and_rounded_indices() -> None:
    run = majlis("report", "representation", WORLD / "newzealand2017_votes.csv",
                 "--law", ROOT / "examples" / "laws" / "new-zealand-mmp.toml",
                 "--districts", WORLD / "newzealand2017_districts.csv",
                 "--lists", WORLD / "newzealand2017_lists.csv", "--format", "csv")
    assert run.returncode == 0, run.stderr
    house = next(csv.DictReader(io.StringIO(run.stdout)))
    assert (house["district"], house["seats"], house["gallagher"]) == ("*", "120", "2.73")
    assert (house["enp_votes"], house["enp_seats"], house["wasted"]) == ("2.91", "2.67", "121413")
    assert house["enp_seats_exact"] == "7200/2699"  # 120² / Σ seats²
    assert house["loosemore_hanby_exact"] == "121413/2591896"


def test_women_report_names_the_quota_woman_and_the_man_she_displaced(tmp_path: Path) -> None:
    votes = write(tmp_path / "v.csv", "district,party,candidate,votes,gender\n"
                  "Erbil,A,a1,900,M\nErbil,A,a2,800,M\nErbil,A,a3,700,M\nErbil,A,a4,600,M\n"
                  "Erbil,A,af,50,F\nErbil,B,b1,400,M\n")
    law = write(tmp_path / "law.toml", 'extends = "iraq-2025"\n[districts]\nErbil = 4\n')
    run = majlis("report", "women", votes, "--law", law, "--format", "csv")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "district,party,seats,women,on_votes,by_quota,quota_women,men_displaced",
        "Erbil,A,4,1,0,1,af,a4"]


def test_report_of_a_release_and_its_usage_errors(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'night.db'}"
    tally = ROOT / "examples" / "tally"
    for args in (("db", "init"), ("ingest", tally / "stations.csv", tally / "lists.csv"),
                 ("ingest", tally / "sheets.csv"), ("release", "first")):
        assert majlis(*args, "--db", db).returncode == 0
    run = majlis("report", "representation", "--release", "1", "--law", "iraq-2025",
                 "--db", db, "--format", "json")
    assert run.returncode == 0, run.stderr
    assert '"district": "*"' in run.stdout
    both = majlis("report", "minorities", "iraq-2025-kurdistan", "--release", "1",
                  "--law", "iraq-2025", "--db", db)
    assert both.returncode == 2 and "not both" in both.stderr
    neither = majlis("report", "women", "--law", "iraq-2025")
    assert neither.returncode == 2 and "--release" in neither.stderr
    exported = majlis("export", "--release", "1", "--format", "csv", "--out", tmp_path / "csv",
                      "--db", db)
    assert exported.returncode == 0, exported.stderr
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == [
        "candidates.csv", "counted.csv", "release.csv", "votes.csv"]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "csv" / "votes.csv").read_text(
        encoding="utf-8"))))
    results = majlis("results", "--release", "1", "--format", "csv", "--db", db)
    shown = list(csv.DictReader(io.StringIO(results.stdout)))
    assert sum(int(r["votes"]) for r in rows) == sum(int(r["votes"]) for r in shown) > 0
    missing = majlis("export", "--release", "9", "--out", tmp_path / "x", "--db", db)
    assert missing.returncode == 2 and "no release 9" in missing.stderr
