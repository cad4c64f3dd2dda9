"""What the public sees when something goes wrong: one documented shape, a generic message and an
incident id — never a database URL, a path or an exception's text; those go to the server log,
with any password in a URL masked."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from fastapi.testclient import TestClient

from majlis.web import create_app

from .conftest import POSTGRES, postgres_schema

SECRET = "s3cret-of-the-commission"
INCIDENT = re.compile(r"incident ([0-9a-f]{8})")


def with_password(url: str) -> str:
    """`url` as it would be given with a password (trust authentication ignores it here)."""
    scheme, rest = url.split("://", 1)
    user, host = rest.split("@", 1)
    return f"{scheme}://{user.split(':')[0]}:{SECRET}@{host}"


@pytest.fixture(params=["sqlite", "postgresql"])
def uninitialised(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A store URL whose schema was never made, and a part of it the public must not see."""
    if request.param == "sqlite":
        folder = tmp_path / "commission-private-folder"
        folder.mkdir()
        yield f"sqlite:///{folder / 'tally.db'}", folder.name
        return
    with postgres_schema(with_password(POSTGRES)) as url:
        yield url, SECRET


def incident_in(caplog: pytest.LogCaptureFixture, answer: httpx2.Response) -> logging.LogRecord:
    """The server's log record of the incident the answer names."""
    found = INCIDENT.search(answer.json()["detail"])
    assert found, answer.text
    records = [r for r in caplog.records
               if r.name == "majlis.web" and found.group(1) in r.getMessage()]
    assert len(records) == 1, caplog.text
    return records[0]


def test_an_unusable_store_answers_503_without_its_url(
        uninitialised: tuple[str, str], caplog: pytest.LogCaptureFixture) -> None:
    url, private = uninitialised
    caplog.set_level(logging.INFO, logger="majlis.web")
    with TestClient(create_app(url, "default")) as client:
        answer = client.get("/api/results")
    assert answer.status_code == 503
    assert answer.headers["retry-after"].isdigit()
    body = answer.json()
    assert set(body) == {"detail", "problems"} and body["problems"] == []
    assert body["detail"].startswith("the results store is not available")
    for hidden in (private, "sqlite", "postgresql", "127.0.0.1", "tally.db", "db init"):
        assert hidden not in answer.text
    logged = incident_in(caplog, answer).getMessage()
    assert "majlis db init" in logged  # the staff read what is wrong and how to mend it…
    assert SECRET not in caplog.text  # …but never the password
    if "postgresql" in url:
        assert "postgres:***@127.0.0.1" in logged


def test_an_unreachable_database_lets_the_service_start_and_answer_503(
        caplog: pytest.LogCaptureFixture) -> None:
    url = f"postgresql+psycopg://user:{SECRET}@127.0.0.1:5432/empty"
    caplog.set_level(logging.INFO, logger="majlis.web")
    with TestClient(create_app(url, "default")) as client:
        answer = client.get("/api/results")
        assert client.get("/static/app.js").status_code == 200  # the dashboard still loads
    assert answer.status_code == 503, answer.text
    assert SECRET not in answer.text and "empty" not in answer.text
    assert any(r.name == "majlis.web" for r in caplog.records)
    assert SECRET not in caplog.text


def test_a_bug_answers_500_in_the_documented_shape_with_an_incident_in_the_log(
        night: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.INFO, logger="majlis.web")
    app = create_app(night, "default")

    def broken() -> list[object]:
        raise RuntimeError(f"internal state at postgresql://staff:{SECRET}@10.0.0.9/tally")

    with TestClient(app) as client:  # answered, not raised on to the server to log it again
        monkeypatch.setattr(app.state.service, "releases", broken)
        answer = client.get("/api/results")
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["x-content-type-options"] == "nosniff"  # headers like every answer's
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert set(answer.json()) == {"detail", "problems"}
    assert "internal state" not in answer.text and SECRET not in answer.text
    record = incident_in(caplog, answer)
    assert record.levelno == logging.ERROR
    logged = record.getMessage()
    assert "Traceback" in logged and "RuntimeError: internal state" in logged
    assert "staff:***@10.0.0.9" in logged and SECRET not in caplog.text
