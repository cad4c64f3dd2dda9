"""Commands over what majlis carries: preset laws, bundled tables and elections, comparisons."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from majlis import data
from majlis.law import allocate
from majlis.tally import Format

from ._allocate import stdout, write_csv

data_app = typer.Typer(help="Bundled official results and their sources.", no_args_is_help=True)


def laws_command() -> None:
    """List the preset laws usable as `--law NAME`."""
    table = Table(title="preset laws (use as --law NAME)", title_justify="left")
    table.add_column("name")
    table.add_column("what")
    for name, description in data.laws().items():
        table.add_row(name, description)
    stdout.print(table)


@data_app.command("list")
def data_list() -> None:
    """List bundled elections (usable as VOTES in `majlis allocate`) and tables."""
    elections = Table(title="bundled elections (use as VOTES)", title_justify="left")
    for column in ("name", "law", "constituencies", "figures"):
        elections.add_column(column)
    for name in data.ELECTIONS:
        bundled = data.election(name)
        elections.add_row(name, bundled.law, str(len(bundled.election.constituencies)),
                          bundled.note)
    stdout.print(elections)
    tables = Table(title="bundled tables (majlis data show NAME)", title_justify="left")
    tables.add_column("name")
    tables.add_column("rows", justify="right")
    for name in data.DATASETS:
        tables.add_row(name, str(len(data.load(name))))
    stdout.print(tables)


@data_app.command("show")
def data_show(name: Annotated[str, typer.Argument(help="e.g. iraq/iraq2025_national")]) -> None:
    """Print one bundled table."""
    found = data.load(name)
    table = Table(title=name, title_justify="left")
    for column in found[0] if found else ():
        table.add_column(column)
    for row in found:
        table.add_row(*row.values())
    stdout.print(table)


def compare_command(
    election: Annotated[str, typer.Argument(help="A bundled election with published seats")],
    law: Annotated[list[str] | None, typer.Option(
        "--law", help="Preset laws to compare (default: the election's preset and its variants)",
    )] = None,
    output: Annotated[Format, typer.Option("--format", help="table, csv or json")] = Format.TABLE,
) -> None:
    """How many constituencies each candidate rule reproduces, against the published seats."""
    bundled = data.election(election)
    names = law or [n for n in data.laws()
                    if n == bundled.law or n.startswith(f"{bundled.law}-")]
    matched = {}
    for name in names:
        result = allocate(bundled.election, data.law(name))
        matched[name] = bundled.reproduced({c.name: c.seats for c in result.constituencies})
    counts = {n: sum(matched[n].values()) for n in names}
    if output is Format.JSON:
        typer.echo(json.dumps({"election": election, "note": bundled.note, "reproduced": counts,
                               "constituencies": matched}, ensure_ascii=False, indent=2))
        return
    if output is Format.CSV:
        write_csv(("constituency", *names),
                  [*((c, *(int(matched[n][c]) for n in names)) for c in bundled.published),
                   ("reproduced", *counts.values())])
        return
    table = Table(title=f"{election}: constituencies whose published seats each rule reproduces "
                        f"(✓), of {len(bundled.published)}",
                  title_justify="left", caption=bundled.note)
    table.add_column("constituency")
    for name in names:
        table.add_column(name, justify="center")
    for constituency in bundled.published:
        table.add_row(constituency, *("✓" if matched[n][constituency] else "✗" for n in names))
    table.add_section()
    table.add_row("reproduced", *map(str, counts.values()))
    stdout.print(table)
