"""The public reports of the audits of the count, as `majlis audit … --format json` prints them:
hand counts against the machines, the risk-limiting audit's plan and measurements, ballot
polling, and the forensics' review queue. They read the store's sheets, not a release, so the
public reads them once the latest release holds every sheet counted (staff at any time); each
is worked out on request in the queue for heavy work, as a projection is.

Who sits is audited from the candidates' genders, which the sheets do not carry: from the
commission's candidates file the service was started with (`candidates=true`, the file itself
at /api/audit/candidates), or from one sent with the request (POST); docs/audit.md says why."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, TypedDict

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse

from majlis import audit, publish, tally
from majlis.errors import InputError, Problem

from ._models import AuditMeasureIn, AuditPlanIn, ErrorOut, PollingIn
from ._outlook import Heavy, LawParam
from ._read import ERRORS, law_of
from ._service import ResultsService, Service, Viewer

__all__ = ["CandidatesFile", "read_candidates", "router"]

MAX_NIGHTS = 100  # clean nights simulated per forensics request: ~0.1 s each on 2025's night

router = APIRouter(prefix="/api/audit", tags=["audits"], responses={
    **ERRORS, 503: {"model": ErrorOut, "description": (
        "The store is not available, or too much heavy work is queued: try again after "
        "`Retry-After` seconds")}})

JSON: dict[int | str, dict[str, Any]] = {200: {"content": {"application/json": {}}, "description": (
    "The report, as `majlis audit … --format json` prints it")}}
Text = r"^[^\x00-\x1f]+$"
SeedParam = Annotated[str, Query(max_length=200, pattern=Text, description=(
    "The seed announced in public for the lot of stations"))]
RiskLimitParam = Annotated[str, Query(max_length=20, description=(
    "The largest chance of confirming a wrong outcome: 0.05 or 5%"))]
ConstituencyParam = Annotated[str | None, Query(max_length=200, pattern=Text, description=(
    "Audit only this constituency; all by default"))]
CandidatesParam = Annotated[bool, Query(description=(
    "Audit who sits too, the women's rule included, from the candidates file the service was "
    "started with (GET /api/audit/candidates); 404 if it has none"))]


@dataclass(frozen=True, slots=True)
class CandidatesFile:
    """The candidates file the service was started with (`majlis serve --candidates FILE`): the
    commission's published candidates and their genders, checked once at start and served as
    they are, so that anyone can repeat the audit with `majlis audit rla … --candidates`."""

    name: str
    text: str


def read_candidates(path: Path) -> CandidatesFile:
    """The file at `path`, or an InputError naming it (and the row and field at fault)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError([Problem(source=str(path), line=None, field="candidates",
                                  message=f"cannot be read: {error}")]) from None
    publish.genders_of(text, str(path))
    return CandidatesFile(name=path.name, text=text)  # its name alone in answers to the public


def _served(request: Request) -> CandidatesFile | None:
    found: CandidatesFile | None = request.app.state.candidates
    return found


Served = Annotated[CandidatesFile | None, Depends(_served)]


NO_FILE = ("this service was started without a candidates file (majlis serve --candidates "
           "FILE): send one with the request (POST)")


def _asked(served: CandidatesFile | None, asked: bool) -> CandidatesFile | None:
    """The service's candidates file if the request asks for it, else None."""
    if asked and served is None:
        raise HTTPException(404, NO_FILE)
    return served if asked else None


class _Read(TypedDict):
    genders: publish.Genders | None
    regions: Mapping[str, str] | None


def _read(store: tally.Store, given: CandidatesFile | None) -> _Read:
    """The genders (each row's constituency one of the election's) and regions of the file
    `given`, as the audits take them."""
    if given is None:
        return {"genders": None, "regions": None}
    return {"genders": publish.genders_of(given.text, given.name,
                                          {s.constituency for s in store.stations()}),
            "regions": publish.regions_of(given.text, given.name)}


async def _open(service: ResultsService, viewer: object) -> None:
    """Refuse the public (401) while the store counts sheets the latest release does not hold:
    an audit's figures are public as the releases are, never before."""
    if viewer is not None:
        return
    latest = service.release(None)
    live = await run_in_threadpool(service.store.results)
    if latest is None or tuple(live) != tuple(latest.results):
        raise HTTPException(401, "the audits read the sheets counted so far, not all of them "
                            "released yet: they are public once a release holds them all "
                            "(staff: sign in)", headers={"WWW-Authenticate": "Bearer"})


async def _report(service: ResultsService, viewer: object, heavy: Heavy,
                  make: Callable[[], dict[str, object]]) -> JSONResponse:
    await _open(service, viewer)
    return JSONResponse(await heavy.run(make))


@router.get("/compare", responses=JSON)
async def compare(service: Service, viewer: Viewer, heavy: Heavy, law: LawParam = None,
                  tolerance: Annotated[str, Query(max_length=20, description=(
                      "Difference allowed per list and station: votes (5) or a share of its "
                      "machine valid votes (2%)"))] = "0",
                  seed: Annotated[str | None, Query(max_length=200, pattern=Text, description=(
                      "The lot's seed: also name the drawn stations not yet hand-counted"))]
                  = None,
                  per: Annotated[audit.Stratum, Query(description=(
                      "The lot draws within each centre (one station), constituency or all"))]
                  = audit.Stratum.CENTRE,
                  size: Annotated[int, Query(ge=1, le=100_000, description=(
                      "Stations drawn per constituency, or overall (per=all)"))] = 1
                  ) -> JSONResponse:
    """Hand counts (sheets of source `manual`) against the machines' sheets of the same
    stations, per station, centre and constituency, and the seats they would move, as
    `majlis audit compare` reports them."""
    _, the_law = law_of(service, law)
    allowed = publish.tolerance_of(tolerance)

    def make() -> dict[str, object]:
        return publish.comparison_report(*publish.compare_store(
            service.store, the_law, allowed, seed=seed, per=per, size=size))
    return await _report(service, viewer, heavy, make)


def _rla(service: ResultsService, law: str | None, risk_limit: str, constituency: str | None,
         given: CandidatesFile | None, seed: str | None = None
         ) -> Callable[[], dict[str, object]]:
    """The work of a plan or, given the lot's `seed`, of the test over the hand counts; the
    query checked first, so that its mistake is a 422 before any work is queued."""
    _, the_law = law_of(service, law)
    limit = publish.risk_limit_of(risk_limit)
    only = [constituency] if constituency else None

    def make() -> dict[str, object]:
        read = _read(service.store, given)
        if seed is None:
            _, plans, seated = publish.plan_store(service.store, the_law, limit, only, **read)
            return publish.plan_report(limit, plans, seated)
        return publish.measurement_report(limit, seed, publish.measure_store(
            service.store, the_law, limit, seed, only, **read))
    return make


@router.get("/rla/plan", responses=JSON)
async def rla_plan(service: Service, viewer: Viewer, heavy: Heavy, served: Served,
                   law: LawParam = None, risk_limit: RiskLimitParam = "5%",
                   constituency: ConstituencyParam = None,
                   candidates: CandidatesParam = False) -> JSONResponse:
    """The assertions that imply each constituency's reported seats (with `candidates`, who
    sits too), their margins and the stations to hand-count first at the risk limit, as
    `majlis audit rla plan` gives them."""
    return await _report(service, viewer, heavy, _rla(
        service, law, risk_limit, constituency, _asked(served, candidates)))


@router.post("/rla/plan", responses=JSON)
async def rla_plan_with(service: Service, viewer: Viewer, heavy: Heavy,
                        asked: AuditPlanIn) -> JSONResponse:
    """The plan with who sits audited from the candidates file sent, as `majlis audit rla plan
    --candidates FILE` gives it; a mistake in the file is a 422 naming its row and field. A
    query, not a write: nothing is stored."""
    return await _report(service, viewer, heavy, _rla(
        service, asked.law, asked.risk_limit, asked.constituency,
        CandidatesFile(name="candidates", text=asked.candidates)))


@router.get("/rla/measure", responses=JSON)
async def rla_measure(service: Service, viewer: Viewer, heavy: Heavy, served: Served,
                      seed: SeedParam, law: LawParam = None, risk_limit: RiskLimitParam = "5%",
                      constituency: ConstituencyParam = None,
                      candidates: CandidatesParam = False) -> JSONResponse:
    """The sequential test over the hand counts in the order of the lot of `seed`: each
    assertion confirmed, to sample further, or escalated, as `majlis audit rla measure`
    gives it."""
    return await _report(service, viewer, heavy, _rla(
        service, law, risk_limit, constituency, _asked(served, candidates), seed))


@router.post("/rla/measure", responses=JSON)
async def rla_measure_with(service: Service, viewer: Viewer, heavy: Heavy,
                           asked: AuditMeasureIn) -> JSONResponse:
    """The sequential test with who sits audited from the candidates file sent, as `majlis
    audit rla measure --candidates FILE` gives it. A query, not a write: nothing is stored."""
    return await _report(service, viewer, heavy, _rla(
        service, asked.law, asked.risk_limit, asked.constituency,
        CandidatesFile(name="candidates", text=asked.candidates), asked.seed))


def _polling(service: ResultsService, law: str | None, risk_limit: str, constituency: str,
             seed: int, drawn: list[str | None] | None, given: CandidatesFile | None
             ) -> Callable[[], dict[str, object]]:
    _, the_law = law_of(service, law)
    limit: Fraction = publish.risk_limit_of(risk_limit)

    def make() -> dict[str, object]:
        return publish.polling_report(limit, publish.poll_store(
            service.store, the_law, limit, constituency, seed=seed, drawn=drawn,
            **_read(service.store, given)))
    return make


@router.get("/rla/polling", responses=JSON)
async def rla_polling(service: Service, viewer: Viewer, heavy: Heavy, served: Served,
                      constituency: Annotated[str, Query(
                          max_length=200, pattern=Text, description=(
                              "The contest to poll, e.g. a seat reserved for a community"))],
                      law: LawParam = None, risk_limit: RiskLimitParam = "5%",
                      seed: Annotated[int, Query(ge=0, le=2**32 - 1, description=(
                          "Seed of the simulated draws behind the sample sizes"))] = 0,
                      candidates: CandidatesParam = False) -> JSONResponse:
    """A ballot-polling audit's plan for one constituency (an SNTV contest, or one without
    station results): each assertion's margin and the ballots to draw, as `majlis audit rla
    polling` gives it."""
    return await _report(service, viewer, heavy, _polling(
        service, law, risk_limit, constituency, seed, None, _asked(served, candidates)))


@router.post("/rla/polling", responses=JSON)
async def rla_polling_measure(service: Service, viewer: Viewer, heavy: Heavy,
                              asked: PollingIn) -> JSONResponse:
    """A ballot-polling audit's plan and its test over the ballots drawn so far, in the order
    drawn, as `majlis audit rla polling --ballots FILE` gives them: each assertion confirmed
    or to sample further. A ballot for a name not standing in the contest is refused (422).
    A query, not a write: nothing is stored."""
    return await _report(service, viewer, heavy, _polling(
        service, asked.law, asked.risk_limit, asked.constituency, asked.seed,
        list(asked.ballots), None if asked.candidates is None
        else CandidatesFile(name="candidates", text=asked.candidates)))


@router.get("/candidates", response_class=PlainTextResponse, responses={
    200: {"content": {"text/csv": {}}, "description": "The candidates file, as it was given"},
    404: {"model": ErrorOut, "description": "The service was started without one"}})
async def candidates_file(served: Served) -> PlainTextResponse:
    """The candidates file the audits of who sits read (`candidates=true`), as the service was
    given it: `majlis audit rla plan --candidates` over it gives the same assertions."""
    if served is None:
        raise HTTPException(404, NO_FILE)
    return PlainTextResponse(served.text, media_type="text/csv; charset=utf-8")


@router.get("/forensics", responses=JSON)
async def forensics(service: Service, viewer: Viewer, heavy: Heavy,
                    seed: Annotated[int, Query(ge=0, le=2**32 - 1, description=(
                        "Seed of the clean nights"))] = 0,
                    nights: Annotated[int, Query(ge=6, le=MAX_NIGHTS, description=(
                        "Clean nights simulated to calibrate the tests"))] = 20,
                    alpha: Annotated[float, Query(ge=0, le=1, description=(
                        "The constituency tests' false-positive rate"))] = 0.05,
                    station_rate: Annotated[float, Query(ge=0, le=1, description=(
                        "The outlier test's rate per station"))] = 0.001) -> JSONResponse:
    """Digit tests, fingerprints, round-percentage spikes and outlier stations on the counted
    sheets, each calibrated on simulated clean nights, and the review queue of flagged
    stations (never changed), as `majlis audit forensics` reports them."""
    def make() -> dict[str, object]:
        return publish.forensics_report(publish.examine_store(
            service.store, seed=seed, nights=nights, alpha=alpha, station_rate=station_rate))
    return await _report(service, viewer, heavy, make)
