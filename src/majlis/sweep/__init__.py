"""Sweeps: every law on every election over many drawn elections, for the analyst's question
"what would this law have made of that vote, and how surely?".

Pure work cut into independent tasks (`SweepTask`, `run_task`) that any executor can run — a
Dask cluster's (`majlis sweep`), a process pool's, or none — with the same result to the last
draw; the result is an Arrow table, written as Parquet by the command.
"""

from ._sweep import BLOCK, CONCENTRATION, Sweep, SweepTask, prepare, run_task, sweep

__all__ = ["BLOCK", "CONCENTRATION", "Sweep", "SweepTask", "prepare", "run_task", "sweep"]
