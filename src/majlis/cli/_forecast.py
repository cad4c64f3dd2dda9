"""`majlis project`: seat probabilities from a published release, as a table, JSON and charts."""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from majlis import data, forecast, publish
from majlis.coalitions import expected_power

from ._allocate import stderr, stdout
from ._tally import Database, ElectionName, LawOption, law_for, open_store, release_of

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CHARTS = (".png", ".svg")


def _chart_path(path: Path | None, option: str) -> None:
    """Refuse a chart file the command cannot write before spending time on the draws."""
    if path is not None and path.suffix.lower() not in CHARTS:
        raise typer.BadParameter(f"{path}: a chart is written as .png or .svg", param_hint=option)


def projection_json(p: forecast.Projection) -> dict[str, object]:
    """The projection as JSON-ready values: everything it holds, settings and seed included."""
    out = asdict(p)
    out["not_lists"] = sorted(p.not_lists)
    del out["seat_draws"]  # one row per draw: for analysis in Python, not for a JSON file
    return out


def project_command(
    release: Annotated[int, typer.Option("--release", help="The release to project from")],
    draws: Annotated[int, typer.Option("--draws", min=1, help="Complete results to draw")]
    = 100_000,
    db: Database = None,
    election: ElectionName = None,
    law: LawOption = None,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the draws")] = 0,
    target: Annotated[list[int] | None, typer.Option(
        "--target", help="Seat total to report the chance of reaching (default: a majority)")]
    = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write the projection as JSON")]
    = None,
    plot: Annotated[Path | None, typer.Option(
        "--plot", metavar="FILE", help="Chart each list's seat distribution: FILE.png or .svg")]
    = None,
    plot_last_seat: Annotated[Path | None, typer.Option(
        "--plot-last-seat", metavar="FILE",
        help="Chart each constituency's last seat: FILE.png or .svg")] = None,
    with_power: Annotated[bool, typer.Option(
        "--power", help="Also each list's expected voting power for a majority of the house, "
                        "averaged over the draws")] = False,
) -> None:
    """Seat probabilities from a release: expected seats, 80 % and 95 % intervals, the chance of
    being the largest list and of reaching a majority, and each constituency's last seat."""
    _chart_path(plot, "--plot")
    _chart_path(plot_last_seat, "--plot-last-seat")
    store = open_store(db, election)
    rules = law_for(store, law)[1]
    count = publish.release_count(release_of(store, release), store.stations(),
                                  frozenset({data.OTHER_LISTS}))
    started = time.perf_counter()
    projection = forecast.project(count, rules, draws=draws, seed=seed,
                                  targets=tuple(target or ()))
    took = time.perf_counter() - started
    reach = next(iter(projection.lists[0].reach), 0) if projection.lists else 0
    table = Table(title=f"Release {count.number} ({count.name}): {draws:,} draws, seed {seed}, "
                        f"{took:.1f} s", title_justify="left")
    for column in ("list", "expected", "80 %", "95 %", "largest", f"≥ {reach}"):
        table.add_column(column, justify="left" if column == "list" else "right")
    for x in projection.lists:
        if x.expected >= 0.05 or x.largest > 0:
            table.add_row(x.name, f"{x.expected:.1f}", "{}–{}".format(*x.interval80),
                          "{}–{}".format(*x.interval95), f"{x.largest:.0%}",
                          f"{x.reach.get(reach, 0.0):.0%}")
    stdout.print(table)
    for c in projection.constituencies:
        close = sorted(c.last_seat.items(), key=lambda kv: -kv[1])[:3]
        stdout.print(f"{c.name} ({c.counted:.0%} counted) last seat: "
                     + ", ".join(f"{p} {v:.0%}" for p, v in close), markup=False)
    if projection.not_projected:
        stdout.print("Not projected (nothing counted yet): "
                     + ", ".join(projection.not_projected), markup=False)
    if projection.exact_rows:
        stderr.print(f"{projection.exact_rows} constituency draws went through the exact "
                     "path (a tie, or a part of the law the vector path does not count)",
                     markup=False)
    if with_power:
        _expected_power(projection, rules.house // 2 + 1)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(projection_json(projection), ensure_ascii=False, indent=2))
        stdout.print(f"wrote {out}", markup=False)
    if plot is not None:
        _save(publish.plot_seats(projection, rules), plot)
    if plot_last_seat is not None:
        _save(publish.plot_last_seats(projection), plot_last_seat)


def _expected_power(projection: forecast.Projection, quota: int) -> None:
    """Banzhaf and Shapley–Shubik power averaged over the draws (each distinct seat table
    computed once, exactly), the unpublished lists' aggregate left out: it is no list."""
    keep = [j for j, p in enumerate(projection.list_names) if p not in projection.not_lists]
    names = tuple(projection.list_names[j] for j in keep)
    power = expected_power(names, projection.seat_draws[:, keep], quota)
    table = Table(title=f"Expected voting power for {quota} seats ({power.distinct:,} distinct "
                        f"seat tables in {power.draws:,} draws)", title_justify="left")
    for column in ("list", "Banzhaf", "Shapley–Shubik"):
        table.add_column(column, justify="left" if column == "list" else "right")
    for p in sorted(names, key=lambda p: -power.banzhaf[p])[:10]:
        table.add_row(p, f"{power.banzhaf[p]:.3f}", f"{power.shapley_shubik[p]:.3f}")
    stdout.print(table)


def _save(figure: Figure, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    stdout.print(f"wrote {path}", markup=False)
