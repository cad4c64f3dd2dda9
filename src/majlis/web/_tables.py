"""Every table as JSON or CSV, with an ETag so that a page refreshing every few seconds is answered
`304 Not Modified` until a release changes what it shows."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from majlis.tally import Format

__all__ = ["CACHE_CONTROL", "Body", "CsvSuffix", "Format", "Served", "answer", "encode"]

# Short enough that a page never lags a release by much, long enough to spare the workers when a
# newsroom's readers all refresh at once; revalidation is cheap thanks to the ETag. Answers to
# the signed-in staff are made private by `_guard.SafeAnswers`.
CACHE_CONTROL = "public, max-age=5"


# The formats the service answers in (the terminal's table is the CLI's).
Served = Literal[Format.JSON, Format.CSV]


class Body:
    """An encoded answer and its ETag, kept as it is for as long as its release is the one asked
    for (a release never changes)."""

    __slots__ = ("content", "etag", "media_type")

    def __init__(self, content: bytes, media_type: str) -> None:
        self.content = content
        self.media_type = media_type
        self.etag = f'"{hashlib.sha256(content).hexdigest()[:32]}"'


def encode(data: BaseModel | Sequence[BaseModel], fmt: Format) -> Body:
    """JSON as the models say; CSV with one column per field of a table's rows."""
    if fmt is Format.CSV:
        rows = [data] if isinstance(data, BaseModel) else list(data)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        if rows:
            writer.writerow(type(rows[0]).model_fields)
        for row in rows:
            writer.writerow(row.model_dump().values())
        return Body(out.getvalue().encode(), "text/csv; charset=utf-8")
    value = (data.model_dump(mode="json") if isinstance(data, BaseModel)
             else [row.model_dump(mode="json") for row in data])
    return Body(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(),
                "application/json")


def answer(request: Request, body: Body) -> Response:
    """The body, or 304 when the client already holds it."""
    headers = {"ETag": body.etag, "Cache-Control": CACHE_CONTROL, "Vary": "Authorization"}
    wanted = request.headers.get("if-none-match", "")
    if body.etag in {tag.strip().removeprefix("W/") for tag in wanted.split(",")} or wanted == "*":
        return Response(status_code=304, headers=headers)
    return Response(body.content, media_type=body.media_type, headers=headers)


class CsvSuffix:
    """`/api/results.csv` is `/api/results?format=csv`: a link a spreadsheet can open."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith("/api/") and path.endswith(".csv"):
            query = scope.get("query_string", b"")
            raw = scope.get("raw_path") or path.encode()
            scope = {**scope, "path": path.removesuffix(".csv"),
                     "raw_path": raw.removesuffix(b".csv"),
                     "query_string": query + (b"&" if query else b"") + b"format=csv"}
        await self.app(scope, receive, send)
