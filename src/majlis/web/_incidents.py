"""What goes wrong while the service runs: told to the staff in the server log (logger
`majlis.web`), never to the public, and never with a password; retried with a capped backoff by
the background work that must outlive it."""

from __future__ import annotations

import logging
import re
import secrets
import traceback
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from majlis.errors import MajlisError

__all__ = ["Backoff", "Incidents", "logger", "record", "redacted", "said"]

logger = logging.getLogger("majlis.web")

# scheme://user:password@host — the password of any URL, whatever library wrote the text
_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@'\"]*:)[^@\s'\"]*@")


def redacted(text: str) -> str:
    """`text` with the password of every URL in it masked as `***`."""
    return _PASSWORD.sub(r"\g<head>***@", text)


def said(error: BaseException) -> str:
    """What `error` says on one line, its type first, passwords masked."""
    return redacted(f"{type(error).__name__}: {error}")


def record(error: BaseException, what: str, *, level: int = logging.ERROR) -> str:
    """Log `error` — with its traceback, or for a condition majlis names (a MajlisError, say a
    store not initialised) only what it and its causes say — passwords masked, under a short
    incident id that the public answer names; the id."""
    incident = secrets.token_hex(4)
    if not isinstance(error, MajlisError):
        told = "".join(traceback.format_exception(error))
    else:
        causes: list[BaseException] = [error]
        while causes[-1].__cause__ is not None and len(causes) < 8:
            causes.append(causes[-1].__cause__)  # a StoreError the database's refusal caused
        told = "".join(line for e in causes for line in traceback.format_exception_only(e))
    logger.log(level, "incident %s: %s\n%s", incident, what, redacted(told.rstrip()))
    return incident


class Backoff:
    """Capped exponential waits between the attempts of a background task: quick to recover
    from a hiccup, gentle on a database or Redis that is down for a while."""

    def __init__(self, first: float = 2.0, cap: float = 30.0) -> None:
        self.first = first
        self.cap = cap
        self._next = first

    def failed(self) -> float:
        """The seconds to wait before the next attempt."""
        delay, self._next = self._next, min(self.cap, self._next * 2)
        return delay

    def succeeded(self) -> None:
        self._next = self.first


class Incidents:
    """Answers an exception that escapes a route with `answer`, inside the other middleware, so
    that a 500 carries the headers every answer does, and is not raised on to the server, which
    would log its text again with nothing masked."""

    def __init__(self, app: ASGIApp, *,
                 answer: Callable[[Request, Exception], Awaitable[Response]]) -> None:
        self.app = app
        self.answer = answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as error:  # any failure of a route: the public gets the generic answer
            if started:  # an answer broke midway (a stream): nothing more can be said to it
                record(error, f"{scope['method']} {scope['path']} failed while answering")
                return
            response = await self.answer(Request(scope), error)
            await response(scope, receive, send)
