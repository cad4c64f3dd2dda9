"""A fresh store on SQLite and on the real PostgreSQL server, for every test that asks."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from majlis.tally import Source, Station, Store, TallySheet, VotingType

POSTGRES = os.environ.get("MAJLIS_TEST_POSTGRES",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        store = Store(f"sqlite:///{tmp_path / 'tally.db'}")
        store.init()
        yield store
        store.engine.dispose()
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    plain = POSTGRES.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    store = Store(f"{POSTGRES}?options=-csearch_path%3D{schema}")
    try:
        store.init()
        yield store
    finally:
        store.engine.dispose()
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


STATIONS = [
    Station(code="B-001-01", centre="B-001", constituency="Basra",
            voting_type=VotingType.GENERAL, registered=500),
    Station(code="B-001-02", centre="B-001", constituency="Basra",
            voting_type=VotingType.GENERAL, registered=500),
    Station(code="B-900-01", centre="B-900", constituency="Basra",
            voting_type=VotingType.SPECIAL_SECURITY, registered=0),
    Station(code="N-001-01", centre="N-001", constituency="Najaf",
            voting_type=VotingType.GENERAL, registered=400),
]
LISTS = [("Basra", "Tasmim"), ("Basra", "State of Law"), ("Najaf", "Tasmim"),
         ("Najaf", "Sadiqoun")]


def sheet(station: str = "B-001-01", source: str = "machine", **figures: object) -> TallySheet:
    """A sheet that passes every rule unless `figures` say otherwise."""
    votes = figures.pop("votes", {"Tasmim": 200, "State of Law": 100})
    assert isinstance(votes, dict)
    valid = sum(votes.values())
    base = {"ballots_received": 500, "cast": valid + 10, "valid": valid, "invalid": 10,
            "spoiled": 5, "unused": 500 - valid - 15, "received_at": "2025-11-11T19:00",
            "received_by": "clerk 7"}
    base.update(figures)
    return TallySheet(station=station, source=Source(source), votes=votes, **base)  # type: ignore[arg-type]


@pytest.fixture
def registered(store: Store) -> Store:
    store.register(STATIONS, LISTS)
    return store


def enter(store: Store, station: str, source: str, tasmim: int, correction: bool) -> None:
    """One step of a generated night: a sheet of 150 votes split between Tasmim and the
    station's other list, ingested or stored as a correction."""
    other = "State of Law" if station.startswith("B") else "Sadiqoun"
    s = sheet(station, source, votes={"Tasmim": tasmim, other: 150 - tasmim})
    if correction:
        store.correct(s, reason="recount", author="supervisor")
    else:
        store.ingest([s])
