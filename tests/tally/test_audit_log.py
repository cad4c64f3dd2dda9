"""The audit log: every write and its outcome under the caller's name, in the write's own
transaction; the revoked tokens every worker refuses. On SQLite and the real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from majlis.errors import InputError, StoreError
from majlis.tally import Caller, Store

from .conftest import LISTS, STATIONS, sheet

CLERK = Caller(user="amal", role="clerk", address="10.0.0.5", action="POST /api/sheets")


def test_each_write_is_a_line_under_its_callers_name(store: Store) -> None:
    store.register(STATIONS, LISTS)
    store.by(CLERK).ingest([sheet("B-001-01"),
                            sheet("B-001-02", votes={"Tasmim": 200, "Nobody": 100})])
    store.by(Caller(user="basim", role="supervisor", address="10.0.0.6",
                    action="POST /api/corrections")).correct(
        sheet("B-001-02"), reason="recounted on paper", author="basim")
    store.by(Caller(user="carla", role="publisher", address="10.0.0.7",
                    action="POST /api/releases")).release("first results")
    schema, *lines = store.audit_log()
    head = store.revisions()[1]  # the migrations' head: `init` took the store there from none
    assert (schema.kind, schema.subject, schema.detail) == (
        "schema", "election 'default'", f"schema none → {head}")
    assert [(x.kind, x.user, x.outcome) for x in lines] == [
        ("register", Caller.local().user, "success"), ("sheets", "amal", "success"),
        ("correction", "basim", "success"), ("release", "carla", "success")]
    sheets = lines[1]
    assert (sheets.role, sheets.address, sheets.action) == ("clerk", "10.0.0.5",
                                                            "POST /api/sheets")
    assert sheets.subject == "B-001-01 machine, B-001-02 machine"
    assert sheets.detail == ("accepted 1, quarantined 1, awaiting second entry 0, "
                             "duplicates 0")
    assert "recounted on paper" in lines[2].detail
    release = store.releases()[0]
    assert lines[3].subject == "release 1 'first results'"
    assert release.digest in lines[3].detail
    assert (lines[0].action, lines[0].address) == ("register", "local")
    assert all(x.at.tzinfo is not None and x.at.utcoffset() == timedelta(0) for x in lines)
    assert abs(datetime.now(UTC) - lines[-1].at) < timedelta(minutes=1)


def test_a_write_rolled_back_leaves_no_line_claiming_it(store: Store) -> None:
    store.register(STATIONS, LISTS)
    store.ingest([sheet("B-001-01")])
    store.release("first", at=datetime(2025, 11, 12, 1, tzinfo=UTC))
    with pytest.raises(InputError):  # refused inside the release's transaction
        store.by(CLERK).release("earlier", at=datetime(2025, 11, 12, 0, tzinfo=UTC))
    with store.writer.begin() as conn:  # a totals row changed outside majlis
        conn.execute(text("UPDATE tallies SET votes = votes + 1"))
    with pytest.raises(StoreError):
        store.by(CLERK).release("tampered")
    assert [r.name for r in store.releases()] == ["first"]
    releases = store.audit_log(kind="release")
    assert [(x.outcome, x.user) for x in releases] == [
        ("success", Caller.local().user), ("refused", "amal"), ("failed", "amal")]
    assert "is before release 1's time" in releases[1].detail
    assert "differ from the chained sheets" in releases[2].detail


def test_a_refused_write_is_logged_with_what_it_was_about(store: Store) -> None:
    store.register(STATIONS, LISTS)
    with pytest.raises(InputError):
        store.by(CLERK).ingest([sheet("B-001-01"), sheet("B-001-02\x00")])
    [line] = store.audit_log(kind="sheets")
    assert (line.outcome, line.user) == ("refused", "amal")
    assert "NUL" in line.detail and "\x00" not in line.subject + line.detail
    assert store.results() == [] or all(c.counted == 0 for c in store.results())


def test_the_desk_and_devices_are_logged(store: Store) -> None:
    store.register(STATIONS, LISTS)
    clerk = store.by(Caller(user="amal", role="clerk", address="10.0.0.5",
                            action="POST /api/desk/entries"))
    clerk.enter(sheet("B-001-01", "entry-a"), clerk="amal", key="k1")
    clerk.enter(sheet("B-001-01", "entry-a"), clerk="amal", key="k1")  # sent again
    store.add_device("11" * 32, name="scanner 1")
    [first, again] = store.audit_log(kind="desk-entry")
    assert first.subject == "B-001-01 entry-a"
    assert (first.detail, again.detail) == ("stored 1, repeated 0, refused 0",
                                            "stored 0, repeated 1, refused 0")
    assert store.audit_log(kind="device")[0].subject.startswith("device 'scanner 1'")


def test_the_log_is_read_by_user_kind_and_time(store: Store) -> None:
    store.register(STATIONS, LISTS)
    store.by(CLERK).log("sign-in", outcome="refused", detail="wrong name or password")
    middle = datetime.now(UTC)
    store.by(CLERK).log("sign-in")
    store.by(CLERK).ingest([sheet("B-001-01")])
    assert [x.kind for x in store.audit_log(user="amal")] == ["sign-in", "sign-in", "sheets"]
    assert [x.outcome for x in store.audit_log(kind="sign-in", since=middle)] == ["success"]
    assert len(store.audit_log(address="10.0.0.5", outcome="refused")) == 1
    assert [x.kind for x in store.audit_log(limit=2)] == ["sign-in", "sheets"]
    with Store(store.url, "another") as other:
        assert other.audit_log() == []  # each election its own lines
    with pytest.raises(InputError, match="no outcome"):
        store.audit_log(outcome="maybe")


def test_revoked_tokens_are_refused(store: Store) -> None:
    store.register(STATIONS, LISTS)
    before = datetime.now(UTC)
    store.by(CLERK).revoke("amal", token="t-1")  # a sign-out
    assert store.revoked("amal", "t-1", before)
    assert not store.revoked("amal", "t-2", before)
    assert not store.revoked("basim", "t-1", before)
    store.revoke("basim")  # an administrator's revocation
    after = datetime.now(UTC) + timedelta(microseconds=1)
    assert store.revoked("basim", "any", before)
    assert not store.revoked("basim", "any", after)  # signed in again since
    assert [(x.kind, x.subject) for x in store.audit_log()[-2:]] == [
        ("sign-out", "user amal"), ("revocation", "user basim")]


def test_a_store_not_ready_is_not_made_by_its_refusal(tmp_path: Path) -> None:
    path = tmp_path / "none.db"
    with pytest.raises(StoreError):
        Store(f"sqlite:///{path}").ingest([sheet()])
    assert not path.exists()


def test_the_database_refuses_to_change_or_remove_a_line(store: Store) -> None:
    store.register(STATIONS, LISTS)
    for statement in ("UPDATE audit_log SET user_name = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), store.writer.begin() as conn:
            conn.execute(text(statement))
    assert [x.kind for x in store.audit_log()] == ["schema", "register"]
