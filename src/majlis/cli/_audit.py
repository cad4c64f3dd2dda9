"""`majlis audit select | compare | forensics`: the audits of the count, over the tally store."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from fractions import Fraction
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from majlis import audit, tally
from majlis.tally import Format

from ._allocate import law_of, stderr, stdout, write_csv
from ._tally import Database, ElectionName, open_store

audit_app = typer.Typer(help="Audits of the count: the public lot, hand against machine, "
                             "forensics.", no_args_is_help=True)

Output = Annotated[Format, typer.Option("--format", help="table, csv or json")]
Seed = Annotated[str, typer.Option("--seed", help="The seed announced in public for the lot")]
Per = Annotated[audit.Stratum, typer.Option(
    "--per", help="Draw within each centre (one station), constituency or all")]
Size = Annotated[int, typer.Option("--size", min=1,
                                   help="Stations per constituency, or overall (--per all)")]


@audit_app.command("select")
def select_command(seed: Seed, db: Database = None, election: ElectionName = None,
                   per: Per = audit.Stratum.CENTRE, size: Size = 1,
                   output: Output = Format.TABLE) -> None:
    """Draw the stations to hand-count by the public lot: SHA-256 of the seed and each
    station's code orders them; the first of each centre (or the first SIZE) are taken."""
    chosen = audit.select(open_store(db, election).stations(), seed, stratum=per, size=size)
    rows = [(d.rank, d.station, d.centre, d.constituency, d.digest) for d in chosen.stations]
    if output is Format.CSV:
        write_csv(("rank", "station", "centre", "constituency", "digest"), rows)
    elif output is Format.JSON:
        typer.echo(json.dumps({"seed": seed, "per": per.value, "size": size,
                               "stations": [asdict(d) for d in chosen.stations]},
                              ensure_ascii=False, indent=2))
    else:
        table = Table(title=f"The lot of seed {seed!r}: {len(rows):,} stations, "
                            f"{size if per is not audit.Stratum.CENTRE else 1} per {per.value}",
                      title_justify="left")
        for column in ("rank", "station", "centre", "constituency", "SHA-256"):
            table.add_column(column, justify="right" if column == "rank" else "left")
        for rank, *rest in rows:
            table.add_row(f"{rank:,}", *(str(x) for x in rest))
        stdout.print(table)


def tolerance_of(text: str) -> audit.Tolerance:
    """`--tolerance`: N votes per list per station, or P% of the station's machine valid votes."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(%?)\s*", text)
    if not found or (not found[2] and "." in found[1]):
        raise typer.BadParameter(f"{text!r}: give votes per list (5) or a percentage of the "
                                 "station's valid votes (2%)", param_hint="--tolerance")
    if found[2]:
        return audit.Tolerance(share=Fraction(found[1]) / 100)
    return audit.Tolerance(votes=int(found[1]))


@audit_app.command("compare")
def compare_command(
    law: Annotated[Path, typer.Option("--law", help="The law (a TOML file or a preset)")],
    db: Database = None, election: ElectionName = None,
    tolerance: Annotated[str, typer.Option(
        "--tolerance", help="Difference allowed per list and station: votes (5) or a share "
                            "of its machine valid votes (2%)")] = "0",
    seed: Annotated[str | None, typer.Option(
        "--seed", help="The lot's seed: also name the drawn stations not yet hand-counted")]
    = None,
    per: Per = audit.Stratum.CENTRE, size: Size = 1, output: Output = Format.TABLE,
) -> None:
    """Hand counts (sheets of source manual) against the machine's sheets of the same
    stations, per station, centre and constituency, and the seats they would move."""
    allowed, the_law = tolerance_of(tolerance), law_of(law)
    store = open_store(db, election)
    places = {s.code: s for s in store.stations()}
    machine = {s.station: s for s in tally.station_sheets(store, tally.Source.MACHINE)}
    hand = {s.station: s for s in tally.station_sheets(store, tally.Source.MANUAL)}
    totals: dict[str, dict[str, int]] = {}
    for sheet in tally.station_sheets(store):  # the machine's figures where it has them
        votes = (machine.get(sheet.station) or sheet).votes
        place = totals.setdefault(places[sheet.station].constituency, {})
        for party, n in votes.items():
            place[party] = place.get(party, 0) + n
    counts = [audit.HandCount(station=code, centre=places[code].centre,
                              constituency=places[code].constituency,
                              machine=machine[code].votes, hand=hand[code].votes)
              for code in sorted(hand) if code in machine and code in places]
    result = audit.compare(counts, totals, the_law, allowed)
    awaiting = [d.station for d in audit.select(places.values(), seed, stratum=per,
                                                size=size).stations
                if d.station not in hand] if seed is not None else []
    _comparison(result, awaiting, seed is not None, output)


def _comparison(result: audit.Comparison, awaiting: list[str], drawn: bool,
                output: Format) -> None:
    if output is Format.CSV:
        write_csv(("constituency", "centre", "station", "list", "difference", "allowed",
                   "within"),
                  ((s.constituency, s.centre, s.station, party, d, str(s.allowed), s.within)
                   for s in result.stations for party, d in (s.differences or {"": 0}).items()))
        return
    if output is Format.JSON:
        typer.echo(json.dumps(_json(result, awaiting), ensure_ascii=False, indent=2))
        return
    table = Table(title=f"Hand against machine: {len(result.stations):,} stations compared, "
                        f"tolerance {_tolerance(result.tolerance)}", title_justify="left")
    for column in ("constituency", "centres", "stations", "outside", "differences (hand − "
                   "machine)"):
        table.add_column(column, justify="left" if column[0] in "cd" else "right")
    for c in result.constituencies:
        table.add_row(c.constituency, str(sum(a.constituency == c.constituency
                                              for a in result.centres)),
                      f"{c.stations:,}", f"{c.outside:,}", _differences(c.differences))
    stdout.print(table)
    outside = [s for s in result.stations if not s.within]
    for s in outside:
        stdout.print(f"  outside the tolerance: {s.station} ({s.centre}, {s.constituency}): "
                     f"{_differences(s.differences)}", markup=False, highlight=False)
    if result.changes:
        stdout.print("The hand counts move seats:", markup=False)
        for m in result.changes:
            stdout.print(f"  {m.constituency}: {m.list} {m.machine} → {m.hand}", markup=False,
                         highlight=False)
    else:
        stdout.print("The hand counts move no seat.", markup=False)
    if drawn:
        stdout.print(f"{len(awaiting):,} stations drawn by the lot have no hand count yet"
                     + (": " + ", ".join(awaiting[:20]) + (" …" if len(awaiting) > 20 else "")
                        if awaiting else "."), markup=False, highlight=False)


def _tolerance(t: audit.Tolerance) -> str:
    return f"{float(t.share) * 100:g} % of valid votes" if t.share else f"{t.votes} votes"


def _differences(differences: Mapping[str, int]) -> str:
    return ", ".join(f"{p} {d:+,}" for p, d in differences.items()) or "none"


def _json(result: audit.Comparison, awaiting: list[str]) -> dict[str, object]:
    def area(a: audit.AreaComparison) -> dict[str, object]:
        return {"constituency": a.constituency, "centre": a.centre, "stations": a.stations,
                "outside": a.outside, "within": a.within, "differences": dict(a.differences)}
    return {
        "tolerance": {"votes": result.tolerance.votes, "share": str(result.tolerance.share)},
        "stations": [{"station": s.station, "centre": s.centre, "constituency": s.constituency,
                      "machine_valid": s.machine_valid, "hand_valid": s.hand_valid,
                      "allowed": str(s.allowed), "within": s.within,
                      "differences": dict(s.differences)} for s in result.stations],
        "centres": [area(a) for a in result.centres],
        "constituencies": [area(a) for a in result.constituencies],
        "seats": {"machine": dict(result.machine_seats), "hand": dict(result.hand_seats),
                  "changes": [asdict(m) for m in result.changes]},
        "awaiting": awaiting,
    }


@audit_app.command("forensics")
def forensics_command(
    db: Database = None, election: ElectionName = None,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the clean nights")] = 0,
    nights: Annotated[int, typer.Option("--nights", min=6,
                                        help="Clean nights simulated to calibrate")] = 20,
    alpha: Annotated[float, typer.Option(
        "--alpha", min=0.0, max=1.0, help="Constituency tests' false-positive rate")] = 0.05,
    station_rate: Annotated[float, typer.Option(
        "--station-rate", min=0.0, max=1.0, help="The outlier test's rate per station")] = 0.001,
    queue: Annotated[Path | None, typer.Option(
        "--queue", help="Write the review queue here as CSV")] = None,
    output: Output = Format.TABLE,
) -> None:
    """Digit tests, fingerprints, round-percentage spikes and outlier stations on the counted
    sheets, each calibrated on simulated clean nights; flagged stations make a review queue."""
    store = open_store(db, election)
    places = {s.code: s for s in store.stations()}
    with stderr.status(f"simulating {nights} clean nights"):
        report = audit.forensics(
            (audit.StationResult(station=s.station, centre=places[s.station].centre,
                                 constituency=places[s.station].constituency,
                                 voting_type=places[s.station].voting_type.value,
                                 registered=places[s.station].registered, cast=s.cast,
                                 invalid=s.invalid, votes=s.votes)
             for s in tally.station_sheets(store) if s.station in places),
            seed=seed, nights=nights, alpha=alpha, station_rate=station_rate)
    rows = [(f.station, f.centre, f.constituency, f.voting_type, " ".join(f.tests),
             round(f.score, 2)) for f in report.queue]
    header = ("station", "centre", "constituency", "voting_type", "tests", "score")
    if queue is not None:
        with queue.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([header, *rows])
    if output is Format.CSV:
        write_csv(header, rows)
    elif output is Format.JSON:
        typer.echo(json.dumps(asdict(report), ensure_ascii=False, indent=2))
    else:
        _forensics_table(report, rows)


def _forensics_table(report: audit.Forensics, rows: Sequence[tuple[object, ...]]) -> None:
    table = Table(title=f"Forensics on {report.stations:,} stations, calibrated on "
                        f"{report.nights} clean nights (seed {report.seed})",
                  title_justify="left")
    for column in ("test", "per", "threshold", "false positives", "95 % bound", "flagged"):
        table.add_column(column, justify="left" if column in ("test", "per") else "right")
    for t in report.tests:
        table.add_row(t.name, t.unit, f"{t.threshold:.2f}", f"{100 * t.false_positive_rate:.2f} %",
                      f"{100 * t.bound:.2f} %", f"{t.flagged:,}")
    stdout.print(table)
    for f in report.findings:
        if f.flagged:
            stdout.print(f"  {f.test} fires in {f.constituency}: z {f.z:.1f}", markup=False)
    seen, clean = report.fingerprint.observed, report.fingerprint.clean
    bins = sorted(((seen[t][v] - clean[t][v], t, v) for t in range(len(seen))
                   for v in range(len(seen[t]))), reverse=True)[:3]
    stdout.print("Fingerprint (turnout × leading list's share, 10 % bins), furthest above the "
                 "clean nights: " + "; ".join(
                     f"turnout {10 * t}–{10 * t + 10} %, share {10 * v}–{10 * v + 10} %: "
                     f"{seen[t][v]:,} stations (clean {clean[t][v]:,.1f})" for _, t, v in bins),
                 markup=False, highlight=False)
    queue = Table(title=f"Review queue: {len(rows):,} stations (nothing is changed)",
                  title_justify="left")
    for column in ("station", "centre", "constituency", "voting type", "tests", "score"):
        queue.add_column(column, justify="right" if column == "score" else "left")
    for row in rows[:25]:
        queue.add_row(*(str(x) for x in row))
    stdout.print(queue)
    if len(rows) > 25:
        stdout.print(f"  … {len(rows) - 25:,} more (--queue FILE or --format csv for all)",
                     markup=False)
