"""Live pages: each release is pushed to every open page as a Server-Sent Event.

One worker fans events out to its own pages in process. Several workers behind one address share
a Redis channel instead: the worker that publishes a release sends it to Redis, and every worker,
itself included, hears it there and tells its pages.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable, Iterator

import redis.asyncio as redis

__all__ = ["Broker", "RedisBroker", "stream"]

KEEPALIVE = 15.0  # seconds between comments that keep proxies from closing an idle stream


class Broker:
    """Fans each event out to the queues of the pages open on this worker."""

    def __init__(self, heard: Callable[[dict[str, object]], None]) -> None:
        self._queues: set[asyncio.Queue[str | None]] = set()
        self._heard = heard
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

    async def publish(self, event: dict[str, object]) -> None:
        self.deliver(json.dumps(event, ensure_ascii=False))

    def deliver(self, text: str) -> None:
        """Tell this worker's pages of a release, once, however many ways it arrives."""
        event = json.loads(text)
        if int(event.get("number", 0)) <= self.announced:
            return
        self.announced = int(event["number"])
        self._heard(event)
        for queue in self._queues:
            queue.put_nowait(text)

    @contextlib.contextmanager
    def subscribe(self) -> Iterator[asyncio.Queue[str | None]]:
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)


class RedisBroker(Broker):
    """The same fan-out, fed by a Redis pub/sub channel that every worker listens to."""

    def __init__(self, heard: Callable[[dict[str, object]], None], *, url: str,
                 channel: str) -> None:
        super().__init__(heard)
        self._client = redis.Redis.from_url(url)
        self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        self._channel = channel
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Subscribe before the worker takes requests, so no release published after it is
        up can be missed."""
        await self._pubsub.subscribe(self._channel)
        self._task = asyncio.create_task(self._listen())

    async def _listen(self) -> None:
        async for message in self._pubsub.listen():
            if message["type"] == "message":
                self.deliver(message["data"].decode())

    async def publish(self, event: dict[str, object]) -> None:
        await self._client.publish(self._channel, json.dumps(event, ensure_ascii=False))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._pubsub.aclose()
        await self._client.aclose()
        await super().stop()


async def stream(broker: Broker, hello: dict[str, object]) -> AsyncIterator[str]:
    """One page's event stream: `hello` with the latest release at once, then each release."""
    with broker.subscribe() as queue:
        yield f"retry: 3000\nevent: hello\ndata: {json.dumps(hello, ensure_ascii=False)}\n\n"
        while True:
            try:
                text = await asyncio.wait_for(queue.get(), KEEPALIVE)
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            if text is None:
                return
            yield f"id: {json.loads(text).get('number', '')}\nevent: release\ndata: {text}\n\n"
