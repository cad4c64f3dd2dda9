"""The results centre's desk over the API: a clerk opens a station's form (never another clerk's
figures), keys the sheet as entry A or B; a supervisor sees disagreeing entries side by side,
settles them, and reads the queues. Thin over `Store.form`, `enter`, `disagreement`, `resolve`,
`order_recount` and `queues`; the page itself is `/desk` (static files)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from majlis import publish
from majlis.errors import InputError
from majlis.tally import TEXT_LENGTH, Entry, Held, Keyed, Source, Store

from ._auth import Bearer, User
from ._models import (
    Code,
    ErrorOut,
    FailureOut,
    SheetIn,
    SheetVersionOut,
    _In,
    _printable,
    version_out,
)
from ._service import REVOKED, Service, acting, caller, clerk, keying_clerk, supervisor
from ._write import canonical_names

__all__ = ["router"]

# Refusals that are not a mistake in the request but a clash with what is stored: 409.
CONFLICTS = ("clerk", "entry")
StationCode = Annotated[str, Path(max_length=100, pattern=r"^[^\x00-\x1f]+$")]


class EntryIn(SheetIn):
    """One entry of a sheet as a clerk keys it at the desk (`source`: entry-a or entry-b)."""

    key: Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$",
                              description="the entry's idempotency key: a re-sent entry "
                              "answers as the first did, and is stored once")]
    blank: bool = Field(False, description="the clerk marks an all-zero sheet as blank")


class ResolutionIn(_In):
    """A supervisor settles a station's disagreeing entries: `choose` one (`chosen`),
    `rekey` the sheet from the paper (`sheet`), or send it for `recount`; with the reason."""

    station: Code
    action: Literal["choose", "rekey", "recount"]
    reason: Annotated[str, Field(max_length=TEXT_LENGTH), _printable(blank=False)]
    chosen: Source | None = None
    sheet: SheetIn | None = None


class DeskListOut(BaseModel):
    name: str
    name_ar: str | None


class FormOut(BaseModel):
    """A station's form: what a clerk keys, and which entries are keyed (never their figures)."""

    station: str
    centre: str
    constituency: str
    voting_type: str
    registered: int
    lists: list[DeskListOut]
    candidates: dict[str, list[str]]
    keyed: list[str]
    next_entry: str | None


class EntryOut(BaseModel):
    station: str
    source: str
    version: int
    status: str
    failures: list[FailureOut]
    clerk: str
    blank: bool
    repeated: bool


class CellOut(BaseModel):
    field: str
    entry_a: int
    entry_b: int


class DisagreementOut(BaseModel):
    station: str
    constituency: str
    entry_a: SheetVersionOut
    entry_b: SheetVersionOut
    cells: list[CellOut]


class HeldOut(BaseModel):
    """A sheet in a queue; for a case's queue, its `case` number, who `filed_by` it, the
    supervisor who `approved_by` an audit, and the `reason` it was filed (else 0 and '')."""

    queue: str
    station: str
    constituency: str
    source: str
    version: int
    failures: list[FailureOut]
    case: int
    filed_by: str
    approved_by: str
    reason: str


class QueuesOut(BaseModel):
    """What holds a release back: per queue, the total and the count per constituency."""

    totals: dict[str, int]
    by_constituency: dict[str, dict[str, int]]
    sheets: list[HeldOut]


QUEUES = ("quarantine", "disagreement", "recount", "awaiting-second-entry", "complaint",
          "audit-request", "audit")
router = APIRouter(prefix="/api/desk", tags=["results centre's desk"], responses={
    code: {"model": ErrorOut} for code in (401, 403, 409, 413, 422, 503)})
Clerk = Annotated[User, Depends(clerk)]
Supervisor = Annotated[User, Depends(supervisor)]


def _entry_out(e: Entry) -> EntryOut:
    return EntryOut(station=e.station, source=e.source.value, version=e.version, status=e.status,
                    failures=[FailureOut(rule=f.rule, message=f.message) for f in e.failures],
                    clerk=e.clerk, blank=e.blank, repeated=e.repeated)


def _held_out(h: Held) -> HeldOut:
    return HeldOut(queue=h.queue, station=h.station, constituency=h.constituency,
                   source=h.source.value, version=h.version,
                   failures=[FailureOut(rule=f.rule, message=f.message) for f in h.failures],
                   case=h.case, filed_by=h.filed_by, approved_by=h.approved_by, reason=h.reason)


@router.get("/stations/{code}", response_model=FormOut)
def form(service: Service, code: StationCode, _: Clerk) -> FormOut:
    """A station's form for keying (a clerk or supervisor): its constituency, lists (with Arabic
    names where known), candidates on open lists, and which entries are keyed — blind: no
    figures of any entry."""
    found = service.store.form(code)
    arabic = {x.name: x.name_ar for x in publish.style_lists(
        dict.fromkeys(found.lists, 0), service.store.election, service.law)}
    people: dict[str, list[str]] = {}
    for list_name, person in found.candidates:
        people.setdefault(list_name, []).append(person)
    keyed = [s.value for s in found.keyed]
    s = found.station
    return FormOut(station=s.code, centre=s.centre, constituency=s.constituency,
                   voting_type=s.voting_type.value, registered=s.registered,
                   lists=[DeskListOut(name=n, name_ar=arabic[n] or None) for n in found.lists],
                   candidates=people, keyed=keyed, next_entry=next(
                       (e for e in ("entry-a", "entry-b") if e not in keyed), None))


def _conflicts(error: InputError) -> HTTPException | None:
    if any(p.field == "token" for p in error.problems):  # revoked, as the store found in time
        return HTTPException(401, REVOKED, headers={"WWW-Authenticate": "Bearer"})
    clash = [p for p in error.problems if p.field in CONFLICTS]
    return HTTPException(409, "; ".join(str(p) for p in clash)) if clash else None


Names = Callable[[str], str]  # a list's name as given → the one name the election spells it
Making = Callable[[Names], Keyed]  # an entry, made once the list names are known


class EntryQueue:
    """The entries reaching one worker, stored a batch at a time: while one batch is in the
    store, the entries arriving meanwhile wait and go in together as the next (at most `most`),
    so a busy desk pays for one transaction — one turn of the chain's lock — per batch, not per
    entry, and one read of the list aliases (`names`) per batch, in the batch's thread, never
    on the event loop. Each request still hears its own answer (`Store.enter_all`)."""

    def __init__(self, store: Store, names: Callable[[], Names], most: int = 64) -> None:
        self.store = store
        self.names = names
        self.most = most
        self._waiting: list[tuple[Making, asyncio.Future[Entry | InputError]]] = []
        self._draining: asyncio.Task[None] | None = None

    async def enter(self, make: Making) -> Entry:
        answer: asyncio.Future[Entry | InputError] = asyncio.get_running_loop().create_future()
        self._waiting.append((make, answer))
        if self._draining is None or self._draining.done():
            self._draining = asyncio.create_task(self._drain())
        found = await answer
        if isinstance(found, InputError):
            raise found
        return found

    async def _drain(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[:self.most], self._waiting[self.most:]
            try:
                answers = await run_in_threadpool(self._store, [m for m, _ in batch])
            except Exception as error:  # the store refused (StoreError): each request hears it
                for _, waiting in batch:
                    if not waiting.done():
                        waiting.set_exception(error)
                continue
            for (_, waiting), found in zip(batch, answers, strict=True):
                if not waiting.done():  # a request whose client went away is stored all the same
                    waiting.set_result(found)


    def _store(self, makers: list[Making]) -> list[Entry | InputError]:
        """A batch made with one reading of the list names and stored in one transaction; an
        entry that cannot be made (a list spelt twice) is answered its refusal."""
        names = self.names()
        made: list[Keyed | InputError] = []
        for make in makers:
            try:
                made.append(make(names))
            except InputError as error:
                made.append(error)
        keyed = [k for k in made if isinstance(k, Keyed)]
        stored = iter(self.store.enter_all(keyed) if keyed else ())
        return [k if isinstance(k, InputError) else next(stored) for k in made]


def entries_of(request: Request, service: Service) -> EntryQueue:
    """A dependency: the worker's queue of entries, made on first use."""
    state = request.app.state
    if not hasattr(state, "desk_entries"):
        state.desk_entries = EntryQueue(service.store, lambda: canonical_names(service))
    queue: EntryQueue = state.desk_entries
    return queue


def _station_links(station: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI links from an answer naming a station (at `station`, a JSON pointer) to what a
    clerk or supervisor reads of it next, and to settling it: the routes a stateful client
    (schemathesis) follows with the station the answer named."""
    code = {"code": f"$response.body#{station}"}
    return {200: {"links": {
        "StationForm": {"operationId": "form_api_desk_stations__code__get", "parameters": code},
        "Disagreement": {"operationId": "disagreement_api_desk_disagreements__code__get",
                         "parameters": code},
        "History": {"operationId": "history_api_stations__code__history_get",
                    "parameters": code},
        "Recount": {"operationId": "resolve_api_desk_resolutions_post", "requestBody": {
            "station": f"$response.body#{station}", "action": "recount",
            "reason": "sent for recount"}}}}}


@router.post("/entries", response_model=EntryOut, responses=_station_links("/station"))
async def enter(request: Request, service: Service, entry: EntryIn,
                signed_in: Annotated[Bearer, Depends(keying_clerk)],
                queue: Annotated[EntryQueue, Depends(entries_of)]) -> EntryOut:
    """Key one entry of a station's sheet (a clerk or supervisor), stored under the clerk's
    name: the first waits for the second, equal entries are accepted, different ones go to a
    supervisor. 409 when this clerk keyed the other entry or this entry is keyed already; 422
    for an all-zero sheet not marked `blank`. A re-sent `key` answers as the first time."""
    user = signed_in.user

    def make(names: Names) -> Keyed:
        return Keyed(sheet=entry.sheet(user.name, names), clerk=user.name, key=entry.key,
                     blank=entry.blank, caller=caller(request, user),
                     token=(signed_in.token, signed_in.issued))
    try:
        return _entry_out(await queue.enter(make))
    except InputError as error:
        raise _conflicts(error) or error from None


@router.get("/disagreements/{code}", response_model=DisagreementOut)
def disagreement(service: Service, code: StationCode, _: Supervisor) -> DisagreementOut:
    """Both entries of a station side by side, with the cells they differ on (a supervisor)."""
    found = service.store.disagreement(code)
    return DisagreementOut(
        station=code, constituency=found.station.constituency,
        entry_a=version_out(found.entry_a, names=True),
        entry_b=version_out(found.entry_b, names=True),
        cells=[CellOut(field=c.field, entry_a=c.entry_a, entry_b=c.entry_b)
               for c in found.cells])


@router.post("/resolutions", response_model=EntryOut, responses=_station_links("/station"))
def resolve(request: Request, service: Service, resolution: ResolutionIn,
            user: Supervisor) -> EntryOut:
    """Settle a station's disagreeing entries (a supervisor): `choose` an entry, `rekey` the
    sheet, or send it for `recount` — each a chained version with the supervisor as author."""
    store, station = acting(service, request, user), resolution.station
    if resolution.action == "recount":
        return _entry_out(store.order_recount(station, supervisor=user.name,
                                              reason=resolution.reason))
    sheet = resolution.sheet.sheet(user.name, canonical_names(service)) if (
        resolution.sheet is not None and resolution.action == "rekey") else None
    return _entry_out(store.resolve(
        station, supervisor=user.name, reason=resolution.reason, sheet=sheet,
        chosen=resolution.chosen if resolution.action == "choose" else None))


@router.get("/queues", response_model=QueuesOut, responses=_station_links("/sheets/0/station"))
def queues(service: Service, _: Supervisor) -> QueuesOut:
    """What holds a release back (a supervisor): quarantined sheets, disagreeing entries,
    sheets sent for recount, entries awaiting their second, sheets under complaint, audits
    asked for and sheets pulled back into audit, with counts per constituency."""
    held = service.store.queues()
    counts = Counter((h.queue, h.constituency) for h in held)
    by_constituency: dict[str, dict[str, int]] = {q: {} for q in QUEUES}
    for (queue, constituency), n in sorted(counts.items()):
        by_constituency[queue][constituency] = n
    return QueuesOut(totals={q: sum(by_constituency[q].values()) for q in QUEUES},
                     by_constituency=by_constituency, sheets=[_held_out(h) for h in held])


class PhotoOut(BaseModel):
    """A sheet's photo as kept: the SHA-256 to send with the sheet, its type and size."""

    sha256: str
    media_type: str
    size: int


@router.post("/photos", response_model=PhotoOut, openapi_extra={"requestBody": {
    "required": True, "description": "The photo or scan itself (JPEG, PNG, WebP or PDF; at "
    "most 8 MiB)", "content": {"application/octet-stream": {"schema": {
        "type": "string", "format": "binary"}}}}})
async def upload_photo(request: Request, service: Service, user: Clerk) -> PhotoOut:
    """Upload a tally sheet's photo or scan (a clerk or supervisor): the body is the file. It
    is kept once by its SHA-256, which the sheet's entry then carries (`photo`) and chains;
    422 for an empty file or one that is not a JPEG, PNG, WebP or PDF, 413 past 8 MiB."""
    data = await request.body()
    kept = await run_in_threadpool(acting(service, request, user).keep_photo, data, "request")
    return PhotoOut(sha256=kept.sha256, media_type=kept.media_type, size=len(kept.data))
