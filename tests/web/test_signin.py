"""Sign-in under attack: a name that fails too often waits, an address that fails too often
waits, and guesses sent all at once are checked two at a time, in bounded memory."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from pathlib import Path

import httpx2
from fastapi.testclient import TestClient

from majlis.web import create_app

from .conftest import PASSWORD, serving


def sign_in(client: TestClient, name: str, password: str) -> httpx2.Response:
    return client.post("/api/token", json={"username": name, "password": password})


def test_a_name_that_fails_five_times_is_locked_even_for_the_right_password(
        client: TestClient) -> None:
    for _ in range(5):
        assert sign_in(client, "amal", "a wrong guess").status_code == 401
    locked = sign_in(client, "amal", PASSWORD)
    assert locked.status_code == 429
    assert 14 * 60 < int(locked.headers["retry-after"]) <= 15 * 60
    assert locked.json() == {"detail": "too many failed sign-ins for this name: try again in "
                                       "15 minutes", "problems": []}
    assert sign_in(client, "carla", PASSWORD).status_code == 200  # the others still sign in
    for _ in range(5):  # an unknown name is locked the same way: locking tells no one who exists
        assert sign_in(client, "nobody", "a wrong guess").status_code == 401
    assert sign_in(client, "nobody", "a wrong guess").status_code == 429


def test_an_address_that_fails_twenty_times_in_a_minute_waits(client: TestClient) -> None:
    for k in range(20):
        assert sign_in(client, f"guess-{k}", "a wrong guess").status_code == 401
    refused = sign_in(client, "carla", PASSWORD)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["retry-after"]) <= 60
    assert refused.json()["detail"].startswith("too many failed sign-ins for this address")


def test_a_right_password_clears_the_names_failures(client: TestClient) -> None:
    for _ in range(3):
        sign_in(client, "amal", "a wrong guess")
    assert sign_in(client, "amal", PASSWORD).status_code == 200
    for _ in range(4):
        assert sign_in(client, "amal", "a wrong guess").status_code == 401
    assert sign_in(client, "amal", PASSWORD).status_code == 200


def resident() -> int:
    """This process's resident memory now, in bytes."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) * 1024  # type: ignore[union-attr]


async def guesses(base: str, n: int) -> list[int]:
    async with httpx2.AsyncClient(base_url=base, timeout=60) as client:
        answers = await asyncio.gather(*(client.post("/api/token", json={
            "username": f"guess-{k}", "password": "a wrong guess"}) for k in range(n)))
    return [a.status_code for a in answers]


def test_forty_guesses_at_once_are_checked_two_at_a_time(night: str, users_file: Path) -> None:
    peak, done = [resident()], threading.Event()

    def watch() -> None:
        while not done.wait(0.01):
            peak.append(resident())

    with serving(create_app(night, "default", users=users_file)) as base:
        before = resident()
        watcher = threading.Thread(target=watch)
        watcher.start()
        started = time.monotonic()
        try:
            codes = asyncio.run(guesses(base, 40))
        finally:
            done.set()
            watcher.join()
    assert sorted(set(codes)) == [401, 429]
    assert codes.count(401) == 20  # the address's twenty, counted before they were checked
    # argon2 takes 64 MiB a check: two at a time stay well under the 1.3 GB of twenty at once
    assert max(peak) - before < 400 * 1024 * 1024, (max(peak) - before) / 2**20
    assert time.monotonic() - started < 30
