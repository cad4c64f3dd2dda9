"""Live pages: each release is pushed to every open page as a Server-Sent Event.

One worker fans events out to its own pages in process. Several workers behind one address share
a Redis channel instead: the worker that publishes a release tells its own pages and sends the
release to Redis, and every other worker hears it there. A message on the channel is only a hint
— anyone who can reach Redis can write to it — so a worker that hears one re-reads the store and
tells its pages what the store holds, never what the message says. Redis is a shortcut, not a
dependency: a worker whose Redis is down serves as without it (each worker re-reads the store
every few seconds) and listens again as soon as it can.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable, Iterator, Mapping

import redis.asyncio as redis

from ._incidents import Backoff, logger, said
from ._metrics import STREAMS
from ._models import ReleaseOut

__all__ = ["Broker", "RedisBroker", "stream"]

KEEPALIVE = 15.0  # seconds between comments that keep proxies from closing an idle stream
REDIS_WAIT = 2.0  # seconds a connection, a first subscription or a publish may take
HINT_BYTES = 4096  # a release event is a few hundred bytes; anything longer is not one


class Broker:
    """Fans each release out to the queues of the pages open on this worker."""

    def __init__(self, stale: Callable[[], None]) -> None:
        self._queues: set[asyncio.Queue[str | None]] = set()
        self._stale = stale  # asks the worker to re-read the store's releases
        self.announced = 0  # the last release number told to this worker's pages

    @property
    def listeners(self) -> int:
        return len(self._queues)

    async def start(self) -> None:
        """Nothing to connect to in process."""

    async def stop(self) -> None:
        """End every open stream, so the server can shut down."""
        for queue in self._queues:
            queue.put_nowait(None)

    async def publish(self, event: Mapping[str, object]) -> None:
        """Announce a release this worker just stored."""
        self.deliver(event)

    def deliver(self, event: Mapping[str, object]) -> None:
        """Tell this worker's pages of a release read from the store, once, however many ways
        it arrives."""
        number = int(str(event["number"]))
        if number <= self.announced:
            return
        self.announced = number
        text = json.dumps(event, ensure_ascii=False)
        for queue in self._queues:
            queue.put_nowait(f"id: {number}\nevent: release\ndata: {text}\n\n")

    @contextlib.contextmanager
    def subscribe(self) -> Iterator[asyncio.Queue[str | None]]:
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._queues.add(queue)
        STREAMS.inc()
        try:
            yield queue
        finally:
            self._queues.discard(queue)
            STREAMS.dec()

    async def reachable(self) -> bool | None:
        """Whether the channel between workers can be reached: None, as there is none."""
        return None


def release_number(data: object) -> int | None:
    """The release number a channel message names, or None when it is not a release event (a
    JSON object with a positive integer `number` and no field a release event does not have)."""
    if not isinstance(data, bytes | str) or len(data) > HINT_BYTES:
        return None
    try:
        event = json.loads(data)
    except (ValueError, RecursionError):  # not UTF-8, not JSON, or nested beyond reason
        return None
    if not isinstance(event, dict) or not set(event) <= set(ReleaseOut.model_fields):
        return None
    number = event.get("number")
    if type(number) is not int or number <= 0:  # not bool, not float, not a string
        return None
    return number


class RedisBroker(Broker):
    """The same fan-out, prompted by a Redis pub/sub channel that every worker listens to."""

    def __init__(self, stale: Callable[[], None], *, url: str, channel: str) -> None:
        super().__init__(stale)
        self._client = redis.Redis.from_url(url, socket_connect_timeout=REDIS_WAIT)
        self._channel = channel
        self._task: asyncio.Task[None] | None = None
        self._tried = asyncio.Event()  # the first attempt to subscribe is over, either way

    async def start(self) -> None:
        """Wait briefly for the first subscription, so that a worker with Redis up serves with
        it from its first request; with Redis down, start anyway and keep trying."""
        self._task = asyncio.create_task(self._listen())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._tried.wait(), 2 * REDIS_WAIT)
        if not self._tried.is_set():
            logger.warning("Redis did not answer within %g s; serving without it meanwhile",
                           2 * REDIS_WAIT)

    async def _listen(self) -> None:
        """Listen on the channel for as long as the worker runs: after every failure log, wait
        (longer each time, up to half a minute) and subscribe again."""
        backoff = Backoff()
        while True:
            try:
                await self._subscribed(backoff)
                logger.warning("Redis ended the subscription to %s", self._channel)
            except Exception as error:  # any failure of Redis or its client: never stop listening
                logger.warning("Redis channel %s: %s; serving by re-reading the store every few "
                               "seconds", self._channel, said(error))
            finally:
                self._tried.set()
            delay = backoff.failed()
            logger.info("subscribing to %s again in %g s", self._channel, delay)
            await asyncio.sleep(delay)

    async def _subscribed(self, backoff: Backoff) -> None:
        async with self._client.pubsub(ignore_subscribe_messages=True) as pubsub:
            async with asyncio.timeout(REDIS_WAIT):
                await pubsub.subscribe(self._channel)
            logger.info("listening for releases on Redis channel %s", self._channel)
            self._tried.set()
            backoff.succeeded()
            self._stale()  # whatever was published while not listening is in the store
            async for message in pubsub.listen():
                if message["type"] == "message":
                    self._hint(message["data"])

    def _hint(self, data: object) -> None:
        number = release_number(data)
        if number is None:
            logger.warning("ignored a message on %s that is not a release event: %.200r",
                           self._channel, data)
        elif number > self.announced:
            self._stale()

    async def reachable(self) -> bool | None:
        """Whether Redis answers a ping within REDIS_WAIT seconds."""
        try:
            async with asyncio.timeout(REDIS_WAIT):
                return bool(await self._client.ping())
        except Exception:  # any failure of Redis or its client: not reachable
            return False

    async def publish(self, event: Mapping[str, object]) -> None:
        """Tell this worker's pages now and the other workers through Redis; when Redis cannot
        take it, they find the release by re-reading the store, so the publisher is not told
        of a failure (the release is stored: a retry would make a second one)."""
        self.deliver(event)
        try:
            async with asyncio.timeout(REDIS_WAIT):
                await self._client.publish(self._channel, json.dumps(event, ensure_ascii=False))
        except Exception as error:  # any failure of Redis or its client: the release stands
            logger.warning("release %s is published but Redis did not take its event (%s); the "
                           "other workers find it by re-reading the store", event["number"],
                           said(error))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._client.aclose()
        await super().stop()


async def stream(broker: Broker, hello: dict[str, object]) -> AsyncIterator[str]:
    """One page's event stream: `hello` with the latest release at once, then each release."""
    with broker.subscribe() as queue:
        yield f"retry: 3000\nevent: hello\ndata: {json.dumps(hello, ensure_ascii=False)}\n\n"
        while True:
            try:
                frame = await asyncio.wait_for(queue.get(), KEEPALIVE)
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            if frame is None:
                return
            yield frame
