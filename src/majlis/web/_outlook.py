"""What a release means beyond its table: the lists by their Arabic and English names and colours,
seat projections with their intervals, coalition power against the house's quota, and the
release written up as a bulletin in Arabic or English."""

from collections.abc import Sequence
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel

from majlis import data, forecast, publish
from majlis.coalitions import Game, Quota, power, quota_of
from majlis.law import Law
from majlis.tally import Release, national

from ._heavy import CORES, WorkQueue
from ._models import ErrorOut, ListOut, PowerOut, PowerRow, ProjectionOut, ProjectionRow
from ._read import CSV, ERRORS, FormatParam, Level, ReleaseParam, law_of, refuse, seat_rows
from ._service import ResultsService, Service, Viewer
from ._tables import Format

__all__ = ["router", "work_queue"]

# Every Iraqi preset's law — quotas, natural-quota thresholds, the 2005 and 2010 compensatory
# tier, reserved contests — goes through the vector path: this many draws take under 2 s on two
# cores for each, at most about 1.7 times 2025's law (benchmarks/forecast.py prints each).
MAX_DRAWS = 100_000
# The public chooses draws, seed and law, so each new choice is work: projections and power
# tables run a core's worth at a time, a few more wait, and the rest are asked to come back
# (503, Retry-After) rather than queue behind each other and starve the tables everyone reads.
HEAVY_WORKERS = CORES
HEAVY_WAITING = 2 * CORES
RETRY_AFTER = 10  # seconds: the few largest projections (100,000 draws, 1–2 s each) ahead

PublishedParam = Annotated[str, Query(
    pattern=r"^(latest|[1-9][0-9]{0,8})$",
    description="`latest` (the default) or a release number")]
LawParam = Annotated[str | None, Query(max_length=100, description=(
    "A preset law (`majlis laws`); default: the service's"))]
LanguageParam = Annotated[publish.Language, Query(description="ar or en")]


def _quota(asked: str) -> Quota:
    if asked in ("majority", "two-thirds"):
        return "majority" if asked == "majority" else "two-thirds"
    return int(asked)


# The lists, projections and coalition power, for the public.
router = APIRouter(prefix="/api", tags=["outlook"], responses={
    **ERRORS, 503: {"model": ErrorOut, "description": (
        "The store is not available, or too many projections and power tables are being "
        "made: try again after `Retry-After` seconds")}})


def work_queue() -> WorkQueue:
    """The queue a worker's projections and power tables wait in (one per app)."""
    return WorkQueue("projections and power tables", workers=HEAVY_WORKERS,
                     waiting=HEAVY_WAITING, retry_after=RETRY_AFTER)


def heavy_of(request: Request) -> WorkQueue:
    """A dependency: the app's queue for heavy work, made by `create_app`."""
    queue: WorkQueue = request.app.state.heavy
    return queue


Heavy = Annotated[WorkQueue, Depends(heavy_of)]


def _published(service: ResultsService, release: str) -> Release:
    found = service.release(None if release == "latest" else int(release))
    if found is None:
        raise HTTPException(404, "nothing is released yet" if release == "latest"
                            else f"no release {release}")
    return found


def _law_and_release(service: ResultsService, law: str | None, release: str
                     ) -> tuple[str, Law, Release]:
    """The law asked for and the published release, refused when the law gives seats to none
    of the release's constituencies."""
    name, the_law = law_of(service, law)
    found = _published(service, release)
    if not any(c.name in the_law.magnitudes for c in found.results):
        raise refuse("law", f"{name} gives seats to none of this election's constituencies "
                     f"(it has {', '.join(sorted(the_law.magnitudes)[:3])}, …): name a law "
                     "whose constituencies are the ones counted here")
    return name, the_law, found


@router.get("/lists", response_model=list[ListOut], responses=CSV)
async def lists(request: Request, service: Service, viewer: Viewer,
                release: ReleaseParam = "latest", fmt: FormatParam = Format.JSON) -> Response:
    """The lists of a release by national votes, with their Arabic and English names and a
    colour: the Arabic name from the election's alias table where it knows the list (any
    spelling), else from its bundled seat table, as are the English name and colour."""
    number, counts = await service.counts(release, viewer)

    def make() -> list[ListOut]:
        return [ListOut(name=x.name, name_ar=x.name_ar or None, name_en=x.name_en or None,
                        colour=x.colour, votes=x.votes)
                for x in publish.style_lists(national(counts).votes, service.store.election,
                                             service.law)]
    return await service.table(request, number, fmt, make)


@router.get("/projection", response_model=ProjectionOut, responses=CSV)
async def projection(request: Request, service: Service, heavy: Heavy,
                     release: PublishedParam = "latest",
                     draws: Annotated[int, Query(ge=100, le=MAX_DRAWS, description=(
                         "Complete results to draw"))] = 5_000,
                     seed: Annotated[int, Query(ge=0, le=2**32 - 1)] = 0,
                     law: LawParam = None, fmt: FormatParam = Format.JSON) -> Response:
    """Seat probabilities from a release, as `majlis project` gives them: each list's
    expected seats, 80 % and 95 % intervals, and its chance of being the largest and of
    reaching a majority of the house. Made once per release, law, draws and seed."""
    name, the_law, found = _law_and_release(service, law, release)
    majority = quota_of("majority", the_law.house)

    def make() -> BaseModel | Sequence[BaseModel]:
        # the register is read (and its connection given back) before the long work starts
        count = publish.release_count(found, service.store.stations(),
                                      frozenset({data.OTHER_LISTS}))
        p = forecast.project(count, the_law, draws=draws, seed=seed, targets=(majority,))
        rows = [ProjectionRow(
            list=x.name, expected=round(x.expected, 3), low80=x.interval80[0],
            high80=x.interval80[1], low95=x.interval95[0], high95=x.interval95[1],
            largest=round(x.largest, 4), majority=round(x.reach.get(majority, 0.0), 4))
            for x in p.lists if x.name not in p.not_lists]
        if fmt is Format.CSV:
            return rows
        return ProjectionOut(release=p.release, release_name=p.release_name, law=name,
                             draws=p.draws, seed=p.seed, house=the_law.house,
                             majority=majority, not_projected=list(p.not_projected),
                             lists=rows)
    return await service.table(request, found.number, fmt, make, run=heavy.run)


@router.get("/power", response_model=PowerOut, responses=CSV)
async def power_in_house(
        request: Request, service: Service, viewer: Viewer, heavy: Heavy,
        release: ReleaseParam = "latest",
        quota: Annotated[str, Query(pattern=r"^(majority|two-thirds|[1-9][0-9]{0,4})$",
                                    description=("majority (of the house), two-thirds, or "
                                                 "a number of seats"))] = "majority",
        law: LawParam = None, fmt: FormatParam = Format.JSON) -> Response:
    """Exact Banzhaf and Shapley–Shubik power of each list on a release's seats, the
    quota counted from the law's whole house (`majority`: 165 of 329 in 2025)."""
    name, the_law = law_of(service, law)
    number, counts = await service.counts(release, viewer)

    def make() -> BaseModel | Sequence[BaseModel]:
        seats = {r.list: r.seats for r in seat_rows(counts, the_law, Level.NATIONAL)
                 if r.seats and r.list != data.OTHER_LISTS}
        game = Game(seats=seats, quota=quota_of(_quota(quota), the_law.house))
        found = power(game) if seats else None
        rows = [PowerRow(
            list=p, seats=n, banzhaf=float(found.banzhaf[p]),
            shapley_shubik=float(found.shapley_shubik[p]),
            banzhaf_exact=str(found.banzhaf[p]),
            shapley_shubik_exact=str(found.shapley_shubik[p]), swings=found.swings[p])
            for p, n in seats.items()] if found else []
        if fmt is Format.CSV:
            return rows
        return PowerOut(release=number if isinstance(number, int) else 0, law=name,
                        house=the_law.house, quota=game.quota, seats_allocated=game.total,
                        lists=rows)
    return await service.table(request, number, fmt, make, run=heavy.run)



BULLETIN_TYPES = {publish.BulletinFormat.MD: "text/markdown; charset=utf-8",
                  publish.BulletinFormat.HTML: "text/html; charset=utf-8",
                  publish.BulletinFormat.TXT: "text/plain; charset=utf-8"}


@router.get("/bulletin", response_class=Response, responses={200: {
    "content": {t.split(";")[0]: {} for t in BULLETIN_TYPES.values()},
    "description": "The bulletin, each figure citing its release (number and digest)"}})
async def bulletin(service: Service, release: PublishedParam = "latest",
                   lang: LanguageParam = publish.Language.EN,
                   written: Annotated[publish.BulletinFormat, Query(alias="format")]
                   = publish.BulletinFormat.MD,
                   digits: Annotated[Literal["latin", "arabic"], Query(description=(
                       "arabic: Arabic-Indic digits in an Arabic bulletin"))] = "latin",
                   law: LawParam = None) -> Response:
    """A release as a wire story, as `majlis bulletin` writes it: the lead, the leading lists
    and the gap, stations counted by voting type, seats so far under the law, what changed
    since the previous release and the closest last seats."""
    name, the_law, found = _law_and_release(service, law, release)
    before = service.release(found.number - 1) if found.number > 1 else None
    names = publish.known_lists(service.store.election, service.law)[1]

    def write() -> str:
        facts = publish.compose_bulletin(found, the_law, names, law_name=name, previous=before)
        return publish.render_bulletin(facts, lang, written, arabic_digits=digits == "arabic")
    return Response(await run_in_threadpool(write), media_type=BULLETIN_TYPES[written],
                    headers={"Content-Language": lang})
