"""Ingest speed of the tally store, on SQLite and PostgreSQL.

Builds a synthetic night (SHEETS station sheets × LISTS lists, all consistent), ingests it with
validation and the hash chain, then times the national results query and the chain's check.
Prints `name: value unit`; the `_cpu` lines are this process's CPU time (its SQLite work
included, a PostgreSQL server's not), steadier than the wall clock on a loaded machine.

    python benchmarks/ingest.py [SHEETS] [LISTS]
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import psycopg

from majlis import audit
from majlis.tally import Source, Station, Store, TallySheet, VotingType

SHEETS = int(sys.argv[1]) if len(sys.argv) > 1 else 60_000
LISTS = int(sys.argv[2]) if len(sys.argv) > 2 else 30
CONSTITUENCIES = 18
POSTGRES = os.environ.get("MAJLIS_TEST_POSTGRES",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def night(rng: np.random.Generator) -> tuple[list[Station], list[tuple[str, str]],
                                              list[TallySheet]]:
    names = [f"List {j:02d}" for j in range(LISTS)]
    stations, sheets = [], []
    votes = rng.integers(0, 40, size=(SHEETS, LISTS))
    for i in range(SHEETS):
        constituency = f"Governorate {i % CONSTITUENCIES:02d}"
        code = f"S{i:06d}"
        stations.append(Station(code=code, centre=f"C{i // 8:05d}", constituency=constituency,
                                voting_type=VotingType.GENERAL, registered=2000))
        valid = int(votes[i].sum())
        sheets.append(TallySheet(
            station=code, source=Source.MACHINE, received_at="2025-11-11T19:00",
            received_by="machine", ballots_received=valid + 60, cast=valid + 20, valid=valid,
            invalid=20, spoiled=10, unused=30,
            votes=dict(zip(names, map(int, votes[i]), strict=True))))
    lists = [(f"Governorate {k:02d}", n) for k in range(CONSTITUENCIES) for n in names]
    return stations, lists, sheets


def run(label: str, store: Store, data: tuple[list[Station], list[tuple[str, str]],
                                              list[TallySheet]]) -> None:
    stations, lists, sheets = data
    store.init()
    store.register(stations, lists)
    start, cpu = time.perf_counter(), time.process_time()
    report = store.ingest(sheets, batch=2000)
    took = time.perf_counter() - start
    assert report.accepted == len(sheets), report
    print(f"{label}_ingest_time: {took:.2f} s")
    print(f"{label}_ingest_cpu: {time.process_time() - cpu:.2f} s")
    print(f"{label}_ingest_rate: {len(sheets) / took:,.0f} sheets/s")
    print(f"{label}_vote_rows: {len(sheets) * LISTS:,} rows")
    start = time.perf_counter()
    results = store.results()
    print(f"{label}_results_time: {time.perf_counter() - start:.3f} s")
    assert sum(c.counted for c in results) == len(sheets)
    start, cpu = time.perf_counter(), time.process_time()
    assert audit.verify_chain(store.chain()).intact
    print(f"{label}_verify_chain_time: {time.perf_counter() - start:.2f} s")
    print(f"{label}_verify_chain_cpu: {time.process_time() - cpu:.2f} s")


def main() -> None:
    data = night(np.random.default_rng(2025))
    print(f"sheets: {SHEETS:,} sheets")
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{Path(folder) / 'bench.db'}")
        run("sqlite", store, data)
        store.engine.dispose()
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    plain = POSTGRES.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        store = Store(f"{POSTGRES}?options=-csearch_path%3D{schema}")
        run("postgresql", store, data)
        store.engine.dispose()
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak_memory: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
