"""`majlis sweep`: laws × elections × draws on a Dask cluster, into a Parquet table."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from collections.abc import Iterator
from concurrent.futures import Executor
from pathlib import Path
from typing import Annotated

import pyarrow.parquet as pq
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from majlis import data
from majlis.errors import InputError, Problem
from majlis.sweep import CONCENTRATION, sweep

from ._allocate import law_of, stderr, stdout


@contextlib.contextmanager
def dask_executor(scheduler: str | None, workers: int) -> Iterator[Executor]:
    """An executor on the Dask scheduler at `scheduler`, or on a local cluster of `workers`
    processes on 127.0.0.1 (one thread each: the work is NumPy and compiled loops), closed at
    the end."""
    from distributed import Client, LocalCluster  # only when sweeping: other commands start fast

    with contextlib.ExitStack() as stack:
        if scheduler:
            client = stack.enter_context(Client(scheduler, timeout="30s"))  # type: ignore[no-untyped-call]
        else:
            # the nannies' notes on stopping their workers are not the analyst's business
            logging.getLogger("distributed").setLevel(logging.ERROR)
            cluster = stack.enter_context(LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address=None,
                # its health page on a free port: on 8787, a second cluster on the machine warns
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}))
            client = stack.enter_context(Client(cluster))  # type: ignore[no-untyped-call]
        yield client.get_executor()


def sweep_command(
    out: Annotated[Path, typer.Option("--out", help="The Parquet file to write")],
    law: Annotated[list[Path], typer.Option(
        "--law", help="A law: a TOML file or a preset name (repeatable)")],
    election: Annotated[list[str] | None, typer.Option(
        "--election", help="A bundled election (repeatable; default: every one)")] = None,
    draws: Annotated[int, typer.Option("--draws", min=1, help="Drawn elections per election")]
    = 10_000,
    seed: Annotated[int | None, typer.Option(
        "--seed", min=0, help="The draws' seed (default: drawn, printed and recorded)")] = None,
    concentration: Annotated[float, typer.Option(
        "--concentration", help="How closely draws follow the published shares (Dirichlet κ)")]
    = CONCENTRATION,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="A Dask scheduler's address, e.g. tcp://10.0.0.5:8786 (default: a "
        "local cluster)")] = None,
    workers: Annotated[int, typer.Option(
        "--workers", min=1, help="Processes of the local cluster (default: one per core)")]
    = os.cpu_count() or 1,
) -> None:
    """Every law on every election over many drawn elections, on Dask: the draws giving each
    list each number of seats, as a Parquet table."""
    unknown = [name for name in election or () if name not in data.ELECTIONS]
    if unknown:
        raise InputError([Problem(source="sweep", line=None, field="--election", message=(
            f"no bundled election {name!r}; one of: {', '.join(data.ELECTIONS)}"))
            for name in unknown])
    elections = {name: data.election(name).election for name in election or data.ELECTIONS}
    laws = {str(path): law_of(path) for path in law}
    seed = secrets.randbelow(2**32) if seed is None else seed
    stderr.print(f"seed {seed}", markup=False, highlight=False)
    columns = (TextColumn("sweeping"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with dask_executor(scheduler, workers) as executor, \
            Progress(*columns, console=stderr) as progress:
        bar = progress.add_task("sweep", total=None)
        result = sweep(elections, laws, draws=draws, seed=seed, concentration=concentration,
                       executor=executor,
                       progress=lambda done, total: progress.update(bar, completed=done,
                                                                    total=total))
    out.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(result.table, out)
    stdout.print(f"{len(laws)} laws × {len(elections)} elections × {draws:,} draws (seed "
                 f"{seed}): {result.table.num_rows:,} rows in {out}", markup=False,
                 highlight=False)
