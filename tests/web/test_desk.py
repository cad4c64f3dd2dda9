"""The results centre's desk through the API (SQLite and the real PostgreSQL): two clerks key a
sheet blind, a supervisor settles what they disagree on, the queues count what is held back."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from majlis.tally import Store
from majlis.web import Role, create_app

from .conftest import register, signed_in, staff_file

DESK_STAFF = {"amal": Role.CLERK, "dalia": Role.CLERK, "basim": Role.SUPERVISOR}


def keyed(station: str = "B-001-01", source: str = "entry-a", key: str = "key-0000-a",
          tasmim: int = 200, **more: object) -> dict[str, object]:
    """A sheet as a clerk keys it at the desk: 300 valid votes, Tasmim's share as given."""
    return {"station": station, "source": source, "key": key, "ballots_received": 500,
            "cast": 310, "valid": 300, "invalid": 10, "spoiled": 5, "unused": 185,
            "votes": {"Tasmim": tasmim, "State of Law": 300 - tasmim}, **more}


@pytest.fixture(scope="module")
def desk_users(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return staff_file(tmp_path_factory.mktemp("desk") / "users.json", DESK_STAFF)


@pytest.fixture
def desk(store_url: str, desk_users: Path) -> Iterator[TestClient]:
    """The API over the example registry, no sheet entered yet."""
    register(store_url)
    with TestClient(create_app(store_url, "default", law="iraq-2025", users=desk_users)) as c:
        yield c


def test_the_form_is_blind_and_names_the_lists_in_arabic(desk: TestClient) -> None:
    amal, dalia = signed_in(desk, "amal"), signed_in(desk, "dalia")
    empty = desk.get("/api/desk/stations/B-001-01", headers=amal).json()
    assert (empty["constituency"], empty["next_entry"], empty["keyed"]) == ("Basra", "entry-a", [])
    assert {x["name"]: x["name_ar"] for x in empty["lists"]} == {
        "State of Law": "ائتلاف دولة القانون", "Tasmim": "تحالف تصميم"}
    first = desk.post("/api/desk/entries", json=keyed(), headers=amal)
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "awaiting-second-entry"
    seen = desk.get("/api/desk/stations/B-001-01", headers=dalia)
    assert (seen.json()["keyed"], seen.json()["next_entry"]) == (["entry-a"], "entry-b")
    assert "200" not in seen.text and "310" not in seen.text  # no figure of entry A
    assert desk.get("/api/stations/B-001-01/history", headers=dalia).json() == []
    assert desk.get("/api/stations/B-001-01/history").json() == []
    assert len(desk.get("/api/stations/B-001-01/history",
                        headers=signed_in(desk, "basim")).json()) == 1
    assert desk.get("/api/desk/stations/B-001-01").status_code == 401
    assert desk.get("/api/desk/stations/X-9", headers=amal).status_code == 422


def test_two_clerks_agreeing_and_the_same_clerk_refused(desk: TestClient) -> None:
    amal, dalia = signed_in(desk, "amal"), signed_in(desk, "dalia")
    assert desk.post("/api/desk/entries", json=keyed(), headers=amal).status_code == 200
    twice = desk.post("/api/desk/entries", json=keyed(source="entry-b", key="key-0000-b"),
                      headers=amal)
    assert twice.status_code == 409
    assert "amal keyed entry-a of this sheet" in twice.json()["detail"]
    again = desk.post("/api/desk/entries", json=keyed(key="key-0001-a"), headers=dalia)
    assert again.status_code == 409 and "keyed already" in again.json()["detail"]
    second = desk.post("/api/desk/entries", json=keyed(source="entry-b", key="key-0000-b"),
                       headers=dalia).json()
    assert (second["status"], second["clerk"]) == ("accepted", "dalia")
    live = desk.get("/api/results", params={"release": "live", "level": "constituency"},
                    headers=amal).json()
    assert {(r["list"], r["votes"]) for r in live} == {("Tasmim", 200), ("State of Law", 100)}
    history = desk.get("/api/stations/B-001-01/history", headers=amal).json()
    assert [(v["source"], v["author"]) for v in history] == [("entry-b", "dalia")]


def test_an_all_zero_sheet_is_refused_at_first_entry(desk: TestClient) -> None:
    amal = signed_in(desk, "amal")
    zero = {**keyed(tasmim=0), "ballots_received": 0, "cast": 0, "valid": 0, "invalid": 0,
            "spoiled": 0, "unused": 0, "votes": {"Tasmim": 0, "State of Law": 0}}
    refused = desk.post("/api/desk/entries", json=zero, headers=amal)
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["field"] == "blank"
    assert desk.get("/api/desk/stations/B-001-01", headers=amal).json()["keyed"] == []
    marked = desk.post("/api/desk/entries", json={**zero, "blank": True}, headers=amal).json()
    assert (marked["status"], marked["blank"]) == ("awaiting-second-entry", True)


def test_a_resent_entry_is_stored_once(desk: TestClient) -> None:
    amal, basim = signed_in(desk, "amal"), signed_in(desk, "basim")
    answers = [desk.post("/api/desk/entries", json=keyed(), headers=amal).json()
               for _ in range(3)]
    assert [a["repeated"] for a in answers] == [False, True, True]
    assert {a["version"] for a in answers} == {1}
    assert len(desk.get("/api/stations/B-001-01/history", headers=basim).json()) == 1
    bad = desk.post("/api/desk/entries", json=keyed(key="short"), headers=amal)
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "key"


def test_a_supervisor_settles_a_disagreement(desk: TestClient) -> None:
    amal, dalia, basim = (signed_in(desk, n) for n in ("amal", "dalia", "basim"))
    for station in ("B-001-01", "B-001-02"):
        desk.post("/api/desk/entries", json=keyed(station, key=f"{station}-a"), headers=amal)
        differs = desk.post("/api/desk/entries", json=keyed(
            station, "entry-b", key=f"{station}-b", tasmim=210), headers=dalia).json()
        assert differs["status"] == "quarantined"
        assert "210" not in str(differs) and "200" not in str(differs)  # blind still
    queues = desk.get("/api/desk/queues", headers=basim).json()
    assert queues["totals"] == {"quarantine": 0, "disagreement": 2, "recount": 0,
                                "awaiting-second-entry": 0, "complaint": 0,
                                "audit-request": 0, "audit": 0}
    assert queues["by_constituency"]["disagreement"] == {"Basra": 2}
    assert desk.get("/api/desk/queues", headers=amal).status_code == 403
    assert desk.get("/api/desk/disagreements/B-001-01", headers=amal).status_code == 403
    both = desk.get("/api/desk/disagreements/B-001-01", headers=basim).json()
    assert [(c["field"], c["entry_a"], c["entry_b"]) for c in both["cells"]] == [
        ("votes › State of Law", 100, 90), ("votes › Tasmim", 200, 210)]
    assert (both["entry_a"]["received_by"], both["entry_b"]["received_by"]) == ("amal", "dalia")
    chosen = desk.post("/api/desk/resolutions", headers=basim, json={
        "station": "B-001-01", "action": "choose", "chosen": "entry-b",
        "reason": "the paper says 210"}).json()
    assert (chosen["status"], chosen["clerk"]) == ("accepted", "basim")
    recount = desk.post("/api/desk/resolutions", headers=basim, json={
        "station": "B-001-02", "action": "recount", "reason": "smudged"}).json()
    assert recount["failures"][0]["rule"] == "recount-ordered"
    queues = desk.get("/api/desk/queues", headers=basim).json()
    assert queues["totals"]["recount"] == 1 and queues["totals"]["disagreement"] == 0
    rekeyed = desk.post("/api/desk/resolutions", headers=basim, json={
        "station": "B-001-02", "action": "rekey", "reason": "recounted at the desk",
        "sheet": {k: v for k, v in keyed("B-001-02", tasmim=205).items() if k != "key"}}).json()
    assert rekeyed["status"] == "accepted"
    live = desk.get("/api/results", params={"release": "live", "level": "constituency"},
                    headers=basim).json()
    assert {(r["list"], r["votes"]) for r in live} == {("Tasmim", 415), ("State of Law", 185)}
    trail = desk.get("/api/stations/B-001-02/history", headers=basim).json()
    assert [(v["source"], v["status"], v["author"]) for v in trail] == [
        ("entry-a", "awaiting-second-entry", "amal"), ("entry-b", "quarantined", "dalia"),
        ("entry-b", "quarantined", "basim"), ("entry-a", "accepted", "basim"),
        ("entry-b", "accepted", "basim")]
    assert desk.get("/api/desk/queues", headers=basim).json()["sheets"] == []
    assert desk.post("/api/desk/resolutions", headers=basim, json={
        "station": "B-001-01", "action": "choose", "chosen": "entry-a", "reason": "x"}
                     ).status_code == 422  # nothing left to settle


def test_the_sheets_photo_is_kept_chained_and_shown(desk: TestClient) -> None:
    amal, dalia = signed_in(desk, "amal"), signed_in(desk, "dalia")
    scan = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40  # a JPEG by its first bytes
    up = desk.post("/api/desk/photos", content=scan, headers={
        **amal, "Content-Type": "image/jpeg"})
    assert up.status_code == 200, up.text
    sha = up.json()["sha256"]
    assert up.json() == {"sha256": hashlib.sha256(scan).hexdigest(), "media_type": "image/jpeg",
                         "size": len(scan)}
    for who, source, key in ((amal, "entry-a", "key-0000-a"), (dalia, "entry-b", "key-0000-b")):
        got = desk.post("/api/desk/entries", json=keyed(source=source, key=key, photo=sha),
                        headers=who)
        assert got.status_code == 200, got.text
    public = desk.get("/api/stations/B-001-01/history").json()  # the accepted version
    assert [(v["source"], v["photo"]) for v in public] == [("entry-b", sha)]
    shown = desk.get(f"/api/photos/{sha}")
    assert shown.status_code == 200 and shown.content == scan
    assert shown.headers["content-type"] == "image/jpeg"
    assert desk.get(f"/api/photos/{'0' * 64}").status_code == 404
    unknown = desk.post("/api/desk/entries", json=keyed(
        station="B-001-02", key="key-0002-a", photo=hashlib.sha256(b"x").hexdigest()),
        headers=amal)
    assert unknown.status_code == 422 and "no photo with SHA-256" in unknown.text
    gif = desk.post("/api/desk/photos", content=b"GIF89a" + bytes(64), headers=amal)
    assert gif.status_code == 422 and "not a JPEG, PNG, WebP or PDF" in gif.text
    big = desk.post("/api/desk/photos", content=b"\xff\xd8\xff" + bytes(9 * 2**20),
                    headers=amal)
    assert big.status_code == 413
    assert desk.post("/api/desk/photos", content=scan).status_code == 401


def test_an_entry_with_a_revoked_token_is_refused_in_its_own_transaction(
        desk: TestClient) -> None:
    """The entry route leaves the revocation check to the entries' batch (one query for the
    batch, in its transaction): a signed-out token is refused all the same, and nothing is
    stored; another token of the same clerk still keys."""
    amal, again, basim = signed_in(desk, "amal"), signed_in(desk, "amal"), signed_in(desk, "basim")
    assert desk.delete("/api/token", headers=amal).status_code == 204
    refused = desk.post("/api/desk/entries", json=keyed(), headers=amal)
    assert refused.status_code == 401
    assert refused.json()["detail"].startswith("the token was revoked")
    assert desk.get("/api/stations/B-001-01/history", headers=basim).json() == []
    stored = desk.post("/api/desk/entries", json=keyed(), headers=again)
    assert stored.status_code == 200 and stored.json()["clerk"] == "amal"
    assert desk.post("/api/desk/entries", json=keyed(key="key-0009-a"),
                     headers=basim).status_code == 409  # entry A is keyed already


def test_a_list_spelt_twice_on_an_entry_is_refused_and_its_batch_mates_stored(
        desk: TestClient, store_url: str) -> None:
    """The list names are read once per batch of entries, in the batch's thread (an alias
    registered while the service runs counts at once): an entry naming one list twice (by its
    name and an alias) is refused on its own."""
    with Store(store_url) as store:
        store.register([], [], aliases={"Tasmim Alliance": "Tasmim"})
    amal, dalia = signed_in(desk, "amal"), signed_in(desk, "dalia")
    twice = desk.post("/api/desk/entries", headers=amal, json=keyed(votes={
        "Tasmim": 100, "Tasmim Alliance": 100, "State of Law": 100}))
    assert twice.status_code == 422, twice.text
    assert "which this sheet already has" in twice.text
    assert desk.post("/api/desk/entries", json=keyed(), headers=amal).status_code == 200
    second = desk.post("/api/desk/entries", headers=dalia, json=keyed(
        source="entry-b", key="key-0000-b", votes={"Tasmim Alliance": 200, "State of Law": 100}))
    assert second.json()["status"] == "accepted"  # the alias spells Tasmim
