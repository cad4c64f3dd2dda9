"""`majlis certify`: the certification timeline — each published stage of the seat table
(preliminary, final, appeals, rulings, ratification) entered once, listed, and compared."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from majlis import data, tally
from majlis.errors import InputError, Problem

from ._allocate import read_text, stdout, write_csv
from ._tally import Database, ElectionName, open_store

certify_app = typer.Typer(help=(
    "The certification timeline: preliminary → final → appeals → rulings → ratification, "
    "each stage of the seat table entered once, never rewritten."), no_args_is_help=True)


class Shown(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


Output = Annotated[Shown, typer.Option("--format", help="table, csv or json")]


@certify_app.command("add")
def add_command(
    file: Annotated[Path | None, typer.Argument(
        help="The stage's table: CSV district,party,seats[,elected] (district * = the house)")]
    = None,
    kind: Annotated[str | None, typer.Option(
        "--kind", help="preliminary, final, appeals, ruling or ratification")] = None,
    name: Annotated[str | None, typer.Option("--name", help="What the stage is called")] = None,
    published_on: Annotated[str | None, typer.Option(
        "--published-on", help="The day it was published, YYYY-MM-DD")] = None,
    source: Annotated[str | None, typer.Option(
        "--source", help="Where it was published: a document, an address")] = None,
    author: Annotated[str, typer.Option("--author", help="The publisher entering it")] = "",
    bundled: Annotated[str | None, typer.Option(
        "--bundled", help="Enter a bundled timeline instead (iraq-2021, iraq-2025) into a "
                          "store without stages")] = None,
    db: Database = None,
    election: ElectionName = None,
) -> None:
    """Enter the next stage of the seat table; it is numbered, sealed with the stage before it
    and never changed. A stage whose kind comes before the last one's is refused."""
    store = open_store(db, election)
    if bundled is not None:
        _add_bundled(store, bundled, author)
        return
    missing = [flag for flag, value in (("FILE", file), ("--kind", kind), ("--name", name),
                                        ("--published-on", published_on),
                                        ("--source", source)) if value is None]
    if missing:
        raise InputError([Problem(source="certify add", line=None, field=flag,
                                  message="is needed (or --bundled ELECTION)")
                          for flag in missing])
    assert file is not None and kind is not None and name is not None
    assert published_on is not None and source is not None
    table = tally.read_stage_file(read_text(file), str(file))
    _said(store.add_stage(table, kind=kind, name=name, published_on=published_on,
                          source=source, author=author))


def _add_bundled(store: tally.Store, election: str, author: str) -> None:
    stages = data.certification(election)
    if store.stages():
        raise InputError([Problem(source="certify add", line=None, field="--bundled", message=(
            f"{store.election!r} has stages already; a bundled timeline goes into an election "
            "without any (a stage is never rewritten)"))])
    tables = [tally.read_stage_file(s.text(), s.file) for s in stages]  # all read, then in
    for stage, table in zip(stages, tables, strict=True):
        _said(store.add_stage(table, kind=stage.kind, name=stage.name,
                              published_on=stage.published_on,
                              source=f"{stage.source} (bundled: {stage.file})",
                              author=author or "majlis (bundled example)"))


def _said(stage: tally.Stage) -> None:
    stdout.print(f"stage {stage.number} ({stage.kind.value}) '{stage.name}' of "
                 f"{stage.published_on}: {len(stage.rows)} rows; digest {stage.digest[:16]}",
                 markup=False, highlight=False)


@certify_app.command("list")
def list_command(db: Database = None, election: ElectionName = None,
                 output: Output = Shown.TABLE) -> None:
    """Every stage, first first, with who entered it and its seal."""
    stages = open_store(db, election).stages()
    rows = [(s.number, s.kind.value, s.name, s.published_on, len(s.rows),
             _house(s), s.author, s.created_at, s.digest) for s in stages]
    header = ("stage", "kind", "name", "published_on", "rows", "house_seats", "author",
              "entered_at", "digest")
    if output is Shown.CSV:
        write_csv(header, rows)
    elif output is Shown.JSON:
        typer.echo(json.dumps([dict(zip(header, r, strict=True)) for r in rows],
                              ensure_ascii=False, indent=1))
    else:
        table = Table(title="certification stages", title_justify="left")
        for column in header[:-1]:
            table.add_column(column)
        for r in rows:
            table.add_row(*("" if v is None else str(v) for v in r[:-1]))
        stdout.print(table)


def _house(stage: tally.Stage) -> int | None:
    """The seats of its table of the whole house (`*`), when it has one."""
    seats = [r.seats for r in stage.rows if r.constituency == tally.NATION and r.seats]
    return sum(seats) if seats else None


@certify_app.command("show")
def show_command(number: Annotated[int, typer.Argument(help="The stage's number")],
                 db: Database = None, election: ElectionName = None,
                 output: Output = Shown.CSV) -> None:
    """One stage's table as entered (CSV by default: the format `add` reads)."""
    stage = open_store(db, election).stage(number)
    rows = [(r.constituency, r.list, "" if r.seats is None else r.seats,
             tally.SEPARATOR.join(r.elected)) for r in stage.rows]
    if output is Shown.JSON:
        typer.echo(json.dumps([{"constituency": r.constituency, "list": r.list,
                                "seats": r.seats, "elected": list(r.elected)}
                               for r in stage.rows], ensure_ascii=False, indent=1))
    elif output is Shown.TABLE:
        table = Table(title=f"stage {stage.number}: {stage.name}", title_justify="left")
        for column in ("district", "party", "seats", "elected"):
            table.add_column(column)
        for r in rows:
            table.add_row(*(str(v) for v in r))
        stdout.print(table)
    else:
        write_csv(("district", "party", "seats", "elected"), rows)


@certify_app.command("changes")
def changes_command(
    first: Annotated[int, typer.Argument(help="The earlier stage")],
    second: Annotated[int | None, typer.Argument(help="The later stage (default: the next)")]
    = None,
    db: Database = None, election: ElectionName = None, output: Output = Shown.TABLE,
) -> None:
    """What changed between two stages, in the constituencies both cover: the seats that moved
    and the members replaced (who left, who came, on which list)."""
    store = open_store(db, election)
    before, after = store.stage(first), store.stage(first + 1 if second is None else second)
    moves, names = tally.stage_changes(before, after)
    if output is Shown.JSON:
        typer.echo(json.dumps(changes_json(before, after, moves, names), ensure_ascii=False,
                              indent=1))
        return
    if output is Shown.CSV:
        write_csv(("change", "district", "party", "before", "after", "left", "entered"), [
            *(("seats", m.constituency, m.list, _n(m.before), _n(m.after), "", "")
              for m in moves),
            *(("name", n.constituency, _lists(n), "", "", n.left[1] if n.left else "",
               n.entered[1] if n.entered else "") for n in names)])
        return
    shared = sorted(before.constituencies & after.constituencies)
    stdout.print(f"stage {before.number} ({before.kind.value}, {before.published_on}) → stage "
                 f"{after.number} ({after.kind.value}, {after.published_on}), in "
                 + ", ".join("the whole house" if c == tally.NATION else c for c in shared),
                 markup=False, highlight=False)
    moved = [m for m in moves if None not in (m.before, m.after)]
    listed = [m for m in moves if None in (m.before, m.after)]
    stdout.print("seats moved:" if moved else "seats moved: none", markup=False)
    for m in moved:
        stdout.print(f"  {_place(m.constituency)}: {m.list} {m.before} → {m.after}",
                     markup=False, highlight=False)
    if listed:
        stdout.print("in one stage's table only (not published in the other):", markup=False)
        for m in listed:
            stdout.print(f"  {_place(m.constituency)}: {m.list} {_n(m.before) or '—'} → "
                         f"{_n(m.after) or '—'}", markup=False, highlight=False)
    stdout.print("members replaced:" if names else "members replaced: none", markup=False)
    for n in names:
        left = f"{n.left[1]} ({n.left[0]})" if n.left else "—"
        came = f"{n.entered[1]} ({n.entered[0]})" if n.entered else "—"
        stdout.print(f"  {_place(n.constituency)}: {left} → {came}", markup=False,
                     highlight=False)


def changes_json(before: tally.Stage, after: tally.Stage, moves: tuple[tally.SeatMove, ...],
                 names: tuple[tally.NameChange, ...]) -> dict[str, object]:
    """The changes as the CLI's `--format json` and the API write them."""
    return {"from": before.number, "to": after.number,
            "constituencies": sorted(before.constituencies & after.constituencies),
            "seat_moves": [{"constituency": m.constituency, "list": m.list, "before": m.before,
                            "after": m.after} for m in moves],
            "name_changes": [{"constituency": n.constituency,
                              "left": {"list": n.left[0], "name": n.left[1]} if n.left else None,
                              "entered": ({"list": n.entered[0], "name": n.entered[1]}
                                          if n.entered else None)} for n in names]}


def _n(value: int | None) -> str:
    return "" if value is None else str(value)


def _place(constituency: str) -> str:
    return "the house" if constituency == tally.NATION else constituency


def _lists(change: tally.NameChange) -> str:
    sides = [s[0] for s in (change.left, change.entered) if s]
    return sides[0] if len(set(sides)) == 1 else " → ".join(sides)
