"""Schemathesis against the published OpenAPI schema: no request it can make is a server error."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from majlis.tally import Store
from majlis.web import create_app

from .conftest import example, register, signed_in


@pytest.fixture
def api(tmp_path: Path, users_file: Path) -> tuple[schemathesis.BaseSchema, dict[str, str],
                                                     dict[str, str]]:
    """The schema over a released night, and the headers of a supervisor and a publisher."""
    url = f"sqlite:///{tmp_path / 'tally.db'}"
    with Store(url) as store:
        store.init()
    register(url)
    with Store(url) as store:
        store.ingest(example("sheets.csv").sheets)
        store.release("first results")
    app = create_app(url, "default", law="iraq-2025", users=users_file)
    client = TestClient(app)
    return (schemathesis.openapi.from_asgi("/openapi.json", app),
            signed_in(client, "basim"), signed_in(client, "carla"))


def no_server_error(operation: schemathesis.APIOperation, headers: dict[str, str]) -> None:
    """A bounded run of generated requests to one operation."""

    @given(case=operation.as_strategy())
    @settings(max_examples=30, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    run()


def test_no_request_is_a_server_error(
        api: tuple[schemathesis.BaseSchema, dict[str, str], dict[str, str]]) -> None:
    schema, supervisor, publisher = api
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 11
    for operation in operations:
        no_server_error(operation,
                        publisher if operation.label == "POST /api/releases" else supervisor)
