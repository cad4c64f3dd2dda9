"""`majlis audit rla plan | measure` on a store: a constituency's sheets in by CSV as on the
night, the plan the library makes of the same figures, hand counts in the lot's order, and the
errors a user can fix."""

from __future__ import annotations

import csv
import io
import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from majlis import audit, data
from majlis.law import allocate
from tests.commands import majlis

SEED = "2025-11-12 lottery 4 17 23"
HEADER = ("station", "source", "received_at", "received_by", "ballots_received", "cast", "valid",
          "invalid", "spoiled", "unused", "list", "votes")
LISTS = ("Tasmim", "State of Law", "Sadiqoun", "Ishraqat")


def night(rng: np.random.Generator) -> list[audit.Batch]:
    """Forty stations of Muthanna (7 seats under the 2025 law), four lists."""
    out = []
    for i in range(40):
        ballots = int(rng.integers(150, 450))
        votes = rng.multinomial(ballots - 5, [0.587, 0.151, 0.257, 0.005])
        out.append(audit.Batch(station=f"MUT-{i // 2:03d}-{i % 2 + 1:02d}", ballots=ballots,
                               votes=dict(zip(LISTS, map(int, votes), strict=True))))
    return out


def sheets(path: Path, batches: list[audit.Batch], source: str) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for b in batches:
            valid = sum(b.votes.values())
            for list_name, n in b.votes.items():
                w.writerow((b.station, source, "2025-11-11T19:00", "clerk", 600, b.ballots,
                            valid, b.ballots - valid, 0, 600 - b.ballots, list_name, n))
    return path


@pytest.fixture
def store(tmp_path: Path) -> tuple[str, list[audit.Batch]]:
    batches = night(np.random.default_rng(2025))
    stations, lists = tmp_path / "stations.csv", tmp_path / "lists.csv"
    stations.write_text("constituency,centre,station,voting_type,registered\n" + "".join(
        f"Muthanna,{b.station[:7]},{b.station},general,600\n" for b in batches),
        encoding="utf-8")
    lists.write_text("constituency,list\n" + "".join(f"Muthanna,{p}\n" for p in LISTS),
                     encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'night.db'}"
    for args in (("db", "init"), ("ingest", stations, lists),
                 ("ingest", sheets(tmp_path / "sheets.csv", batches, "machine"))):
        run = majlis(*args, "--db", url)
        assert run.returncode == 0, run.stderr
    return url, batches


def test_plan_and_measure_over_the_store(store: tuple[str, list[audit.Batch]],
                                         tmp_path: Path) -> None:
    url, batches = store
    shown = majlis("audit", "rla", "plan", "--law", "iraq-2025", "--risk-limit", "10%",
                   "--db", url, "--format", "json")
    assert shown.returncode == 0, shown.stderr
    (planned,) = json.loads(shown.stdout)["constituencies"]
    votes = {p: sum(b.votes[p] for b in batches) for p in LISTS}
    law = data.law("iraq-2025")
    seats = law.election({"Muthanna": votes})
    won = allocate(seats, law).seats_in("Muthanna")
    series = law.rule.series  # type: ignore[union-attr]
    expected = audit.plan_comparison("Muthanna", sorted(batches, key=lambda b: b.station),
                                     audit.seat_assertions("Muthanna", votes, won,
                                                           series=series), Fraction(1, 10))
    assert planned["sample_size"] == expected.sample_size < len(batches)
    assert [(a["assertion"], a["margin"], a["sample_size"]) for a in planned["assertions"]] == [
        (p.assertion.describe(), str(p.margin), p.sample_size) for p in expected.assertions]
    table = majlis("audit", "rla", "plan", "--law", "iraq-2025", "--risk-limit", "0.1",
                   "--db", url)
    assert f"{expected.sample_size} of 40 stations to hand-count first" in table.stdout

    lot = majlis("audit", "select", "--seed", SEED, "--per", "constituency", "--size", "40",
                 "--db", url, "--format", "csv")
    order = [r["station"] for r in csv.DictReader(io.StringIO(lot.stdout))]
    by_code = {b.station: b for b in batches}
    first = [by_code[c] for c in order[:expected.sample_size]]
    run = majlis("ingest", sheets(tmp_path / "hand.csv", first[:-1], "manual"), "--db", url)
    assert run.returncode == 0, run.stderr
    waiting = json.loads(majlis("audit", "rla", "measure", "--law", "iraq-2025", "--seed", SEED,
                                "--risk-limit", "10%", "--db", url, "--format",
                                "json").stdout)["constituencies"][0]
    assert (waiting["status"], waiting["measured"], waiting["awaiting"]) == (
        "keep-sampling", expected.sample_size - 1, first[-1].station)
    assert waiting["target"] == expected.sample_size
    run = majlis("ingest", sheets(tmp_path / "last.csv", first[-1:], "manual"), "--db", url)
    assert run.returncode == 0, run.stderr
    done = majlis("audit", "rla", "measure", "--law", "iraq-2025", "--seed", SEED,
                  "--risk-limit", "10%", "--db", url)
    assert done.returncode == 0, done.stderr
    assert "confirmed" in done.stdout and f"{expected.sample_size} of 40" in done.stdout
    rows = list(csv.DictReader(io.StringIO(majlis(
        "audit", "rla", "measure", "--law", "iraq-2025", "--seed", SEED, "--risk-limit", "10%",
        "--db", url, "--format", "csv").stdout)))
    assert {r["status"] for r in rows} == {"confirmed"}
    assert all(float(r["risk"]) <= 0.1 for r in rows)


def test_errors_name_the_option_or_the_law(store: tuple[str, list[audit.Batch]],
                                          tmp_path: Path) -> None:
    url, _ = store
    bad = majlis("audit", "rla", "plan", "--law", "iraq-2025", "--risk-limit", "2", "--db", url)
    assert bad.returncode == 2 and "--risk-limit" in bad.stderr
    national = tmp_path / "national.toml"
    national.write_text('[allocation]\nmethod = "dhondt"\n\n[threshold]\npercent = 5\n'
                        'scope = "national"\n\n[districts]\nMuthanna = 7\n', encoding="utf-8")
    refused = majlis("audit", "rla", "plan", "--law", national, "--db", url)
    assert refused.returncode == 2
    assert "law: rla: Muthanna: a law with a threshold other than one share" in refused.stderr
    nowhere = majlis("audit", "rla", "plan", "--law", "iraq-2025", "--constituency", "Basra",
                     "--db", url)
    assert nowhere.returncode == 2
    assert "rla: constituency: Basra: no counted station there" in nowhere.stderr
