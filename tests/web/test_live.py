"""Each release reaches every open page as a Server-Sent Event: in process with one worker,
through Redis between workers."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx2

from majlis.tally import Store
from majlis.web import create_app

from .conftest import PASSWORD, register, serving

REDIS = "redis://127.0.0.1:6379/0"


def events(stream: httpx2.Response) -> Iterator[tuple[str, dict[str, object]]]:
    """(event, data) as they arrive on an open event stream."""
    kind, data = "message", ""
    for line in stream.iter_lines():
        if line.startswith("event: "):
            kind = line.removeprefix("event: ")
        elif line.startswith("data: "):
            data = line.removeprefix("data: ")
        elif not line and data:
            yield kind, json.loads(data)
            kind, data = "message", ""


def publish(base: str, name: str) -> None:
    token = httpx2.post(f"{base}/api/token",
                        json={"username": "carla", "password": PASSWORD}).json()["access_token"]
    answer = httpx2.post(f"{base}/api/releases", json={"name": name},
                         headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201, answer.text


def test_a_release_reaches_an_open_page_in_process(night: str, users_file: Path) -> None:
    with serving(create_app(night, "default", users=users_file)) as base, \
            httpx2.stream("GET", f"{base}/api/events", timeout=10) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        heard = events(stream)
        assert next(heard) == ("hello", {"latest": 0})
        publish(base, "first results")
        kind, release = next(heard)
    assert kind == "release"
    assert (release["number"], release["name"], release["percent_counted"]) == (
        1, "first results", 50.0)


def test_a_release_made_outside_the_service_reaches_open_pages(night: str, users_file: Path
                                                               ) -> None:
    with serving(create_app(night, "default", users=users_file)) as base, \
            httpx2.stream("GET", f"{base}/api/events", timeout=10) as stream:
        heard = events(stream)
        assert next(heard) == ("hello", {"latest": 0})
        with Store(night) as store:
            store.release("from the command line")  # as `majlis release` does
        started = time.monotonic()
        kind, release = next(heard)
        assert time.monotonic() - started < 5  # found by the worker's re-reading, every 2 s
        assert (kind, release["name"]) == ("release", "from the command line")
        assert httpx2.get(f"{base}/api/releases/1").json()["name"] == "from the command line"


def test_a_release_reaches_the_pages_of_another_worker_through_redis(
        night: str, users_file: Path) -> None:
    election = f"night-{uuid.uuid4().hex[:8]}"  # its own channel, whatever else uses Redis
    register(night, election)
    secret = "shared by the workers"
    one = create_app(night, election, redis_url=REDIS, users=users_file, secret=secret)
    two = create_app(night, election, redis_url=REDIS, users=users_file, secret=secret)
    with serving(one) as first, serving(two) as second, \
            httpx2.stream("GET", f"{second}/api/events", timeout=10) as stream:
        heard = events(stream)
        assert next(heard) == ("hello", {"latest": 0})
        publish(first, "via the first worker")
        kind, release = next(heard)
        assert (kind, release["name"]) == ("release", "via the first worker")
        # the second worker serves the new release at once, without waiting to re-read
        latest = httpx2.get(f"{second}/api/election").json()["latest"]
        assert latest["name"] == "via the first worker"
