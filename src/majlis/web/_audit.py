"""The public reports of the audits of the count, as `majlis audit … --format json` prints them:
hand counts against the machines, the risk-limiting audit's plan and measurements, ballot
polling, and the forensics' review queue. They read the store's sheets, not a release, so the
public reads them once the latest release holds every sheet counted (staff at any time); each
is worked out on request in the queue for heavy work, as a projection is."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from majlis import audit, publish

from ._models import ErrorOut, PollingIn
from ._outlook import Heavy, LawParam
from ._read import ERRORS, law_of
from ._service import ResultsService, Service, Viewer

__all__ = ["router"]

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


@router.get("/rla/plan", responses=JSON)
async def rla_plan(service: Service, viewer: Viewer, heavy: Heavy, law: LawParam = None,
                   risk_limit: RiskLimitParam = "5%",
                   constituency: ConstituencyParam = None) -> JSONResponse:
    """The assertions that imply each constituency's reported seats, their margins and the
    stations to hand-count first at the risk limit, as `majlis audit rla plan` gives them."""
    _, the_law = law_of(service, law)
    limit = publish.risk_limit_of(risk_limit)
    only = [constituency] if constituency else None

    def make() -> dict[str, object]:
        return publish.plan_report(limit, publish.plan_store(service.store, the_law, limit,
                                                             only)[1])
    return await _report(service, viewer, heavy, make)


@router.get("/rla/measure", responses=JSON)
async def rla_measure(service: Service, viewer: Viewer, heavy: Heavy, seed: SeedParam,
                      law: LawParam = None, risk_limit: RiskLimitParam = "5%",
                      constituency: ConstituencyParam = None) -> JSONResponse:
    """The sequential test over the hand counts in the order of the lot of `seed`: each
    assertion confirmed, to sample further, or escalated, as `majlis audit rla measure`
    gives it."""
    _, the_law = law_of(service, law)
    limit = publish.risk_limit_of(risk_limit)
    only = [constituency] if constituency else None

    def make() -> dict[str, object]:
        return publish.measurement_report(limit, seed, publish.measure_store(
            service.store, the_law, limit, seed, only))
    return await _report(service, viewer, heavy, make)


@router.get("/rla/polling", responses=JSON)
async def rla_polling(service: Service, viewer: Viewer, heavy: Heavy,
                      constituency: Annotated[str, Query(
                          max_length=200, pattern=Text, description=(
                              "The contest to poll, e.g. a seat reserved for a community"))],
                      law: LawParam = None, risk_limit: RiskLimitParam = "5%",
                      seed: Annotated[int, Query(ge=0, le=2**32 - 1, description=(
                          "Seed of the simulated draws behind the sample sizes"))] = 0
                      ) -> JSONResponse:
    """A ballot-polling audit's plan for one constituency (an SNTV contest, or one without
    station results): each assertion's margin and the ballots to draw, as `majlis audit rla
    polling` gives it."""
    _, the_law = law_of(service, law)
    limit = publish.risk_limit_of(risk_limit)

    def make() -> dict[str, object]:
        return publish.polling_report(limit, publish.poll_store(
            service.store, the_law, limit, constituency, seed=seed))
    return await _report(service, viewer, heavy, make)


@router.post("/rla/polling", responses=JSON)
async def rla_polling_measure(service: Service, viewer: Viewer, heavy: Heavy,
                              asked: PollingIn) -> JSONResponse:
    """A ballot-polling audit's plan and its test over the ballots drawn so far, in the order
    drawn, as `majlis audit rla polling --ballots FILE` gives them: each assertion confirmed
    or to sample further. A ballot for a name not standing in the contest is refused (422).
    A query, not a write: nothing is stored."""
    _, the_law = law_of(service, asked.law)
    limit = publish.risk_limit_of(asked.risk_limit)

    def make() -> dict[str, object]:
        return publish.polling_report(limit, publish.poll_store(
            service.store, the_law, limit, asked.constituency, seed=asked.seed,
            drawn=list(asked.ballots)))
    return await _report(service, viewer, heavy, make)


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
