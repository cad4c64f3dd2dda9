"""The desk's cases over the API: a clerk or supervisor files a complaint about a station's sheet
or asks for an accepted sheet's audit; only a supervisor approves, declines, upholds or dismisses.
Thin over `Store.open_case`, `decide` and `cases`; the queues count the open ones (`_desk`)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field

from majlis.errors import InputError
from majlis.tally import TEXT_LENGTH, Case

from ._desk import Clerk, Supervisor
from ._models import Code, ErrorOut, _In, _printable
from ._service import Service, acting

__all__ = ["router"]

Reason = Annotated[str, Field(max_length=TEXT_LENGTH), _printable(blank=False)]


class CaseIn(_In):
    """A complaint about a station's sheet, or a request to pull its accepted sheet back into
    audit, with the reason."""

    station: Code
    kind: Literal["complaint", "audit"]
    reason: Reason


class DecisionIn(_In):
    """A supervisor's step on a case: `approve` or `decline` an audit asked for; `uphold` (the
    sheet goes for recount) or `dismiss` a complaint or an approved audit."""

    decision: Literal["approve", "decline", "uphold", "dismiss"]
    reason: Reason


class CaseStepOut(BaseModel):
    step: str
    author: str
    reason: str
    at: str


class CaseOut(BaseModel):
    """A case with every step taken on it: `state` is the last step, `queue` the one it waits
    in while open (`complaint`, `audit-request`, `audit`; null once decided)."""

    number: int
    kind: str
    station: str
    constituency: str
    state: str
    queue: str | None
    filed_by: str
    approved_by: str
    steps: list[CaseStepOut]


router = APIRouter(prefix="/api/desk", tags=["results centre's desk"], responses={
    code: {"model": ErrorOut} for code in (401, 403, 404, 409, 422, 503)})


def _case_out(c: Case) -> CaseOut:
    return CaseOut(number=c.number, kind=c.kind, station=c.station, constituency=c.constituency,
                   state=c.state, queue=c.queue, filed_by=c.steps[0].author,
                   approved_by=c.approved_by, steps=[
                       CaseStepOut(step=s.step, author=s.author, reason=s.reason,
                                   at=s.at.isoformat()) for s in c.steps])


def _answered(error: InputError) -> HTTPException | InputError:
    """A clash with the case's state is 409, an unknown case 404; the rest stays a 422."""
    for problem in error.problems:
        if problem.field in ("case", "number"):
            return HTTPException(404 if problem.field == "number" else 409, str(problem))
    return error


@router.post("/cases", response_model=CaseOut)
def open_case(request: Request, service: Service, case: CaseIn, user: Clerk) -> CaseOut:
    """File a complaint about a station's sheet, or ask for its audit (a clerk or supervisor),
    under the signed-in user's name. A complaint waits in the `complaint` queue, an audit asked
    for in `audit-request` until a supervisor approves it. 409 while a case of the same kind is
    open on the station; 422 for a station with no sheet (or, for an audit, none accepted)."""
    try:
        return _case_out(acting(service, request, user).open_case(
            case.station, kind=case.kind, author=user.name, reason=case.reason))
    except InputError as error:
        raise _answered(error) from None


@router.post("/cases/{number}/decisions", response_model=CaseOut)
def decide(request: Request, service: Service, number: Annotated[int, Path(ge=1, le=2**31 - 1)],
           decision: DecisionIn, user: Supervisor) -> CaseOut:
    """A supervisor's step on case `number`, stored with their name as the approving or
    deciding supervisor: `approve`/`decline` an audit asked for, `uphold`/`dismiss` a complaint
    or an approved audit (upholding stores the sheet's recount order in the chain). 404 for no
    such case; 409 when the step does not follow the case's last."""
    try:
        return _case_out(acting(service, request, user).decide(
            number, decision=decision.decision, supervisor=user.name, reason=decision.reason))
    except InputError as error:
        raise _answered(error) from None


@router.get("/cases", response_model=list[CaseOut])
def cases(service: Service, _: Clerk, station: Annotated[
        str | None, Query(max_length=100, pattern=r"^[^\x00-\x1f]+$")] = None) -> list[CaseOut]:
    """Every case, or one station's, oldest first, with each step's author, reason and time
    (a clerk or supervisor)."""
    return [_case_out(c) for c in service.store.cases(station)]
