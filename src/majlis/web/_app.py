"""The results service: one FastAPI app over one election of a tally store."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from majlis import tally
from majlis.errors import AllocationError, InputError, Problem, StoreError
from majlis.tally import Store

from ._accounts import router as accounts_router
from ._audit import read_candidates
from ._audit import router as audit_router
from ._auth import Tokens, Users
from ._cases import router as cases_router
from ._certify import router as certify_router
from ._desk import router as desk_router
from ._docs import serve_docs
from ._guard import BodyLimit, SafeAnswers
from ._incidents import Incidents, record
from ._live import Broker, RedisBroker
from ._metrics import Measured
from ._models import ErrorOut, ProblemOut
from ._outlook import router as outlook_router
from ._outlook import work_queue
from ._pages import page
from ._probes import router as probes_router
from ._read import router as read_router
from ._reports import router as reports_router
from ._service import ResultsService, law_named
from ._signin import SignIns
from ._tables import CsvSuffix
from ._write import router as write_router

__all__ = ["create_app", "create_app_from_environment"]

STATIC = Path(__file__).parent / "static"
TOKEN_TTL = 12 * 3600  # one shift of an election night
RETRY_AFTER = 30  # seconds: the longest wait between the service's own attempts at the store


def _error(status: int, detail: str, problems: tuple[Problem, ...] = (),
           headers: Mapping[str, str] | None = None) -> JSONResponse:
    body = ErrorOut(detail=detail, problems=[
        ProblemOut(file=p.source, line=p.line, field=p.field, message=p.message)
        for p in problems])
    return JSONResponse(body.model_dump(), status_code=status, headers=dict(headers or {}))


async def _input_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, InputError)
    return _error(422, "the input has problems", error.problems)


async def _invalid_request(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return _error(422, "the request has problems", tuple(
        Problem(source=str(e["loc"][0]) if e["loc"] else "request", line=None,
                field=" › ".join(str(part) for part in e["loc"][1:]), message=e["msg"])
        for e in error.errors()))


async def _http_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    return _error(error.status_code, str(error.detail), headers=error.headers)


async def _store_error(request: Request, error: Exception) -> JSONResponse:
    """The store cannot be used: the staff read why in the log; the public, who can do nothing
    about it, only when to come back (its message names the database and how to mend it)."""
    incident = record(error, f"{request.method} {request.url.path}: the store is not available",
                      level=logging.WARNING)
    return _error(503, "the results store is not available; the staff have been told "
                  f"(incident {incident})", headers={"Retry-After": str(RETRY_AFTER)})


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    """Anything else is a bug or a failure below majlis (a database gone away): a generic
    answer in the documented shape, the traceback in the log under the same incident id."""
    incident = record(error, f"{request.method} {request.url.path} failed")
    return _error(500, f"something went wrong on the server; the staff have been told "
                  f"(incident {incident})")


async def _allocation_error(_: Request, error: Exception) -> JSONResponse:
    return _error(422, str(error))


def create_app(store_url: str, election: str, *, redis_url: str | None = None,
               law: str | None = None, users: Path | None = None, secret: str | None = None,
               token_ttl: int = TOKEN_TTL, candidates: Path | None = None) -> FastAPI:
    """The API and dashboard for `election` in the store at `store_url`.

    `law` names the preset the seats follow by default; `users` is the staff's users file
    (default `$MAJLIS_USERS`); `secret` signs tokens (default `$MAJLIS_SECRET`; workers behind one
    address must share it); with `redis_url` (default `$MAJLIS_REDIS_URL`) releases reach the
    pages of every worker through Redis pub/sub, else those of this worker. `candidates` (default
    `$MAJLIS_CANDIDATES`) is the commission's candidates file, with genders, that the audits of
    who sits read (docs/audit.md); a mistake in it fails here, naming its row.
    """
    if law is not None:
        law_named(law)  # an unknown preset fails now, not at the first request
    users_file = users or (Path(os.environ["MAJLIS_USERS"]) if os.environ.get("MAJLIS_USERS")
                           else None)
    staff = Users.load(users_file) if users_file else Users()
    candidates = candidates or (Path(os.environ["MAJLIS_CANDIDATES"])
                                if os.environ.get("MAJLIS_CANDIDATES") else None)
    people = read_candidates(candidates) if candidates else None
    redis_url = redis_url or os.environ.get("MAJLIS_REDIS_URL") or None
    store = Store(store_url, election)

    def broker(stale: Callable[[], None]) -> Broker:
        if redis_url:
            return RedisBroker(stale, url=redis_url, channel=f"majlis:{election}:releases")
        return Broker(stale)

    service = ResultsService(store, law=law, broker=broker, tokens=Tokens(
        staff, secret=secret or os.environ.get("MAJLIS_SECRET"), ttl=token_ttl))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await service.start()
        try:
            yield
        finally:
            await service.stop()

    app = FastAPI(title="majlis", version="0.1.0", lifespan=lifespan, summary=(
        "Election results as published, release by release; tally sheets in for the staff."),
        docs_url=None, redoc_url=None)  # /docs is served offline by serve_docs
    app.state.service = service
    app.state.sign_ins = SignIns(staff, store)
    app.state.heavy = work_queue()
    app.state.candidates = people
    app.add_middleware(Incidents, answer=_unexpected)  # innermost: a 500 gets the headers too
    app.add_middleware(CsvSuffix)
    app.add_middleware(BodyLimit)
    app.add_middleware(SafeAnswers)  # every answer, a 413 too, gets its headers
    app.add_middleware(Measured)  # outermost: every answer is counted
    app.add_exception_handler(InputError, _input_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(StoreError, _store_error)
    app.add_exception_handler(AllocationError, _allocation_error)
    app.add_exception_handler(Exception, _unexpected)  # a failure in the middleware itself
    app.include_router(read_router)
    app.include_router(outlook_router)
    app.include_router(reports_router)
    app.include_router(audit_router)
    app.include_router(write_router)
    app.include_router(accounts_router)
    app.include_router(probes_router)
    app.include_router(desk_router)
    app.include_router(cases_router)
    app.include_router(certify_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    serve_docs(app)
    app.include_router(pages)
    return app


pages = APIRouter(include_in_schema=False)


@pages.get("/")
def dashboard(request: Request) -> HTMLResponse:
    """The public dashboard, in the reader's language from the first paint."""
    return page("index", request, default="en")


@pages.get("/desk")
def desk(request: Request) -> HTMLResponse:
    """The results centre's desk: double entry and the supervisors' queues. Arabic unless its
    link or its clerk says otherwise: the sheets it keys are Arabic, whatever language the
    centre's computers were set up in."""
    return page("desk", request, default="ar", browser=False)


@pages.get("/audit")
def audits(request: Request) -> HTMLResponse:
    """The audits of the count for the public: hand against machine, the risk-limiting audit's
    plan, the forensics' review queue."""
    return page("audit", request, default="ar")


def create_app_from_environment() -> FastAPI:
    """The app as each worker of `majlis serve --workers N` makes it — and as any ASGI server
    can (`uvicorn --factory majlis.web:create_app_from_environment`) — from the environment:
    `MAJLIS_DATABASE_URL` (default sqlite:///majlis.db), `MAJLIS_ELECTION` (default `default`),
    `MAJLIS_LAW`, `MAJLIS_REDIS_URL`, `MAJLIS_USERS`, `MAJLIS_SECRET` and
    `MAJLIS_CANDIDATES`."""
    return create_app(os.environ.get("MAJLIS_DATABASE_URL") or tally.DEFAULT_URL,
                      os.environ.get("MAJLIS_ELECTION") or "default",
                      law=os.environ.get("MAJLIS_LAW") or None)
