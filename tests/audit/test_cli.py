"""`majlis audit` on the example store: the lot as JSON and CSV, and errors as `WHERE: field:
message` with exit code 2."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest

from tests.commands import majlis

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "tally"
SEED = "2025-11-12 lottery 4 17 23"


@pytest.fixture
def store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'night.db'}"
    for args in (("db", "init"), ("ingest", EXAMPLES / "stations.csv", EXAMPLES / "lists.csv")):
        assert majlis(*args, "--db", url).returncode == 0
    return url


def test_the_lot_as_json_and_csv_is_the_sha256_order_one_per_centre(store: str) -> None:
    with (EXAMPLES / "stations.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    first: dict[str, tuple[str, str]] = {}
    for row in rows:
        key = hashlib.sha256(f"{SEED}\n{row['station']}".encode()).hexdigest()
        first[row["centre"]] = min(first.get(row["centre"], (key, row["station"])),
                                   (key, row["station"]))
    expected = [code for _, code in sorted(first.values())]
    shown = majlis("audit", "select", "--seed", SEED, "--db", store, "--format", "json")
    assert shown.returncode == 0, shown.stderr
    lot = json.loads(shown.stdout)
    assert (lot["seed"], lot["per"]) == (SEED, "centre")
    assert [d["station"] for d in lot["stations"]] == expected
    table = majlis("audit", "select", "--seed", SEED, "--db", store, "--format", "csv",
                   "--per", "all", "--size", "2")
    drawn = list(csv.DictReader(io.StringIO(table.stdout)))
    assert [d["rank"] for d in drawn] == ["1", "2"]
    assert len({d["station"] for d in drawn}) == 2


def test_errors_name_the_field_and_exit_2(store: str) -> None:
    blank = majlis("audit", "select", "--seed", " ", "--db", store)
    assert blank.returncode == 2
    assert "lot: seed: give the seed announced in public" in blank.stderr
    nothing = majlis("audit", "forensics", "--db", store)
    assert nothing.returncode == 2
    assert "forensics: stations: no counted station to test" in nothing.stderr
    absent = majlis("audit", "select", "--seed", SEED, "--db",
                    store.replace("night.db", "none.db"))
    assert absent.returncode == 1 and "majlis db init" in absent.stderr
