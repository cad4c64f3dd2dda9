"""What the public reads: the published releases — results by level and voting type, % of
stations counted, seats under a law — as JSON or CSV, cached per release."""

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel

from majlis.errors import InputError, Problem
from majlis.law import Law, allocate, seat_table
from majlis.tally import ConstituencyCount, Level, Source, VotingType, national

from ._auth import Role
from ._live import stream
from ._models import (
    CandidateRow,
    CentreResultRow,
    ConstituencyOut,
    CountedRow,
    CountOut,
    ElectionOut,
    ErrorOut,
    HistoryRow,
    ReleaseFigures,
    ReleaseOut,
    ResultRow,
    SeatRow,
    SheetVersionOut,
    percent,
    release_out,
    version_out,
)
from ._service import ResultsService, Service, Viewer, law_named
from ._tables import Format, Served

__all__ = [
    "CSV",
    "ERRORS",
    "FormatParam",
    "Level",
    "ReleaseParam",
    "law_of",
    "refuse",
    "router",
    "seat_rows",
]


# The levels the service reads results at (candidates have their own route).
Levels = Literal[Level.NATIONAL, Level.CONSTITUENCY, Level.CENTRE]


ReleaseParam = Annotated[str, Query(
    pattern=r"^(latest|live|[1-9][0-9]{0,8})$",
    description="`latest` (the default), a release number, or `live` (results staff only)")]
FormatParam = Annotated[Served, Query(alias="format", description="json, or csv (also: `.csv`)")]
CSV: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "The table (JSON or CSV)"},
    304: {"description": "Not modified since the ETag given in If-None-Match"}}
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut} for code in (401, 404, 422, 503)}


def _count_out(c: ConstituencyCount) -> CountOut:
    return CountOut(constituency=c.name, stations=c.stations, counted=c.counted,
                    percent_counted=percent(c.counted, c.stations), votes=c.votes,
                    by_voting_type=c.by_voting_type, stations_by_type=c.stations_by_type,
                    counted_by_type=c.counted_by_type)


def _only(c: ConstituencyCount, voting_type: VotingType | None) -> ConstituencyCount:
    """The count of one voting type, or all of it when None."""
    if voting_type is None:
        return c
    t = voting_type.value
    return ConstituencyCount(name=c.name, stations_by_type={t: c.stations_by_type.get(t, 0)},
                             counted_by_type={t: c.counted_by_type.get(t, 0)},
                             by_voting_type={t: c.by_voting_type.get(t, {})},
                             registered_counted_by_type={
                                 t: c.registered_counted_by_type.get(t, 0)})


def _result_rows(counts: Sequence[ConstituencyCount]) -> list[ResultRow]:
    return [ResultRow(constituency=c.name, list=list_name, votes=n, stations_counted=c.counted,
                      stations=c.stations, percent_counted=percent(c.counted, c.stations))
            for c in counts
            for list_name, n in sorted(c.votes.items(), key=lambda x: (-x[1], x[0]))]


def seat_rows(counts: Sequence[ConstituencyCount], law: Law, level: Level) -> list[SeatRow]:
    """Seats on the votes so far, in the constituencies the law gives seats to."""
    election = law.election({c.name: c.votes for c in counts})
    if not election.constituencies:
        return []
    result = allocate(election, law)
    if level is Level.NATIONAL:
        votes = national(counts).votes
        won = result.totals()
        return sorted((SeatRow(constituency="national", list=p, votes=votes.get(p, 0),
                               seats=won.get(p, 0)) for p in votes.keys() | won.keys()),
                      key=lambda r: (-r.seats, -r.votes, r.list))
    # per constituency: a tier whose seats are not placed is no constituency (level=national
    # counts its seats)
    unplaced = result.tier.name if result.tier is not None and not result.tier.placed else None
    return [SeatRow(constituency=r.constituency, list=r.list, votes=r.votes, seats=r.seats)
            for r in seat_table(result) if r.constituency != unplaced]


def refuse(field: str, message: str) -> InputError:
    """A query the caller got wrong (422), with the field to fix."""
    return InputError([Problem(source="query", line=None, field=field, message=message)])


def law_of(service: ResultsService, asked: str | None) -> tuple[str, Law]:
    """The preset law asked for, else the service's, by name."""
    name = asked or service.law
    if name is None:
        raise refuse("law", "this service has no law: name a preset, e.g. law=iraq-2025")
    return name, law_named(name)


# The public routes (and `release=live`, `level=centre` for signed-in staff).
router = APIRouter(prefix="/api", tags=["results"], responses=ERRORS)


def _election(service: ResultsService) -> ElectionOut:
    found = service.releases()
    return ElectionOut(name=service.store.election, law=service.law, releases=len(found),
                       latest=release_out(found[-1]) if found else None)


@router.get("/elections", response_model=list[ElectionOut])
async def elections(request: Request, service: Service) -> Response:
    """The elections this service publishes (one per service)."""
    return await service.table(request, len(service.releases()), Format.JSON,
                               lambda: [_election(service)])


@router.get("/election", response_model=ElectionOut)
async def this_election(request: Request, service: Service) -> Response:
    """This election: its name, the law its seats follow, and the latest release."""
    return await service.table(request, len(service.releases()), Format.JSON,
                               lambda: _election(service))


@router.get("/releases", response_model=list[ReleaseOut], responses=CSV)
async def releases(request: Request, service: Service,
                   fmt: FormatParam = Format.JSON) -> Response:
    """Every release so far, oldest first, with the share of stations counted."""
    found = service.releases()
    return await service.table(request, len(found), fmt, lambda: [release_out(r) for r in found])


@router.get("/releases/{number}", response_model=ReleaseFigures, responses=CSV)
async def one_release(request: Request, service: Service, number: int,
                      fmt: FormatParam = Format.JSON) -> Response:
    """One release with its figures (CSV: a row per constituency and list)."""
    found = service.release(number) if number > 0 else None
    if found is None:
        raise HTTPException(404, f"no release {number}")

    def make() -> BaseModel | Sequence[BaseModel]:
        if fmt is Format.CSV:
            return _result_rows(found.results)
        return ReleaseFigures(**release_out(found).model_dump(),
                              results=[_count_out(c) for c in found.results])
    return await service.table(request, found.number, fmt, make)


@router.get("/constituencies", response_model=list[ConstituencyOut], responses=CSV)
async def constituencies(request: Request, service: Service, viewer: Viewer,
                         release: ReleaseParam = "latest",
                         fmt: FormatParam = Format.JSON) -> Response:
    """Each constituency: its seats under the service's law, stations and % counted."""
    number, counts = await service.counts(release, viewer)
    magnitudes = law_named(service.law).magnitudes if service.law else {}
    return await service.table(request, number, fmt, lambda: [ConstituencyOut(
        name=c.name, magnitude=magnitudes.get(c.name), stations=c.stations,
        counted=c.counted, percent_counted=percent(c.counted, c.stations))
        for c in counts])


@router.get("/counted", response_model=list[CountedRow], responses=CSV)
async def counted(request: Request, service: Service, viewer: Viewer,
                  release: ReleaseParam = "latest", fmt: FormatParam = Format.JSON) -> Response:
    """% of stations counted, by constituency and voting type."""
    number, counts = await service.counts(release, viewer)
    return await service.table(request, number, fmt, lambda: [CountedRow(
        constituency=c.name, voting_type=t, stations=n, counted=c.counted_by_type.get(t, 0),
        percent_counted=percent(c.counted_by_type.get(t, 0), n))
        for c in counts for t, n in sorted(c.stations_by_type.items())])


@router.get("/results", response_model=list[ResultRow] | list[CentreResultRow],
            responses=CSV)
async def results(request: Request, service: Service, viewer: Viewer,
                  release: ReleaseParam = "latest", level: Levels = Level.CONSTITUENCY,
                  voting_type: VotingType | None = None,
                  constituency: Annotated[str | None, Query(max_length=200)] = None,
                  fmt: FormatParam = Format.JSON) -> Response:
    """Votes per list — nationally, per constituency, or per polling centre (live, staff
    only) — of one voting type or all, with the stations counted."""
    if level is Level.CENTRE:
        if release != "live" or voting_type is not None:
            raise refuse("level", "centre results are live counts of every voting type: "
                                   "ask with release=live and no voting_type")
        await service.counts(release, viewer)  # the staff check
        return await service.table(request, None, fmt, lambda: [CentreResultRow(
            constituency=c.constituency, centre=c.centre, list=list_name, votes=n,
            stations_counted=c.counted, stations=c.stations)
            for c in service.store.centres()
            if constituency in (None, c.constituency)
            for list_name, n in sorted(c.votes.items(), key=lambda x: (-x[1], x[0]))])
    number, counts = await service.counts(release, viewer)

    def make() -> list[ResultRow]:
        chosen = [_only(c, voting_type) for c in counts
                  if constituency in (None, c.name)]
        return _result_rows([national(chosen)] if level is Level.NATIONAL else chosen)
    return await service.table(request, number, fmt, make)


@router.get("/candidates", response_model=list[CandidateRow], responses=CSV)
async def candidates(request: Request, service: Service, viewer: Viewer,
                     release: ReleaseParam = "latest",
                     constituency: Annotated[str | None, Query(
                         max_length=200, pattern=r"^[^\x00-\x1f]+$")] = None,
                     fmt: FormatParam = Format.JSON) -> Response:
    """Candidates' personal votes per constituency and list, most first — frozen in each
    release like the list votes (none in a release made before majlis kept them)."""
    number, found = await service.candidates(release, viewer, constituency)
    return await service.table(request, number, fmt, lambda: [CandidateRow(
        constituency=k.constituency, list=k.list, candidate=k.candidate, votes=k.votes)
        for k in found])


@router.get("/seats", response_model=list[SeatRow], responses=CSV)
async def seats(request: Request, service: Service, viewer: Viewer,
                release: ReleaseParam = "latest",
                law: Annotated[str | None, Query(max_length=100, description=(
                    "A preset law (`majlis laws`); default: the service's"))] = None,
                level: Annotated[Levels, Query(description="national or constituency")]
                = Level.NATIONAL,
                fmt: FormatParam = Format.JSON) -> Response:
    """Seats on the votes of a release, as a preset law allocates them."""
    if level is Level.CENTRE:
        raise refuse("level", "seats are allocated nationally or per constituency")
    _, the_law = law_of(service, law)
    number, counts = await service.counts(release, viewer)
    return await service.table(request, number, fmt, lambda: seat_rows(counts, the_law, level))


@router.get("/stations/{code}/history", response_model=list[SheetVersionOut],
            responses=CSV)
async def history(request: Request, service: Service, viewer: Viewer,
                  code: Annotated[str, Path(max_length=100, pattern=r"^[^\x00-\x1f]+$")],
                  fmt: FormatParam = Format.JSON) -> Response:
    """Every stored version of a station's sheets, oldest first: for the public the
    accepted ones (what its results are added from); for signed-in staff every version —
    quarantined, awaiting a second entry — with the names of who entered and corrected it,
    except that a clerk sees no entry A or B not yet accepted (double entry is blind)."""
    found = await run_in_threadpool(service.store.history, code)
    blind = viewer is not None and viewer.role is Role.CLERK
    shown = [version_out(v, names=viewer is not None) for v in found
             if v.status == "accepted" or (viewer is not None and not (
                 blind and v.sheet.source in (Source.ENTRY_A, Source.ENTRY_B)))]

    def make() -> Sequence[BaseModel]:
        if fmt is Format.JSON:
            return shown
        return [HistoryRow(
            station=v.station, source=v.source, version=v.version, status=v.status,
            received_at=v.received_at, received_by=v.received_by, valid=v.valid,
            failures="; ".join(f"{f.rule}: {f.message}" for f in v.failures),
            reason=v.reason, author=v.author, photo=v.photo, list=list_name, votes=n)
            for v in shown for list_name, n in (list(v.votes.items()) or [("", 0)])]
    return await service.table(request, None, fmt, make)


@router.get("/events", response_class=StreamingResponse, include_in_schema=False)
async def events(service: Service) -> StreamingResponse:
    """Server-Sent Events: `hello` with the latest release, then `release` as each is
    published."""
    latest = service.release(None)
    return StreamingResponse(
        stream(service.broker, {"latest": latest.number if latest else 0}),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})



@router.get("/photos/{sha256}", responses={200: {"content": {
    "image/jpeg": {}, "image/png": {}, "image/webp": {}, "application/pdf": {}},
    "description": "The sheet's photo, as uploaded"}})
async def photo(service: Service, sha256: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]
                ) -> Response:
    """A tally sheet's photo by its SHA-256 — the hash a sheet's history shows — exactly as the
    desk uploaded it; it never changes, so it may be cached for good."""
    found = await run_in_threadpool(service.store.photo, sha256)
    if found is None:
        raise HTTPException(404, f"no photo with SHA-256 {sha256}")
    return Response(found.data, media_type=found.media_type, headers={
        "Cache-Control": "public, max-age=31536000, immutable",
        "Content-Disposition": "inline", "X-Content-Type-Options": "nosniff"})
