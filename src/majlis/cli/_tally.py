"""Commands over the tally store: a thin layer over `majlis.tally`."""

from __future__ import annotations

import json
import os
from datetime import datetime
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from majlis import audit, data, tally
from majlis.errors import InputError, Problem, StoreError
from majlis.law import Allocation, Law, allocate, seat_table
from majlis.tally import Format, Level

from ._allocate import law_of, read_text, stderr, stdout, write_csv

Database = Annotated[str | None, typer.Option(
    "--db", help="Database URL (default: $MAJLIS_DATABASE_URL, else sqlite:///majlis.db)")]
db_app = typer.Typer(help="The tally store's database.", no_args_is_help=True)


ElectionName = Annotated[str | None, typer.Option(
    "--election", help="Which election in the store (default: $MAJLIS_ELECTION, else 'default')")]


RUNNING: list[str] = []  # the command this process runs, group by group: ["users", "revoke"]


def note_running(context: typer.Context) -> None:
    """Every command group's callback: the subcommand it hands over to, so the audit log names
    the whole command (`majlis users revoke`), not its group."""
    if context.invoked_subcommand:
        RUNNING.append(context.invoked_subcommand)


def open_store(url: str | None, election: str | None) -> tally.Store:
    """The store, acting for the person at the terminal: its writes are logged under their
    login name, address `local` and the command they ran (`majlis users revoke`)."""
    return tally.Store(url or os.environ.get("MAJLIS_DATABASE_URL", tally.DEFAULT_URL),
                       election or os.environ.get("MAJLIS_ELECTION", "default")).by(
        tally.Caller.local(" ".join(["majlis", *RUNNING])))


def audit_log_command(
    since: Annotated[str | None, typer.Option(
        "--since", help="Lines at or after this moment, ISO 8601 (UTC without an offset)")]
    = None,
    user: Annotated[str | None, typer.Option("--user", help="Lines of this user")] = None,
    kind: Annotated[str | None, typer.Option(
        "--kind", help="sheets, correction, desk-entry, settlement, recount-order, release, "
        "certification, register, device, signatures, schema, sign-in, sign-out or "
        "revocation")] = None,
    outcome: Annotated[str | None, typer.Option(
        "--outcome", help="success, refused or failed")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="The last this many lines")]
    = 1000,
    output: Annotated[Format, typer.Option("--format", help="table, csv or json")]
    = Format.TABLE,
    db: Database = None,
    election: ElectionName = None,
) -> None:
    """The audit log: every write and sign-in — who, when (UTC), from where, by which route
    or command, to what, and how it ended — oldest first."""
    moment = None
    if since is not None:
        try:
            moment = datetime.fromisoformat(since)
        except ValueError:
            raise InputError([Problem(source="audit-log", line=None, field="--since", message=(
                f"{since!r} is not an ISO 8601 time; expected e.g. 2025-11-11T19:00"))]
                             ) from None
    columns = ("at", "user", "role", "address", "action", "kind", "subject", "outcome",
               "detail")
    rows = [(x.at.isoformat(), x.user, x.role, x.address, x.action, x.kind, x.subject,
             x.outcome, x.detail)
            for x in open_store(db, election).audit_log(since=moment, user=user, kind=kind,
                                                        outcome=outcome, limit=limit)]
    if output is Format.CSV:
        write_csv(columns, rows)
        return
    if output is Format.JSON:
        typer.echo(json.dumps([dict(zip(columns, row, strict=True)) for row in rows],
                              ensure_ascii=False, indent=2))
        return
    table = Table(title="audit log (UTC)", title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))  # as written: no markup of theirs
    stdout.print(table)


@db_app.command("init")
def db_init(db: Database = None, election: ElectionName = None) -> None:
    """Create or upgrade the store's tables."""
    store = open_store(db, election)
    store.init()
    stdout.print(f"tally store ready at {store.location}")


def list_names(store: tally.Store) -> data.ListNames:
    """One name per list: the election's bundled alias table and the aliases its store keeps
    (none from a store not ready yet: its files are read first, the store then says what to run)."""
    try:
        stored = store.aliases()
    except StoreError:
        stored = {}
    return data.list_names(store.election).with_aliases(stored)


def ingest_command(
    files: Annotated[list[Path], typer.Argument(help="Stations, lists or sheets: CSV or JSON")],
    db: Database = None,
    election: ElectionName = None,
) -> None:
    """Register stations and lists, and take in tally sheets, checking every one. Lists are
    named as the election's alias table names them; a lists file's `alias` column adds
    spellings, kept in the store for the files after it and every later ingest."""
    store = open_store(db, election)
    names = list_names(store)
    parsed = []
    for path in files:
        found = tally.read_tally_file(read_text(path), str(path), names.canonical)
        names = names.with_aliases(found.aliases)
        parsed.append((path, found))
    for _, found in parsed:
        if found.stations or found.lists or found.aliases:
            store.register(found.stations, found.lists, found.candidates,
                           {alias: names.canonical(name) for alias, name in found.aliases.items()})
    sheets = [s for _, found in parsed for s in found.sheets]
    origins = [o for _, found in parsed for o in found.origins]
    if not sheets:
        stdout.print(f"registered {sum(len(f.stations) for _, f in parsed)} stations, "
                     f"{len({x for _, f in parsed for x in f.lists})} lists and "
                     f"{sum(len(f.candidates) for _, f in parsed)} candidates")
        return
    with Progress(TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=stderr, transient=True) as bar:
        task = bar.add_task("sheets", total=len(sheets))
        report = store.ingest(sheets, progress=lambda n: bar.advance(task, n),
                              origins=origins)
    stdout.print(f"{report.accepted} accepted, {report.quarantined} quarantined, "
                 f"{report.awaiting_second_entry} awaiting a second entry, "
                 f"{report.duplicates} duplicates")


def correct_command(
    file: Annotated[Path, typer.Argument(help="The corrected sheet(s), CSV or JSON")],
    reason: Annotated[str, typer.Option("--reason", help="Why the sheet is corrected")],
    author: Annotated[str, typer.Option("--author", help="Who corrects it")],
    db: Database = None,
    election: ElectionName = None,
) -> None:
    """Store a corrected sheet as a new version, with its reason and author."""
    store = open_store(db, election)
    sheets = tally.read_tally_file(read_text(file), str(file), list_names(store).canonical).sheets
    if not sheets:
        raise InputError([Problem(source=str(file), line=None, field="sheets",
                                  message="no tally sheet in this file to correct")])
    report = tally.IngestReport()
    for sheet in sheets:
        report += store.correct(sheet, reason=reason, author=author)
    stdout.print(f"{report.accepted} accepted, {report.quarantined} quarantined")


def quarantine_command(db: Database = None, election: ElectionName = None) -> None:
    """Sheets held back, with every rule each one failed."""
    table = Table(title="quarantined sheets", title_justify="left")
    for column in ("station", "source", "version", "rule", "what is wrong"):
        table.add_column(column)
    for q in open_store(db, election).quarantined():
        for f in q.failures:
            table.add_row(q.station, q.source, str(q.version), f.rule, f.message)
    stdout.print(table)


def verify_chain_command(
    db: Database = None,
    election: ElectionName = None,
    published: Annotated[list[str] | None, typer.Option(
        "--published", help="A release digest kept outside the store (repeatable): it must "
        "still be there, with every release and sheet before it")] = None,
    head: Annotated[list[str] | None, typer.Option(
        "--head", help="A sheet chain head kept outside the store (printed by `majlis "
        "release`; repeatable): the chain must still pass through it")] = None,
) -> None:
    """Recompute the hash chains of sheets and releases and recount the running totals: prove
    no stored sheet or release was altered or removed, and every total is the sheets' sum."""
    verdict = audit.verify_chain(open_store(db, election).chain(), published or (), head or ())
    if verdict.intact:
        before = (f", {verdict.unchained} from before the release chain (only their results "
                  "checked)") if verdict.unchained else ""
        stdout.print(f"chain intact: {verdict.checked} sheet versions and {verdict.releases} "
                     f"releases verified{before}; the running totals equal the sheets")
        for name, last in verdict.latest:
            stdout.print(f"last release of {name}: {last} (kept outside the store, "
                         "`--published` it later to prove nothing up to it was removed)",
                         markup=False, highlight=False)
        return
    if verdict.broken is not None:
        station, source, version = verdict.broken
        stderr.print(f"chain BROKEN at station {station} ({source}, version {version}): "
                     f"{verdict.reason}; {verdict.checked} versions before it verified",
                     markup=False, highlight=False)
    for problem in verdict.problems:
        stderr.print(f"chain BROKEN: {problem}", markup=False, highlight=False)
    raise SystemExit(1)


def release_command(
    name: Annotated[str, typer.Argument(help="What this release is called, e.g. '80 % counted'")],
    author: Annotated[str, typer.Option("--author", help="Who publishes it (kept with it)")]
    = "",
    db: Database = None,
    election: ElectionName = None,
    at: Annotated[str | None, typer.Option(
        "--at", help="The moment it stands for, ISO 8601 with its offset, e.g. "
                     "2025-11-12T01:30:00+03:00 (default: now)")] = None,
) -> None:
    """Publish the results as they stand: a numbered snapshot that never changes."""
    published = open_store(db, election).release(name, author=author, at=_moment(at))
    counted = sum(c.counted for c in published.results)
    stations = sum(c.stations for c in published.results)
    stdout.print(f"release {published.number} '{published.name}' at {published.created_at}: "
                 f"{counted} of {stations} stations counted; digest {published.digest[:16]}")
    stdout.print(f"chain head {published.sheet_head} (keep it outside the store: "
                 "`majlis verify-chain --head` it later to prove the sheets up to it unchanged)",
                 markup=False, highlight=False)


def _moment(text: str | None) -> datetime | None:
    """`--at` as a moment with its offset; the store refuses one without."""
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise InputError([Problem(source="release", line=None, field="--at", message=(
            f"{text!r} is not an ISO 8601 time; expected e.g. 2025-11-12T01:30:00+03:00"))]
                         ) from None


def releases_command(db: Database = None, election: ElectionName = None) -> None:
    """Every release so far, oldest first."""
    table = Table(title="releases", title_justify="left")
    for column in ("number", "name", "published", "by", "stations counted"):
        table.add_column(column)
    for r in open_store(db, election).releases():
        table.add_row(str(r.number), r.name, r.created_at, r.author,
                      f"{sum(c.counted for c in r.results)} of "
                      f"{sum(c.stations for c in r.results)}")
    stdout.print(table)


def reconcile_command(
    file: Annotated[Path, typer.Argument(help="Another source's figures: constituency,list,votes")],
    db: Database = None,
    election: ElectionName = None,
    release: Annotated[int | None, typer.Option("--release", help="Compare a release")] = None,
) -> None:
    """Every constituency and list where another published source differs from ours."""
    store = open_store(db, election)
    figures = tally.read_tally_file(read_text(file), str(file),
                                    data.list_names(store.election).canonical).figures
    ours = release_of(store, release).results if release else store.results()
    found = audit.reconcile({c.name: c.votes for c in ours}, figures)
    table = Table(title=f"{len(found)} differences with {file}", title_justify="left")
    for column in ("constituency", "list", "ours", "theirs", "difference"):
        table.add_column(column, justify="left" if column in ("constituency", "list")
                         else "right")
    for d in found:
        gap = "" if d.ours is None or d.theirs is None else f"{d.theirs - d.ours:+,}"
        table.add_row(d.constituency, d.list, "—" if d.ours is None else f"{d.ours:,}",
                      "—" if d.theirs is None else f"{d.theirs:,}", gap)
    stdout.print(table)


LawOption = Annotated[Path | None, typer.Option(
    "--law", help="A TOML file or a preset (default: the preset named like the election)")]


def law_for(store: tally.Store, law: Path | None) -> tuple[str, Law]:
    """The law `--law` names, else the preset named like the store's election; with its name."""
    name = law or Path(store.election)
    if law is None and str(name) not in data.laws():
        raise typer.BadParameter(f"no preset law named {name}; give one", param_hint="--law")
    return str(name), law_of(name)


def release_of(store: tally.Store, number: int) -> tally.Release:
    """Release `number` of the store, or the `--release` usage error every command gives."""
    found = {r.number: r for r in store.releases()}
    if number not in found:
        raise typer.BadParameter(f"no release {number}; there are {len(found)}",
                                 param_hint="--release")
    return found[number]


def seats_by_constituency(allocation: Allocation) -> dict[str, dict[str, int]]:
    """The seat table (`majlis.law.seat_table`) by constituency and list, as `majlis results
    --law` and the replay's release files show it."""
    found: dict[str, dict[str, int]] = {}
    for row in seat_table(allocation):
        found.setdefault(row.constituency, {})[row.list] = row.seats
    return found


def count_json(c: tally.ConstituencyCount, seats: dict[str, int] | None) -> dict[str, object]:
    """One constituency's count as the JSON `majlis results` and the replay's files share."""
    return {"constituency": c.name, "stations": c.stations, "counted": c.counted,
            "percent_counted": round(c.percent_counted, 2), "votes": c.votes,
            "by_voting_type": c.by_voting_type, "stations_by_type": c.stations_by_type,
            "counted_by_type": c.counted_by_type, "seats": seats}


def results_command(
    db: Database = None,
    election: ElectionName = None,
    law: Annotated[Path | None, typer.Option(
        "--law", help="Also allocate seats on the counted votes (a TOML file or a preset)")]
    = None,
    release: Annotated[int | None, typer.Option(
        "--release", help="Show a published release instead of the live count")] = None,
    since: Annotated[int | None, typer.Option(
        "--since", help="Add each list's change since this release")] = None,
    level: Annotated[Level, typer.Option(
        "--level", help="constituency, centre, national or candidate")] = Level.CONSTITUENCY,
    constituency: Annotated[str | None, typer.Option(
        "--constituency", help="Only this constituency's candidates (with --level candidate)")]
    = None,
    output: Annotated[Format, typer.Option("--format", help="table, csv or json")]
    = Format.TABLE,
) -> None:
    """Votes counted so far per constituency and list, with % of stations counted."""
    store = open_store(db, election)
    if level is Level.CANDIDATE:
        people = ([k for k in release_of(store, release).candidates
                   if constituency in (None, k.constituency)]
                  if release else store.candidates(constituency))
        _candidates(people, output)
        return
    if constituency is not None:
        raise typer.BadParameter("only with --level candidate", param_hint="--constituency")
    if level is Level.CENTRE:
        write_csv(("district", "centre", "party", "votes", "stations_counted", "stations"),
                  ((c.constituency, c.centre, list_name, n, c.counted, c.stations)
                   for c in store.centres() for list_name, n in sorted(c.votes.items())))
        return
    counts = list(release_of(store, release).results) if release else store.results()
    if level is Level.NATIONAL:
        counts = [tally.national(counts)]
    moved = {(c.constituency, c.list): c.gained
             for c in tally.changes(release_of(store, since).results, counts)} if since else {}
    seats: dict[str, dict[str, int]] = {}
    if law is not None:
        the_law = law_of(law)
        seats = seats_by_constituency(
            allocate(the_law.election({c.name: c.votes for c in counts}), the_law))
    rows = [(c.name, list_name, n, seats.get(c.name, {}).get(list_name, ""), c.counted, c.stations,
             *((moved.get((c.name, list_name), 0),) if since else ()))
            for c in counts for list_name, n in sorted(c.votes.items(), key=lambda x: -x[1])]
    if output is Format.CSV:
        write_csv(("district", "party", "votes", "seats", "stations_counted", "stations",
                   *((f"since_release_{since}",) if since else ())), rows)
        return
    if output is Format.JSON:
        typer.echo(json.dumps([count_json(c, seats.get(c.name)) for c in counts],
                              ensure_ascii=False, indent=2))
        return
    for c in counts:
        table = Table(title=f"{c.name} — {c.counted} of {c.stations} stations counted "
                            f"({c.percent_counted:.1f} %)", title_justify="left")
        for column in ("list", "votes", *(("seats",) if seats else ()),
                       *((f"since release {since}",) if since else ())):
            table.add_column(column, justify="left" if column == "list" else "right")
        for list_name, n in sorted(c.votes.items(), key=lambda x: -x[1]):
            table.add_row(list_name, f"{n:,}",
                          *((str(seats.get(c.name, {}).get(list_name, 0)),) if seats else ()),
                          *((f"{moved.get((c.name, list_name), 0):+,}",) if since else ()))
        stdout.print(table)


def _candidates(people: list[tally.CandidateCount], output: Format) -> None:
    """Candidates' votes per constituency and list, most first: `majlis results --level
    candidate`."""
    if output is Format.CSV:
        write_csv(("district", "party", "candidate", "votes"),
                  ((k.constituency, k.list, k.candidate, k.votes) for k in people))
        return
    if output is Format.JSON:
        typer.echo(json.dumps([{"constituency": k.constituency, "list": k.list,
                                "candidate": k.candidate, "votes": k.votes} for k in people],
                              ensure_ascii=False, indent=2))
        return
    if not people:
        stdout.print("no candidate votes counted: no counted sheet names a candidate")
    for name, rows in groupby(people, key=attrgetter("constituency")):
        table = Table(title=f"{name} — candidates", title_justify="left")
        for column in ("list", "candidate", "votes"):
            table.add_column(column, justify="right" if column == "votes" else "left")
        for k in rows:
            table.add_row(k.list, k.candidate, f"{k.votes:,}")
        stdout.print(table)
