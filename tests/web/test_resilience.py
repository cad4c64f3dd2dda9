"""The service stays up through what goes wrong on an election night — a database connection
killed, Redis unreachable, dropped or fed forged messages — and every release still reaches the API
and the open pages."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
import psycopg
import pytest
import redis
from fastapi.testclient import TestClient

from majlis.tally import Store
from majlis.web import create_app

from .conftest import PLAIN_POSTGRES, example, postgres_schema, register, serving
from .test_live import REDIS, events, publish

DEADLINE = 20.0  # seconds: two failed reads back off 2 s and 4 s, then the poll's 2 s


def eventually(check: Callable[[], bool], what: str, within: float = DEADLINE) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, f"not within {within} s: {what}"
        time.sleep(0.1)


def names(base_or_client: str | TestClient) -> list[str]:
    """The names of the releases the service answers with, oldest first."""
    if isinstance(base_or_client, str):
        answer = httpx2.get(f"{base_or_client}/api/releases")
    else:
        answer = base_or_client.get("/api/releases")
    assert answer.status_code == 200, answer.text
    return [r["name"] for r in answer.json()]


def night_election(url: str) -> str:
    """The README's night in an election of its own, so its Redis channel is the test's own."""
    election = f"night-{uuid.uuid4().hex[:8]}"
    register(url, election)
    with Store(url, election) as store:
        store.ingest(example("sheets.csv").sheets)
    return election


def test_a_killed_database_connection_does_not_stop_releases_reaching_the_service(
        users_file: Path) -> None:
    service_name = f"majlis-{uuid.uuid4().hex[:8]}"
    with postgres_schema() as url:
        with Store(url) as store:
            store.init()
        register(url)
        with Store(url) as store:
            store.ingest(example("sheets.csv").sheets)
            store.release("before the hiccup")
        served = f"{url}&application_name={service_name}"
        with TestClient(create_app(served, "default", users=users_file)) as client:
            assert names(client) == ["before the hiccup"]
            with psycopg.connect(PLAIN_POSTGRES, autocommit=True) as conn:
                killed = conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE application_name = %s", (service_name,)).fetchall()
            assert killed and all(ok for (ok,) in killed)
            with Store(url) as store:
                store.release("after the hiccup")  # as `majlis release` does
            eventually(lambda: names(client) == ["before the hiccup", "after the hiccup"],
                       "the release made after the hiccup reaches the API")


def test_a_store_made_ready_after_the_service_started_is_served_once_the_backoff_allows(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="majlis.web")

    def waits() -> list[str]:
        return re.findall(r"trying again in (\d+) s", caplog.text)

    with postgres_schema() as url, TestClient(create_app(url, "default")) as client:
        assert client.get("/api/releases").status_code == 503
        eventually(lambda: waits()[:2] == ["2", "4"], "the retries wait longer each time")
        with Store(url) as store:  # the staff run `majlis db init`, then the night begins
            store.init()
        register(url)
        with Store(url) as store:
            store.ingest(example("sheets.csv").sheets)
            store.release("once the store was ready")
        eventually(lambda: client.get("/api/releases").status_code == 200, "served", 30)
        assert names(client) == ["once the store was ready"]


def test_the_service_starts_and_serves_without_redis(
        night: str, users_file: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="majlis.web")
    app = create_app(night, "default", redis_url="redis://127.0.0.1:1/0", users=users_file)
    with serving(app) as base, httpx2.stream("GET", f"{base}/api/events", timeout=15) as stream:
        heard = events(stream)
        assert next(heard) == ("hello", {"latest": 0})
        publish(base, "while Redis is down")  # 201, though the event could not be sent
        assert next(heard)[1]["name"] == "while Redis is down"
        with Store(night) as store:
            store.release("from the command line")
        assert next(heard)[1]["name"] == "from the command line"
        assert names(base) == ["while Redis is down", "from the command line"]
    assert any(r.name == "majlis.web" and r.levelno == logging.WARNING
               and "Redis" in r.getMessage() for r in caplog.records)


@contextmanager
def redis_user(*rules: str) -> Iterator[str]:
    """A Redis URL signed in as a user of its own, with these ACL rules, deleted afterwards."""
    name = f"majlis-test-{uuid.uuid4().hex[:8]}"
    admin = redis.Redis.from_url(REDIS)
    admin.acl_setuser(name, enabled=True, nopass=True, keys=["*"], channels=["*"],
                      commands=list(rules))
    try:
        yield f"redis://{name}:any@127.0.0.1:6379/0"
    finally:
        admin.acl_deluser(name)
        admin.close()


def test_a_release_whose_event_cannot_be_sent_is_published_once(
        night: str, users_file: Path) -> None:
    with redis_user("+@all", "-publish") as url:  # Redis refuses this worker's PUBLISH
        app = create_app(night, "default", redis_url=url, users=users_file)
        with serving(app) as base, \
                httpx2.stream("GET", f"{base}/api/events", timeout=15) as stream:
            heard = events(stream)
            assert next(heard) == ("hello", {"latest": 0})
            publish(base, "the only one")  # answered 201: the release is stored
            assert next(heard)[1]["name"] == "the only one"
            assert names(base) == ["the only one"]


FORGED = [
    json.dumps({"number": 1, "name": "FORGED", "percent_counted": 100.0}),
    b"\xff\xfe not even text",
    "not json",
    "[1, 2]",
    json.dumps({"number": "1"}),
    json.dumps({"number": True}),
    json.dumps({"number": -4}),
    json.dumps({"number": 1, "name": "x", "script": "<script>alert(1)</script>"}),
    "[" * 4000,  # nested past what json.loads recurses into
    json.dumps({"number": 3, "name": "x" * 5000}),  # far longer than any release event
    json.dumps({"number": 2, "name": "FORGED AGAIN"}),
]
REFUSED = 9  # every forged message but the two well-formed ones, which only prompt a re-read


def test_forged_messages_on_the_channel_never_reach_a_page(
        night: str, users_file: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="majlis.web")
    election = night_election(night)
    secret = "shared by the workers"
    one = create_app(night, election, redis_url=REDIS, users=users_file, secret=secret)
    two = create_app(night, election, redis_url=REDIS, users=users_file, secret=secret)
    forger = redis.Redis.from_url(REDIS)
    with serving(one) as first, serving(two) as second, \
            httpx2.stream("GET", f"{second}/api/events", timeout=15) as stream:
        heard = events(stream)
        assert next(heard) == ("hello", {"latest": 0})
        for message in FORGED:
            forger.publish(f"majlis:{election}:releases", message)

        def refused() -> int:
            return sum(r.name == "majlis.web" and "ignored a message" in r.getMessage()
                       for r in caplog.records)
        eventually(lambda: refused() == 2 * REFUSED, "both workers refuse every bad message")
        publish(first, "the real one")
        kind, release = next(heard)
        assert (kind, release["name"], release["number"]) == ("release", "the real one", 1)
        assert names(second) == ["the real one"]
    forger.close()


def pubsub_clients(admin: redis.Redis, name: str) -> list[int]:
    """The ids of the Redis clients named `name` that are subscribed to something."""
    return [c["id"] for c in admin.client_list(_type="pubsub") if c["name"] == name]


def test_the_listener_subscribes_again_after_redis_drops_it(
        night: str, users_file: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="majlis.web")
    election = night_election(night)
    name = f"majlis-{uuid.uuid4().hex[:8]}"
    admin = redis.Redis.from_url(REDIS, decode_responses=True)
    secret = "shared by the workers"
    url = f"{REDIS}?client_name={name}"
    one = create_app(night, election, redis_url=url, users=users_file, secret=secret)
    two = create_app(night, election, redis_url=url, users=users_file, secret=secret)
    with serving(one) as first, serving(two) as second:
        eventually(lambda: len(pubsub_clients(admin, name)) == 2, "both workers listen")
        for _ in range(3):  # dropped again and again, it keeps coming back
            before = pubsub_clients(admin, name)
            for client in before:
                admin.client_kill_filter(_id=client)
            eventually(lambda: len(pubsub_clients(admin, name)) == 2
                       and not set(before) & set(pubsub_clients(admin, name)),  # noqa: B023
                       "both workers listen again on new connections")
        assert admin.pubsub_numsub(f"majlis:{election}:releases")[0][1] == 2
        with httpx2.stream("GET", f"{second}/api/events", timeout=15) as stream:
            heard = events(stream)
            assert next(heard) == ("hello", {"latest": 0})
            publish(first, "after the drops")
            assert next(heard)[1]["name"] == "after the drops"
    admin.close()
