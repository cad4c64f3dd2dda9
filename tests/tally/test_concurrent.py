"""Two ingests at once into one SQLite file (#21): the second writer waits for the first instead
of dying on "database is locked", and the chain holds every sheet of both."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from majlis import audit
from majlis.errors import StoreError
from majlis.tally import Store
from tests.tally.test_crash import HEADER

SHEETS = 1500  # per worker: each ingest spans several transactions of the other's


def sheets_file(path: Path, prefix: str) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for i in range(SHEETS):
            for list_name, n in (("Tasmim", 100), ("State of Law", 80)):
                out.write(f"{prefix}{i:05d},machine,t,c,210,190,180,10,5,15,{list_name},{n}\n")
    return path


def prepared(tmp_path: Path) -> str:
    """A SQLite store with stations A00000… and B00000… registered (by the CLI); its URL."""
    url = f"sqlite:///{tmp_path / 'night.db'}"
    stations = tmp_path / "stations.csv"
    stations.write_text("constituency,centre,station,voting_type,registered\n" + "".join(
        f"Basra,C{prefix},{prefix}{i:05d},general,1000\n"
        for prefix in "AB" for i in range(SHEETS)), encoding="utf-8")
    lists = tmp_path / "lists.csv"
    lists.write_text("constituency,list\nBasra,Tasmim\nBasra,State of Law\n", encoding="utf-8")
    with Store(url) as store:
        store.init()
    majlis = [sys.executable, "-m", "majlis", "ingest"]
    assert subprocess.run([*majlis, str(stations), str(lists), "--db", url],
                          capture_output=True, check=False).returncode == 0
    return url


@pytest.mark.parametrize("attempt", range(2))
def test_two_ingests_at_once_into_one_sqlite_file_both_finish(
    tmp_path: Path, attempt: int
) -> None:
    url = prepared(tmp_path)
    majlis = [sys.executable, "-m", "majlis", "ingest"]
    workers = [subprocess.Popen([*majlis, str(sheets_file(tmp_path / f"{p}.csv", p)), "--db",
                                 url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for p in "AB"]
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        assert f"{SHEETS} accepted, 0 quarantined" in out
    with Store(url) as store:
        verdict = audit.verify_chain(store.chain())
        assert verdict.intact and verdict.checked == 2 * SHEETS
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT sum(votes) FROM tallies")).scalar_one() \
                == 2 * SHEETS * 180


def test_a_writer_waits_for_a_long_transaction_and_says_so_past_its_timeout(
    tmp_path: Path,
) -> None:
    """A transaction holding the write lock for 12 s: the default 5 s of Python's sqlite3 ran
    out ("database is locked", a traceback); the store waits, or past its own timeout says it is
    busy."""
    url = prepared(tmp_path)
    holder = sqlite3.connect(tmp_path / "night.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    ingest = subprocess.Popen([sys.executable, "-m", "majlis", "ingest",
                               str(sheets_file(tmp_path / "A.csv", "A")), "--db", url],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(12)
    with Store(url, busy_timeout=0.2) as hurried, pytest.raises(
            StoreError, match=r"the tally store at sqlite:///.*night\.db is busy: another "
                              r"writer held it for more than 0\.2 s; try again"):
        hurried.release("while locked")
    holder.execute("COMMIT")
    holder.close()
    out, err = ingest.communicate(timeout=300)
    assert ingest.returncode == 0, err
    assert f"{SHEETS} accepted" in out
