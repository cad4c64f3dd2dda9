"""A night in a store (SQLite and the real PostgreSQL), the staff's users file, the app over it,
real uvicorn servers on free ports for the live and browser tests, and Debian's Chromium with
somewhere to keep its screenshots."""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, expect, sync_playwright

from majlis.tally import Store, read_tally_file
from majlis.web import Role, Users, create_app

# A loaded machine (the suite on every core) paints slower than a desk does: each check waits
# up to 20 s for what it expects instead of failing at Playwright's 5 s.
expect.set_options(timeout=20_000)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "tally"
POSTGRES = os.environ.get("MAJLIS_TEST_POSTGRES",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "election-night"
STAFF = {"amal": Role.CLERK, "basim": Role.SUPERVISOR, "carla": Role.PUBLISHER,
         "dunya": Role.ADMIN}
ARTIFACTS = Path(__file__).parent / "artifacts"  # screenshots, kept out of git
CHROMIUM = "/usr/bin/chromium"  # Debian's, installed by `make test`; never a downloaded browser


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An initialised, empty store: a SQLite file, or a fresh schema on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'tally.db'}"
        with Store(url) as store:
            store.init()
        yield url
        return
    with postgres_schema() as url:
        with Store(url) as store:
            store.init()
        yield url


PLAIN_POSTGRES = POSTGRES.replace("postgresql+psycopg://", "postgresql://")  # for psycopg itself


@contextmanager
def postgres_schema(base: str = POSTGRES) -> Iterator[str]:
    """A URL on `base` whose search path is a fresh, empty schema, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PLAIN_POSTGRES, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{base}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(PLAIN_POSTGRES, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def example(name: str):
    path = EXAMPLES / name
    return read_tally_file(path.read_text(encoding="utf-8"), str(path))


def register(url: str, election: str = "default") -> None:
    """The example registry: Basra's three stations and Najaf's one, and their lists."""
    with Store(url, election) as store:
        store.register(example("stations.csv").stations, example("lists.csv").lists)


def released(tmp_path: Path) -> str:
    """The README's night in a new SQLite store, its sheets released as "first results"; the
    store's URL."""
    url = f"sqlite:///{tmp_path / 'tally.db'}"
    with Store(url) as store:
        store.init()
    register(url)
    with Store(url) as store:
        store.ingest(example("sheets.csv").sheets)
        store.release("first results")
    return url


@pytest.fixture
def night(store_url: str) -> str:
    """The README's night: the example registry and sheets, nothing released yet."""
    register(store_url)
    with Store(store_url) as store:
        store.ingest(example("sheets.csv").sheets)
    return store_url


def staff_file(path: Path, staff: dict[str, Role]) -> Path:
    """A users file at `path` with these accounts, each with PASSWORD."""
    users = Users()
    for name, role in staff.items():
        users.add(name, role, PASSWORD)
    users.save(path)
    return path


@pytest.fixture(scope="session")
def users_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return staff_file(tmp_path_factory.mktemp("staff") / "users.json", STAFF)


@pytest.fixture
def client(night: str, users_file: Path) -> Iterator[TestClient]:
    with TestClient(create_app(night, "default", law="iraq-2025", users=users_file)) as c:
        yield c


def signed_in(client: TestClient, name: str) -> dict[str, str]:
    """Authorization headers for one of the staff."""
    answer = client.post("/api/token", json={"username": name, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(app: FastAPI, port: int | None = None) -> Iterator[str]:
    """A real uvicorn server for `app` on `port` (else a free one), in a thread; its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port or free_port(),
                                           log_level="warning", timeout_graceful_shutdown=2))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


def shot(page: Page, name: str) -> None:
    """A full-page screenshot into tests/web/artifacts/, kept as the test's evidence."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    print(f"screenshot: {ARTIFACTS / name}.png")
