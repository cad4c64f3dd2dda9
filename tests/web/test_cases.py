"""The desk's cases through the API (SQLite and the real PostgreSQL): a complaint in the clearance
queue, an audit a clerk asks for and only a supervisor approves, counted per constituency in the
queues, and each step in the audit log under the signed-in user's name."""

from __future__ import annotations

from fastapi.testclient import TestClient

from majlis.tally import Store

from .conftest import signed_in
from .test_desk import desk, desk_users, keyed  # noqa: F401  (the desk's fixtures)


def agreed(client: TestClient, station: str, **more: object) -> None:
    """Both entries of `station` keyed alike by the clerks amal and dalia: accepted."""
    for name, source in (("amal", "entry-a"), ("dalia", "entry-b")):
        answer = client.post("/api/desk/entries", headers=signed_in(client, name),
                             json=keyed(station, source, key=f"{station}-{source}", **more))
        assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "accepted"


def test_a_complaint_and_an_audit_wait_in_the_queues(
        desk: TestClient, store_url: str) -> None:  # noqa: F811
    amal, dalia, basim = (signed_in(desk, n) for n in ("amal", "dalia", "basim"))
    agreed(desk, "B-001-01")
    agreed(desk, "N-001-01", votes={"Tasmim": 200, "Sadiqoun": 100})
    filed = desk.post("/api/desk/cases", headers=amal, json={
        "station": "B-001-01", "kind": "complaint", "reason": "the agent saw a second count"})
    assert filed.status_code == 200, filed.text
    assert {k: filed.json()[k] for k in ("number", "state", "queue", "filed_by")} == {
        "number": 1, "state": "filed", "queue": "complaint", "filed_by": "amal"}
    again = desk.post("/api/desk/cases", headers=dalia, json={
        "station": "B-001-01", "kind": "complaint", "reason": "me too"})
    assert again.status_code == 409 and "complaint 1 on this station is open" in again.text
    asked = desk.post("/api/desk/cases", headers=dalia, json={
        "station": "N-001-01", "kind": "audit", "reason": "every vote for one list"}).json()
    assert (asked["number"], asked["state"], asked["approved_by"]) == (2, "requested", "")
    # a clerk cannot approve, decline or decide anything
    for case, decision in ((2, "approve"), (2, "decline"), (1, "dismiss")):
        refused = desk.post(f"/api/desk/cases/{case}/decisions", headers=amal,
                            json={"decision": decision, "reason": "mine"})
        assert refused.status_code == 403, refused.text
    approved = desk.post("/api/desk/cases/2/decisions", headers=basim, json={
        "decision": "approve", "reason": "a station of 400 voters, all for one list"}).json()
    assert (approved["state"], approved["queue"], approved["approved_by"]) == (
        "approved", "audit", "basim")
    queues = desk.get("/api/desk/queues", headers=basim).json()
    assert {q: n for q, n in queues["totals"].items() if n} == {"complaint": 1, "audit": 1}
    assert queues["by_constituency"]["complaint"] == {"Basra": 1}
    assert queues["by_constituency"]["audit"] == {"Najaf": 1}
    assert [(s["queue"], s["station"], s["case"], s["filed_by"], s["approved_by"])
            for s in queues["sheets"]] == [("complaint", "B-001-01", 1, "amal", ""),
                                           ("audit", "N-001-01", 2, "dalia", "basim")]
    upheld = desk.post("/api/desk/cases/1/decisions", headers=basim, json={
        "decision": "uphold", "reason": "the second count is on the centre's video"}).json()
    assert [(s["step"], s["author"]) for s in upheld["steps"]] == [
        ("filed", "amal"), ("upheld", "basim")]
    queues = desk.get("/api/desk/queues", headers=basim).json()
    assert {q: n for q, n in queues["totals"].items() if n} == {"recount": 1, "audit": 1}
    late = desk.post("/api/desk/cases/1/decisions", headers=basim,
                     json={"decision": "dismiss", "reason": "too late"})
    assert late.status_code == 409 and "is upheld (decided)" in late.text
    assert desk.post("/api/desk/cases/99/decisions", headers=basim,
                     json={"decision": "dismiss", "reason": "x"}).status_code == 404
    listed = desk.get("/api/desk/cases", params={"station": "N-001-01"}, headers=amal).json()
    assert [(c["number"], c["kind"], c["state"], c["approved_by"]) for c in listed] == [
        (2, "audit", "approved", "basim")]
    assert desk.get("/api/desk/cases").status_code == 401
    with Store(store_url) as store:
        lines = [(x.user, x.role, x.action, x.kind, x.subject) for x in store.audit_log()
                 if x.kind in ("complaint", "audit", "case", "case-decision")]
    assert lines == [
        ("amal", "clerk", "POST /api/desk/cases", "complaint", "complaint 1, station B-001-01"),
        ("dalia", "clerk", "POST /api/desk/cases", "case", "station 'B-001-01'"),  # refused
        ("dalia", "clerk", "POST /api/desk/cases", "audit", "audit 2, station N-001-01"),
        ("basim", "supervisor", "POST /api/desk/cases/{number}/decisions", "case-decision",
         "audit 2, station N-001-01"),
        ("basim", "supervisor", "POST /api/desk/cases/{number}/decisions", "case-decision",
         "complaint 1, station B-001-01"),
        ("basim", "supervisor", "POST /api/desk/cases/{number}/decisions", "case-decision",
         "case 1"),  # refused decisions have their lines too
        ("basim", "supervisor", "POST /api/desk/cases/{number}/decisions", "case-decision",
         "case 99")]


def test_cases_refuse_what_no_case_is(desk: TestClient) -> None:  # noqa: F811
    amal = signed_in(desk, "amal")
    nothing = desk.post("/api/desk/cases", headers=amal, json={
        "station": "B-001-01", "kind": "audit", "reason": "x"})
    assert nothing.status_code == 422 and "has no sheet stored yet" in nothing.text
    blank = desk.post("/api/desk/cases", headers=amal, json={
        "station": "B-001-01", "kind": "appeal", "reason": " "})
    assert blank.status_code == 422
    assert {p["field"] for p in blank.json()["problems"]} >= {"kind", "reason"}
