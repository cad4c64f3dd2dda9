"""`majlis chart`: a release's seat table, votes against seats, projection fan or last seats,
drawn for print as SVG or PNG, in Arabic or English."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from majlis import publish

from ._allocate import stdout
from ._tally import Database, ElectionName, LawOption, law_for, open_store, release_of


def chart_command(
    kind: Annotated[publish.ChartKind, typer.Argument(
        help="hemicycle, votes-seats (of the seats on the votes counted), fan or last-seat "
             "(of a projection)")],
    release: Annotated[int, typer.Option("--release", help="The release to draw")],
    out: Annotated[Path, typer.Option("--out", help="The file to write")],
    fmt: Annotated[publish.ChartFormat | None, typer.Option(
        "--format", help="svg or png (default: OUT's suffix)")] = None,
    lang: Annotated[publish.Language, typer.Option("--lang", help="The chart's language")]
    = publish.Language.EN,
    width: Annotated[int | None, typer.Option(
        "--width", min=100, max=10_000,
        help="A PNG's width in pixels (give one of the two to keep proportions)")]
    = None,
    height: Annotated[int | None, typer.Option(
        "--height", min=100, max=10_000, help="A PNG's height in pixels")] = None,
    draws: Annotated[int, typer.Option(
        "--draws", min=100, help="fan, last-seat: complete results to draw")] = 5_000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="fan, last-seat: seed")] = 0,
    db: Database = None,
    election: ElectionName = None,
    law: LawOption = None,
) -> None:
    """Draw a release for print: the seats as a hemicycle, each list's share of the votes
    against its share of the seats, the projection's fan (expected seats, 80 % and 95 %
    intervals) or each constituency's last seat — in the dashboard's colours, right to left in
    Arabic."""
    written = fmt.value if fmt else out.suffix.lower().lstrip(".")
    if written not in tuple(publish.ChartFormat):
        raise typer.BadParameter(f"{out}: give --format svg or png, or a .svg or .png file",
                                 param_hint="--format")
    store = open_store(db, election)
    name, rules = law_for(store, law)
    found = release_of(store, release)
    projected = kind in (publish.ChartKind.FAN, publish.ChartKind.LAST_SEAT)
    stations = store.stations() if projected else ()
    figure = publish.release_chart(kind.value, found, rules, election=store.election,
                                   law_name=name, stations=stations, lang=lang.value,
                                   draws=draws, seed=seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(publish.encode_chart(figure, written, width=width, height=height))
    stdout.print(f"wrote {out}", markup=False, highlight=False)
