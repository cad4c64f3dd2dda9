"""A station's sheet history, the lists' names and colours, projections and coalition power —
on SQLite and PostgreSQL alike."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fastapi.testclient import TestClient

from majlis.tally import Store
from majlis.web import create_app

from .conftest import register, signed_in
from .test_read import publish

CORRECTED = {"station": "B-001-02", "source": "machine", "ballots_received": 500, "cast": 260,
             "valid": 250, "invalid": 10, "spoiled": 5, "unused": 235,
             "votes": {"Tasmim": 80, "State of Law": 170}}


def test_a_station_history_shows_the_public_its_accepted_versions_and_the_staff_all(
        client: TestClient) -> None:
    path = "/api/stations/B-001-02/history"
    assert client.get(path).json() == []  # quarantined: its figures do not add up
    supervisor = signed_in(client, "basim")
    (held,) = client.get(path, headers=supervisor).json()
    assert (held["status"], held["version"], held["received_by"]) == ("quarantined", 1, "clerk 7")
    assert {f["rule"] for f in held["failures"]} == {"valid-is-sum-of-lists"}
    fixed = client.post("/api/corrections", headers=supervisor,
                        json={"reason": "recount", "sheet": CORRECTED})
    assert fixed.json()["accepted"] == 1
    (public,) = client.get(path).json()
    assert (public["version"], public["status"], public["reason"]) == (2, "accepted", "recount")
    assert public["votes"] == {"State of Law": 170, "Tasmim": 80}
    assert (public["received_by"], public["author"]) == ("", "")  # staff names are for staff
    staff = client.get(path, headers=supervisor).json()
    assert [(v["version"], v["status"], v["author"]) for v in staff] == [
        (1, "quarantined", ""), (2, "accepted", "basim")]
    rows = list(csv.DictReader(io.StringIO(client.get(f"{path}.csv").text)))
    assert [(r["version"], r["list"], r["votes"]) for r in rows] == [
        ("2", "State of Law", "170"), ("2", "Tasmim", "80")]
    assert client.get("/api/stations/nowhere/history").json() == []


def test_lists_carry_arabic_names_and_colours_whatever_their_spelling(client: TestClient) -> None:
    assert client.get("/api/lists").json() == []  # nothing released
    publish(client)
    lists = {r["name"]: r for r in client.get("/api/lists").json()}
    assert list(lists) == ["Tasmim", "State of Law", "Sadiqoun"]  # by national votes
    assert lists["State of Law"]["name_ar"] == "ائتلاف دولة القانون"  # the 2025 table's
    assert lists["State of Law"]["colour"] == "#1565c0"
    # the alias table knows both spellings: its Arabic name where the seat table has none
    assert (lists["Tasmim"]["name_en"], lists["Tasmim"]["name_ar"]) == ("Tasmim", "تحالف تصميم")
    assert (lists["Sadiqoun"]["name_en"], lists["Sadiqoun"]["name_ar"]) == (
        "Sadiqoon", "حركة الصادقون")  # the seat table spells it Sadiqoon
    assert lists["Sadiqoun"]["colour"] == "#4e342e"
    assert len({r["colour"] for r in lists.values()}) == 3
    assert client.get("/api/lists.csv").text.startswith("name,name_ar,name_en,colour,votes\n")


def test_a_projection_gives_intervals_and_chances_and_is_made_once(client: TestClient) -> None:
    assert client.get("/api/projection").status_code == 404
    publish(client)
    first = client.get("/api/projection", params={"draws": 500, "seed": 7})
    assert first.status_code == 200, first.text
    p = first.json()
    assert (p["release"], p["draws"], p["seed"], p["house"], p["majority"]) == (
        1, 500, 7, 329, 165)
    assert "Baghdad" in p["not_projected"]
    assert p["lists"][0]["list"] == "Tasmim"
    for x in p["lists"]:
        assert x["low95"] <= x["low80"] <= x["expected"] <= x["high80"] <= x["high95"]
        assert x["majority"] == 0.0  # 37 seats counted here; a majority is 165
    assert sum(x["largest"] for x in p["lists"]) >= 0.999
    assert abs(sum(x["expected"] for x in p["lists"]) - 37) < 0.01  # Basra's 25, Najaf's 12
    again = client.get("/api/projection", params={"draws": 500, "seed": 7},
                       headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert client.get("/api/projection", params={"draws": 100_001}).status_code == 422
    assert client.get("/api/projection", params={"release": "live"}).status_code == 422
    assert client.get("/api/projection", params={"release": 2}).status_code == 404
    csv_rows = list(csv.DictReader(io.StringIO(
        client.get("/api/projection.csv", params={"draws": 500, "seed": 7}).text)))
    assert [r["list"] for r in csv_rows] == [x["list"] for x in p["lists"]]


def test_power_is_exact_against_the_quota_of_the_whole_house(client: TestClient) -> None:
    publish(client)  # Tasmim 24 seats, State of Law 8, Sadiqoun 5
    house = client.get("/api/power").json()
    assert (house["quota"], house["house"], house["seats_allocated"]) == (165, 329, 37)
    assert {r["banzhaf"] for r in house["lists"]} == {0.0}  # nobody can reach 165 of 37
    assert client.get("/api/power", params={"quota": "two-thirds"}).json()["quota"] == 220
    power = {r["list"]: r for r in client.get("/api/power", params={"quota": 30}).json()["lists"]}
    # Tasmim needs State of Law (32 seats); with Sadiqoun alone it has 29
    assert {p: (r["seats"], r["banzhaf_exact"], r["shapley_shubik_exact"], r["swings"])
            for p, r in power.items()} == {"Tasmim": (24, "1/2", "1/2", 2),
                                           "State of Law": (8, "1/2", "1/2", 2),
                                           "Sadiqoun": (5, "0", "0", 0)}
    assert power["Tasmim"]["banzhaf"] == 0.5
    dictator = client.get("/api/power.csv", params={"quota": 20}).text.splitlines()
    assert dictator[:2] == ["list,seats,banzhaf,shapley_shubik,banzhaf_exact,"
                            "shapley_shubik_exact,swings", "Tasmim,24,1.0,1.0,1,1,4"]
    assert client.get("/api/power", params={"quota": "half"}).status_code == 422


def test_a_projection_under_a_law_for_other_constituencies_says_why(client: TestClient) -> None:
    publish(client)
    answer = client.get("/api/projection", params={"law": "iraq-2021", "draws": 200})
    assert answer.status_code == 422
    (problem,) = answer.json()["problems"]
    assert (problem["file"], problem["field"]) == ("query", "law")
    assert problem["message"].startswith(
        "iraq-2021 gives seats to none of this election's constituencies")
    assert "max()" not in answer.text


def test_a_projection_of_a_release_with_nothing_counted_says_why(
        store_url: str, users_file: Path) -> None:
    register(store_url)
    with Store(store_url) as store:
        store.release("before the count")
    with TestClient(create_app(store_url, "default", law="iraq-2025", users=users_file)) as c:
        answer = c.get("/api/projection", params={"draws": 200})
    assert answer.status_code == 422
    assert answer.json()["problems"][0]["message"] == (
        "nothing is counted yet in any constituency the law gives seats to")
