"""How fast a sweep runs, and how it scales on Dask: the same laws × elections × draws in one
process, then on a local Dask cluster of one worker and of two (processes on 127.0.0.1, one
thread each), with the speed-up from one worker to two. Each cluster is warmed up with a small
sweep first (the compiled kernels load from Numba's cache in each worker), and the results are
checked equal to the single process's."""

from __future__ import annotations

import logging
import os
import time

from distributed import Client, LocalCluster

from majlis import data
from majlis.sweep import sweep

LAWS = ("iraq-2025", "iraq-2018", "iraq-2014")
ELECTIONS = ("iraq-2025-governorates", "iraq-2010")
DRAWS = 40_000
SEED = 20251111


def timed(executor: object = None) -> tuple[float, object]:
    elections = {name: data.election(name).election for name in ELECTIONS}
    laws = {name: data.law(name) for name in LAWS}
    start = time.perf_counter()
    result = sweep(elections, laws, draws=DRAWS, seed=SEED, executor=executor)
    return time.perf_counter() - start, result.table


def on_cluster(workers: int) -> tuple[float, object]:
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None,
                      scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}) as cluster, \
            Client(cluster) as client:
        executor = client.get_executor()
        sweep({"iraq-2025-kurdistan": data.election("iraq-2025-kurdistan").election},
              {"iraq-2025": data.law("iraq-2025")}, draws=4_000, seed=1,
              executor=executor)  # warm-up: two tasks, one per worker
        return timed(executor)


def main() -> None:
    logging.getLogger("distributed").setLevel(logging.ERROR)
    cells = len(LAWS) * len(ELECTIONS) * DRAWS
    print(f"cores: {os.cpu_count()} count")
    print(f"sweep size: {len(LAWS)} laws x {len(ELECTIONS)} elections x {DRAWS} draws = "
          f"{cells} allocations")
    alone, table = timed()
    print(f"sweep single process: {alone:.2f} s")
    one, one_table = on_cluster(1)
    print(f"sweep dask 1 worker: {one:.2f} s")
    two, two_table = on_cluster(2)
    print(f"sweep dask 2 workers: {two:.2f} s")
    print(f"sweep dask 2 workers: {cells / two:.0f} allocations/s")
    print(f"sweep speed-up 1 to 2 workers: {one / two:.2f} x")
    same = table.equals(one_table) and table.equals(two_table)
    print(f"sweep results equal across runs: {int(same)} bool")


if __name__ == "__main__":
    main()
