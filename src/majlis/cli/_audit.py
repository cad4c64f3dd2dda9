"""`majlis audit select | compare | rla plan | rla measure | forensics`: the audits of the count,
over the tally store."""

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
from majlis.errors import InputError, Problem
from majlis.law import (
    Base,
    ConstituencyResult,
    DivisorRule,
    DivisorSeries,
    Law,
    Scope,
    SntvRule,
    VoteShare,
    allocate,
)
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
    totals = _totals(_reported(store, machine), places)
    counts = [audit.HandCount(station=code, centre=places[code].centre,
                              constituency=places[code].constituency,
                              machine=machine[code].votes, hand=hand[code].votes)
              for code in sorted(hand) if code in machine and code in places]
    result = audit.compare(counts, totals, the_law, allowed)
    awaiting = [d.station for d in audit.select(places.values(), seed, stratum=per,
                                                size=size).stations
                if d.station not in hand] if seed is not None else []
    _comparison(result, awaiting, seed is not None, output)


def _reported(store: tally.Store, machine: Mapping[str, tally.TallySheet]
              ) -> dict[str, tally.TallySheet]:
    """Each counted station's reported figures: its machine's sheet where it has one, else its
    counted sheet — what a hand count is compared with."""
    return {sheet.station: machine.get(sheet.station) or sheet
            for sheet in tally.station_sheets(store)}


def _totals(reported: Mapping[str, tally.TallySheet], places: Mapping[str, tally.Station]
            ) -> dict[str, dict[str, int]]:
    """Votes per list in each constituency, added up from the reported sheets."""
    totals: dict[str, dict[str, int]] = {}
    for code, sheet in reported.items():
        place = totals.setdefault(places[code].constituency, {})
        for list_name, n in sheet.votes.items():
            place[list_name] = place.get(list_name, 0) + n
    return totals


def _comparison(result: audit.Comparison, awaiting: list[str], drawn: bool,
                output: Format) -> None:
    if output is Format.CSV:
        write_csv(("constituency", "centre", "station", "list", "difference", "allowed",
                   "within"),
                  ((s.constituency, s.centre, s.station, list_name, d, str(s.allowed), s.within)
                   for s in result.stations for list_name, d in (s.differences or {"": 0}).items()))
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


rla_app = typer.Typer(help="A risk-limiting audit of the seats: assertions, sample sizes, and "
                           "the sequential test over the hand counts.", no_args_is_help=True)
audit_app.add_typer(rla_app, name="rla")

RiskLimit = Annotated[str, typer.Option(
    "--risk-limit", help="The largest chance of confirming a wrong outcome: 0.05 or 5%")]
Constituencies = Annotated[list[str] | None, typer.Option(
    "--constituency", help="Audit only this constituency (repeatable); all by default")]
LawPath = Annotated[Path, typer.Option("--law", help="The law (a TOML file or a preset)")]


def risk_limit_of(text: str) -> Fraction:
    """`--risk-limit`: a fraction (0.05) or a percentage (5%), strictly between 0 and 1."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(%?)\s*", text)
    limit = (Fraction(found[1]) / (100 if found[2] else 1)) if found else Fraction(-1)
    if not 0 < limit < 1:
        raise typer.BadParameter(f"{text!r}: give a risk limit between 0 and 1 (0.05) or a "
                                 "percentage (5%)", param_hint="--risk-limit")
    return limit


def _assertions(name: str, votes: Mapping[str, int], result: ConstituencyResult,
                the_law: Law) -> tuple[audit.Assertion, ...]:
    """The assertions implying a constituency's reported seats under the law's rule there."""
    rule = the_law.rule_for(name)
    if isinstance(rule, SntvRule):
        if any(n > 1 for n in result.seats.values()):
            raise InputError([Problem(source=name, line=None, field="seats", message=(
                "a list won two SNTV seats: the votes per list cannot say which candidates"))])
        return audit.plurality_assertions(name, votes, frozenset(
            p for p, n in result.seats.items() if n))
    if not isinstance(rule, DivisorRule) or not isinstance(rule.series, DivisorSeries):
        raise InputError([Problem(source="law", line=None, field="rule", message=(
            f"{name}: only divisor methods and SNTV are audited by assertions"))])
    share, exempt = _threshold(the_law, name)
    return audit.seat_assertions(name, votes, result.seats, series=rule.series,
                                 threshold=share, exempt=exempt)


def _threshold(the_law: Law, name: str) -> tuple[Fraction | None, frozenset[str]]:
    """The law's threshold as one share of a constituency's valid votes, or a clear refusal."""
    parts = [part for part, used in (("an upper tier", the_law.tier),
                                     ("surplus-vote agreements", the_law.agreements),
                                     ("a biproportional apportionment", the_law.biproportional),
                                     ("a mixed-member tier", the_law.mixed),
                                     ("a majority bonus", the_law.bonus)) if used is not None]
    t = the_law.threshold if name not in the_law.reserved else None
    condition = t.conditions[0] if t is not None and len(t.conditions) == 1 else None
    if t is not None and not (
            isinstance(condition, VoteShare) and condition.share is not None
            and condition.scope is Scope.CONSTITUENCY
            and condition.base in (Base.VALID, Base.LIST_VOTES)
            and not t.by_list and t.fallback is None):
        parts.append("a threshold other than one share of each constituency's valid votes")
    if parts:
        raise InputError([Problem(source="law", line=None, field="rla", message=(
            f"{name}: a law with {', '.join(parts)} decides a constituency's seats from more "
            "than its own votes; the audit's assertions do not cover it yet"))])
    if t is None or not isinstance(condition, VoteShare):
        return None, frozenset()
    return condition.share, frozenset(t.exempt)


def _audits(store: tally.Store, the_law: Law, limit: Fraction, only: list[str] | None
            ) -> tuple[dict[str, tally.Station], list[audit.AuditPlan]]:
    """Every constituency's plan, from the reported sheets and the seats the law gives them."""
    places = {s.code: s for s in store.stations()}
    machine = {s.station: s for s in tally.station_sheets(store, tally.Source.MACHINE)}
    reported = _reported(store, machine)
    totals = _totals(reported, places)
    unknown = sorted(set(only or ()) - set(totals))
    if unknown:
        raise InputError([Problem(source="rla", line=None, field="constituency", message=(
            f"{', '.join(unknown)}: no counted station there"))])
    allocation = allocate(the_law.election(totals), the_law)
    plans = []
    for result in allocation.constituencies:
        if only and result.name not in only:
            continue
        batches = [audit.Batch(station=code, ballots=sheet.cast, votes=dict(sheet.votes))
                   for code, sheet in reported.items()
                   if places[code].constituency == result.name]
        plans.append(audit.plan_comparison(
            result.name, batches, _assertions(result.name, totals[result.name], result,
                                              the_law), limit))
    return places, plans


def _margin(p: audit.AssertionPlan) -> str:
    return f"{float(p.margin) * 100:.3f} %"


def _size(n: int | None, stations: int) -> str:
    return "all" if n is None or n >= stations else f"{n:,}"


@rla_app.command("plan")
def rla_plan_command(law: LawPath, db: Database = None, election: ElectionName = None,
                     risk_limit: RiskLimit = "5%", constituency: Constituencies = None,
                     output: Output = Format.TABLE) -> None:
    """The assertions that imply each constituency's reported seats, their margins, and the
    stations to hand-count first at the risk limit if the machines were right."""
    limit = risk_limit_of(risk_limit)
    _, plans = _audits(open_store(db, election), law_of(law), limit, constituency)
    if output is Format.CSV:
        write_csv(("constituency", "assertion", "kind", "margin", "sample_size", "stations"),
                  ((a.constituency, p.assertion.describe(), p.assertion.kind.value,
                    f"{float(p.margin):.6f}", p.sample_size or a.stations, a.stations)
                   for a in plans for p in a.assertions))
    elif output is Format.JSON:
        typer.echo(json.dumps({"risk_limit": str(limit), "constituencies": [
            {"constituency": a.constituency, "stations": a.stations, "ballots": a.ballots,
             "sample_size": a.sample_size,
             "assertions": [{"assertion": p.assertion.describe(), "kind": p.assertion.kind.value,
                             "winner": p.assertion.winner, "loser": p.assertion.loser,
                             "margin": str(p.margin), "margin_float": float(p.margin),
                             "sample_size": p.sample_size} for p in a.assertions]}
            for a in plans]}, ensure_ascii=False, indent=2))
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
                        output: Output = Format.TABLE) -> None:
    """The sequential test over the hand counts (sheets of source manual) in the lot's order:
    each assertion confirmed, to sample further, or escalated to a full hand count."""
    limit = risk_limit_of(risk_limit)
    store = open_store(db, election)
    places, plans = _audits(store, law_of(law), limit, constituency)
    hand = {s.station: audit.Batch(station=s.station, ballots=s.cast, votes=dict(s.votes))
            for s in tally.station_sheets(store, tally.Source.MANUAL)}
    results = []
    for p in plans:
        counted = {b.station for b in p.batches}
        lot = audit.select((places[c] for c in counted), seed,
                           stratum=audit.Stratum.CONSTITUENCY, size=len(counted))
        results.append(audit.measure_comparison(p, [d.station for d in lot.stations], hand))
    if output is Format.CSV:
        write_csv(("constituency", "assertion", "status", "risk", "measured", "overstated",
                   "target", "stations"),
                  ((m.constituency, a.plan.assertion.describe(), a.status.value,
                    f"{a.risk:.6f}", m.measured, a.overstated, a.target, m.stations)
                   for m in results for a in m.assertions))
    elif output is Format.JSON:
        typer.echo(json.dumps({"risk_limit": str(limit), "seed": seed, "constituencies": [
            {"constituency": m.constituency, "status": m.status.value, "stations": m.stations,
             "measured": m.measured, "target": m.target, "awaiting": m.awaiting,
             "problems": list(m.problems),
             "assertions": [{"assertion": a.plan.assertion.describe(),
                             "status": a.status.value, "risk": a.risk,
                             "overstated": a.overstated, "target": a.target}
                            for a in m.assertions]} for m in results]},
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
