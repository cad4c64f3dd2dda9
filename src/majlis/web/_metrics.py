"""What the service counts for its operators, in Prometheus's text format at `/metrics`.

One worker keeps its figures in memory. Several workers (`majlis serve --workers N`) each write
theirs to files in one folder, `PROMETHEUS_MULTIPROC_DIR` (prometheus-client's multiprocess
mode), and whichever worker is asked for `/metrics` adds them all up, so a scrape through the
shared address sees the whole service, not the one worker it happened to reach. The folder must
be set before the first metric is made and emptied before the workers start; `majlis serve` does
both. Counts of a worker that died stay in the sums (a counter never goes down); its open event
streams are dropped at the next scrape.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CONTENT_TYPE", "MULTIPROCESS", "RELEASES", "STREAMS", "Measured", "exposition"]

MULTIPROCESS = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST

REQUESTS = Counter("majlis_http_requests", "Requests answered, by method, route and status",
                   ["method", "route", "status"])
LATENCY = Histogram("majlis_http_request_duration_seconds",
                    "Seconds from a request to its answer's headers, by method and route",
                    ["method", "route"],
                    buckets=(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10))
STREAMS = Gauge("majlis_event_streams", "Pages following releases (open /api/events streams)",
                multiprocess_mode="livesum")
RELEASES = Gauge("majlis_releases", "Releases of the election read from the store",
                 multiprocess_mode="max")

_FILE = re.compile(r"_(\d+)\.db$")  # prometheus-client names each worker's file for its pid


class Measured:
    """Counts every HTTP request by the route it matched (its template, `/api/releases/{number}`,
    so the labels stay few; `unmatched` for a 404 no route knew) and times it to its headers —
    an event stream is timed to its opening, not held open in the histogram."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        status = 500  # unless the answer says otherwise

        async def measured(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                LATENCY.labels(scope["method"], _route(scope)).observe(
                    time.perf_counter() - began)
            await send(message)

        try:
            await self.app(scope, receive, measured)
        finally:
            REQUESTS.labels(scope["method"], _route(scope), str(status)).inc()


def _route(scope: Scope) -> str:
    route = getattr(scope.get("route"), "path", None)
    if route is not None:
        return str(route)
    return "/static" if str(scope.get("path", "")).startswith("/static/") else "unmatched"


def exposition() -> bytes:
    """The figures in Prometheus's text format: this worker's, or every worker's summed."""
    folder = os.environ.get(MULTIPROCESS)
    if not folder:
        return generate_latest(REGISTRY)
    _forget_the_dead(Path(folder))
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=folder)  # type: ignore[no-untyped-call]
    return generate_latest(registry)


def _forget_the_dead(folder: Path) -> None:
    """Drop the live gauges of workers no longer running (killed, say, so they never said
    goodbye): the supervisor that replaced them does not tell prometheus-client."""
    for pid in {int(m.group(1)) for f in folder.glob("*.db") if (m := _FILE.search(f.name))}:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, str(folder))  # type: ignore[no-untyped-call]
        except PermissionError:
            continue  # alive, under another user
