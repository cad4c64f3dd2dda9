"""A sweep is the same to the last draw on a two-worker Dask cluster as in one process, its
vector path equals its exact twin, and its draws come back from the seed it records."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from distributed import Client, LocalCluster
from typer.testing import CliRunner

from majlis import data
from majlis.cli import app
from majlis.errors import InputError
from majlis.law import allocate
from majlis.sweep import BLOCK, sweep

# one worker builds the Dask cluster once for every test here (pytest -n … --dist loadgroup)
pytestmark = pytest.mark.xdist_group("test_sweep")

ELECTIONS = {name: data.election(name).election
             for name in ("iraq-2025-kurdistan", "iraq-2005-jan")}
LAWS = {name: data.law(name) for name in ("iraq-2025", "iraq-2014", "iraq-2005-jan")}


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None,
                      scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}) as cluster, \
            Client(cluster) as client:
        yield client


def test_a_sweep_on_two_dask_workers_equals_the_single_process_sweep(client: Client) -> None:
    draws = BLOCK + 500  # two blocks per election: tasks finish in any order
    alone = sweep(ELECTIONS, LAWS, draws=draws, seed=11)
    seen: list[tuple[int, int]] = []
    spread = sweep(ELECTIONS, LAWS, draws=draws, seed=11, executor=client.get_executor(),
                   progress=lambda done, total: seen.append((done, total)))
    assert spread.table.equals(alone.table)
    assert spread.exact_rows == alone.exact_rows
    assert seen[-1] == (4, 4)
    workers = client.run(lambda: __import__("os").getpid())
    assert len(set(workers.values())) == 2
    # every law × election × list accounts for every draw once
    for law in LAWS:
        for name, election in ELECTIONS.items():
            rows = alone.table.filter(pc.and_(pc.equal(alone.table["law"], law),
                                              pc.equal(alone.table["election"], name)))
            lists = {p for c in election.constituencies for p in c.votes}
            assert set(rows["list"].to_pylist()) == lists
            per_list: dict[str, int] = {}
            for row in rows.to_pylist():
                per_list[row["list"]] = per_list.get(row["list"], 0) + row["draws"]
            assert set(per_list.values()) == {draws}


def test_the_vector_path_equals_its_exact_twin() -> None:
    elections = {"iraq-2025-kurdistan": ELECTIONS["iraq-2025-kurdistan"]}
    laws = {"iraq-2025": LAWS["iraq-2025"], "iraq-2014": LAWS["iraq-2014"]}
    vector = sweep(elections, laws, draws=300, seed=5, concentration=300.0)
    exact = sweep(elections, laws, draws=300, seed=5, concentration=300.0, exact=True)
    assert vector.table.equals(exact.table)
    assert vector.exact_rows < exact.exact_rows


def test_draws_held_to_the_published_shares_give_the_published_seats() -> None:
    """With the shares held (κ = 10^15) only the multinomial's count of the published total
    varies: a list's seats move by at most one, and only in close races (like the 18 votes that
    kept the Communist Party from a third seat in January 2005, now a coin toss); most lists
    take in every draw the seats `allocate` gives them on the published votes; every draw fills
    the house."""
    result = sweep(ELECTIONS, LAWS, draws=200, seed=3, concentration=1e15)
    rows = result.table.to_pylist()
    assert max(abs(r["seats"] - r["official"]) for r in rows) == 1
    steady = {(r["law"], r["election"], r["list"]) for r in rows if r["draws"] == 200}
    assert all(r["seats"] == r["official"] for r in rows
               if (r["law"], r["election"], r["list"]) in steady)
    assert 2 * len(steady) > len({(r["law"], r["election"], r["list"]) for r in rows})
    for law in LAWS:
        for name, election in ELECTIONS.items():
            house = sum(c.magnitude for c in election.constituencies)
            assert sum(r["seats"] * r["draws"] for r in rows
                       if (r["law"], r["election"]) == (law, name)) == house * 200
    kurdistan = allocate(ELECTIONS["iraq-2025-kurdistan"], LAWS["iraq-2025"]).totals()
    assert {r["list"]: r["official"] for r in rows if r["official"] and (
        r["law"], r["election"]) == ("iraq-2025", "iraq-2025-kurdistan")} == {
        p: n for p, n in kurdistan.items() if n}


def test_the_seed_in_the_output_makes_the_same_draws_again() -> None:
    one = sweep(ELECTIONS, LAWS, draws=400, seed=2025)
    assert set(one.table["seed"].to_pylist()) == {2025}
    assert one.table.schema.metadata[b"seed"] == b"2025"
    again = sweep(ELECTIONS, LAWS, draws=400, seed=int(one.table["seed"][0].as_py()))
    other = sweep(ELECTIONS, LAWS, draws=400, seed=2026)
    assert again.table.equals(one.table)
    assert not other.table.equals(one.table)


def test_pairs_a_law_cannot_seat_are_named_before_any_work() -> None:
    with pytest.raises(InputError) as error:
        sweep(ELECTIONS, {**LAWS, "iraq-2021": data.law("iraq-2021")}, draws=10, seed=1)
    fields = {p.field for p in error.value.problems}
    assert fields == {"iraq-2021 × iraq-2025-kurdistan", "iraq-2021 × iraq-2005-jan"}


def test_majlis_sweep_on_a_scheduler_writes_the_table(client: Client, tmp_path: Path) -> None:
    out = tmp_path / "sweep.parquet"
    run = CliRunner().invoke(app, ["sweep", "--law", "iraq-2025", "--law", "iraq-2014",
                                   "--election", "iraq-2025-kurdistan", "--draws", "700",
                                   "--seed", "8", "--scheduler", client.scheduler.address,
                                   "--out", str(out)])
    assert run.exit_code == 0, run.output
    assert "seed 8" in run.output
    alone = sweep({"iraq-2025-kurdistan": ELECTIONS["iraq-2025-kurdistan"]},
                  {"iraq-2025": LAWS["iraq-2025"], "iraq-2014": LAWS["iraq-2014"]},
                  draws=700, seed=8)
    assert pq.read_table(out).equals(alone.table)


def test_majlis_sweep_names_an_unknown_election() -> None:
    run = CliRunner().invoke(app, ["sweep", "--law", "iraq-2025", "--election", "atlantis",
                                   "--out", "never.parquet"])
    assert run.exit_code != 0
    assert not Path("never.parquet").exists()
