"""Faults caused on purpose (#22): the SQLite store's disk full mid-ingest, two ingest
processes racing on the same sheets into one PostgreSQL store, and a PostgreSQL server restarted
mid-ingest."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, text

from majlis import audit, tally
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
    before, head = national(store), audit.verify_chain(store.chain())
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
    after = audit.verify_chain(store.chain())
    assert after.intact and after.checked == head.checked == 10

    event.remove(store.engine, "connect", full)  # room again: the same batch goes in whole
    store.engine.dispose()
    assert store.ingest(rest, batch=SHEETS).accepted == SHEETS - 10
    assert national(store) == {"Tasmim": 100 * SHEETS, "State of Law": 80 * SHEETS}
    assert audit.verify_chain(store.chain()).intact
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
            verdict = audit.verify_chain(store.chain())
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


def _postgres_binaries() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not found:
        pytest.fail("PostgreSQL's server programs (pg_ctl, initdb) are not installed")
    return found[-1].parent


class PrivateServer:
    """A PostgreSQL server of the test's own, on 127.0.0.1 and a free port, in a temporary
    directory: restarting it cannot disturb the shared server other tests use at the same
    time. Run as the `postgres` user when the tests run as root (initdb refuses root), in a
    directory of its own outside pytest's (which only root may enter)."""

    def __init__(self, where: Path) -> None:
        self.bin, self.data = _postgres_binaries(), where / "data"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        if os.geteuid() == 0:
            shutil.chown(where, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode:
            pytest.fail(f"{program} {' '.join(args)}: {done.stderr or done.stdout}")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-l", str(self.data.parent / "log"),
                  "-o", f"-p {self.port} -k {self.data.parent} -c listen_addresses=127.0.0.1 "
                        "-c fsync=off", "start")

    def restart(self) -> None:
        """An immediate stop (as a crash or a failover) and a start: every open connection
        is cut mid-transaction."""
        self._run("pg_ctl", "-D", str(self.data), "-w", "-m", "immediate", "stop")
        self.start()

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-m", "fast", "stop")


@pytest.fixture
def private_postgres() -> Iterator[PrivateServer]:
    where = Path(tempfile.mkdtemp(prefix="majlis-postgres-"))
    try:
        server = PrivateServer(where)
        server.start()
        try:
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(where, ignore_errors=True)


NIGHT = 400  # sheets, in four batches


@pytest.mark.parametrize("when", ["before_cursor_execute", "after_cursor_execute"])
def test_postgresql_restarted_mid_ingest_loses_and_doubles_no_sheet(
        private_postgres: PrivateServer, when: str) -> None:
    """The server is stopped at once and started again as the second batch's sheets are being
    inserted (before: the ids they are given fail; after: the COPY of the sheets does): that
    transaction dies with its connection, the batch is tried again on a new one once the server
    answers, and the night ends with every sheet stored once, the totals exact and the chain
    intact."""
    store = Store(private_postgres.url)
    store.init()
    store.register(STATIONS[:NIGHT], LISTS)
    sheets = [sheet(f"A{i:05d}", votes={"Tasmim": 100, "State of Law": 80})
              for i in range(NIGHT)]
    inserts: list[str] = []

    def cut(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if "NEXTVAL(PG_GET_SERIAL_SEQUENCE('TALLY_SHEETS'" in statement.upper():
            inserts.append(statement)
            if len(inserts) == 2:  # the second batch, mid-transaction
                private_postgres.restart()

    event.listen(store.engine, when, cut)
    report = store.ingest(sheets, batch=NIGHT // 4)
    event.remove(store.engine, when, cut)
    assert len(inserts) == 5  # four batches, the second sent twice
    assert (report.accepted, report.duplicates) == (NIGHT, 0)
    with store.engine.connect() as conn:
        stored = conn.execute(text(
            "SELECT count(*), count(DISTINCT station_id) FROM tally_sheets")).one()
    assert tuple(stored) == (NIGHT, NIGHT)
    assert national(store) == {"Tasmim": 100 * NIGHT, "State of Law": 80 * NIGHT}
    verdict = audit.verify_chain(store.chain())
    assert verdict.intact and verdict.checked == NIGHT
    store.close()
