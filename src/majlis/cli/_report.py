"""`majlis report`: the representation reports of an election's seats or of a store release;
`majlis export`: a release's tables as files."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from majlis import data, publish
from majlis.law import Allocation, allocate
from majlis.tally import Format

from ._allocate import election_of, law_of, stdout, write_csv
from ._tally import Database, ElectionName, LawOption, law_for, open_store, release_of

report_app = typer.Typer(help="Representation reports: disproportionality, women, minorities.",
                         no_args_is_help=True)

Votes = Annotated[Path | None, typer.Argument(
    help="CSV: district,party,votes (or with candidate), or a bundled election by name; "
         "omit with --release")]
ReportLaw = Annotated[Path, typer.Option("--law", help="The law: a TOML file or a preset name")]
Constituencies = Annotated[Path | None, typer.Option("--districts", help="CSV: district,seats,…")]
Lists = Annotated[Path | None, typer.Option("--lists", help="CSV: party plus attributes")]
Seed = Annotated[int, typer.Option("--seed", min=0, help="Seed of the lot for ties")]
ReleaseOption = Annotated[int | None, typer.Option(
    "--release", help="Report on this release of the store instead of VOTES")]
Output = Annotated[Format, typer.Option("--format", help="table, csv or json")]


def _allocation(votes: Path | None, law: Path, constituencies: Path | None, lists: Path | None,
                seed: int, release: int | None, db: str | None,
                election: str | None) -> Allocation:
    """The seats to report on: the law applied to VOTES, or to a release's counted votes."""
    the_law = law_of(law)
    if release is not None:
        if votes is not None:
            raise typer.BadParameter("give VOTES or --release, not both", param_hint="--release")
        counts = release_of(open_store(db, election), release).results
        return allocate(the_law.election({c.name: c.votes for c in counts}), the_law)
    if votes is None:
        raise typer.BadParameter("give VOTES (a file or a bundled election) or --release N",
                                 param_hint="VOTES")
    return allocate(election_of(votes, the_law, constituencies, lists, seed=seed), the_law,
                    seed=seed)


def _exact(value: Fraction | None) -> str:
    return "" if value is None else str(value)


def _shown(value: Fraction | float | None, scale: int = 1) -> str:
    return "—" if value is None else f"{float(value) * scale:.2f}"


INDEX_COLUMNS = ("district", "votes", "seats", "gallagher", "loosemore_hanby", "enp_votes",
                 "enp_seats", "wasted", "wasted_share", "gallagher_squared_exact",
                 "loosemore_hanby_exact", "enp_votes_exact", "enp_seats_exact")


def _index_row(name: str, d: publish.Disproportionality) -> tuple[object, ...]:
    """One row of the representation report: indices in percentage points (Gallagher,
    Loosemore–Hanby, wasted share) and parties, each exact value beside it as a fraction."""
    return (name, d.total_votes, sum(d.seats.values()), _shown(d.gallagher),
            _shown(d.loosemore_hanby, 100), _shown(d.enp_votes), _shown(d.enp_seats), d.wasted,
            _shown(d.wasted_share, 100), _exact(d.gallagher_squared),
            _exact(d.loosemore_hanby), _exact(d.enp_votes), _exact(d.enp_seats))


def _write(title: str, header: Sequence[str], rows: list[tuple[object, ...]],
           output: Format) -> None:
    if output is Format.CSV:
        write_csv(tuple(header), rows)
    elif output is Format.JSON:
        typer.echo(json.dumps([dict(zip(header, r, strict=True)) for r in rows],
                              ensure_ascii=False, indent=2))
    else:
        table = Table(title=title, title_justify="left")
        for column in header:
            if not column.endswith("_exact"):
                table.add_column(column)
        keep = [i for i, c in enumerate(header) if not c.endswith("_exact")]
        for r in rows:
            table.add_row(*(str(r[i]) for i in keep))
        stdout.print(table)


@report_app.command("representation")
def representation_command(law: ReportLaw, votes: Votes = None,
                           constituencies: Constituencies = None, lists: Lists = None,
                           seed: Seed = 0, release: ReleaseOption = None, db: Database = None,
                           election: ElectionName = None, output: Output = Format.TABLE) -> None:
    """Disproportionality and fragmentation: the Gallagher and Loosemore–Hanby indices, the
    effective numbers of parties by votes and by seats, and the votes of lists that won no
    seat, for the house (district `*`) and each constituency."""
    report = publish.represent(_allocation(votes, law, constituencies, lists, seed, release, db,
                                           election))
    rows = [_index_row("*", report.house),
            *(_index_row(name, d) for name, d in report.constituencies.items())]
    _write("representation (indices in percentage points; * is the house)", INDEX_COLUMNS,
           rows, output)


@report_app.command("women")
def women_command(law: ReportLaw, votes: Votes = None,
                  constituencies: Constituencies = None, lists: Lists = None, seed: Seed = 0,
                  release: ReleaseOption = None, db: Database = None,
                  election: ElectionName = None, output: Output = Format.TABLE) -> None:
    """Women elected per constituency and list: on their own votes, through the women's
    quota, and the men the quota displaced (needs candidates with their gender)."""
    found = publish.women_seats(_allocation(votes, law, constituencies, lists, seed, release, db,
                                            election))
    rows: list[tuple[object, ...]] = [
        (r.constituency, r.list, r.seats, r.women, len(r.on_votes), len(r.by_quota),
         "; ".join(x.candidate for x in r.by_quota),
         "; ".join(x.candidate for x in r.displaced)) for r in found]
    _write("women elected", ("district", "party", "seats", "women", "on_votes", "by_quota",
                             "quota_women", "men_displaced"), rows, output)


@report_app.command("minorities")
def minorities_command(law: ReportLaw, votes: Votes = None,
                       constituencies: Constituencies = None, lists: Lists = None, seed: Seed = 0,
                       release: ReleaseOption = None, db: Database = None,
                       election: ElectionName = None, output: Output = Format.TABLE) -> None:
    """The seats reserved for communities: each contest's winners, their votes and the
    contest's."""
    found = publish.minority_seats(_allocation(votes, law, constituencies, lists, seed, release, db,
                                               election))
    rows: list[tuple[object, ...]] = [
        (r.constituency, r.community, r.list, r.candidate or "", r.votes, r.contest_votes,
         r.seats) for r in found]
    _write("minority seats", ("district", "community", "party", "candidate", "votes",
                              "contest_votes", "seats"), rows, output)


class Exported(StrEnum):
    """What `majlis export` writes: the release's tables, or its CDF report."""

    CSV = "csv"
    PARQUET = "parquet"
    CDF = "cdf"


def export_command(
    release: Annotated[int, typer.Option("--release", help="The release to export")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the files into")],
    fmt: Annotated[Exported, typer.Option(
        "--format", help="csv or parquet (one file per table), or cdf (NIST SP 1500-100 JSON)")]
    = Exported.CSV,
    db: Database = None,
    election: ElectionName = None,
    law: LawOption = None,
    polling_day: Annotated[datetime | None, typer.Option(
        "--polling-day", formats=["%Y-%m-%d"],
        help="cdf: the election's date (default: the day of the store's first release)")]
    = None,
    country: Annotated[str, typer.Option("--country", help="cdf: the country's name")] = "",
    issuer: Annotated[str, typer.Option("--issuer", help="cdf: who publishes the report")]
    = publish.CDF_ISSUER,
) -> None:
    """Write a release's tables (release, votes, counted, candidates) as CSV or Parquet files,
    one per table, into OUT; or the release as one NIST SP 1500-100 Common Data Format report,
    OUT/cdf.json, with each list's seats under the law (`--law`, default the preset named like
    the election when there is one) on the votes counted."""
    store = open_store(db, election)
    found = release_of(store, release)
    if fmt is not Exported.CDF:
        for path in publish.export_release(found, out, publish.ExportFormat(fmt.value)):
            stdout.print(f"wrote {path}", markup=False, highlight=False)
        return
    name, rules = (law_for(store, law) if law is not None or store.election in data.laws()
                   else (None, None))
    day = (polling_day.date() if polling_day is not None
           else datetime.fromisoformat(release_of(store, 1).created_at).date())
    report = publish.release_cdf(found, election=store.election, polling_day=day, law=rules,
                                 law_name=name, country=country, issuer=issuer,
                                 issuer_abbreviation=issuer)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "cdf.json"
    target.write_bytes(publish.encode_cdf(report))
    stdout.print(f"wrote {target}", markup=False, highlight=False)
