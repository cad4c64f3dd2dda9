"""Laws × elections × draws: how each law would seat each election's lists over many elections
drawn around the published votes.

The work is cut into tasks of one election and a fixed block of draws, each with its own
`numpy.random.Generator` spawned from the sweep's seed by the task's place (election, block):
the draws never depend on how many workers there are, nor on the laws — every law is applied to
the same drawn elections, so laws are compared on equal terms. A task returns integer counts
(draws giving a list so many seats), which add up in any order: a sweep on a cluster equals the
same sweep in one process exactly.

Seats come as the forecast's do: a divisor law with no threshold or tier through
`allocate_batch` (its tied rows, and reserved contests, through `allocate` with the law's tie
rule), any other law through `allocate` draw by draw.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from majlis.errors import AllocationError, InputError, Problem
from majlis.law import (
    Constituency,
    DivisorRule,
    DivisorSeries,
    Election,
    Law,
    allocate,
    allocate_batch,
)

__all__ = ["BLOCK", "CONCENTRATION", "Sweep", "SweepTask", "prepare", "run_task", "sweep"]

Ints = NDArray[np.int64]
BLOCK = 2_000  # draws per task: fixed, so the draws do not depend on the workers
CONCENTRATION = 2_000.0  # κ of the Dirichlet around each constituency's published shares


@dataclass(frozen=True, slots=True, kw_only=True)
class SweepTask:
    """One block of draws of one election, allocated under every law of the sweep."""

    election: str
    votes: Election
    laws: tuple[tuple[str, Law], ...]
    lists: tuple[str, ...]  # the election's lists, in the order of the counts' rows
    block: int
    draws: int
    seed: np.random.SeedSequence
    concentration: float
    exact: bool = False  # every draw through `allocate`: the vector path's twin


@dataclass(frozen=True, slots=True, kw_only=True)
class Sweep:
    """Every law's seats over every election's draws: `table` has a row per law, election,
    list and seat count with the number of draws giving the list that many seats (`draws`),
    the seats it won on the published votes (`official`) and the sweep's `seed`."""

    seed: int
    draws: int
    concentration: float
    table: pa.Table
    exact_rows: int  # rows the vector path left to `allocate` (ties, reserved contests)


def prepare(elections: Mapping[str, Election], laws: Mapping[str, Law], *, draws: int,
            seed: int, concentration: float = CONCENTRATION, exact: bool = False
            ) -> tuple[list[SweepTask], dict[tuple[str, str], dict[str, int]]]:
    """The tasks of a sweep, and every law's seats on every election's published votes —
    which also proves, before any work is sent out, that each law can seat each election
    (every pair that cannot is named at once)."""
    wrong = {"--draws": "must be at least 1" if draws < 1 else "",
             "--concentration": "must be positive" if not concentration > 0 else "",
             "--law": "name at least one law" if not laws else "",
             "--election": "name at least one election" if not elections else ""}
    problems = [Problem(source="sweep", line=None, field=f, message=m)
                for f, m in wrong.items() if m]
    official: dict[tuple[str, str], dict[str, int]] = {}
    for e, election in elections.items():
        for name, law in laws.items():
            try:
                official[name, e] = allocate(election, law, seed=seed).totals()
            except (AllocationError, InputError) as error:
                problems.append(Problem(source="sweep", line=None, field=f"{name} × {e}",
                                        message=str(error).splitlines()[0]))
    if problems:
        raise InputError(problems)
    blocks = range(0, draws, BLOCK)
    tasks = []
    roots = np.random.SeedSequence(seed).spawn(len(elections))  # one per election, in order
    for (name, election), root in zip(elections.items(), roots, strict=True):
        lists = tuple(sorted({p for c in election.constituencies for p in c.votes}))
        tasks += [SweepTask(election=name, votes=election, laws=tuple(laws.items()),
                            lists=lists, block=b, draws=min(BLOCK, draws - start),
                            seed=child, concentration=concentration, exact=exact)
                  for b, start, child in zip(range(len(blocks)), blocks,
                                             root.spawn(len(blocks)), strict=True)]
    return tasks, official


def run_task(task: SweepTask) -> tuple[str, int, dict[str, Ints], int]:
    """A task's draws, and per law the draws giving each list each national seat count
    (lists × seats); with the election, the block and the rows left to the exact path."""
    rng = np.random.default_rng(task.seed)
    votes = [_draw(c, rng, task.draws, task.concentration) for c in task.votes.constituencies]
    lot = int(rng.integers(2**31))  # the seed of any lot a tie calls for, draw i: lot + i
    counts: dict[str, Ints] = {}
    exact = 0
    for name, law in task.laws:
        national, left = _seats(task, law, votes, lot)
        exact += left
        spread = np.zeros((len(task.lists), int(national.max(initial=0)) + 1), dtype=np.int64)
        for j in range(len(task.lists)):
            spread[j] = np.bincount(national[:, j], minlength=spread.shape[1])
        counts[name] = spread
    return task.election, task.block, counts, exact


def _draw(c: Constituency, rng: np.random.Generator, n: int, concentration: float) -> Ints:
    """n draws of one constituency's votes (n × its lists): shares from a Dirichlet centred on
    the published shares, then the published total of votes split by a multinomial."""
    published = np.array(list(c.votes.values()), dtype=np.int64)
    out = np.zeros((n, published.size), dtype=np.int64)
    voted = published > 0
    total = int(published.sum())
    if total and voted.sum() > 1:
        shares = rng.dirichlet(concentration * published[voted] / total, size=n)
        out[:, voted] = rng.multinomial(total, shares)
    else:
        out[:] = published
    return out


def _vector(law: Law) -> DivisorSeries | None:
    """The series when `allocate_batch` can seat the law's general constituencies alone."""
    series = law.rule.series if isinstance(law.rule, DivisorRule) else None
    plain = all(x is None for x in (law.threshold, law.tier, law.agreements, law.mixed,
                                    law.biproportional, law.bonus, law.apportionment))
    return series if isinstance(series, DivisorSeries) and plain else None


def _seats(task: SweepTask, law: Law, votes: Sequence[Ints], lot: int) -> tuple[Ints, int]:
    """Each draw's national seats per list (draws × lists), and the rows seated exactly."""
    index = {p: j for j, p in enumerate(task.lists)}
    national = np.zeros((task.draws, len(task.lists)), dtype=np.int64)
    series = None if task.exact else _vector(law)
    constituencies = task.votes.constituencies
    general = [k for k, c in enumerate(constituencies)
               if series is not None and c.name not in law.reserved]
    rest = [k for k in range(len(constituencies)) if k not in general]
    exact = 0
    if general:
        assert series is not None
        width = max(votes[k].shape[1] for k in general)
        rows = np.zeros((len(general), task.draws, width), dtype=np.int64)
        for g, k in enumerate(general):
            rows[g, :, : votes[k].shape[1]] = votes[k]
        magnitudes = np.repeat([constituencies[k].magnitude for k in general], task.draws)
        batch = allocate_batch(rows.reshape(-1, width), magnitudes, series)
        seats = batch.seats.reshape(len(general), task.draws, width)
        single = Law(rule=law.rule, tie=law.tie)
        for row in np.flatnonzero(batch.tied):
            g, i = divmod(int(row), task.draws)
            c = constituencies[general[g]]
            result = allocate(Election(constituencies=(_drawn(c, votes[general[g]][i]),)),
                              single, seed=lot + i).constituencies[0].seats
            seats[g, i, : len(c.votes)] = [result[p] for p in c.votes]
            exact += 1
        for g, k in enumerate(general):
            columns = [index[p] for p in constituencies[k].votes]
            national[:, columns] += seats[g, :, : len(columns)]
    if rest:
        for i in range(task.draws):
            drawn = Election(constituencies=tuple(_drawn(constituencies[k], votes[k][i])
                                                  for k in rest), lists=task.votes.lists)
            for p, s in allocate(drawn, law, seed=lot + i).totals().items():
                national[i, index[p]] += s
        exact += task.draws * len(rest)
    return national, exact


def _drawn(c: Constituency, votes: Ints) -> Constituency:
    return dataclasses.replace(c, votes=dict(zip(c.votes, votes.tolist(), strict=True)))


def sweep(elections: Mapping[str, Election], laws: Mapping[str, Law], *, draws: int,
          seed: int, concentration: float = CONCENTRATION, executor: Executor | None = None,
          progress: Callable[[int, int], None] | None = None, exact: bool = False) -> Sweep:
    """Every law on every election's `draws` drawn elections, the tasks run by `executor`
    (a Dask cluster's, `distributed.Client.get_executor()`, or any other) or in this process;
    `progress(done, total)` is told as tasks finish. `exact` sends every draw through
    `allocate`, the vector path's slow twin."""
    tasks, official = prepare(elections, laws, draws=draws, seed=seed,
                              concentration=concentration, exact=exact)
    done: Iterable[tuple[str, int, dict[str, Ints], int]]
    if executor is None:
        done = map(run_task, tasks)
    else:
        done = (f.result() for f in as_completed([executor.submit(run_task, t) for t in tasks]))
    totals: dict[tuple[str, str], Ints] = {}
    exact_rows = 0
    for finished, (election, _, counts, left) in enumerate(done, start=1):
        exact_rows += left
        for law, spread in counts.items():
            kept = totals.get((law, election))
            totals[law, election] = spread if kept is None else _add(kept, spread)
        if progress is not None:
            progress(finished, len(tasks))
    lists = {t.election: t.lists for t in tasks}
    rows: dict[str, list[object]] = {k: [] for k in ("law", "election", "list", "seats",
                                                     "draws", "official", "seed")}
    for law in laws:
        for election in elections:
            spread = totals[law, election]
            for j, list_name in enumerate(lists[election]):
                for s in np.flatnonzero(spread[j]):
                    for key, value in zip(rows, (law, election, list_name, int(s),
                                                 int(spread[j, s]),
                                                 official[law, election].get(list_name, 0), seed),
                                          strict=True):
                        rows[key].append(value)
    schema = pa.schema([("law", pa.string()), ("election", pa.string()), ("list", pa.string()),
                        ("seats", pa.int32()), ("draws", pa.int64()), ("official", pa.int32()),
                        ("seed", pa.int64())],
                       metadata={"seed": str(seed), "draws": str(draws),
                                 "concentration": repr(concentration),
                                 "block": str(BLOCK)})
    return Sweep(seed=seed, draws=draws, concentration=concentration, exact_rows=exact_rows,
                 table=pa.table(rows, schema=schema))


def _add(a: Ints, b: Ints) -> Ints:
    wide, narrow = (a, b) if a.shape[1] >= b.shape[1] else (b, a)
    out = wide.copy()
    out[:, : narrow.shape[1]] += narrow
    return out

