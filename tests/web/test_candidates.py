"""Candidates' votes over the API: frozen in each release like the list votes, live for staff."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from majlis.tally import Source, Store, TallySheet
from majlis.web import create_app

from .conftest import signed_in
from .test_read import publish

PEOPLE = {("Tasmim", "Zahra"): 120, ("Tasmim", "Asaad al-Eidani"): 60,
          ("State of Law", "Khalaf"): 90}


def basra(people: dict[tuple[str, str], int]) -> TallySheet:
    """B-001-01's sheet of the example night again, now with its candidates' votes."""
    return TallySheet(station="B-001-01", source=Source.MACHINE, received_at="t",
                      received_by="clerk 7", ballots_received=500, cast=310, valid=300,
                      invalid=10, spoiled=5, unused=185,
                      votes={"Tasmim": 200, "State of Law": 100}, candidate_votes=people)


@pytest.fixture
def store(night: str) -> Iterator[Store]:
    """The example night, Basra's candidates registered and its counted sheet corrected to
    carry their votes."""
    with Store(night) as store:
        store.register([], [], [("Basra", p, k) for p, k in PEOPLE])
        store.correct(basra(PEOPLE), reason="candidates added", author="supervisor 2")
        yield store


@pytest.fixture
def candidates(store: Store, users_file: Path) -> Iterator[TestClient]:
    with TestClient(create_app(store.url, "default", law="iraq-2025", users=users_file)) as c:
        yield c


def rows(client: TestClient, **params: str) -> list[tuple[str, str, int]]:
    answer = client.get("/api/candidates", params=params)
    assert answer.status_code == 200, answer.text
    return [(r["list"], r["candidate"], r["votes"]) for r in answer.json()]


def test_the_public_reads_candidates_as_the_release_froze_them(
        candidates: TestClient, store: Store) -> None:
    assert rows(candidates) == []  # nothing released yet
    publish(candidates)
    store.correct(basra({("Tasmim", "Zahra"): 10}), reason="recount", author="supervisor 2")
    frozen = [("State of Law", "Khalaf", 90), ("Tasmim", "Zahra", 120),
              ("Tasmim", "Asaad al-Eidani", 60)]
    assert rows(candidates) == rows(candidates, release="1", constituency="Basra") == frozen
    assert rows(candidates, constituency="Najaf") == []
    csv = candidates.get("/api/candidates.csv", params={"constituency": "Basra"}).text
    assert csv.splitlines()[:2] == ["constituency,list,candidate,votes",
                                    "Basra,State of Law,Khalaf,90"]
    assert candidates.get("/api/candidates", params={"release": "2"}).status_code == 404


def test_the_staff_read_the_live_count_of_candidates(candidates: TestClient,
                                                     store: Store) -> None:
    assert candidates.get("/api/candidates", params={"release": "live"}).status_code == 401
    store.correct(basra({("Tasmim", "Zahra"): 10}), reason="recount", author="supervisor 2")
    live = candidates.get("/api/candidates", params={"release": "live", "constituency": "Basra"},
                          headers=signed_in(candidates, "amal")).json()
    assert live == [{"constituency": "Basra", "list": "Tasmim", "candidate": "Zahra",
                     "votes": 10}]
    bad = candidates.get("/api/candidates", params={"constituency": "Bas\x00ra"})
    assert bad.status_code == 422
