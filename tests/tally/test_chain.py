"""The chains as the store streams them for their check (`Store.chain()`), on SQLite and on
PostgreSQL: every version in the chain's order with its votes gathered by the database, the
releases and both figures of each election, all from one snapshot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from majlis import audit
from majlis.errors import StoreError
from majlis.tally import Store
from tests.tally.conftest import STATIONS, sheet


def test_the_store_streams_each_version_as_stored(registered: Store) -> None:
    registered.ingest([sheet("B-001-01"), sheet("B-001-02", "entry-a")])
    published = registered.release("first")
    registered.correct(sheet("B-001-01", votes={"Tasmim": 201, "State of Law": 99}),
                       reason="recount", author="supervisor")
    with registered.chain() as chain:
        rows = list(chain.versions)
    assert [(r.station, r.source, r.version, r.fields["status"]) for r in rows] == [
        ("B-001-01", "machine", 1, "accepted"), ("B-001-02", "entry-a", 1,
                                                 "awaiting-second-entry"),
        ("B-001-01", "machine", 2, "accepted")]
    assert sorted(map(tuple, json.loads(rows[2].votes or "[]"))) == [
        ("State of Law", 99), ("Tasmim", 201)]
    assert rows[2].people is None  # no candidate votes: NULL on both stores
    assert (rows[2].fields["reason"], rows[2].election) == ("recount", "default")
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
    assert (chain.head, published.sheet_head) == (rows[-1].hash, rows[1].hash)
    (election,) = chain.elections
    (release,) = election.releases
    assert (release.digest, release.sheet_head, release.sheets) == (
        published.digest, rows[1].hash, 2)
    assert election.release_head == published.digest
    assert (election.places["B-001-01"], election.places["N-001-01"]) == (
        ("Basra", "general"), ("Najaf", "general"))
    recount = audit.Recount(chain.elections, chain.ranks)
    assert audit.check_links(rows, recount=recount).checked == 3
    basra = ("Basra", "general", "Tasmim", "")
    assert (election.running[basra], recount.figures("default")[basra]) == (201, 201)
    assert election.running == recount.figures("default")
    assert audit.verify_chain(registered.chain()).intact


def test_a_sheet_stored_while_the_chain_streams_waits_for_the_next_check(
        registered: Store) -> None:
    """One snapshot: what is stored after it opens is in neither the versions, the head nor
    the figures, so a check during a busy night never sees half a write."""
    registered.ingest([sheet("B-001-01")])
    with registered.chain() as chain:
        registered.ingest([sheet("N-001-01", votes={"Tasmim": 120, "Sadiqoun": 80})])
        rows = list(chain.versions)
    assert [r.station for r in rows] == ["B-001-01"] and chain.head == rows[0].hash
    (election,) = chain.elections
    assert ("Najaf", "general", "Tasmim", "") not in election.running
    verdict = audit.verify_chain(registered.chain())
    assert verdict.intact and verdict.checked == 2


def test_each_election_brings_its_own_releases_and_figures(registered: Store) -> None:
    other = Store(registered.url, "2021")
    try:
        other.register([], [])
        registered.ingest([sheet("B-001-01")])
        registered.release("first")
        with registered.chain() as chain:
            recount = audit.Recount(chain.elections, chain.ranks)
            rows = list(chain.versions)
            audit.check_links(rows, recount=recount)
            found = {e.name: (len(e.releases), sum(e.running.values()),
                              sum(recount.figures(e.name).values()), len(e.places))
                     for e in chain.elections}
            assert [r.election for r in rows] == ["default"]
        assert found == {"default": (1, 301, 301, len(STATIONS)), "2021": (0, 0, 0, 0)}
    finally:
        other.engine.dispose()


def test_a_store_not_ready_is_refused_before_anything_streams(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'none.db'}")
    with pytest.raises(StoreError, match="majlis db init"), store.chain():
        pass
    store.engine.dispose()
