"""Two ingests at once into one SQLite file (#21): the second writer waits for the first instead
of dying on "database is locked", and the chain holds every sheet of both."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from majlis.tally import Store
from tests.tally.test_crash import HEADER

SHEETS = 1500  # per worker: each ingest spans several transactions of the other's


def sheets_file(path: Path, prefix: str) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for i in range(SHEETS):
            for party, n in (("Tasmim", 100), ("State of Law", 80)):
                out.write(f"{prefix}{i:05d},machine,t,c,210,190,180,10,5,15,{party},{n}\n")
    return path


@pytest.mark.parametrize("attempt", range(3))
def test_two_ingests_at_once_into_one_sqlite_file_both_finish(
    tmp_path: Path, attempt: int
) -> None:
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
    workers = [subprocess.Popen([*majlis, str(sheets_file(tmp_path / f"{p}.csv", p)), "--db",
                                 url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for p in "AB"]
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        assert f"{SHEETS} accepted, 0 quarantined" in out
    with Store(url) as store:
        verdict = store.verify_chain()
        assert verdict.intact and verdict.checked == 2 * SHEETS
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT sum(votes) FROM tallies")).scalar_one() \
                == 2 * SHEETS * 180
