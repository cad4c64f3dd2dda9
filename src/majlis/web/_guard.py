"""What every request and answer of the service keeps to, whatever route it reaches: a bounded
body, headers that keep pages from being framed, sniffed or fed another site's scripts, and staff
answers that no shared cache may keep."""

from __future__ import annotations

import json

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ._models import ErrorOut

__all__ = ["CSP", "MAX_BODY", "STAFF_CACHE_CONTROL", "BodyLimit", "SafeAnswers"]

# The largest request body read: a sheet of 100 lists is about 4 KB as JSON, 76 KB with 2,000
# candidates' votes, so some 110 of those fit, or 1,000 sheets without candidates (the most one
# request may carry); a larger batch goes in several requests.
MAX_BODY = 8 * 1024 * 1024
# Scripts, styles, pictures and connections from the service itself and nowhere else; never in
# a frame. A page that needs an inline script of its own (/docs) sends its own policy.
CSP = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
# What a signed-in user is answered (the live count, the quarantine, staff names, a token) is
# theirs alone: no shared cache keeps it, and the browser does not keep it either.
STAFF_CACHE_CONTROL = "private, no-store"


class SafeAnswers:
    """Every answer gets the content policy (unless the route set its own), `nosniff` and
    `X-Frame-Options: DENY`; an answer to a request with credentials, or a sign-in, gets
    `Cache-Control: private, no-store` in place of the tables' `public`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        staff = scope["path"] == "/api/token" or any(
            name == b"authorization" for name, _ in scope["headers"])

        async def guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CSP)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "same-origin"
                if staff:
                    headers["Cache-Control"] = STAFF_CACHE_CONTROL
            await send(message)

        await self.app(scope, receive, guarded)


class BodyLimit:
    """A request body past `limit` bytes is answered `413` as soon as that is known — from its
    Content-Length, or while a chunked body streams in — and never read whole; a body within the
    limit is handed on as it came."""

    def __init__(self, app: ASGIApp, *, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client left: let the app see it
                await self.app(scope, _replay([message], receive), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([body], receive), send)

    async def _refuse(self, send: Send) -> None:
        content = json.dumps(ErrorOut(detail=(
            f"the request body is larger than {self.limit:,} bytes, the most the service "
            "reads: send the sheets in several requests")).model_dump()).encode()
        await send({"type": "http.response.start", "status": 413, "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(content)).encode()), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": content})


def _replay(first: list[Message], receive: Receive) -> Receive:
    """`receive` with the messages already read handed out again first."""
    pending = list(first)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()
    return replayed
