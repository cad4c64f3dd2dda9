"""A release's tables as CSV and Parquet: both read back to the release's own totals."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from majlis import publish
from majlis.tally import CandidateCount, ConstituencyCount, Release

RELEASE = Release(
    number=3, name="80 % counted", created_at="2025-11-12T01:30:00+03:00", author="publisher 1",
    digest="ab" * 32,
    results=(
        ConstituencyCount(name="Basra", stations_by_type={"general": 2, "special-security": 1},
                          counted_by_type={"general": 1},
                          by_voting_type={"general": {"Tasmim": 200, "State of Law": 100}},
                          registered_counted_by_type={"general": 410}),
        ConstituencyCount(name="بغداد", stations_by_type={"general": 1},
                          counted_by_type={"general": 1},
                          by_voting_type={"general": {"Tasmim": 7, "Sadiqoun": 3_000_000_000}}),
    ),
    candidates=(CandidateCount(constituency="Basra", list="Tasmim", candidate="Asaad, Eidani",
                               votes=150),))


def _totals(votes: list[tuple[str, str, int]]) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for constituency, list_name, n in votes:
        found.setdefault(constituency, {})
        found[constituency][list_name] = found[constituency].get(list_name, 0) + n
    return found


@pytest.mark.parametrize("fmt", list(publish.ExportFormat))
def test_each_format_reads_back_to_the_release_totals(tmp_path: Path,
                                                      fmt: publish.ExportFormat) -> None:
    written = publish.export_release(RELEASE, tmp_path / "out", fmt)
    assert [p.name for p in written] == [f"{t}.{fmt.value}" for t in
                                         ("release", "votes", "counted", "candidates")]
    if fmt is publish.ExportFormat.CSV:
        tables = {p.stem: list(csv.DictReader(p.read_text(encoding="utf-8").splitlines()))
                  for p in written}
    else:
        tables = {p.stem: pq.read_table(p).to_pylist() for p in written}
        assert str(pq.read_schema(tmp_path / "out" / "votes.parquet").field("votes").type) \
            == "int64"
    votes = [(r["constituency"], r["list"], int(r["votes"])) for r in tables["votes"]]
    assert _totals(votes) == {c.name: c.votes for c in RELEASE.results}
    assert sum(n for _, _, n in votes) == 3_000_000_307  # beyond 32 bits, exact
    counted = {(r["constituency"], r["voting_type"]): (int(r["stations"]), int(r["counted"]),
                                                       int(r["registered_counted"]))
               for r in tables["counted"]}
    assert counted == {("Basra", "general"): (2, 1, 410),
                       ("Basra", "special-security"): (1, 0, 0), ("بغداد", "general"): (1, 1, 0)}
    (head,) = tables["release"]
    assert (int(head["number"]), head["name"], head["digest"]) == (3, "80 % counted", "ab" * 32)
    (person,) = tables["candidates"]
    assert (person["candidate"], int(person["votes"])) == ("Asaad, Eidani", 150)
