"""Kill an ingest mid-file: every sheet is wholly in or wholly out, and a rerun finishes the job."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from majlis import audit
from majlis.tally import Store
from tests.tally.conftest import LISTS, STATIONS

HEADER = ("station,source,received_at,received_by,ballots_received,cast,valid,invalid,spoiled,"
          "unused,list,votes\n")


def big_night(tmp_path: Path, sheets: int) -> tuple[Path, Path]:
    stations = tmp_path / "stations.csv"
    rows = ["constituency,centre,station,voting_type,registered"]
    rows += [f"Basra,C{i // 10},S{i:05d},general,1000" for i in range(sheets)]
    stations.write_text("\n".join(rows) + "\n", encoding="utf-8")
    night = tmp_path / "sheets.csv"
    with night.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for i in range(sheets):
            a, b = 100 + i % 50, 80
            for list_name, n in (("Tasmim", a), ("State of Law", b)):
                out.write(f"S{i:05d},machine,t,c,{a + b + 30},{a + b + 10},{a + b},10,5,15,"
                          f"{list_name},{n}\n")
    return stations, night


def stored(store: Store) -> tuple[int, int]:
    with store.engine.connect() as conn:
        sheets = conn.execute(text("SELECT count(*) FROM tally_sheets")).scalar_one()
        votes = conn.execute(text("SELECT count(*) FROM sheet_votes")).scalar_one()
    return int(sheets), int(votes)


def test_sigkill_mid_ingest_leaves_whole_sheets_and_a_rerun_completes(
    store: Store, tmp_path: Path
) -> None:
    total = 20_000
    store.register(STATIONS, LISTS)
    stations, night = big_night(tmp_path, total)
    command = [sys.executable, "-m", "majlis", "ingest", str(night), "--db", store.url]
    assert subprocess.run([sys.executable, "-m", "majlis", "ingest", str(stations), "--db",
                           store.url], capture_output=True, check=False).returncode == 0
    worker = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and stored(store)[0] == 0:
        time.sleep(0.02)
    worker.send_signal(signal.SIGKILL)
    assert worker.wait() == -signal.SIGKILL
    sheets, votes = stored(store)
    assert 0 < sheets < total, "the kill must land mid-file"
    assert votes == 2 * sheets  # no sheet half-written
    assert audit.verify_chain(store.chain()).intact
    rerun = subprocess.run(command, capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{total - sheets} accepted, 0 quarantined, 0 awaiting a second entry, " \
           f"{sheets} duplicates" in rerun.stdout
    assert stored(store) == (total, 2 * total)
    assert audit.verify_chain(store.chain()).checked == total
