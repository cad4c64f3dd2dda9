"""What one API worker holds: the store, the releases read so far, answers already encoded, the
live broker and the staff's tokens."""


import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from functools import lru_cache
from operator import attrgetter
from typing import Annotated, Any, TypeVar

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from majlis import data
from majlis.errors import InputError, Problem, StoreError
from majlis.law import Law
from majlis.tally import Caller, CandidateCount, ConstituencyCount, Release, Store

from ._auth import Bearer, Role, TokenError, Tokens, User
from ._incidents import Backoff, record
from ._live import Broker
from ._metrics import RELEASES
from ._models import release_out
from ._tables import Body, Format, answer, encode

__all__ = [
    "ResultsService",
    "Service",
    "SignedIn",
    "Viewer",
    "acting",
    "admin",
    "bearer",
    "caller",
    "clerk",
    "keying_clerk",
    "law_named",
    "publisher",
    "service_of",
    "signed",
    "supervisor",
    "viewer",
]

T = TypeVar("T")

# Releases published elsewhere (the CLI, another worker without Redis) are found within this
# time and pushed to this worker's pages; those published through the API arrive by their event.
REFRESH = 2.0
ENCODED = 1024  # answers kept encoded, most recently used first


@lru_cache(maxsize=32)
def law_named(name: str) -> Law:
    """A preset law by name; a name that is not a preset is the caller's mistake (422)."""
    if name not in data.laws():
        raise InputError([Problem(source="query", line=None, field="law", message=(
            f"no preset law {name!r}; one of: {', '.join(data.laws())}"))])
    return data.law(name)


class ResultsService:
    """The state behind the routes of one worker.

    The releases are read once and then kept, re-read in the background and whenever a release
    event arrives, so that a request for a published table never waits on the database.
    """

    def __init__(self, store: Store, *, law: str | None, tokens: Tokens,
                 broker: Callable[[Callable[[], None]], Broker]) -> None:
        self.store = store
        self.law = law
        self.tokens = tokens
        self.broker = broker(self.stale)
        self._releases: list[Release] | None = None
        self._encoded: OrderedDict[tuple[object, ...], Body] = OrderedDict()
        self._making: dict[tuple[object, ...], asyncio.Future[Body]] = {}
        self._stale = asyncio.Event()  # a release event was heard: re-read before the poll
        self._refreshing: asyncio.Task[None] | None = None
        self._unread: Exception | None = None  # why the releases could not be read, until they are

    async def start(self) -> None:
        """Read the releases and start listening; a store or Redis that cannot be used yet is
        logged and tried again in the background, so the service starts whatever is down."""
        try:
            await self._read()
        except Exception as error:  # any failure: the pages are served, reads answer 503
            record(error, "the releases could not be read at start; trying again",
                   level=logging.WARNING)
        self.broker.announced = len(self._releases or ())
        await self.broker.start()
        self._refreshing = asyncio.create_task(self._keep_fresh())

    async def stop(self) -> None:
        """Stop re-reading and end the answers still being made (a thread already at work
        finishes first) before the store's connections are closed: none is left open behind."""
        work: list[asyncio.Future[Any]] = [*self._making.values()]
        if self._refreshing is not None:
            work.append(self._refreshing)
        for task in work:
            task.cancel()
        await asyncio.gather(*work, return_exceptions=True)
        await self.broker.stop()
        self.store.close()

    async def _keep_fresh(self) -> None:
        """Re-read the releases every REFRESH seconds, or at once when an event says there is a
        new one, for as long as the worker runs: a failure is logged and tried again after a
        wait that grows (2 s to 30 s) while it lasts."""
        backoff = Backoff()
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stale.wait(), REFRESH)
            self._stale.clear()
            try:
                await self._refresh()
            except Exception as error:  # any failure, a bug included: never stop re-reading
                delay = backoff.failed()
                record(error, f"re-reading the releases failed; trying again in {delay:g} s",
                       level=logging.WARNING)
                await asyncio.sleep(delay)
            else:
                backoff.succeeded()

    async def _refresh(self) -> None:
        """Read the releases again; tell this worker's pages of any not yet announced, as the
        store holds them."""
        for release in (await self._read())[self.broker.announced:]:
            self.broker.deliver(release_out(release).model_dump())

    async def _read(self) -> list[Release]:
        try:
            self._releases = await run_in_threadpool(self.store.releases)
        except Exception as error:
            self._unread = error
            raise
        self._unread = None
        RELEASES.set(len(self._releases))
        return self._releases

    def stale(self) -> None:
        """A release may have been published elsewhere: re-read the store's releases soon."""
        self._stale.set()

    def releases(self) -> list[Release]:
        """The releases as last read; until they could be read, the store is unavailable (503)
        and is read again in the background."""
        if self._releases is None:
            raise StoreError("the releases have not been read from the store yet") from (
                self._unread)
        return self._releases

    def release(self, number: int | None) -> Release | None:
        """Release `number`, or the latest when None; None when there is no such release."""
        found = self.releases()
        if number is None:
            return found[-1] if found else None
        return found[number - 1] if 0 < number <= len(found) else None

    def published(self, release: Release) -> None:
        """Hold a release this worker just published, without waiting to read it back (or read
        them all again, when others were published meanwhile)."""
        if self._releases is not None and len(self._releases) == release.number - 1:
            self._releases = [*self._releases, release]
        else:
            self.stale()

    async def encoded(self, key: tuple[object, ...], make: Callable[[], Body], *,
                      run: Callable[[Callable[[], Body]], Awaitable[Body]] = run_in_threadpool
                      ) -> Body:
        """The answer for `key` — which names a release, so it never goes stale — made once,
        by `run` in a worker thread (a seat allocation takes a while; heavier work is run
        in a bounded queue of its own)."""
        if key in self._encoded:
            self._encoded.move_to_end(key)
            return self._encoded[key]
        making = self._making.get(key)
        if making is None:  # the first to ask makes it; those who ask meanwhile wait for it
            making = self._making[key] = asyncio.ensure_future(run(make))
            making.add_done_callback(lambda _: self._making.pop(key, None))
        body = await asyncio.shield(making)
        self._encoded[key] = body
        while len(self._encoded) > ENCODED:
            self._encoded.popitem(last=False)
        return body

    async def table(self, request: Request, number: object, fmt: Format,
                    make: Callable[[], BaseModel | Sequence[BaseModel]], *,
                    run: Callable[[Callable[[], Body]], Awaitable[Body]] = run_in_threadpool
                    ) -> Response:
        """A table answered once per release (`number`) and query; live tables (number None)
        are made for every request. `run` makes it in a thread (see `encoded`)."""
        def build() -> Body:
            return encode(make(), fmt)
        if number is None:
            return answer(request, await run(build))
        query = tuple(sorted((k, v) for k, v in request.query_params.multi_items()
                             if k != "release"))
        return answer(request, await self.encoded((request.url.path, number, query), build,
                                                  run=run))

    async def counts(self, release: str, viewer: User | None
                     ) -> tuple[object, Sequence[ConstituencyCount]]:
        """The counts asked for — `latest`, a release number, or `live` for the staff — and the
        key they are cached under (None for live counts, which are never cached)."""
        return await self._chosen(release, viewer, self.store.results, attrgetter("results"))

    async def candidates(self, release: str, viewer: User | None, constituency: str | None
                         ) -> tuple[object, Sequence[CandidateCount]]:
        """Candidates' votes as `counts` chooses them: from a release, or live for the staff."""
        number, found = await self._chosen(release, viewer,
                                           lambda: self.store.candidates(constituency),
                                           attrgetter("candidates"))
        return number, [k for k in found if constituency in (None, k.constituency)]

    async def _chosen(self, release: str, viewer: User | None, live: Callable[[], list[T]],
                      part: Callable[[Release], Sequence[T]]) -> tuple[object, Sequence[T]]:
        """One table of a release (`part`), or its `live` count for signed-in staff only."""
        if release == "live":
            if viewer is None:
                raise HTTPException(401, "live counts are for the results staff: sign in",
                                    headers={"WWW-Authenticate": "Bearer"})
            return None, await run_in_threadpool(live)
        found = self.release(None if release == "latest" else int(release))
        if found is None and release != "latest":
            raise HTTPException(404, f"no release {release}")
        return (found.number if found else 0), (part(found) if found else ())


_bearer = HTTPBearer(auto_error=False, description="A token from POST /api/token")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def service_of(request: Request) -> ResultsService:
    """A dependency: the worker's service, kept on the app's state by `create_app` (a test
    overrides it to try a route on a service of its own)."""
    service: ResultsService = request.app.state.service
    return service


Service = Annotated[ResultsService, Depends(service_of)]


REVOKED = ("the token was revoked (signed out, or by an administrator): sign in again with "
           "POST /api/token")


async def signed(service: Service, credentials: Credentials) -> Bearer | None:
    """A dependency: the user and token a request's signed, unexpired token names, or None for
    the public — not yet checked against the store's revocations (`bearer` does that)."""
    if credentials is None:
        return None
    try:
        return service.tokens.check(credentials.credentials)
    except TokenError as error:
        raise HTTPException(401, str(error), headers={"WWW-Authenticate": "Bearer"}) from None


Signed = Annotated[Bearer | None, Depends(signed)]


async def bearer(service: Service, found: Signed) -> Bearer | None:
    """A dependency: the signed-in user and their token, or None for the public. A token the
    store holds revoked is refused, whichever worker was told of it."""
    if found is not None and await run_in_threadpool(service.store.revoked, found.user.name,
                                                     found.token, found.issued):
        raise HTTPException(401, REVOKED, headers={"WWW-Authenticate": "Bearer"})
    return found


SignedIn = Annotated[Bearer | None, Depends(bearer)]


async def viewer(signed_in: SignedIn) -> User | None:
    """A dependency: the signed-in user, or None for the public."""
    return None if signed_in is None else signed_in.user


Viewer = Annotated[User | None, Depends(viewer)]


def _staff(user: User | None, *roles: Role) -> User:
    """A signed-in user holding one of `roles` (401 without a token, 403 with another role)."""
    if user is None:
        raise HTTPException(401, "sign in first: POST /api/token",
                            headers={"WWW-Authenticate": "Bearer"})
    if user.role not in roles:
        raise HTTPException(403, f"a {user.role} may not do this; it needs: "
                            + " or ".join(r.value for r in roles))
    return user


async def clerk(user: Viewer) -> User:
    """A dependency: a clerk or a supervisor, who enter sheets."""
    return _staff(user, Role.CLERK, Role.SUPERVISOR)


async def keying_clerk(found: Signed) -> Bearer:
    """A dependency for the desk's entries: a clerk or supervisor by their token alone, its
    revocation checked by the store in the entries' own transaction — one query per batch of
    entries, not a read of the store per request — with the same 401 (`desk` routes)."""
    _staff(None if found is None else found.user, Role.CLERK, Role.SUPERVISOR)
    assert found is not None
    return found


async def supervisor(user: Viewer) -> User:
    """A dependency: a supervisor, who corrects sheets and reads the quarantine."""
    return _staff(user, Role.SUPERVISOR)


async def publisher(user: Viewer) -> User:
    """A dependency: a publisher, who publishes releases."""
    return _staff(user, Role.PUBLISHER)


async def admin(user: Viewer) -> User:
    """A dependency: an administrator, who reads the audit log and revokes tokens."""
    return _staff(user, Role.ADMIN)


def address_of(request: Request) -> str:
    """Where a request came from, as the server saw it (behind a proxy, the address it
    forwarded when uvicorn trusts it: `--forwarded-allow-ips`)."""
    return request.client.host if request.client else "unknown"


def caller(request: Request, user: User | None, name: str = "") -> Caller:
    """Who the store acts for in `request`: the user (or `name`, for a sign-in), their role,
    address and route — never their token."""
    route = request.scope.get("route")
    path = getattr(route, "path", request.url.path)
    return Caller(user=user.name if user else name, role=user.role.value if user else "",
                  address=address_of(request), action=f"{request.method} {path}")


def acting(service: ResultsService, request: Request, user: User) -> Store:
    """The store acting for `user` in `request`: its writes are logged under their name."""
    return service.store.by(caller(request, user))
