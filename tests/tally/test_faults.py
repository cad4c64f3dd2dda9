"""Faults caused on purpose (#22): the SQLite store's disk full mid-ingest, and two ingest
processes racing on the same sheets into one PostgreSQL store."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import event, text

from majlis import tally
from majlis.errors import StoreError
from majlis.tally import Station, Store, VotingType
from tests.tally.test_concurrent import SHEETS, sheets_file
from tests.web.conftest import postgres_schema

from .conftest import sheet

STATIONS = [Station(code=f"A{i:05d}", centre="CA", constituency="Basra",
                    voting_type=VotingType.GENERAL, registered=1000) for i in range(SHEETS)]
LISTS = [("Basra", "Tasmim"), ("Basra", "State of Law")]


def national(store: Store) -> dict[str, int]:
    return dict(tally.national(store.results()).votes)


def test_a_full_disk_refuses_the_batch_clearly_and_leaves_the_store_as_it_was(
        tmp_path: Path) -> None:
    """SQLite's `max_page_count` stands in for a full disk: the same SQLITE_FULL a full
    filesystem gives, with no root and no tmpfs."""
    url = f"sqlite:///{tmp_path / 'night.db'}"
    store = Store(url)
    store.init()
    store.register(STATIONS, LISTS)
    first = [sheet(f"A{i:05d}", votes={"Tasmim": 100, "State of Law": 80}) for i in range(10)]
    assert store.ingest(first).accepted == 10
    before, head = national(store), store.verify_chain()
    with store.engine.connect() as conn:
        pages = conn.execute(text("PRAGMA page_count")).scalar_one()

    def full(connection: object, _: object) -> None:
        connection.execute(f"PRAGMA max_page_count = {pages + 2}")  # type: ignore[attr-defined]

    store.engine.dispose()  # every connection from now on has the limit
    event.listen(store.engine, "connect", full)
    rest = [sheet(f"A{i:05d}", votes={"Tasmim": 100, "State of Law": 80})
            for i in range(10, SHEETS)]
    with pytest.raises(StoreError, match=r"the tally store at sqlite:///\S*night\.db is full: "
                                         r"the disk \(or its size limit\) has no room; the "
                                         r"transaction under way was rolled back"):
        store.ingest(rest, batch=SHEETS)
    assert national(store) == before == {"Tasmim": 1000, "State of Law": 800}
    after = store.verify_chain()
    assert after.intact and after.checked == head.checked == 10

    event.remove(store.engine, "connect", full)  # room again: the same batch goes in whole
    store.engine.dispose()
    assert store.ingest(rest, batch=SHEETS).accepted == SHEETS - 10
    assert national(store) == {"Tasmim": 100 * SHEETS, "State of Law": 80 * SHEETS}
    assert store.verify_chain().intact
    store.close()


@pytest.mark.parametrize("second", ["same", "differs"])
def test_two_ingests_racing_on_the_same_sheets_into_postgresql(tmp_path: Path,
                                                               second: str) -> None:
    """Both processes send every sheet of stations A00000…; sheets are taken batch by batch
    under the chain head's row lock, so each sheet is stored once, by whichever process reached
    it first. The other process is told: the same sheet again is a duplicate, skipped; a sheet
    with other figures for a station already counted is quarantined, naming the rule and the
    version it differs from."""
    one = sheets_file(tmp_path / "one.csv", "A")
    two = tmp_path / "two.csv"
    two.write_text(one.read_text(encoding="utf-8") if second == "same" else
                   one.read_text(encoding="utf-8").replace(",Tasmim,100", ",Tasmim,101")
                   .replace(",210,190,180,10,5,15,", ",210,191,181,10,5,14,"),
                   encoding="utf-8")
    with postgres_schema() as url:
        with Store(url) as store:
            store.init()
            store.register(STATIONS, LISTS)
        majlis = [sys.executable, "-m", "majlis", "ingest"]
        racers = [subprocess.Popen([*majlis, str(f), "--db", url], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True) for f in (one, two)]
        said = []
        for racer in racers:
            out, err = racer.communicate(timeout=600)
            assert racer.returncode == 0, err
            said.append([int(w) for w in out.split() if w.isdigit()])
        accepted, quarantined, _, duplicates = (sum(x) for x in zip(*said, strict=True))
        with Store(url) as store:
            verdict = store.verify_chain()
            with store.engine.connect() as conn:
                versions = conn.execute(text(
                    "SELECT count(*), count(DISTINCT station_id) FROM tally_sheets "
                    "WHERE status = 'accepted'")).one()
                refused = conn.execute(text(
                    "SELECT DISTINCT failures FROM tally_sheets WHERE status = 'quarantined'"
                )).scalars().all()
            votes = national(store)
    assert accepted == SHEETS
    assert tuple(versions) == (SHEETS, SHEETS)  # one accepted sheet per station: none doubled
    assert verdict.intact
    if second == "same":
        assert (quarantined, duplicates) == (0, SHEETS)
        assert verdict.checked == SHEETS
        assert votes == {"Tasmim": 100 * SHEETS, "State of Law": 80 * SHEETS}
    else:
        assert (quarantined, duplicates) == (SHEETS, 0)
        assert verdict.checked == 2 * SHEETS
        assert refused == ['[["one-sheet-per-station-and-source", "version 1 from machine '
                           'differs; use a correction"]]']
        assert votes["State of Law"] == 80 * SHEETS
        assert votes["Tasmim"] in range(100 * SHEETS, 101 * SHEETS + 1)
