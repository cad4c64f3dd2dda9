"""Schemathesis against the published OpenAPI schema: no request it can make is a server error."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from majlis.tally import Source, Store
from majlis.web import create_app

from .conftest import example, released, signed_in


@pytest.fixture
def api(tmp_path: Path, users_file: Path) -> tuple[schemathesis.BaseSchema,
                                                     dict[str, dict[str, str]]]:
    """The schema over a released night, and the headers of each of the staff."""
    url = released(tmp_path)
    app = create_app(url, "default", law="iraq-2025", users=users_file)
    client = TestClient(app)
    return (schemathesis.openapi.from_asgi("/openapi.json", app),
            {name: signed_in(client, name) for name in ("amal", "basim", "carla", "dunya")})


def no_server_error(operation: schemathesis.APIOperation, headers: dict[str, str]) -> None:
    """A bounded run of generated requests to one operation."""

    @given(case=operation.as_strategy())
    @settings(max_examples=30, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    run()


# Who calls each operation (a supervisor otherwise); signing out revokes the clerk's token,
# which no other operation uses.
CALLED_BY = {"POST /api/releases": "carla", "POST /api/certification": "carla",
             "GET /api/audit-log": "dunya",
             "POST /api/revocations": "dunya", "DELETE /api/token": "amal"}


def test_no_request_is_a_server_error(
        api: tuple[schemathesis.BaseSchema, dict[str, dict[str, str]]]) -> None:
    schema, staff = api
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 11
    for operation in operations:
        no_server_error(operation, staff[CALLED_BY.get(operation.label, "basim")])


# POSTed queries: a body too long for a URL, nothing written
QUERIES = {"/api/audit/rla/polling"}
WRITES = {"sheets", "correction", "desk-entry", "settlement", "recount-order", "release",
          "certification", "photo", "sign-out", "revocation"}


def run_as(schema: schemathesis.BaseSchema, client: TestClient, name: str,
           written: list[str]) -> None:
    """A bounded stateful run as `name`, noting each write answered 2xx in `written`."""
    headers = signed_in(client, name)

    class AsRole(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"headers": headers}

        def after_call(self, response: Any, case: schemathesis.Case) -> None:
            if case.method in ("POST", "DELETE") and 200 <= response.status_code < 300 and (
                    case.path != "/api/token" or case.method == "DELETE") and (
                    case.path not in QUERIES):
                written.append(f"{name} {case.method} {case.path}")
            if case.method == "DELETE" and response.status_code == 204:
                headers.update(signed_in(client, name))  # signed out: sign in again

        def validate_response(self, response: Any, case: schemathesis.Case,
                              additional_checks: Any = None, **kwargs: Any) -> None:
            case.validate_response(response, checks=[not_a_server_error])

    AsRole.run(settings=settings(max_examples=8, stateful_step_count=5, deadline=None,
                                 database=None, suppress_health_check=list(HealthCheck)))


def test_stateful_runs_as_each_role_leave_every_write_in_the_audit_log(
        tmp_path: Path, users_file: Path) -> None:
    """Schemathesis follows the schema's links — a desk entry or a queue to the station's
    form, its disagreement, its history and a recount order; a release to itself — as a
    clerk, a supervisor, a publisher and an administrator in turn (a sign-out signs in again).
    No step is a server error, and every write answered 2xx is one line of the audit log."""
    url = released(tmp_path)
    with Store(url) as store:
        for source, clerk, tasmim in (("entry-a", "amal", 150), ("entry-b", "dalia", 160)):
            valid = tasmim + 100  # the first station in the queues: its entries disagree
            sheet = replace(example("sheets.csv").sheets[0], source=Source(source),
                            votes={"Tasmim": tasmim, "State of Law": 100}, valid=valid,
                            cast=valid + 10, unused=500 - valid - 15)
            store.enter(sheet, clerk=clerk, key=f"setup-{source}")
        assert [h.queue for h in store.queues()][:1] == ["disagreement"]
    app = create_app(url, "default", law="iraq-2025", users=users_file)
    client = TestClient(app)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    written: list[str] = []
    started = time.monotonic()
    for name in ("amal", "basim", "carla", "dunya"):
        run_as(schema, client, name, written)
    print(f"stateful: {len(written)} writes in {time.monotonic() - started:.1f} s")
    with Store(url) as store:
        logged = [x for x in store.audit_log(outcome="success", limit=100_000)
                  if x.kind in WRITES and x.address == "testclient"]
    assert len(logged) == len(written), (written, logged)
    assert {x.user for x in logged} <= {"amal", "basim", "carla", "dunya"}
