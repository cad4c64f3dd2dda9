"""`majlis replay build|run|real`: the made-up election night, as files or played into a store,
or a real night played as it was published."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from majlis import replay, tally
from majlis.coalitions import Game, power
from majlis.data import OTHER_LISTS

from ._allocate import law_of, stderr, stdout
from ._tally import count_json, open_store, seats_by_constituency

replay_app = typer.Typer(help="Election night, replayed from official totals.",
                         no_args_is_help=True)

Name = Annotated[str, typer.Argument(help="A replayable election (iraq-2025)")]
Seed = Annotated[int, typer.Option("--seed", min=0, help="Seed of the made-up stations")]


@replay_app.command("build")
def build_command(
    name: Name,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Folder for the files (default: out/replay-NAME)")] = None,
    seed: Seed = 2025,
) -> None:
    """Make up every station of NAME to its official totals; write them as ingestable files."""
    with stderr.status(f"building the {name} replay"):
        made = replay.build(replay.plan(name), seed)
        written = replay.write(made, out or Path("out") / f"replay-{name}")
    figures = made.plan.provenance
    kinds = {k: sum(f.status == k for f in figures) for k in ("official", "derived",
                                                              "synthesised")}
    stdout.print(f"{len(made.stations):,} stations in {len({s.centre for s in made.stations}):,}"
                 f" centres, {len(made.candidates):,} candidates (seed {seed}); constituency "
                 f"figures: {kinds['official']} official, {kinds['derived']} derived, "
                 f"{kinds['synthesised']} synthesised (metadata.json says which)")
    for path in written:
        stdout.print(f"  {path}")


@replay_app.command("run")
def run_command(
    name: Name,
    db: Annotated[str | None, typer.Option(
        "--db", "--store", help="Store URL (default: $MAJLIS_DATABASE_URL, else "
                                "sqlite:///majlis.db)")] = None,
    election: Annotated[str | None, typer.Option(
        "--election", help="Election name in the store (default: NAME)")] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for every release's files")]
    = Path("out"),
    seed: Seed = 2025,
    night: Annotated[int, typer.Option("--night-seed", min=0,
                                          help="Seed of the night's script")] = 11,
    speed: Annotated[float, typer.Option(
        "--speed", min=0, help="Play in time: X night-seconds per second (0: as fast as possible)")]
    = 0.0,
) -> None:
    """Play NAME's night into the tally store: a release, seats and a wire line per wave."""
    plan = replay.plan(name)
    law = law_of(Path(plan.law))
    store = _fresh_store(db, election or name)
    with stderr.status("making up the stations"):
        made = replay.build(plan, seed)
        replay.register(made, store)
        waves = replay.script(made, night)
    out.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=stderr) as progress:
        task = progress.add_task("sheets", total=sum(len(w.sheets) for w in waves))
        for number, wave in enumerate(waves):
            if speed and number:
                gap = wave.at - waves[number - 1].at
                time.sleep(gap.total_seconds() / speed)
            progress.update(task, description=wave.name)
            (report,) = replay.play([wave], store, law,
                                    progress=lambda n: progress.advance(task, n))
            n = report.quarantined
            held = f" [{n} sheet{'s' if n > 1 else ''} held back]" if n else ""
            lines.append(f"[{report.release.created_at}] release {report.release.number}: "
                         f"{report.line}{held}")
            progress.console.print(lines[-1], markup=False, highlight=False)
            _write_release(report, out)
    (out / "night.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _summary(report, law.house, out)


@replay_app.command("real")
def real_command(
    name: Annotated[str, typer.Argument(
        help="A published night (norway-2021, norway-2025, slovakia-2023)")],
    db: Annotated[str | None, typer.Option(
        "--db", "--store", help="Store URL (default: $MAJLIS_DATABASE_URL, else "
                                "sqlite:///majlis.db)")] = None,
    election: Annotated[str | None, typer.Option(
        "--election", help="Election name in the store (default: NAME, the name of its law)")]
    = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for every release's files")]
    = Path("out"),
) -> None:
    """Play a real night into the tally store as it was published: a release at every moment an
    area's figures changed, holding exactly those figures, with seats and a wire line."""
    night = replay.real(name)
    law = law_of(Path(night.law))
    store = _fresh_store(db, election or name)
    with stderr.status("registering the counting units"):
        waves = replay.waves(night, replay.register_night(night, store))
    out.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    for wave in waves:
        (report,) = replay.play([wave], store, law, lists=night.lists)
        lines.append(f"[{report.release.created_at}] release {report.release.number}: "
                     f"{report.line}")
        stderr.print(lines[-1], markup=False, highlight=False)
        _write_release(report, out)
    (out / "night.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _summary(report, law.house, out)


def _fresh_store(db: str | None, election: str) -> tally.Store:
    """The store to play a night into, refused when it already holds the election's releases."""
    store = open_store(db, election)
    store.init()
    if store.releases():
        raise typer.BadParameter(f"the store already holds releases for {election}; "
                                 "use a fresh --db or another --election", param_hint="--db")
    return store


def _write_release(report: replay.Reported, out: Path) -> None:
    """`release-NN.json` (the counts, seats and wire line) and `release-NN.csv` (one row per
    constituency, voting type and list)."""
    release, stem = report.release, out / f"release-{report.release.number:02d}"
    seats = seats_by_constituency(report.allocation)
    document = {"number": release.number, "name": release.name, "at": release.created_at,
                "digest": release.digest, "line": report.line,
                "corrections": list(report.incidents),
                "results": [count_json(c, seats.get(c.name)) for c in release.results]}
    stem.with_suffix(".json").write_text(json.dumps(document, ensure_ascii=False, indent=1),
                                         encoding="utf-8")
    with stem.with_suffix(".csv").open("w", newline="", encoding="utf-8") as f:
        out_csv = csv.writer(f)
        out_csv.writerow(("constituency", "voting_type", "list", "votes"))
        out_csv.writerows((c.name, kind, list_name, n) for c in release.results
                          for kind, votes in sorted(c.by_voting_type.items())
                          for list_name, n in sorted(votes.items()))


def _summary(report: replay.Reported, house: int, out: Path) -> None:
    """The final seat table (a reserved contest's winner named with the contest), the largest
    lists and what each needs for a majority."""
    totals = tally.national(report.release.results).votes
    won = sorted(report.allocation.totals().items(), key=lambda kv: (-kv[1], kv[0]))
    contest = {p: c.name for c in report.allocation.constituencies if c.community
               for p, n in c.seats.items() if n}
    majority = house // 2 + 1
    seated = [(p, n) for p, n in won if n]
    table = Table(title=f"Seats after the final count — {house} seats, {majority} to govern",
                  title_justify="left",
                  caption=f"{len(won) - len(seated)} lists without a seat: see seats.csv")
    for column in ("list", "votes", "seats", f"short of {majority}"):
        table.add_column(column, justify="left" if column == "list" else "right")
    for list_name, n in seated:
        label = f"{list_name} ({contest[list_name]} seat)" if list_name in contest else list_name
        table.add_row(label, f"{totals.get(list_name, 0):,}", str(n),
                      "" if list_name == OTHER_LISTS else str(majority - n))
    stdout.print(table)
    leaders = [(p, n) for p, n in seated if p != OTHER_LISTS][:3]
    stdout.print("Largest lists: " + "; ".join(
        f"{p} {n} seats, {majority - n} short of {majority}" for p, n in leaders) + ".")
    published = {p: n for p, n in seated if p != OTHER_LISTS}
    banzhaf = power(Game(seats=published, quota=majority)).banzhaf
    strongest = sorted(banzhaf, key=lambda p: -banzhaf[p])[:5]
    stdout.print(f"Voting power for {majority} (normalised Banzhaf among the published lists, "
                 "`majlis power`): "
                 + ", ".join(f"{p} {float(banzhaf[p]):.3f}" for p in strongest) + ".")
    elected = sum(n for _, n in won)
    stdout.print(f"{elected} of {house} seats allocated here ({len(contest)} in the reserved "
                 f"minority contests). Written to {out}/: release-01 … "
                 f"release-{report.release.number:02d} (.json, .csv), night.txt, seats.csv")
    with (out / "seats.csv").open("w", newline="", encoding="utf-8") as f:
        seats_csv = csv.writer(f)
        seats_csv.writerow(("list", "votes", "seats"))
        seats_csv.writerows((p, totals.get(p, 0), n) for p, n in won)
