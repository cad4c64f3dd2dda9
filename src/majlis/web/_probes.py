"""What operators and load balancers ask a worker: is it alive, can it serve, what has it done."""

from __future__ import annotations

import asyncio
import logging
import os

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from ._incidents import record
from ._metrics import CONTENT_TYPE, exposition
from ._service import Service

__all__ = ["PROBE_WAIT", "router"]

PROBE_WAIT = 5.0  # seconds the database may take to answer a readiness probe
NO_STORE = {"Cache-Control": "no-store"}  # a probe's answer is about now

router = APIRouter(tags=["operations"])


class AliveOut(BaseModel):
    alive: bool
    worker: int  # the process id of the worker that answered


class CheckOut(BaseModel):
    ok: bool
    detail: str


class ReadyOut(BaseModel):
    ready: bool
    worker: int
    checks: dict[str, CheckOut]  # database, schema, redis


@router.get("/health", response_model=AliveOut)
async def health() -> JSONResponse:
    """The worker's process is alive and its event loop answers; nothing else is asked."""
    return JSONResponse(AliveOut(alive=True, worker=os.getpid()).model_dump(), headers=NO_STORE)


@router.get("/ready", response_model=ReadyOut, responses={503: {"model": ReadyOut}})
async def ready(service: Service) -> JSONResponse:
    """Whether this worker can serve: the database reachable and its schema at the migrations'
    head — 200 when both hold, else 503 naming the checks that fail (what went wrong goes to
    the log under an incident id, never a database URL). Redis, when configured, is reported
    but does not decide: without it releases still reach readers, by re-reading the store."""
    checks: dict[str, CheckOut] = {}
    try:
        current, head = await asyncio.wait_for(run_in_threadpool(service.store.revisions),
                                               PROBE_WAIT)
    except Exception as error:  # any failure to reach it: the database is not usable
        incident = record(error, "readiness: the database is not reachable",
                          level=logging.WARNING)
        checks["database"] = CheckOut(ok=False, detail=f"not reachable (incident {incident})")
        checks["schema"] = CheckOut(ok=False, detail="unknown while the database is not reachable")
    else:
        checks["database"] = CheckOut(ok=True, detail="reachable")
        checks["schema"] = CheckOut(ok=current == head, detail=(
            f"at {head}, the head" if current == head
            else "not initialised: run `majlis db init`" if current is None
            else f"at {current}, this majlis needs {head}: run `majlis db init`"))
    redis = await service.broker.reachable()
    checks["redis"] = CheckOut(ok=redis is not False, detail=(
        "not configured" if redis is None else "reachable" if redis else
        "not reachable: releases reach this worker's readers by re-reading the store"))
    # Redis only hastens releases between workers: a worker without it still serves, so the
    # load balancer keeps it (every worker would go out at once if Redis counted).
    answer = ReadyOut(ready=checks["database"].ok and checks["schema"].ok, worker=os.getpid(),
                      checks=checks)
    return JSONResponse(answer.model_dump(), status_code=200 if answer.ready else 503,
                        headers=NO_STORE)


@router.get("/metrics", response_class=Response,
            responses={200: {"content": {"text/plain": {}}}})
async def metrics() -> Response:
    """Requests by route and status, their latency, open event streams and releases read, in
    Prometheus's text format (every worker's, summed, under `majlis serve --workers N`)."""
    return Response(await run_in_threadpool(exposition), media_type=CONTENT_TYPE,
                    headers=NO_STORE)
