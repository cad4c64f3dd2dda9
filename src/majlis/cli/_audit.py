"""`majlis audit select | compare | rla plan | rla measure | forensics`: the audits of the count,
over the tally store."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from fractions import Fraction
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from majlis import audit, publish
from majlis.errors import InputError
from majlis.tally import Format, Store

from ._allocate import law_of, read_text, stderr, stdout, write_csv
from ._tally import Database, ElectionName, note_running, open_store

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
    try:
        return publish.tolerance_of(text)
    except InputError as error:
        raise typer.BadParameter(error.problems[0].message, param_hint="--tolerance") from None


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
    result, awaiting = publish.compare_store(open_store(db, election), the_law, allowed,
                                             seed=seed, per=per, size=size)
    _comparison(result, awaiting, seed is not None, output)


def _comparison(result: audit.Comparison, awaiting: list[str], drawn: bool,
                output: Format) -> None:
    if output is Format.CSV:
        write_csv(("constituency", "centre", "station", "list", "difference", "allowed",
                   "within"),
                  ((s.constituency, s.centre, s.station, list_name, d, str(s.allowed), s.within)
                   for s in result.stations for list_name, d in (s.differences or {"": 0}).items()))
        return
    if output is Format.JSON:
        typer.echo(json.dumps(publish.comparison_report(result, awaiting),
                              ensure_ascii=False, indent=2))
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
    with stderr.status(f"simulating {nights} clean nights"):
        report = publish.examine_store(store, seed=seed, nights=nights, alpha=alpha,
                                       station_rate=station_rate)
    rows = [(f.station, f.centre, f.constituency, f.voting_type, " ".join(f.tests),
             round(f.score, 2)) for f in report.queue]
    header = ("station", "centre", "constituency", "voting_type", "tests", "score")
    if queue is not None:
        with queue.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([header, *rows])
    if output is Format.CSV:
        write_csv(header, rows)
    elif output is Format.JSON:
        typer.echo(json.dumps(publish.forensics_report(report), ensure_ascii=False,
                              indent=2))
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


rla_app = typer.Typer(help="A risk-limiting audit of the seats: assertions, sample sizes, and "
                           "the sequential test over the hand counts.", no_args_is_help=True)
audit_app.add_typer(rla_app, name="rla", callback=note_running)

RiskLimit = Annotated[str, typer.Option(
    "--risk-limit", help="The largest chance of confirming a wrong outcome: 0.05 or 5%")]
Constituencies = Annotated[list[str] | None, typer.Option(
    "--constituency", help="Audit only this constituency (repeatable); all by default")]
LawPath = Annotated[Path, typer.Option("--law", help="The law (a TOML file or a preset)")]
CandidatesFile = Annotated[Path | None, typer.Option(
    "--candidates", help="Audit who sits too, the women's rule included: a CSV of "
                         "constituency,list,candidate,gender (F or M)[,region]")]


def _genders(path: Path | None, store: Store) -> publish.Genders | None:
    """The candidates file's genders, each row's constituency one of the store's."""
    return None if path is None else publish.genders_of(
        read_text(path), str(path), {s.constituency for s in store.stations()})


def _regions(path: Path | None) -> dict[str, str] | None:
    return None if path is None else publish.regions_of(read_text(path), str(path))


def risk_limit_of(text: str) -> Fraction:
    """`--risk-limit`: a fraction (0.05) or a percentage (5%), strictly between 0 and 1."""
    try:
        return publish.risk_limit_of(text)
    except InputError as error:
        raise typer.BadParameter(error.problems[0].message, param_hint="--risk-limit") from None


def _margin(p: audit.AssertionPlan) -> str:
    return f"{float(p.margin) * 100:.3f} %"


def _size(n: int | None, stations: int) -> str:
    return "all" if n is None or n >= stations else f"{n:,}"


@rla_app.command("plan")
def rla_plan_command(law: LawPath, db: Database = None, election: ElectionName = None,
                     risk_limit: RiskLimit = "5%", constituency: Constituencies = None,
                     candidates: CandidatesFile = None, output: Output = Format.TABLE) -> None:
    """The assertions that imply each constituency's reported seats (with --candidates, who
    sits too), their margins, and the stations to hand-count first at the risk limit if the
    machines were right."""
    limit = risk_limit_of(risk_limit)
    store = open_store(db, election)
    _, plans, seated = publish.plan_store(store, law_of(law), limit, constituency,
                                          genders=_genders(candidates, store),
                                          regions=_regions(candidates))
    if output is Format.CSV:
        write_csv(("constituency", "assertion", "kind", "margin", "sample_size", "stations"),
                  ((a.constituency, p.assertion.describe(), p.assertion.kind.value,
                    f"{float(p.margin):.6f}", p.sample_size or a.stations, a.stations)
                   for a in plans for p in a.assertions))
    elif output is Format.JSON:
        typer.echo(json.dumps(publish.plan_report(limit, plans, seated), ensure_ascii=False,
                              indent=2))
    else:
        table = Table(title=f"Risk-limiting audit at a risk limit of {float(limit) * 100:g} %: "
                            "stations to hand-count first, if the machines were right",
                      title_justify="left")
        for column in ("constituency", "stations", "assertions", "tightest", "margin",
                       "sample"):
            table.add_column(column, justify="left" if column in ("constituency", "tightest")
                             else "right")
        for a in plans:
            tight = min(a.assertions, key=lambda p: p.margin, default=None)
            table.add_row(a.constituency, f"{a.stations:,}", f"{len(a.assertions):,}",
                          tight.assertion.describe() if tight else "—",
                          _margin(tight) if tight else "—", _size(a.sample_size, a.stations))
        stdout.print(table)
        total = sum(min(a.sample_size, a.stations) for a in plans)
        stdout.print(f"{total:,} of {sum(a.stations for a in plans):,} stations to hand-count "
                     "first (in the order of the public lot, --per constituency).",
                     markup=False)


@rla_app.command("measure")
def rla_measure_command(law: LawPath, seed: Seed, db: Database = None,
                        election: ElectionName = None, risk_limit: RiskLimit = "5%",
                        constituency: Constituencies = None,
                        candidates: CandidatesFile = None,
                        output: Output = Format.TABLE) -> None:
    """The sequential test over the hand counts (sheets of source manual) in the lot's order:
    each assertion confirmed, to sample further, or escalated to a full hand count."""
    limit = risk_limit_of(risk_limit)
    store = open_store(db, election)
    results = publish.measure_store(store, law_of(law), limit, seed, constituency,
                                    genders=_genders(candidates, store),
                                    regions=_regions(candidates))
    if output is Format.CSV:
        write_csv(("constituency", "assertion", "status", "risk", "measured", "overstated",
                   "target", "stations"),
                  ((m.constituency, a.plan.assertion.describe(), a.status.value,
                    f"{a.risk:.6f}", m.measured, a.overstated, a.target, m.stations)
                   for m in results for a in m.assertions))
    elif output is Format.JSON:
        typer.echo(json.dumps(publish.measurement_report(limit, seed, results),
                              ensure_ascii=False, indent=2))
    else:
        _measurements(results, limit, seed)


def _measurements(results: Sequence[audit.Measurement], limit: Fraction, seed: str) -> None:
    table = Table(title=f"Risk-limiting audit, lot {seed!r}, risk limit "
                        f"{float(limit) * 100:g} %", title_justify="left")
    for column in ("constituency", "status", "measured", "target", "highest risk", "next"):
        table.add_column(column, justify="left" if column in ("constituency", "status", "next")
                         else "right")
    for m in results:
        worst = max((a.risk for a in m.assertions), default=0.0)
        table.add_row(m.constituency, m.status.value, f"{m.measured:,} of {m.stations:,}",
                      f"{m.target:,}", f"{worst * 100:.2f} %",
                      m.awaiting if m.status is audit.Status.SAMPLE_MORE and m.awaiting
                      else "—")
    stdout.print(table)
    for m in results:
        for problem in m.problems:
            stdout.print(f"  {m.constituency}: {problem}", markup=False, highlight=False)
        for a in m.assertions:
            if a.status in (audit.Status.ESCALATE, audit.Status.REFUTED):
                stdout.print(f"  {m.constituency}: {a.plan.assertion.describe()}: "
                             f"{a.status.value} (risk {a.risk * 100:.2f} %, "
                             f"{a.overstated} stations overstated it)", markup=False,
                             highlight=False)


def _drawn(path: Path) -> list[str | None]:
    """The ballots drawn so far from a file, one a line in the order drawn: the list (or
    candidate) each is for, or an empty line (or `invalid`) for an invalid ballot."""
    return [None if line.strip() in ("", "invalid") else line.strip()
            for line in read_text(path).splitlines()]


@rla_app.command("polling")
def rla_polling_command(
    law: LawPath,
    constituency: Annotated[str, typer.Option(
        "--constituency", help="The contest to poll, e.g. a seat reserved for a community")],
    db: Database = None, election: ElectionName = None, risk_limit: RiskLimit = "5%",
    seed: Annotated[int, typer.Option("--seed", min=0,
                                      help="Seed of the simulated draws behind the sample "
                                           "sizes")] = 0,
    ballots: Annotated[Path | None, typer.Option(
        "--ballots", help="The ballots drawn so far, one a line in the order drawn (the "
                          "list or candidate; empty or `invalid` for an invalid ballot)")]
    = None,
    candidates: CandidatesFile = None,
    output: Output = Format.TABLE,
) -> None:
    """A ballot-polling audit of one constituency, for a contest without station results to
    compare with or an SNTV contest (a seat reserved for a community): the ballots to draw at
    the risk limit and, with --ballots, the test over those drawn so far."""
    limit = risk_limit_of(risk_limit)
    store = open_store(db, election)
    found = publish.poll_store(store, law_of(law), limit, constituency, seed=seed,
                               drawn=_drawn(ballots) if ballots else None,
                               genders=_genders(candidates, store),
                               regions=_regions(candidates))
    tested = found.measures or (None,) * len(found.plans)
    rows = [(p.assertion.describe(), p.assertion.kind.value, p.margin, p.sample_size,
             m.status.value if m else None, m.risk if m else None)
            for p, m in zip(found.plans, tested, strict=True)]
    if output is Format.CSV:
        write_csv(("assertion", "kind", "margin", "sample_size", "status", "risk"),
                  ((d, k, f"{float(margin):.6f}", n, s or "", "" if r is None else f"{r:.6f}")
                   for d, k, margin, n, s, r in rows))
    elif output is Format.JSON:
        typer.echo(json.dumps(publish.polling_report(limit, found), ensure_ascii=False,
                              indent=2))
    else:
        cast = sum(found.votes.values()) + found.invalid
        table = Table(title=f"Ballot polling in {constituency}: {cast:,} ballots, risk "
                            f"limit {float(limit) * 100:g} %, {found.drawn:,} drawn",
                      title_justify="left")
        for column in ("assertion", "margin", "ballots to draw", "status", "risk"):
            table.add_column(column, justify="left" if column in ("assertion", "status")
                             else "right")
        for d, _, margin, n, s, r in rows:
            table.add_row(d, f"{float(margin) * 100:.3f} %", "all" if n is None else f"{n:,}",
                          s or "—", "—" if r is None else f"{r * 100:.2f} %")
        stdout.print(table)
        for name in found.also:
            stdout.print(f"Who sits here also rests on {name}: poll it too "
                         f"(--constituency {name!r}).", markup=False, highlight=False)
