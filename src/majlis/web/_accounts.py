"""Who did what, and tokens taken back: signing out, an administrator revoking a user's tokens,
and the audit log read by an administrator. Revocations live in the store, so every worker
refuses a revoked token at once (`bearer`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from majlis.tally import OUTCOMES

from ._auth import User
from ._models import AuditLineOut, ErrorOut, RevocationIn, RevocationOut
from ._read import CSV, FormatParam
from ._service import Service, SignedIn, acting, admin
from ._tables import Format, answer, encode

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["results staff"], responses={
    code: {"model": ErrorOut} for code in (401, 403, 422, 503)})
Admin = Annotated[User, Depends(admin)]
MAX_LINES = 10_000  # lines one request reads; page with `since`


@router.delete("/token", status_code=204, response_class=Response)
async def sign_out(request: Request, service: Service, signed_in: SignedIn) -> Response:
    """Sign out: the token sent is refused from now on, by every worker (401 after)."""
    if signed_in is None:
        raise HTTPException(401, "sign in first: POST /api/token",
                            headers={"WWW-Authenticate": "Bearer"})
    store = acting(service, request, signed_in.user)
    await run_in_threadpool(lambda: store.revoke(signed_in.user.name, token=signed_in.token))
    return Response(status_code=204)


@router.post("/revocations", response_model=RevocationOut, status_code=201,
             responses={404: {"model": ErrorOut}})
async def revoke(request: Request, service: Service, revocation: RevocationIn,
                 user: Admin) -> RevocationOut:
    """Revoke every token a user was issued until now (an administrator): each worker answers
    them 401 from now on. They may sign in again; take them out of the users file to stop
    that."""
    if service.tokens.users.role(revocation.user) is None:
        raise HTTPException(404, f"no account named {revocation.user!r}")
    store = acting(service, request, user)
    await run_in_threadpool(lambda: store.revoke(revocation.user))
    return RevocationOut(user=revocation.user)


@router.get("/audit-log", response_model=list[AuditLineOut], responses=CSV)
async def audit_log(
        request: Request, service: Service, _: Admin,
        since: Annotated[datetime | None, Query(
            description="Lines at or after this moment, ISO 8601 (UTC without an offset)")]
        = None,
        user: Annotated[str | None, Query(max_length=200, description="Lines of this user")]
        = None,
        kind: Annotated[str | None, Query(max_length=40, description=(
            "sheets, correction, desk-entry, settlement, recount-order, release, "
            "certification, register, device, signatures, schema, sign-in, sign-out or "
            "revocation"))] = None,
        outcome: Annotated[str | None, Query(
            pattern="^(" + "|".join(OUTCOMES) + ")$", description=" or ".join(OUTCOMES))]
        = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LINES, description="The last this many")]
        = 1000,
        fmt: FormatParam = Format.JSON) -> Response:
    """The audit log of this election, oldest first (an administrator): every write and
    sign-in, who made it, when (UTC), from which address, by which route or command, what it
    was done to and how it ended — never a password or a token."""
    lines = await run_in_threadpool(lambda: service.store.audit_log(
        since=since, user=user, kind=kind, outcome=outcome, limit=limit))
    return answer(request, encode([
        AuditLineOut(id=x.id, at=x.at, user=x.user, role=x.role, address=x.address,
                     action=x.action, kind=x.kind, subject=x.subject, outcome=x.outcome,
                     detail=x.detail) for x in lines], fmt))


