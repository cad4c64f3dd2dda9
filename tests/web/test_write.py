"""The results staff write through the API: signed in, each role its own part, every write in the
store's hash-chained trail under the user's name."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from majlis import audit, data
from majlis.errors import InputError
from majlis.tally import Store, read_tally_file
from majlis.web import Role, Users, create_app

from .conftest import EXAMPLES, PASSWORD, signed_in

NAJAF = {"station": "N-001-01", "source": "manual", "ballots_received": 400, "cast": 215,
         "valid": 200, "invalid": 15, "spoiled": 5, "unused": 180,
         "votes": {"Tasmim": 118, "Sadiqoun": 82}}
B002 = {"station": "B-001-02", "source": "machine", "ballots_received": 500, "cast": 260,
        "valid": 250, "invalid": 10, "spoiled": 5, "unused": 235,
        "votes": {"Tasmim": 80, "State of Law": 170}}


def trail(url: str) -> list[tuple[str, str, int, str, str, str]]:
    """Who received and who corrected each stored sheet version, read straight from the table."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(
                "SELECT station, source, version, status, received_by, author "
                "FROM tally_sheets ORDER BY id"))]
    finally:
        engine.dispose()


def test_signing_in_needs_the_right_password(client: TestClient) -> None:
    wrong = client.post("/api/token", json={"username": "amal", "password": "guess-again"})
    assert wrong.status_code == 401
    assert wrong.headers["www-authenticate"] == "Bearer"
    assert client.post("/api/token", json={"username": "nobody", "password": PASSWORD}
                       ).status_code == 401
    ok = client.post("/api/token", json={"username": "carla", "password": PASSWORD}).json()
    assert ok["role"] == "publisher"
    assert ok["expires_in"] > 3600


def test_each_role_may_do_only_its_part(client: TestClient) -> None:
    assert client.post("/api/sheets", json=[NAJAF]).status_code == 401
    assert client.post("/api/releases", json={"name": "x"}).status_code == 401
    clerk, supervisor, publisher = (signed_in(client, n) for n in ("amal", "basim", "carla"))
    refused = client.post("/api/releases", json={"name": "x"}, headers=clerk)
    assert refused.status_code == 403
    assert "publisher" in refused.json()["detail"]
    assert client.post("/api/sheets", json=[NAJAF], headers=publisher).status_code == 403
    assert client.post("/api/corrections", json={"sheet": B002, "reason": "recount"},
                       headers=clerk).status_code == 403
    assert client.get("/api/quarantine", headers=clerk).status_code == 403
    assert client.get("/api/quarantine", headers=supervisor).status_code == 200
    assert client.get("/api/releases").json() == []  # nothing was published


def test_a_forged_or_expired_token_is_refused(night: str, users_file: Path) -> None:
    with TestClient(create_app(night, "default", users=users_file, token_ttl=1)) as client:
        headers = signed_in(client, "amal")
        assert client.post("/api/sheets", json=[NAJAF], headers=headers).status_code == 200
        forged = {"Authorization": headers["Authorization"][:-2] + "xx"}
        assert client.post("/api/sheets", json=[NAJAF], headers=forged).status_code == 401
        time.sleep(2.1)
        expired = client.post("/api/sheets", json=[NAJAF], headers=headers)
        assert expired.status_code == 401
        assert "expired" in expired.json()["detail"]


def test_a_token_dies_with_its_account(night: str, tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    users = Users()
    users.add("dalia", Role.CLERK, PASSWORD)
    users.save(path)
    with TestClient(create_app(night, "default", users=path, secret="s")) as client:
        headers = signed_in(client, "dalia")
    Users().save(path)
    with TestClient(create_app(night, "default", users=path, secret="s")) as client:
        assert client.post("/api/sheets", json=[NAJAF], headers=headers).status_code == 401


def test_sheets_and_corrections_land_in_the_trail_under_the_users_name(
        client: TestClient, night: str) -> None:
    entered = client.post("/api/sheets", json=[NAJAF], headers=signed_in(client, "amal"))
    assert entered.json() == {"accepted": 1, "quarantined": 0, "awaiting_second_entry": 0,
                              "duplicates": 0}
    corrected = client.post("/api/corrections", json={"sheet": B002, "reason": "recount"},
                            headers=signed_in(client, "basim"))
    assert corrected.json()["accepted"] == 1
    stored = trail(night)
    assert ("N-001-01", "manual", 1, "accepted", "amal", "") in stored
    assert ("B-001-02", "machine", 2, "accepted", "basim", "basim") in stored
    with Store(night) as store:
        assert audit.verify_chain(store.chain()).intact
        basra = {c.name: c for c in store.results()}["Basra"]
    assert basra.votes == {"Tasmim": 280, "State of Law": 270}


def test_a_bad_sheet_is_quarantined_and_shown_to_supervisors(client: TestClient) -> None:
    bad = {**NAJAF, "valid": 199}
    report = client.post("/api/sheets", json=[bad], headers=signed_in(client, "amal")).json()
    assert report["quarantined"] == 1
    rows = client.get("/api/quarantine", headers=signed_in(client, "basim")).json()
    assert {(r["station"], r["rule"]) for r in rows} >= {
        ("N-001-01", "valid-is-sum-of-lists"), ("B-001-02", "valid-is-sum-of-lists")}


def test_a_malformed_sheet_is_422_with_every_problem(client: TestClient) -> None:
    broken = {**NAJAF, "source": "fax", "cast": -1}
    del broken["valid"]
    answer = client.post("/api/sheets", json=[broken], headers=signed_in(client, "amal"))
    assert answer.status_code == 422
    fields = {(p["file"], p["field"]) for p in answer.json()["problems"]}
    assert fields == {("body", "0 › source"), ("body", "0 › cast"), ("body", "0 › valid")}


def test_a_release_is_published_by_the_publisher(client: TestClient) -> None:
    published = client.post("/api/releases", json={"name": "10 % counted"},
                            headers=signed_in(client, "carla"))
    assert published.status_code == 201
    assert published.json()["number"] == 1
    assert published.json()["percent_counted"] == 50.0
    assert client.get("/api/releases/1").json()["name"] == "10 % counted"
    assert published.json()["author"] == "carla"  # the audit trail names who published
    # the sheet chain's head, read off the answer, proves the store later; another head does not
    head = published.json()["sheet_head"]
    assert client.get("/api/releases").json()[0]["sheet_head"] == head
    store = client.app.state.service.store  # type: ignore[attr-defined]
    assert audit.verify_chain(store.chain(), heads=[head]).intact
    assert not audit.verify_chain(store.chain(), heads=["f" * 64]).intact


@pytest.mark.parametrize("name", ["", " "])
def test_an_account_needs_a_name_and_a_long_password(name: str) -> None:
    with pytest.raises(InputError, match="8 characters"):
        Users().add(name, Role.CLERK, PASSWORD)
    with pytest.raises(InputError, match="8 characters"):
        Users().add("amal", Role.CLERK, "short")


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"valid": 3_000_000_000}, "0 › valid", "less than or equal to 2147483647"),
    ({"votes": {"Tasmim\x00": 118, "Sadiqoun": 82}}, "0 › votes › Tasmim\x00 › [key]",
     "contains a NUL character, which no store keeps"),
    ({"votes": {"T" * 301: 118, "Sadiqoun": 82}}, f"0 › votes › {'T' * 301} › [key]",
     "at most 300 characters"),
    ({"station": "N" * 101}, "0 › station", "at most 100 characters"),
    ({"station": " "}, "0 › station", "is blank"),
    ({"received_at": "2025-11-11\t19:00"}, "0 › received_at", "a control character"),
    ({"votes": {f"list {k}": 0 for k in range(1_001)}}, "0 › votes", "at most 1000 items"),
    ({"candidate_votes": {"Tasmim": {f"candidate {k}": 0 for k in range(1_001)}}},
     "0 › candidate_votes › Tasmim", "at most 1000 items"),
])
def test_a_sheet_past_the_stores_limits_is_422_and_nothing_is_stored(
        client: TestClient, night: str, change: dict[str, object], field: str,
        message: str) -> None:
    stored = trail(night)
    answer = client.post("/api/sheets", json=[{**NAJAF, **change}],
                         headers=signed_in(client, "amal"))
    assert answer.status_code == 422, answer.text
    (problem,) = answer.json()["problems"]
    assert (problem["file"], problem["field"]) == ("body", field)
    assert message in problem["message"]
    assert trail(night) == stored


def test_a_list_name_as_long_as_the_store_keeps_is_accepted(client: TestClient,
                                                            night: str) -> None:
    longest = "ق" * 300  # the store's list names are 300 characters
    answer = client.post("/api/sheets", json=[{**NAJAF, "votes": {longest: 118, "Sadiqoun": 82}}],
                         headers=signed_in(client, "amal"))
    assert answer.status_code == 200, answer.text
    assert ("N-001-01", "manual", 1) in {row[:3] for row in trail(night)}


def test_more_sheets_than_one_request_carries_are_422(client: TestClient, night: str) -> None:
    answer = client.post("/api/sheets", json=[NAJAF] * 1_001, headers=signed_in(client, "amal"))
    assert answer.status_code == 422
    assert "at most 1000 items" in answer.json()["problems"][0]["message"]


def test_a_correction_reason_may_be_long_but_not_blank(client: TestClient) -> None:
    supervisor = signed_in(client, "basim")
    blank = client.post("/api/corrections", json={"sheet": B002, "reason": "  "},
                        headers=supervisor)
    assert blank.status_code == 422
    assert blank.json()["problems"][0]["message"] == "is blank"
    told = client.post("/api/corrections", json={"sheet": B002, "reason": "recounted: " * 500},
                       headers=supervisor)
    assert told.status_code == 200, told.text  # 5,500 characters: the store keeps 10,000
    too_long = client.post("/api/corrections", json={"sheet": B002, "reason": "x" * 10_001},
                           headers=supervisor)
    assert too_long.status_code == 422


@pytest.mark.parametrize("name", ["", " ", "\t", "x" * 201, "first\x00results"])
def test_a_release_needs_a_name_the_store_keeps(client: TestClient, name: str) -> None:
    answer = client.post("/api/releases", json={"name": name}, headers=signed_in(client, "carla"))
    assert answer.status_code == 422, answer.text
    assert answer.json()["problems"][0]["field"] == "name"
    assert client.get("/api/releases").json() == []


def test_a_sheet_names_each_list_as_the_elections_alias_table_does(
        store_url: str, users_file: Path) -> None:
    """Posted in any known spelling, a list's votes land under its one name; two spellings of
    one list on a sheet are refused, not added up."""
    names = data.list_names("iraq-2025")
    registry = [read_tally_file((EXAMPLES / f).read_text(encoding="utf-8"), f, names.canonical)
                for f in ("stations.csv", "lists.csv")]
    with Store(store_url, "iraq-2025") as store:
        store.register(registry[0].stations, registry[1].lists)
    sheet = B002 | {"votes": {"Qarar": 80, "Hukuk Devleti Koalisyonu": 170}}
    with TestClient(create_app(store_url, "iraq-2025", users=users_file)) as client:
        clerk = signed_in(client, "amal")
        taken = client.post("/api/sheets", json=[sheet], headers=clerk)
        assert taken.json()["accepted"] == 1, taken.text
        twice = client.post("/api/sheets", headers=clerk, json=[
            B002 | {"station": "B-001-01", "votes": {"Tasmim": 80, "Qarar": 170}}])
        assert twice.status_code == 422
        assert twice.json()["problems"] == [{
            "file": "request", "line": None, "field": "votes › Qarar",
            "message": "spells 'Tasmim Alliance', which this sheet already has"}]
    with Store(store_url, "iraq-2025") as store:
        assert {(c.name, p): n for c in store.results() for p, n in c.votes.items()} == {
            ("Basra", "Tasmim Alliance"): 80, ("Basra", "State of Law Coalition"): 170}


def test_a_sheet_posted_in_a_registered_alias_lands_under_its_list(
        store_url: str, users_file: Path) -> None:
    """The aliases a lists file registered name the lists of sheets posted to the service too."""
    registry = [read_tally_file((EXAMPLES / f).read_text(encoding="utf-8"), f)
                for f in ("stations.csv", "lists.csv")]
    with Store(store_url, "night") as store:
        store.register(registry[0].stations, registry[1].lists, aliases={"Qarar": "Tasmim"})
    with TestClient(create_app(store_url, "night", users=users_file)) as client:
        taken = client.post("/api/sheets", json=[B002 | {"votes": {"Qarar": 80, "State of Law":
                                                                     170}}],
                            headers=signed_in(client, "amal"))
        assert taken.json()["accepted"] == 1, taken.text
    with Store(store_url, "night") as store:
        assert {(c.name, p): n for c in store.results() for p, n in c.votes.items()} == {
            ("Basra", "Tasmim"): 80, ("Basra", "State of Law"): 170}


def test_a_double_entry_is_keyed_at_the_desk_not_posted_as_sheets(
        store_url: str, users_file: Path) -> None:
    """One clerk could post both entries of a hand count here: the desk, which knows each
    entry's clerk, is the only way in for them; nothing is stored."""
    registry = [read_tally_file((EXAMPLES / f).read_text(encoding="utf-8"), f)
                for f in ("stations.csv", "lists.csv")]
    with Store(store_url, "night") as store:
        store.register(registry[0].stations, registry[1].lists)
    with TestClient(create_app(store_url, "night", users=users_file)) as client:
        answer = client.post("/api/sheets", headers=signed_in(client, "amal"), json=[
            B002, B002 | {"source": "entry-a"}, B002 | {"source": "entry-b"}])
        assert answer.status_code == 422, answer.text
        assert [(p["field"], p["message"]) for p in answer.json()["problems"]] == [
            (f"sheets › {n} › source", f"{source} is keyed at the desk (POST "
             "/api/desk/entries), where each entry has its clerk")
            for n, source in ((2, "entry-a"), (3, "entry-b"))]
    with Store(store_url, "night") as store:
        assert [c.counted for c in store.results()] == [0, 0]
