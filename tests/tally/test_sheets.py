"""`station_sheets`: every station's counted sheet, or its latest accepted one from a source —
what the audits read the whole night through, on SQLite and PostgreSQL."""

from __future__ import annotations

from majlis.tally import Source, Store, station_sheets

from .conftest import sheet


def test_counted_machine_and_manual_sheets_each_as_the_store_keeps_them(
        registered: Store) -> None:
    store = registered
    store.ingest([sheet("B-001-01", votes={"Tasmim": 200, "State of Law": 100}),
                  sheet("B-001-02", votes={"Tasmim": 90, "State of Law": 170}),
                  sheet("N-001-01", votes={"Tasmim": 120, "Sadiqoun": 80}, ballots_received=400,
                        unused=185)])
    store.correct(sheet("B-001-02", votes={"Tasmim": 80, "State of Law": 180}),
                  reason="entry error", author="supervisor")
    store.ingest([sheet("N-001-01", "manual", votes={"Tasmim": 118, "Sadiqoun": 82},
                        ballots_received=400, unused=185)])
    # a manual sheet that fails a check is kept but never read as the hand count
    report = store.ingest([sheet("B-001-01", "manual", votes={"Tasmim": 210, "State of Law": 100},
                                 valid=300)])
    assert report.quarantined == 1
    machine = {s.station: dict(s.votes) for s in station_sheets(store, Source.MACHINE)}
    assert machine == {"B-001-01": {"Tasmim": 200, "State of Law": 100},
                       "B-001-02": {"Tasmim": 80, "State of Law": 180},
                       "N-001-01": {"Tasmim": 120, "Sadiqoun": 80}}
    manual = station_sheets(store, Source.MANUAL)
    assert [(s.station, s.source, dict(s.votes)) for s in manual] == [
        ("N-001-01", Source.MANUAL, {"Tasmim": 118, "Sadiqoun": 82})]
    counted = {s.station: (s.source, dict(s.votes)) for s in station_sheets(store)}
    assert counted == {"B-001-01": (Source.MACHINE, {"Tasmim": 200, "State of Law": 100}),
                       "B-001-02": (Source.MACHINE, {"Tasmim": 80, "State of Law": 180}),
                       "N-001-01": (Source.MANUAL, {"Tasmim": 118, "Sadiqoun": 82})}
    # what results add up is what the counted sheets say
    assert {c.name: c.votes for c in store.results()} == {
        "Basra": {"Tasmim": 280, "State of Law": 280}, "Najaf": {"Tasmim": 118, "Sadiqoun": 82}}
