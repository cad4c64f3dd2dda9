"""The certification timeline over HTTP: a publisher enters each stage, everyone reads the stages
and what changed between them; a bad row is a 422 naming its row and field."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .conftest import signed_in

FINAL = {"kind": "final", "name": "final results (IHEC)", "published_on": "2025-11-17",
         "source": "shafaq-diyala-ruling", "rows": [
             {"constituency": "Diyala", "list": "Siyada", "seats": 2,
              "elected": ["Taha al-Majmai", "Muzhir al-Karawi"]},
             {"constituency": "Diyala", "list": "Sadiqoon", "seats": 2,
              "elected": ["Riyadh al-Tamimi", "Amal al-Khalidi"]},
             {"constituency": "*", "list": "Sadiqoon", "seats": 27}]}
RULING = {**FINAL, "kind": "ruling", "name": "Diyala after the ruling",
          "published_on": "2025-12-07", "rows": [
              {"constituency": "Diyala", "list": "Siyada", "seats": 2,
               "elected": ["Muzhir al-Karawi", "Nahida al-Dayni"]},
              {"constituency": "Diyala", "list": "Sadiqoon", "seats": 2,
               "elected": ["Riyadh al-Tamimi", "Ahmad al-Mousawi"]}]}


def test_a_publisher_enters_stages_and_everyone_reads_what_changed(client: TestClient) -> None:
    assert client.post("/api/certification", json=FINAL).status_code == 401
    assert client.post("/api/certification", json=FINAL,
                       headers=signed_in(client, "amal")).status_code == 403  # a clerk
    carla = signed_in(client, "carla")
    entered = client.post("/api/certification", json=FINAL, headers=carla)
    assert entered.status_code == 201, entered.text
    assert entered.json()["number"] == 1 and entered.json()["author"] == "carla"
    assert entered.json()["house_seats"] == 27 and entered.json()["changes"] is None
    assert client.post("/api/certification", json=RULING, headers=carla).status_code == 201

    stages = client.get("/api/certification").json()
    assert [s["kind"] for s in stages] == ["final", "ruling"]
    changes = stages[1]["changes"]
    assert changes["from"] == 1 and changes["constituencies"] == ["Diyala"]
    assert changes["seat_moves"] == []
    assert changes["name_changes"] == [
        {"constituency": "Diyala", "left": {"list": "Siyada", "name": "Taha al-Majmai"},
         "entered": {"list": "Siyada", "name": "Nahida al-Dayni"}},
        {"constituency": "Diyala", "left": {"list": "Sadiqoon", "name": "Amal al-Khalidi"},
         "entered": {"list": "Sadiqoon", "name": "Ahmad al-Mousawi"}}]
    assert client.get("/api/certification/changes?from=1&to=2").json() == changes
    table = client.get("/api/certification/1").json()["table"]
    assert table[0] == FINAL["rows"][0]
    assert client.get("/api/certification/3").status_code == 404

    # a final stage after a ruling, and a bad row: refused with the row and field, not stored
    late = client.post("/api/certification", headers=carla, json={**FINAL, "rows": [
        {"constituency": "Diyala", "list": "Siyada", "seats": 1, "elected": ["A", "B"]}]})
    assert late.status_code == 422
    assert {(p["file"], p["line"], p["field"]) for p in late.json()["problems"]} == {
        ("request › rows", 1, "elected")}
    wrong = client.post("/api/certification", headers=carla, json={**FINAL,
                                                                     "published_on": "2025-12-09"})
    assert wrong.status_code == 422
    assert "cannot follow stage 2 (ruling)" in wrong.json()["problems"][0]["message"]
    assert len(client.get("/api/certification").json()) == 2
