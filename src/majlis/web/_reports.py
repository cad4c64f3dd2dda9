"""The representation reports of a release's seats, as `majlis report` prints them:
disproportionality and fragmentation, the women seated, the reserved minority seats; and a
release's tables as files, or its Common Data Format report, as `majlis export` writes them;
and its charts for print, as `majlis chart` draws them."""

from base64 import b64encode
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import date, datetime
from fractions import Fraction
from types import GenericAlias
from typing import Annotated, Any, Literal, get_type_hints
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi import Path as FastPath
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, create_model

from majlis import publish
from majlis.law import Allocation, Law, allocate
from majlis.tally import ConstituencyCount, Release

from ._auth import User
from ._outlook import MAX_DRAWS, Heavy, LanguageParam, LawParam, PublishedParam
from ._read import CSV, ERRORS, FormatParam, ReleaseParam, law_of
from ._service import ResultsService, Service, Viewer
from ._tables import Format

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["reports"], responses=ERRORS)


class RepresentationRow(BaseModel):
    """One constituency's indices, or the house's (`constituency` `*`): floats for display
    (percentage points for Gallagher, Loosemore–Hanby and the wasted share), each exact value
    as a fraction beside it."""

    constituency: str
    votes: int
    seats: int
    gallagher: float | None
    loosemore_hanby: float | None
    enp_votes: float | None
    enp_seats: float | None
    wasted: int
    wasted_share: float | None
    gallagher_squared_exact: str | None
    loosemore_hanby_exact: str | None
    enp_votes_exact: str | None
    enp_seats_exact: str | None


class WomenRow(BaseModel):
    """A list's seats in a constituency and the women among them: on their own votes, through
    the quota, and the men the quota displaced (names joined by `; `)."""

    constituency: str
    list: str
    seats: int
    women: int
    on_votes: int
    by_quota: int
    quota_women: str
    men_displaced: str


# A winner of a reserved contest, with its votes and the contest's: the report's own value, field
# for field, so the API and `majlis report minorities` cannot drift apart.
_MINORITY_FIELDS: dict[str, Any] = {
    name: (kind, ...) for name, kind in get_type_hints(publish.MinoritySeat).items()}
MinorityRow = create_model("MinorityRow", __doc__=publish.MinoritySeat.__doc__,
                           **_MINORITY_FIELDS)
MINORITY_ROWS = GenericAlias(list, (MinorityRow,))  # list[MinorityRow], for the schema


def _exact(value: Fraction | None) -> str | None:
    return None if value is None else str(value)


def _float(value: Fraction | None, scale: int = 1) -> float | None:
    return None if value is None else round(float(value) * scale, 6)


def _row(name: str, d: publish.Disproportionality) -> RepresentationRow:
    return RepresentationRow(
        constituency=name, votes=d.total_votes, seats=sum(d.seats.values()),
        gallagher=None if d.gallagher is None else round(d.gallagher, 6),
        loosemore_hanby=_float(d.loosemore_hanby, 100), enp_votes=_float(d.enp_votes),
        enp_seats=_float(d.enp_seats), wasted=d.wasted, wasted_share=_float(d.wasted_share, 100),
        gallagher_squared_exact=_exact(d.gallagher_squared),
        loosemore_hanby_exact=_exact(d.loosemore_hanby), enp_votes_exact=_exact(d.enp_votes),
        enp_seats_exact=_exact(d.enp_seats))


def _seats(counts: Sequence[ConstituencyCount], law: Law) -> Allocation | None:
    """The release's seats under the law, None when it gives seats to none counted yet."""
    if not any(c.votes and c.name in law.magnitudes for c in counts):
        return None
    return allocate(law.election({c.name: c.votes for c in counts}), law)


async def _report(request: Request, service: ResultsService, viewer: User | None,
                  release: str, law: str | None, fmt: Format,
                  rows: Callable[[Allocation], Sequence[BaseModel]]) -> Response:
    """A report of a release's seats under the law asked for (else the service's), made once
    per release and query; no rows while the law gives seats to nothing counted yet."""
    _, the_law = law_of(service, law)
    number, counts = await service.counts(release, viewer)

    def make() -> Sequence[BaseModel]:
        found = _seats(counts, the_law)
        return [] if found is None else rows(found)
    return await service.table(request, number, fmt, make)


def _representation(allocation: Allocation) -> list[RepresentationRow]:
    report = publish.represent(allocation)
    return [_row("*", report.house), *(_row(n, d) for n, d in report.constituencies.items())]


def _women(allocation: Allocation) -> list[WomenRow]:
    return [WomenRow(constituency=r.constituency, list=r.list, seats=r.seats, women=r.women,
                     on_votes=len(r.on_votes), by_quota=len(r.by_quota),
                     quota_women="; ".join(x.candidate for x in r.by_quota),
                     men_displaced="; ".join(x.candidate for x in r.displaced))
            for r in publish.women_seats(allocation)]


def _minorities(allocation: Allocation) -> list[BaseModel]:
    return [MinorityRow(**asdict(r)) for r in publish.minority_seats(allocation)]


@router.get("/representation", response_model=list[RepresentationRow], responses=CSV)
async def representation(request: Request, service: Service, viewer: Viewer,
                         release: ReleaseParam = "latest", law: LawParam = None,
                         fmt: FormatParam = Format.JSON) -> Response:
    """Disproportionality and fragmentation of a release's seats: Gallagher, Loosemore–Hanby,
    the effective numbers of parties by votes and by seats, and the votes of lists that won no
    seat — for the house (`*`) and each constituency."""
    return await _report(request, service, viewer, release, law, fmt, _representation)


@router.get("/women", response_model=list[WomenRow], responses=CSV)
async def women(request: Request, service: Service, viewer: Viewer,
                release: ReleaseParam = "latest", law: LawParam = None,
                fmt: FormatParam = Format.JSON) -> Response:
    """The women a release's seats elect, per constituency and list: on their own votes,
    through the women's quota, and the men the quota displaced (releases that carry
    candidates with their gender)."""
    return await _report(request, service, viewer, release, law, fmt, _women)


@router.get("/minorities", response_model=MINORITY_ROWS, responses=CSV)
async def minorities(request: Request, service: Service, viewer: Viewer,
                     release: ReleaseParam = "latest", law: LawParam = None,
                     fmt: FormatParam = Format.JSON) -> Response:
    """The seats reserved for communities in a release: each contest's winners, their votes
    and the contest's."""
    return await _report(request, service, viewer, release, law, fmt, _minorities)


EXPORT_TYPES = {publish.ExportFormat.CSV: "text/csv; charset=utf-8",
                publish.ExportFormat.PARQUET: "application/vnd.apache.parquet"}
ExportTableParam = Annotated[Literal["release", "votes", "counted", "candidates"], FastPath(
    description="Which table of the release")]


async def _release_or_404(service: ResultsService, release: str) -> Release:
    found = await run_in_threadpool(
        service.release, None if release == "latest" else int(release))
    if found is None:
        raise HTTPException(404, "nothing is released yet" if release == "latest"
                            else f"no release {release}")
    return found


@router.get("/export/cdf", responses={200: {"content": {"application/json": {}}, "description": (
    "The release as an NIST SP 1500-100 Election Results Common Data Format report")}})
async def export_cdf(service: Service, release: PublishedParam = "latest",
                     law: LawParam = None,
                     polling_day: Annotated[date | None, Query(description=(
                         "The election's date (default: the day of the first release)"))] = None,
                     country: Annotated[str, Query(max_length=100, description=(
                         "The country's name, for its reporting unit"))] = "") -> Response:
    """A published release as an NIST SP 1500-100 Election Results Common Data Format (version
    2) JSON report, as `majlis export --format cdf` writes it: a contest per constituency, its
    lists' votes by voting type and in all, and their seats under the law (the service's, or
    the one asked for) on the votes counted."""
    found = await _release_or_404(service, release)
    name, the_law = law_of(service, law) if law or service.law else (None, None)

    def make() -> bytes:
        day = polling_day or datetime.fromisoformat(
            (service.release(1) or found).created_at).date()
        return publish.encode_cdf(publish.release_cdf(
            found, election=service.store.election, polling_day=day, law=the_law,
            law_name=name, country=country))
    return Response(await run_in_threadpool(make), media_type="application/json", headers={
        "Content-Disposition": f'attachment; filename="release-{found.number}-cdf.json"'})


@router.get("/export/{table}", responses={200: {"content": {
    "text/csv": {}, "application/vnd.apache.parquet": {}},
    "description": "The table as a file"}})
async def export(service: Service, table: ExportTableParam, release: PublishedParam = "latest",
                 fmt: Annotated[publish.ExportFormat, Query(
                     alias="format", description="csv or parquet")] = publish.ExportFormat.CSV
                 ) -> Response:
    """One table of a published release as a file, as `majlis export` writes it: `release`,
    `votes` (by constituency, voting type and list), `counted` or `candidates`; CSV or
    Parquet."""
    found = await _release_or_404(service, release)
    (chosen,) = (t for t in publish.release_tables(found) if t.name == table)
    body = await run_in_threadpool(publish.encode_table, chosen, fmt)
    return Response(body, media_type=EXPORT_TYPES[fmt], headers={
        "Content-Disposition":
            f'attachment; filename="release-{found.number}-{table}.{fmt.value}"'})


CHART_TYPES = {publish.ChartFormat.SVG: "image/svg+xml", publish.ChartFormat.PNG: "image/png"}
ChartParam = Annotated[publish.ChartKind, FastPath(
    description="hemicycle, votes-seats, fan or last-seat")]
PixelsParam = Annotated[int | None, Query(ge=100, le=4_000, description=(
    "A PNG's size in pixels (give one to keep the chart's proportions); an SVG's proportions"))]


@router.get("/chart/{kind}", responses={200: {"content": {
    "image/svg+xml": {}, "image/png": {}}, "description": "The chart"}})
async def chart(service: Service, heavy: Heavy, kind: ChartParam,
                release: PublishedParam = "latest",
                lang: LanguageParam = publish.Language.EN,
                fmt: Annotated[publish.ChartFormat, Query(alias="format")]
                = publish.ChartFormat.SVG,
                width: PixelsParam = None, height: PixelsParam = None,
                draws: Annotated[int, Query(ge=100, le=MAX_DRAWS, description=(
                    "fan, last-seat: complete results to draw"))] = 5_000,
                seed: Annotated[int, Query(ge=0, le=2**32 - 1)] = 0,
                law: LawParam = None) -> Response:
    """A chart of a published release for print, as `majlis chart` draws it: the seats as a
    hemicycle or each list's votes against its seats (under the law on the votes counted), the
    projection's fan or each constituency's last seat; in Arabic (right to left) or English,
    in the dashboard's colours, as SVG or PNG."""
    name, the_law = law_of(service, law)
    found = await _release_or_404(service, release)

    def draw() -> bytes:
        stations = (service.store.stations()
                    if kind in (publish.ChartKind.FAN, publish.ChartKind.LAST_SEAT) else ())
        figure = publish.release_chart(kind, found, the_law, election=service.store.election,
                                       law_name=name, stations=stations, lang=lang,
                                       draws=draws, seed=seed)
        return publish.encode_chart(figure, fmt, width=width, height=height)
    return Response(await heavy.run(draw), media_type=CHART_TYPES[fmt],
                    headers={"Content-Language": lang})


@router.get("/protocol", responses={200: {"content": {"application/pdf": {}}, "description": (
    "The results protocol as it was produced and kept")}})
async def protocol(service: Service, release: PublishedParam = "latest",
                   constituency: Annotated[str | None, Query(max_length=200, description=(
                       "The constituency (default: the national protocol)"))] = None,
                   lang: LanguageParam = publish.Language.AR) -> Response:
    """A release's results protocol (PDF, per constituency or national, Arabic or English) as
    the store keeps it — made once by `majlis protocol` and never changed since — with its
    SHA-256 in `Repr-Digest` (RFC 9530); 404 until it has been produced. Check a copy with
    `majlis verify`."""
    found = await _release_or_404(service, release)
    kept = await run_in_threadpool(service.store.protocol, found.number, constituency or "",
                                   lang.value)
    if kept is None:
        raise HTTPException(404, f"no {lang.value} protocol of {constituency or 'the nation'} "
                            f"in release {found.number} has been produced: `majlis protocol "
                            f"--release {found.number}` makes it")
    name = f"protocol-{found.number}-{constituency or 'national'}-{lang.value}.pdf"
    return Response(kept.pdf, media_type="application/pdf", headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
        "Repr-Digest": f"sha-256=:{b64encode(bytes.fromhex(kept.sha256)).decode()}:",
        "Content-Language": lang.value})
