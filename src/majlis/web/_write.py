"""What the results staff do through the API — sign in, enter sheets, correct, publish — each
through the store's own ingest, correct and release, so every write lands in its hash-chained
trail under the name of the user who made it, and in the audit log with their address and
route."""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Body, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from majlis import data
from majlis.errors import InputError, Problem
from majlis.tally import IngestReport, Source

from ._auth import User
from ._models import (
    MAX_SHEETS,
    CorrectionIn,
    ErrorOut,
    IngestOut,
    QuarantineRow,
    ReleaseIn,
    ReleaseOut,
    SheetIn,
    TokenIn,
    TokenOut,
    release_out,
)
from ._read import CSV, FormatParam
from ._service import (
    ResultsService,
    Service,
    acting,
    caller,
    clerk,
    publisher,
    supervisor,
)
from ._signin import WRONG, SignIns
from ._tables import Format, answer, encode

__all__ = ["canonical_names", "router"]


def _report(report: IngestReport) -> IngestOut:
    return IngestOut(accepted=report.accepted, quarantined=report.quarantined,
                     awaiting_second_entry=report.awaiting_second_entry,
                     duplicates=report.duplicates)


# What the results staff do, each route for the roles it names.
router = APIRouter(prefix="/api", tags=["results staff"], responses={
    code: {"model": ErrorOut} for code in (401, 403, 413, 422, 503)})
Clerk = Annotated[User, Depends(clerk)]
Supervisor = Annotated[User, Depends(supervisor)]
Publisher = Annotated[User, Depends(publisher)]


def sign_ins_of(request: Request) -> SignIns:
    """A dependency: the app's sign-in guard over its staff accounts, made by `create_app`."""
    guard: SignIns = request.app.state.sign_ins
    return guard


def canonical_names(service: ResultsService) -> Callable[[str], str]:
    """One name per list, as ingest gives it: the bundled alias table and the store's aliases."""
    store = service.store
    return data.list_names(store.election).with_aliases(store.aliases()).canonical


@router.post("/token", response_model=TokenOut, responses={429: {"model": ErrorOut}})
async def token(request: Request, service: Service,
                sign_ins: Annotated[SignIns, Depends(sign_ins_of)],
                credentials: TokenIn) -> TokenOut:
    """Sign in: a bearer token for `Authorization: Bearer …`, valid for `expires_in` s.
    Too many failures for a name or from an address are 429 with `Retry-After`."""
    user = await sign_ins.verify(credentials.username, credentials.password,
                                 caller(request, None))
    if user is None:
        raise HTTPException(401, WRONG,
                            headers={"WWW-Authenticate": "Bearer"})
    return TokenOut(access_token=service.tokens.issue(user), expires_in=service.tokens.ttl,
                    role=user.role.value)


DESK_SOURCES = frozenset({Source.ENTRY_A, Source.ENTRY_B})


@router.post("/sheets", response_model=IngestOut)
def ingest(request: Request, service: Service,
           sheets: Annotated[list[SheetIn], Body(max_length=MAX_SHEETS)],
           user: Clerk) -> IngestOut:
    """Enter tally sheets (a clerk or supervisor): checked, stored, chained — or
    quarantined with every rule they fail. `received_by` is the signed-in user. A hand count's
    double entry is keyed at the desk (`POST /api/desk/entries`), where the same clerk can never
    key both entries: here it is refused."""
    keyed = [Problem(source="request", line=None, field=f"sheets › {n} › source", message=(
                 f"{s.source} is keyed at the desk (POST /api/desk/entries), where each entry "
                 "has its clerk"))
             for n, s in enumerate(sheets, 1) if s.source in DESK_SOURCES]
    if keyed:
        raise InputError(keyed)
    canonical = canonical_names(service)
    return _report(acting(service, request, user).ingest(
        [s.sheet(user.name, canonical) for s in sheets]))


@router.post("/corrections", response_model=IngestOut)
def correct(request: Request, service: Service, correction: CorrectionIn,
            user: Supervisor) -> IngestOut:
    """Correct a sheet (a supervisor): a new version beside the old, with the reason and
    the supervisor as its author."""
    sheet = correction.sheet.sheet(user.name, canonical_names(service))
    return _report(acting(service, request, user).correct(sheet, reason=correction.reason,
                                                          author=user.name))


@router.get("/quarantine", response_model=list[QuarantineRow], responses=CSV)
def quarantine(request: Request, service: Service, _: Supervisor,
               fmt: FormatParam = Format.JSON) -> Response:
    """Sheets held back, with every rule each one failed (a supervisor)."""
    return answer(request, encode([
        QuarantineRow(station=q.station, source=q.source, version=q.version,
                      rule=f.rule, message=f.message)
        for q in service.store.quarantined() for f in q.failures], fmt))


@router.post("/releases", response_model=ReleaseOut, status_code=201)
async def publish(request: Request, service: Service, release: ReleaseIn,
                  user: Publisher) -> ReleaseOut:
    """Publish the results as they stand (a publisher): a numbered, frozen release with the
    publisher's name, pushed at once to every open page."""
    store = acting(service, request, user)
    published = await run_in_threadpool(lambda: store.release(release.name, author=user.name))
    service.published(published)
    out = release_out(published)
    await service.broker.publish(out.model_dump())
    return out

