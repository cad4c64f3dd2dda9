"""The desk's cases in the store (SQLite and PostgreSQL): a complaint waits in the clearance queue
until a supervisor upholds it (the sheet goes for recount, in the chain) or dismisses it; an
accepted sheet is pulled back into audit only once a supervisor approves; every step is kept with
its author and time, and logged."""

from __future__ import annotations

import pytest

from majlis import audit
from majlis.errors import InputError
from majlis.tally import Caller, Source, Store

from .conftest import sheet


def agreed(store: Store, station: str = "B-001-01") -> None:
    """Both entries of `station`'s sheet keyed alike by two clerks: accepted, counted."""
    store.enter(sheet(station, "entry-a"), clerk="amal", key=f"{station}-a")
    assert store.enter(sheet(station, "entry-b"), clerk="dalia",
                       key=f"{station}-b").status == "accepted"


def queued(store: Store) -> list[tuple[str, str, int, str, str]]:
    return [(h.queue, h.station, h.case, h.filed_by, h.approved_by) for h in store.queues()]


def counted(store: Store) -> dict[str, dict[str, int]]:
    return {c.name: c.votes for c in store.results() if c.votes}


def test_a_complaint_waits_for_clearance_and_is_dismissed(registered: Store) -> None:
    agreed(registered)
    case = registered.open_case("B-001-01", kind="complaint", author="amal",
                                reason="the observer says the seal was broken")
    assert (case.number, case.state, case.queue, case.constituency) == (
        1, "filed", "complaint", "Basra")
    held = registered.queues()
    assert [(h.queue, h.station, h.source, h.version, h.case, h.filed_by, h.reason)
            for h in held] == [("complaint", "B-001-01", Source.ENTRY_B, 1, 1, "amal",
                                "the observer says the seal was broken")]
    with pytest.raises(InputError, match="complaint 1 on this station is open") as twice:
        registered.open_case("B-001-01", kind="complaint", author="dalia", reason="again")
    assert twice.value.problems[0].field == "case"
    decided = registered.decide(1, decision="dismiss", supervisor="basim",
                                reason="the seal number matches the form")
    assert [(s.step, s.author) for s in decided.steps] == [("filed", "amal"),
                                                             ("dismissed", "basim")]
    assert decided.queue is None and registered.queues() == []
    assert counted(registered) == {"Basra": {"Tasmim": 200, "State of Law": 100}}
    with pytest.raises(InputError, match=r"is dismissed \(decided\)"):
        registered.decide(1, decision="uphold", supervisor="basim", reason="on second thought")
    assert len(registered.history("B-001-01")) == 2  # no version added by a dismissal


def test_an_upheld_complaint_sends_the_sheet_for_recount_until_a_hand_count(
        registered: Store) -> None:
    agreed(registered)
    registered.open_case("B-001-01", kind="complaint", author="dalia", reason="ballots missing")
    upheld = registered.decide(1, decision="uphold", supervisor="basim",
                               reason="the bag count is 12 short")
    assert upheld.state == "upheld"
    last = registered.history("B-001-01")[-1]
    assert (last.sheet.source, last.version, last.status, last.author) == (
        Source.ENTRY_B, 2, "quarantined", "basim")
    assert [f.rule for f in last.failures] == ["recount-ordered"]
    assert last.reason == "complaint 1 upheld by basim: the bag count is 12 short"
    assert [(h.queue, h.station) for h in registered.queues()] == [("recount", "B-001-01")]
    # the figures stay counted meanwhile, as a quarantined sheet's earlier accepted one does
    assert counted(registered) == {"Basra": {"Tasmim": 200, "State of Law": 100}}
    report = registered.ingest([sheet("B-001-01", "manual", votes={"Tasmim": 190,
                                                                    "State of Law": 110})])
    assert report.accepted == 1
    assert registered.queues() == []
    assert counted(registered) == {"Basra": {"Tasmim": 190, "State of Law": 110}}
    assert audit.verify_chain(registered.chain()).intact


def test_an_audit_needs_an_accepted_sheet_and_a_supervisors_approval(registered: Store) -> None:
    registered.enter(sheet("B-001-01", "entry-a"), clerk="amal", key="first-a")
    with pytest.raises(InputError, match="only an accepted sheet is pulled back into audit"):
        registered.open_case("B-001-01", kind="audit", author="amal", reason="check it")
    registered.enter(sheet("B-001-01", "entry-b"), clerk="dalia", key="first-b")
    asked = registered.open_case("B-001-01", kind="audit", author="amal",
                                 reason="turnout 98 % in this station")
    assert (asked.state, asked.queue, asked.approved_by) == ("requested", "audit-request", "")
    assert queued(registered) == [("audit-request", "B-001-01", 1, "amal", "")]
    with pytest.raises(InputError, match="a supervisor approves the audit first"):
        registered.decide(1, decision="uphold", supervisor="basim", reason="too soon")
    approved = registered.decide(1, decision="approve", supervisor="basim",
                                 reason="turnout is far above the centre's")
    assert (approved.state, approved.queue, approved.approved_by) == ("approved", "audit",
                                                                      "basim")
    assert queued(registered) == [("audit", "B-001-01", 1, "amal", "basim")]
    closed = registered.decide(1, decision="dismiss", supervisor="basim",
                               reason="the register was updated late; the sheet stands")
    assert [s.step for s in closed.steps] == ["requested", "approved", "dismissed"]
    assert registered.queues() == []
    # a declined request never reached the audit queue
    registered.open_case("B-001-01", kind="audit", author="dalia", reason="again")
    declined = registered.decide(2, decision="decline", supervisor="basim", reason="no cause")
    assert (declined.state, declined.approved_by, declined.queue) == ("declined", "", None)
    assert [(c.number, c.kind, c.state) for c in registered.cases("B-001-01")] == [
        (1, "audit", "dismissed"), (2, "audit", "declined")]


def test_cases_are_refused_with_the_field_at_fault(registered: Store) -> None:
    with pytest.raises(InputError, match="has no sheet stored yet"):
        registered.open_case("B-001-01", kind="complaint", author="amal", reason="x")
    with pytest.raises(InputError, match="is not registered"):
        registered.open_case("Z-404", kind="complaint", author="amal", reason="x")
    agreed(registered)
    with pytest.raises(InputError) as bad:
        registered.open_case("B-001-01", kind="appeal", author="", reason=" ")
    assert {p.field for p in bad.value.problems} == {"author", "reason"}
    with pytest.raises(InputError, match="is 'appeal'; one of: complaint, audit"):
        registered.open_case("B-001-01", kind="appeal", author="amal", reason="x")
    with pytest.raises(InputError, match="no such case"):
        registered.decide(7, decision="dismiss", supervisor="basim", reason="x")
    registered.open_case("B-001-01", kind="complaint", author="amal", reason="x")
    with pytest.raises(InputError, match="cannot be approved now"):
        registered.decide(1, decision="approve", supervisor="basim", reason="x")
    assert registered.cases()[0].state == "filed"


def test_each_step_is_logged_with_its_author(registered: Store) -> None:
    agreed(registered)
    registered.by(Caller(user="amal", role="clerk")).open_case(
        "B-001-01", kind="audit", author="amal", reason="turnout")
    registered.by(Caller(user="basim", role="supervisor")).decide(
        1, decision="approve", supervisor="basim", reason="agreed")
    with pytest.raises(InputError):
        registered.by(Caller(user="basim", role="supervisor")).decide(
            1, decision="approve", supervisor="basim", reason="twice")
    lines = [(x.user, x.kind, x.subject, x.outcome, x.detail)
             for x in registered.audit_log() if x.kind in ("audit", "case-decision")]
    assert lines == [
        ("amal", "audit", "audit 1, station B-001-01", "success", "requested by amal: turnout"),
        ("basim", "case-decision", "audit 1, station B-001-01", "success",
         "approved by basim: agreed"),
        ("basim", "case-decision", "case 1", "refused",
         "case: is approved: the audit cannot be approved now")]
