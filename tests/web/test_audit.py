"""The audits' public reports over the API: closed to the public while the store counts sheets
no release holds, open to staff at any time; the same JSON as `majlis audit … --format json`
(both made by `majlis.publish`); a user's mistake is a 422 naming the field."""

from __future__ import annotations

import time
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from majlis import data, publish
from majlis.tally import Source, Store, TallySheet
from majlis.web import create_app

from .conftest import released, signed_in

# Basra's B-001-01 counted by hand: ten votes moved from Tasmim to State of Law
HAND = TallySheet(station="B-001-01", source=Source.MANUAL, received_at="2025-11-12T10:00",
                  received_by="hand count", ballots_received=500, cast=310, valid=300,
                  invalid=10, spoiled=5, unused=185, votes={"Tasmim": 190, "State of Law": 110})


@pytest.fixture
def audited(tmp_path: Path, users_file: Path) -> Iterator[tuple[TestClient, str]]:
    """The README's night released, then a hand count in (not yet released)."""
    url = released(tmp_path)
    with Store(url) as store:
        assert store.ingest([HAND]).accepted == 1
    with TestClient(create_app(url, "default", law="iraq-2025", users=users_file)) as client:
        yield client, url


def release(client: TestClient, url: str) -> None:
    """A release holding the hand count, as the service's pages would see it."""
    with Store(url) as store:
        store.release("after the hand counts")
    deadline = time.monotonic() + 10
    while client.get("/api/election").json()["releases"] < 2:
        assert time.monotonic() < deadline, "the service did not read the release"
        time.sleep(0.1)


def test_public_once_released_staff_at_any_time(audited: tuple[TestClient, str]) -> None:
    client, url = audited
    refused = client.get("/api/audit/compare")
    assert refused.status_code == 401 and "release" in refused.json()["detail"]
    staff = client.get("/api/audit/compare", params={"tolerance": "5"},
                       headers=signed_in(client, "basim"))
    assert staff.status_code == 200, staff.text
    release(client, url)
    public = client.get("/api/audit/compare", params={"tolerance": "5"})
    assert public.status_code == 200 and public.json() == staff.json()
    (station,) = public.json()["stations"]
    assert station["station"] == "B-001-01" and station["allowed"] == "5"
    assert station["differences"] == {"State of Law": 10, "Tasmim": -10}
    assert station["within"] is False
    # ten votes move one of Basra's 25 seats (under the 2025 law) from Tasmim to State of Law
    seats = public.json()["seats"]
    assert sum(seats["machine"].values()) == sum(seats["hand"].values())
    assert [(m["constituency"], m["list"], m["machine"], m["hand"])
            for m in seats["changes"]] == [("Basra", "State of Law", 8, 9),
                                           ("Basra", "Tasmim", 17, 16)]
    with Store(url) as store:  # the very report `majlis audit compare --format json` prints
        assert public.json() == publish.comparison_report(*publish.compare_store(
            store, data.law("iraq-2025"), publish.tolerance_of("5")))


def test_rla_plan_measure_and_polling(audited: tuple[TestClient, str]) -> None:
    client, url = audited
    release(client, url)
    plan = client.get("/api/audit/rla/plan", params={"risk_limit": "10%",
                                                     "constituency": "Basra"})
    assert plan.status_code == 200, plan.text
    assert plan.json()["risk_limit"] == "1/10"
    (basra,) = plan.json()["constituencies"]
    margins = {a["assertion"]: Fraction(a["margin"]) for a in basra["assertions"]}
    # the machine's figures are the reported ones (Tasmim 200, State of Law 100 at Basra's
    # one station counted; B-001-02 is held): the last seat is Tasmim's by 10/1023
    assert basra["stations"] == 1 and basra["ballots"] == 310
    assert margins == {"State of Law ÷ 15 > Tasmim ÷ 35": Fraction(10, 93),
                       "Tasmim ÷ 33 > State of Law ÷ 17": Fraction(10, 1023)}
    measured = client.get("/api/audit/rla/measure", params={"seed": "lottery 4 17 23"})
    assert measured.status_code == 200, measured.text
    status = {c["constituency"]: c["status"] for c in measured.json()["constituencies"]}
    # Basra's hand count overstates Tasmim's last seat; Najaf's one station has none
    assert status == {"Basra": "refuted", "Najaf": "escalate"}
    polled = client.get("/api/audit/rla/polling", params={"constituency": "Basra"})
    assert polled.status_code == 200, polled.text
    assert polled.json()["ballots"] == 310 and polled.json()["invalid"] == 10
    sizes = [a["sample_size"] for a in polled.json()["assertions"]]
    assert all(n is not None and 0 < n <= 310 for n in sizes)
    # the tighter margin needs at least as many ballots
    tight = min(polled.json()["assertions"], key=lambda a: Fraction(a["margin"]))
    assert tight["sample_size"] == max(sizes)


def test_polling_takes_the_ballots_drawn_so_far(audited: tuple[TestClient, str]) -> None:
    client, url = audited
    release(client, url)
    # Basra's counted station: Tasmim 200, State of Law 100 and 10 invalid ballots
    every = ["Tasmim"] * 200 + ["State of Law"] * 100 + [None] * 10
    drawn = [every[i] for i in np.random.default_rng(3).permutation(len(every))[:120]]
    body = {"constituency": "Basra", "risk_limit": "10%", "seed": 2, "ballots": drawn}
    polled = client.post("/api/audit/rla/polling", json=body)
    assert polled.status_code == 200, polled.text
    assert polled.json()["drawn"] == 120
    with Store(url) as store:  # what `majlis audit rla polling --ballots FILE` prints
        assert polled.json() == publish.polling_report(Fraction(1, 10), publish.poll_store(
            store, data.law("iraq-2025"), Fraction(1, 10), "Basra", seed=2, drawn=drawn))
    # every ballot read, as reported: the count itself confirms each assertion, at no risk
    full = client.post("/api/audit/rla/polling", json={**body, "ballots": every}).json()
    assert [(a["status"], a["risk"]) for a in full["assertions"]] == [("confirmed", 0.0)] * 2
    # the same draw read with State of Law's and Tasmim's ballots swapped refutes its seat
    swapped = ["State of Law"] * 200 + ["Tasmim"] * 100 + [None] * 10
    refuted = client.post("/api/audit/rla/polling", json={**body, "ballots": swapped}).json()
    assert "refuted" in {a["status"] for a in refuted["assertions"]}


@pytest.mark.parametrize(("body", "field"), [
    ({"ballots": ["Tasmim", "Kurdistan Democratic Party"]}, "ballots"),  # not standing
    ({"ballots": ["Tasmim"] * 311}, "ballots"),  # more than the 310 cast
    ({"ballots": "Tasmim"}, "ballots"),
    ({"ballots": ["Tasmim", ""]}, "ballots"),  # an invalid ballot is null
    ({"ballots": [], "risk_limit": "150%"}, "risk limit"),
    ({"ballots": [], "seed": -1}, "seed"),
    ({"ballots": [], "constituency": "Atlantis"}, "constituency"),
    ({}, "ballots"),
])
def test_polling_mistakes_are_422_naming_the_field(audited: tuple[TestClient, str],
                                                   body: dict[str, object], field: str) -> None:
    client, _ = audited
    answer = client.post("/api/audit/rla/polling", json={"constituency": "Basra", **body},
                         headers=signed_in(client, "basim"))
    assert answer.status_code == 422, answer.text
    assert any(field in p["field"] for p in answer.json()["problems"]), answer.json()


def test_forensics_queue(audited: tuple[TestClient, str]) -> None:
    client, url = audited
    release(client, url)
    found = client.get("/api/audit/forensics", params={"nights": 6, "seed": 7})
    assert found.status_code == 200, found.text
    report = found.json()
    assert (report["nights"], report["seed"], report["stations"]) == (6, 7, 2)
    assert {t["name"] for t in report["tests"]} >= {"last-digit", "second-digit"}
    assert isinstance(report["queue"], list)


@pytest.mark.parametrize(("route", "params", "field"), [
    ("compare", {"tolerance": "2.5"}, "tolerance"),
    ("rla/plan", {"risk_limit": "150%"}, "risk limit"),
    ("rla/plan", {"constituency": "Atlantis"}, "constituency"),
    ("rla/polling", {"constituency": "Basra", "law": "no-such-law"}, "law"),
    ("forensics", {"nights": 5}, "nights"),
])
def test_mistakes_are_422(audited: tuple[TestClient, str], route: str,
                          params: dict[str, object], field: str) -> None:
    client, _ = audited
    answer = client.get(f"/api/audit/{route}", params=params,
                        headers=signed_in(client, "basim"))
    assert answer.status_code == 422, answer.text
    assert any(field in p["field"] for p in answer.json()["problems"]), answer.json()
