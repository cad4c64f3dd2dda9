"""Every write and sign-in in the audit log, tokens revoked for every worker, sign-in failures
counted across workers: two apps on one store stand for two workers (SQLite and the real
PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from majlis.tally import Store
from majlis.web import create_app

from .conftest import PASSWORD, example, signed_in

SECRET = "one secret for every worker of the night"
SHEET = {"station": "B-001-01", "source": "machine", "ballots_received": 500, "cast": 310,
         "valid": 300, "invalid": 10, "spoiled": 5, "unused": 185,
         "received_at": "2025-11-11T19:00", "votes": {"Tasmim": 200, "State of Law": 100}}


@pytest.fixture
def workers(store_url: str, users_file: Path) -> Iterator[tuple[TestClient, TestClient]]:
    """Two workers of one service: the same store, users file and secret, nothing else shared."""
    with Store(store_url) as store:
        store.register(example("stations.csv").stations, example("lists.csv").lists)
    with ExitStack() as stack:
        yield tuple(stack.enter_context(TestClient(create_app(  # type: ignore[misc]
            store_url, "default", users=users_file, secret=SECRET))) for _ in range(2))


def sign_in(client: TestClient, name: str, password: str) -> int:
    return client.post("/api/token", json={"username": name,
                                           "password": password}).status_code


def log(client: TestClient, **query: str) -> list[dict[str, object]]:
    """The audit log as an administrator reads it, less the administrator's own sign-ins."""
    found = client.get("/api/audit-log", params=query, headers=signed_in(client, "dunya"))
    assert found.status_code == 200, found.text
    return [line for line in found.json() if line["user"] != "dunya"]


def test_writes_and_sign_ins_are_logged_without_a_secret(
        workers: tuple[TestClient, TestClient], store_url: str) -> None:
    one, two = workers
    assert sign_in(one, "amal", "not the password") == 401
    assert sign_in(two, "nobody", PASSWORD) == 401  # the password in the wrong place
    clerk = signed_in(one, "amal")
    assert two.post("/api/sheets", json=[SHEET], headers=clerk).status_code == 200
    assert two.post("/api/releases", json={"name": "first"},
                    headers=signed_in(two, "carla")).status_code == 201
    schema, *lines = log(one)
    assert (schema["kind"], schema["action"], schema["address"]) == ("schema", "schema", "local")
    assert [(x["kind"], x["user"], x["outcome"]) for x in lines] == [
        ("register", schema["user"], "success"),
        ("sign-in", "amal", "refused"), ("sign-in", "", "refused"),
        ("sign-in", "amal", "success"), ("sheets", "amal", "success"),
        ("sign-in", "carla", "success"), ("release", "carla", "success")]
    sheets = lines[4]
    assert (sheets["role"], sheets["address"], sheets["action"], sheets["subject"]) == (
        "clerk", "testclient", "POST /api/sheets", "B-001-01 machine")
    assert lines[2]["detail"] == "no account of that name"
    assert lines[6]["action"] == "POST /api/releases"
    assert datetime.fromisoformat(str(lines[6]["at"])).utcoffset().total_seconds() == 0
    with Store(store_url) as store, store.engine.connect() as conn:
        stored = " ".join(str(v) for row in conn.execute(text("SELECT * FROM audit_log"))
                          for v in row)
    token = clerk["Authorization"].removeprefix("Bearer ")
    for secret in (PASSWORD, "not the password", token, token.split(".")[0], "$argon2",
                   SECRET):
        assert secret not in stored


def test_the_log_is_for_an_administrator_and_filtered(
        workers: tuple[TestClient, TestClient]) -> None:
    one, _ = workers
    clerk = signed_in(one, "amal")
    assert one.get("/api/audit-log").status_code == 401
    refused = one.get("/api/audit-log", headers=clerk)
    assert refused.status_code == 403 and "admin" in refused.json()["detail"]
    middle = datetime.now(UTC).replace(tzinfo=None).isoformat()
    one.post("/api/sheets", json=[SHEET], headers=clerk)
    assert [x["kind"] for x in log(one, since=middle)] == ["sheets"]
    assert [x["kind"] for x in log(one, user="amal")] == ["sign-in", "sheets"]
    assert [x["user"] for x in log(one, kind="sign-in")] == ["amal"]
    csv = one.get("/api/audit-log.csv", params={"kind": "sheets"},
                  headers=signed_in(one, "dunya"))
    assert csv.text.splitlines()[0] == ("id,at,user,role,address,action,kind,subject,outcome,"
                                        "detail")
    assert one.get("/api/audit-log", params={"outcome": "maybe"},
                   headers=signed_in(one, "dunya")).status_code == 422


def test_a_signed_out_token_is_refused_by_every_worker(
        workers: tuple[TestClient, TestClient]) -> None:
    one, two = workers
    clerk, again = signed_in(one, "amal"), signed_in(one, "amal")
    assert two.get("/api/results", params={"release": "live"}, headers=clerk).status_code == 200
    assert one.delete("/api/token", headers=clerk).status_code == 204
    for worker in (one, two):
        refused = worker.post("/api/sheets", json=[SHEET], headers=clerk)
        assert refused.status_code == 401
        assert refused.json()["detail"].startswith("the token was revoked")
    assert two.post("/api/sheets", json=[SHEET], headers=again).status_code == 200  # the other
    assert one.delete("/api/token").status_code == 401


def test_an_administrator_revokes_a_users_tokens_on_every_worker(
        workers: tuple[TestClient, TestClient]) -> None:
    one, two = workers
    clerk = signed_in(two, "amal")
    admin = signed_in(one, "dunya")
    assert one.post("/api/revocations", json={"user": "amal"},
                    headers=signed_in(one, "basim")).status_code == 403
    assert one.post("/api/revocations", json={"user": "nobody"},
                    headers=admin).status_code == 404
    assert one.post("/api/revocations", json={"user": "amal"}, headers=admin).status_code == 201
    for worker in (one, two):
        assert worker.post("/api/sheets", json=[SHEET], headers=clerk).status_code == 401
    assert two.post("/api/sheets", json=[SHEET],
                    headers=signed_in(two, "amal")).status_code == 200  # signed in anew
    [line] = one.get("/api/audit-log", params={"kind": "revocation"}, headers=admin).json()
    assert (line["user"], line["role"], line["subject"]) == ("dunya", "admin", "user amal")


def test_failed_sign_ins_are_counted_across_workers(
        workers: tuple[TestClient, TestClient]) -> None:
    one, two = workers
    for worker in (one, two, one, two, one):
        assert sign_in(worker, "amal", "a wrong guess") == 401
    locked = two.post("/api/token", json={"username": "amal", "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["detail"].startswith("too many failed sign-ins for this name")
    assert log(one, kind="sign-in")[-1]["detail"] == locked.json()["detail"]
