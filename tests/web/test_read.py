"""The public API reads the published releases, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fastapi.testclient import TestClient

from .conftest import signed_in


def publish(client: TestClient, name: str = "first results") -> dict[str, object]:
    answer = client.post("/api/releases", json={"name": name},
                         headers=signed_in(client, "carla"))
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_nothing_is_public_before_the_first_release(client: TestClient) -> None:
    assert client.get("/api/results").json() == []
    assert client.get("/api/seats").json() == []
    election = client.get("/api/election").json()
    assert election == {"name": "default", "law": "iraq-2025", "releases": 0, "latest": None}
    assert client.get("/api/elections").json() == [election]


def test_a_release_is_listed_and_read_with_its_figures(client: TestClient) -> None:
    publish(client)
    (listed,) = client.get("/api/releases").json()
    assert (listed["number"], listed["name"]) == (1, "first results")
    assert (listed["counted"], listed["stations"], listed["percent_counted"]) == (2, 4, 50.0)
    figures = client.get("/api/releases/1").json()
    basra = {c["constituency"]: c for c in figures["results"]}["Basra"]
    assert basra["votes"] == {"Tasmim": 200, "State of Law": 100}  # B-001-02 is quarantined
    assert basra["counted_by_type"] == {"general": 1}
    assert basra["stations_by_type"] == {"general": 2, "special-security": 1}
    assert client.get("/api/election").json()["latest"]["number"] == 1


def test_results_nationally_by_constituency_and_by_voting_type(client: TestClient) -> None:
    publish(client)
    national = client.get("/api/results", params={"level": "national"}).json()
    assert [(r["list"], r["votes"]) for r in national] == [
        ("Tasmim", 320), ("State of Law", 100), ("Sadiqoun", 80)]
    assert {r["percent_counted"] for r in national} == {50.0}
    basra = client.get("/api/results", params={"constituency": "Basra",
                                               "voting_type": "general"}).json()
    assert {(r["list"], r["votes"], r["percent_counted"]) for r in basra} == {
        ("Tasmim", 200, 50.0), ("State of Law", 100, 50.0)}
    assert client.get("/api/results", params={"voting_type": "special-security"}).json() == []


def test_stations_counted_by_constituency_and_voting_type(client: TestClient) -> None:
    publish(client)
    rows = {(r["constituency"], r["voting_type"]): (r["counted"], r["stations"])
            for r in client.get("/api/counted").json()}
    assert rows == {("Basra", "general"): (1, 2), ("Basra", "special-security"): (0, 1),
                    ("Najaf", "general"): (1, 1)}
    places = {c["name"]: c for c in client.get("/api/constituencies").json()}
    assert places["Basra"]["magnitude"] == 25
    assert places["Najaf"]["percent_counted"] == 100.0


def test_seats_follow_the_preset_law_on_the_released_votes(client: TestClient) -> None:
    publish(client)
    national = client.get("/api/seats").json()
    assert sum(r["seats"] for r in national) == 25 + 12  # Basra and Najaf
    assert national[0]["list"] == "Tasmim"  # ahead in both
    assert {r["list"]: r["votes"] for r in national} == {
        "Tasmim": 320, "State of Law": 100, "Sadiqoun": 80}
    per_place = client.get("/api/seats", params={"level": "constituency",
                                                 "law": "iraq-2010"}).json()
    assert {r["constituency"] for r in per_place} == {"Basra", "Najaf"}
    assert sum(r["seats"] for r in per_place if r["constituency"] == "Basra") == 24


def test_an_unknown_law_is_refused_with_the_fields_the_cli_prints(client: TestClient) -> None:
    answer = client.get("/api/seats", params={"law": "nowhere-1999"})
    assert answer.status_code == 422
    (problem,) = answer.json()["problems"]
    assert (problem["file"], problem["line"], problem["field"]) == ("query", None, "law")
    assert "iraq-2025" in problem["message"]
    bad = client.get("/api/results", params={"release": "first"})
    assert bad.status_code == 422
    assert bad.json()["problems"][0]["field"] == "release"


def test_every_table_comes_as_csv_by_suffix_or_query(client: TestClient) -> None:
    publish(client)
    by_suffix = client.get("/api/results.csv", params={"level": "national"})
    by_query = client.get("/api/results", params={"level": "national", "format": "csv"})
    assert by_suffix.headers["content-type"].startswith("text/csv")
    assert by_suffix.text == by_query.text
    rows = list(csv.DictReader(io.StringIO(by_suffix.text)))
    assert rows[0] == {"constituency": "national", "list": "Tasmim", "votes": "320",
                       "stations_counted": "2", "stations": "4", "percent_counted": "50.0"}
    for path in ("/api/releases.csv", "/api/releases/1.csv", "/api/counted.csv",
                 "/api/constituencies.csv", "/api/seats.csv"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert "," in answer.text.splitlines()[0], path


def test_an_unchanged_table_is_answered_304_until_a_release(client: TestClient) -> None:
    publish(client)
    first = client.get("/api/results", params={"level": "national"})
    assert "max-age" in first.headers["cache-control"]
    tag = first.headers["etag"]
    again = client.get("/api/results", params={"level": "national"},
                       headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.headers["etag"] == tag
    client.post("/api/corrections", headers=signed_in(client, "basim"), json={
        "reason": "recount", "sheet": {
            "station": "B-001-02", "source": "machine", "ballots_received": 500, "cast": 260,
            "valid": 250, "invalid": 10, "spoiled": 5, "unused": 235,
            "votes": {"Tasmim": 80, "State of Law": 170}}})
    assert client.get("/api/results", params={"level": "national"},
                      headers={"If-None-Match": tag}).status_code == 304  # not yet released
    publish(client, "second")
    changed = client.get("/api/results", params={"level": "national"},
                         headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.json()[0] == {"constituency": "national", "list": "Tasmim", "votes": 400,
                                 "stations_counted": 3, "stations": 4, "percent_counted": 75.0}
    assert client.get("/api/results", params={"release": 1, "level": "national"},
                      headers={"If-None-Match": tag}).status_code == 304


def test_an_unknown_release_is_404(client: TestClient) -> None:
    assert client.get("/api/releases/7").status_code == 404
    answer = client.get("/api/results", params={"release": 7})
    assert answer.status_code == 404
    assert answer.json() == {"detail": "no release 7", "problems": []}


def test_live_counts_and_polling_centres_are_for_the_staff(client: TestClient) -> None:
    assert client.get("/api/results", params={"release": "live"}).status_code == 401
    staff = signed_in(client, "amal")
    live = client.get("/api/results", params={"release": "live", "level": "national"},
                      headers=staff).json()
    assert live[0]["votes"] == 320  # counted, not yet released
    centres = client.get("/api/results", params={"release": "live", "level": "centre"},
                         headers=staff).json()
    assert {(r["centre"], r["list"], r["votes"]) for r in centres} == {
        ("B-001", "Tasmim", 200), ("B-001", "State of Law", 100),
        ("N-001", "Tasmim", 120), ("N-001", "Sadiqoun", 80)}
    refused = client.get("/api/results", params={"level": "centre"}, headers=staff)
    assert refused.status_code == 422


def test_the_dashboard_and_openapi_schema_are_served(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "<html" in page.text
    schema = client.get("/openapi.json").json()
    assert {"/api/results", "/api/seats", "/api/sheets", "/api/token"} <= set(schema["paths"])


def test_every_route_is_in_the_api_docs(client: TestClient) -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    for path in client.get("/openapi.json").json()["paths"]:
        assert path in docs, path
