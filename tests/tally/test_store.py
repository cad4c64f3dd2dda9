"""The store on SQLite and PostgreSQL: checks, quarantine, corrections, double entry, chain."""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from majlis import audit
from majlis.errors import StoreError
from majlis.tally import Store, TallySheet, changes, national
from tests.tally.conftest import LISTS, STATIONS, enter, sheet


def test_results_count_each_station_once_with_percent_counted(registered: Store) -> None:
    report = registered.ingest([
        sheet("B-001-01"),
        sheet("B-900-01", votes={"Tasmim": 40, "State of Law": 60}, ballots_received=200,
              unused=85),
        sheet("N-001-01", votes={"Tasmim": 120, "Sadiqoun": 80}),
    ])
    assert (report.accepted, report.quarantined, report.duplicates) == (3, 0, 0)
    basra, najaf = registered.results()
    assert (basra.name, basra.stations, basra.counted) == ("Basra", 3, 2)
    assert basra.votes == {"Tasmim": 240, "State of Law": 160}
    assert basra.by_voting_type == {"general": {"Tasmim": 200, "State of Law": 100},
                                    "special-security": {"Tasmim": 40, "State of Law": 60}}
    assert round(basra.percent_counted, 2) == 66.67
    assert (najaf.counted, najaf.votes) == (1, {"Tasmim": 120, "Sadiqoun": 80})


def test_a_failed_sheet_is_quarantined_with_every_rule_it_breaks(registered: Store) -> None:
    bad = sheet("B-001-02", cast=999, valid=250, ballots_received=10,
                votes={"Tasmim": 200, "Nobody": 100})
    report = registered.ingest([sheet("B-001-01"), bad, sheet("X-404", votes={"Tasmim": 1})])
    assert (report.accepted, report.quarantined) == (1, 2)
    held = {q.station: {f.rule for f in q.failures} for q in registered.quarantined()}
    assert held == {
        "B-001-02": {"cast-is-valid-plus-invalid", "ballots-accounted", "valid-is-sum-of-lists",
                     "within-register", "known-lists"},
        "X-404": {"known-station"},
    }
    assert registered.results()[0].votes == {"Tasmim": 200, "State of Law": 100}


def test_reingesting_stores_nothing_twice(registered: Store) -> None:
    sheets = [sheet("B-001-01"), sheet("N-001-01", votes={"Tasmim": 1, "Sadiqoun": 2})]
    registered.ingest(sheets)
    again = registered.ingest(sheets)
    assert (again.accepted, again.duplicates) == (0, 2)
    assert audit.verify_chain(registered.chain()).checked == 2


def test_a_conflicting_sheet_needs_a_correction_with_a_trail(registered: Store) -> None:
    registered.ingest([sheet("B-001-01")])
    changed = sheet("B-001-01", votes={"Tasmim": 210, "State of Law": 90})
    assert registered.ingest([changed]).quarantined == 1
    assert [(q.station, q.version) for q in registered.quarantined()] == [("B-001-01", 2)]
    assert registered.results()[0].votes == {"Tasmim": 200, "State of Law": 100}
    fixed = registered.correct(changed, reason="recount of box 3", author="supervisor 2")
    assert fixed.accepted == 1
    assert registered.quarantined() == []  # resolved; the held-back version stays in history
    assert registered.results()[0].votes == {"Tasmim": 210, "State of Law": 90}
    assert audit.verify_chain(registered.chain()).checked == 3  # every version kept


def test_manual_count_outranks_the_machine(registered: Store) -> None:
    registered.ingest([sheet("B-001-01", "machine"),
                       sheet("B-001-01", "manual", votes={"Tasmim": 199, "State of Law": 101})])
    assert registered.results()[0].votes == {"Tasmim": 199, "State of Law": 101}


def test_double_entry_counts_only_when_both_clerks_agree(registered: Store) -> None:
    first = registered.ingest([sheet("B-001-01", "entry-a")])
    assert first.awaiting_second_entry == 1 and registered.results()[0].counted == 0
    assert registered.ingest([sheet("B-001-01", "entry-b")]).accepted == 1
    assert registered.results()[0].counted == 1
    typo = registered.ingest([sheet("B-001-02", "entry-a"),
                              sheet("B-001-02", "entry-b",
                                    votes={"Tasmim": 20, "State of Law": 280})])
    assert typo.quarantined == 1
    assert {f.rule for q in registered.quarantined() for f in q.failures} == {
        "double-entry-agrees"}


def test_altering_a_stored_vote_breaks_the_chain_at_that_sheet(registered: Store) -> None:
    registered.ingest([sheet("B-001-01"), sheet("B-001-02"),
                       sheet("N-001-01", votes={"Tasmim": 1, "Sadiqoun": 2})])
    assert audit.verify_chain(registered.chain()).intact
    with registered.engine.begin() as conn:
        sheet_id = conn.execute(text(
            "SELECT id FROM tally_sheets WHERE station = 'B-001-02'")).scalar_one()
        conn.execute(text("UPDATE sheet_votes SET votes = votes + 1 "
                          "WHERE sheet_id = :id AND list_name = 'Tasmim'"), {"id": sheet_id})
    verdict = audit.verify_chain(registered.chain())
    assert not verdict.intact
    assert verdict.broken == ("B-001-02", "machine", 1)
    assert verdict.checked == 1


def test_running_totals_equal_a_full_recount(registered: Store) -> None:
    registered.ingest([
        sheet("B-001-01", "machine"),
        sheet("B-001-01", "manual", votes={"Tasmim": 190, "State of Law": 110}),
        sheet("B-001-02", "entry-a"), sheet("B-001-02", "entry-b"),
        sheet("B-900-01", votes={"Tasmim": 40, "State of Law": 60}, ballots_received=200,
              unused=85),
        sheet("N-001-01", votes={"Tasmim": 120, "Sadiqoun": 80}),
    ])
    registered.correct(sheet("N-001-01", votes={"Tasmim": 119, "Sadiqoun": 81}),
                       reason="typo", author="s")
    registered.correct(sheet("B-001-01", "machine", votes={"Tasmim": 1, "State of Law": 299}),
                       reason="outranked by the manual count", author="s")
    assert registered.results() == registered.recount()
    basra = registered.results()[0]
    assert basra.votes == {"Tasmim": 190 + 200 + 40, "State of Law": 110 + 100 + 60}


@settings(max_examples=25)
@given(st.lists(st.tuples(st.sampled_from(["B-001-01", "B-001-02", "N-001-01"]),
                          st.sampled_from(["machine", "manual", "entry-a", "entry-b"]),
                          st.integers(0, 150), st.booleans()), min_size=1, max_size=12))
def test_running_totals_equal_a_recount_after_any_night(
    steps: list[tuple[str, str, int, bool]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{folder}/night.db")
        store.init()
        store.register(STATIONS, LISTS)
        for station, source, tasmim, correction in steps:
            enter(store, station, source, tasmim, correction)
        assert store.results() == store.recount()
        store.engine.dispose()


def test_releases_are_numbered_snapshots_and_compare(registered: Store) -> None:
    registered.ingest([sheet("B-001-01")])
    first = registered.release("first results")
    registered.ingest([sheet("B-001-02", votes={"Tasmim": 50, "State of Law": 250}),
                       sheet("N-001-01", votes={"Tasmim": 120, "Sadiqoun": 80})])
    second = registered.release("after two more stations")
    assert (first.number, second.number) == (1, 2)
    stored = registered.releases()
    assert [r.name for r in stored] == ["first results", "after two more stations"]
    assert stored[0].results[0].counted == 1 and stored[1].results[0].counted == 2
    moved = {(c.constituency, c.list): c.gained for c in changes(stored[0].results,
                                                                   stored[1].results)}
    assert moved == {("Basra", "Tasmim"): 50, ("Basra", "State of Law"): 250,
                     ("Najaf", "Tasmim"): 120, ("Najaf", "Sadiqoun"): 80}
    with registered.engine.begin() as conn:
        conn.execute(text("UPDATE releases SET payload = replace(payload, '200', '201')"))
    with pytest.raises(StoreError, match="release 1 was altered"):
        registered.releases()


def test_reconcile_names_every_difference_with_another_source(registered: Store) -> None:
    registered.ingest([sheet("B-001-01"), sheet("N-001-01", votes={"Tasmim": 1, "Sadiqoun": 2})])
    television = {("Basra", "Tasmim"): 200, ("Basra", "State of Law"): 99,
                  ("Najaf", "Tasmim"): 1, ("Najaf", "Other"): 5}
    found = audit.reconcile({c.name: c.votes for c in registered.results()}, television)
    assert [(d.constituency, d.list, d.ours, d.theirs) for d in found] == [
        ("Basra", "State of Law", 100, 99), ("Najaf", "Other", None, 5),
        ("Najaf", "Sadiqoun", 2, None)]


def test_candidate_votes_are_checked_stored_and_chained(store: Store) -> None:
    store.register(STATIONS, LISTS, [("Basra", "Tasmim", "Asaad al-Eidani"),
                                     ("Basra", "Tasmim", "Zahra"),
                                     ("Basra", "State of Law", "Khalaf")])
    people = {("Tasmim", "Asaad al-Eidani"): 150, ("Tasmim", "Zahra"): 40,
              ("State of Law", "Khalaf"): 90}
    good = TallySheet(**{**fields(sheet("B-001-01")), "candidate_votes": people})
    over = TallySheet(**{**fields(sheet("B-001-02")), "candidate_votes": {
        ("Tasmim", "Zahra"): 250, ("State of Law", "Nobody"): 1}})
    report = store.ingest([good, over])
    assert (report.accepted, report.quarantined) == (1, 1)
    (held,) = store.quarantined()
    assert {f.rule for f in held.failures} == {"list-covers-candidates", "known-candidates"}
    assert audit.verify_chain(store.chain()).intact
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE sheet_candidate_votes SET votes = 151 "
                          "WHERE candidate = 'Asaad al-Eidani'"))
    assert audit.verify_chain(store.chain()).broken == ("B-001-01", "machine", 1)


def fields(s: TallySheet) -> dict[str, object]:
    return {f: getattr(s, f) for f in TallySheet.__dataclass_fields__}


def test_results_add_up_by_centre_and_nationally(registered: Store) -> None:
    registered.ingest([sheet("B-001-01"), sheet("B-001-02", votes={"Tasmim": 1, "State of Law": 2}),
                       sheet("N-001-01", votes={"Tasmim": 120, "Sadiqoun": 80})])
    centres = {(c.constituency, c.centre): (c.counted, c.stations, c.votes)
               for c in registered.centres()}
    assert centres == {
        ("Basra", "B-001"): (2, 2, {"Tasmim": 201, "State of Law": 102}),
        ("Basra", "B-900"): (0, 1, {}),
        ("Najaf", "N-001"): (1, 1, {"Tasmim": 120, "Sadiqoun": 80})}
    whole = national(registered.results())
    assert (whole.counted, whole.stations) == (3, 4)
    assert whole.votes == {"Tasmim": 321, "State of Law": 102, "Sadiqoun": 80}
    assert whole.counted_by_type == {"general": 3}


def test_a_store_that_is_not_ready_says_what_to_run(tmp_path) -> None:
    fresh = Store(f"sqlite:///{tmp_path / 'fresh.db'}")
    with pytest.raises(StoreError, match=r"no tally store at .*fresh\.db: run `majlis db init`"):
        fresh.results()
    assert not (tmp_path / "fresh.db").exists()
    sqlite3.connect(tmp_path / "fresh.db").close()  # an empty database, made by another program
    with pytest.raises(StoreError, match="is not initialised: run `majlis db init`"):
        fresh.results()
    fresh.init()
    with fresh.engine.begin() as conn:  # as if an older majlis had made this store
        conn.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    old = Store(fresh.url)
    head = ScriptDirectory.from_config(old._migrations()).get_current_head()
    with pytest.raises(StoreError, match=f"has schema 0000, this majlis needs {head}"):
        old.ingest([sheet()])
    with old.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
    assert old.results() == []


def test_upgrading_a_store_keeps_its_releases_and_records_who_publishes(store: Store) -> None:
    store.register(STATIONS, LISTS)
    store.ingest([sheet("B-001-01")])
    command.downgrade(store._migrations(), "0001")  # as an older majlis left it
    with store.engine.begin() as conn:
        conn.execute(text("INSERT INTO releases (election_id, number, name, created_at, payload,"
                          " digest) SELECT 1, 1, 'old', 't', '[]', :d"),
                     {"d": hashlib.sha256(b"[]").hexdigest()})
    store.init()  # upgrades
    store.release("second", author="publisher 1")
    assert [(r.number, r.name, r.author) for r in store.releases()] == [
        (1, "old", ""), (2, "second", "publisher 1")]


def test_votes_move_into_and_out_of_without_rowid_tables_intact(store: Store) -> None:
    """Migration 0011 rebuilds SQLite's vote tables WITHOUT ROWID (PostgreSQL's stay as they
    are), and its downgrade rebuilds them as before: every vote, total and hash survives both."""
    store.register(STATIONS, LISTS)
    store.ingest([sheet("B-001-01"), sheet("N-001-01", votes={"Tasmim": 7, "Sadiqoun": 93})])

    sqlite = store.engine.dialect.name == "sqlite"

    def without_rowid() -> list[bool]:  # each of SQLite's two vote tables
        with store.engine.connect() as conn:
            return [sql.strip().endswith("WITHOUT ROWID") for sql in conn.execute(text(
                "SELECT sql FROM sqlite_master WHERE name LIKE 'sheet%votes'")).scalars()]

    assert not sqlite or without_rowid() == [True, True]
    command.downgrade(store._migrations(), "0010")
    assert not sqlite or without_rowid() == [False, False]
    store.init()  # upgrades
    assert not sqlite or without_rowid() == [True, True]
    assert [c.votes for c in store.results()] == [{"Tasmim": 200, "State of Law": 100},
                                                  {"Tasmim": 7, "Sadiqoun": 93}]
    assert audit.verify_chain(store.chain()).intact


def test_elections_in_one_store_are_kept_apart(store: Store) -> None:
    store.register(STATIONS, LISTS)
    store.ingest([sheet("B-001-01")])
    with Store(store.url, election="iraq-2029") as later:
        later.init()
        later.register(STATIONS, LISTS)  # the same station codes, another election
        later.ingest([sheet("B-001-01", votes={"Tasmim": 1, "State of Law": 299})])
        assert store.results()[0].votes == {"Tasmim": 200, "State of Law": 100}
        assert later.results()[0].votes == {"Tasmim": 1, "State of Law": 299}
        assert later.quarantined() == [] and audit.verify_chain(store.chain()).checked == 2
    with Store(store.url, election="iraq-1958") as unknown, pytest.raises(
            StoreError, match="no election named 'iraq-1958'"):
        unknown.results()


def test_a_station_where_nobody_voted_sends_an_empty_sheet(registered: Store) -> None:
    empty = sheet("B-001-02", votes={}, cast=0, valid=0, invalid=0, unused=495, spoiled=5)
    assert registered.ingest([empty]).accepted == 1
    assert registered.results()[0].counted == 1


def test_a_stations_history_keeps_every_version_oldest_first(registered: Store) -> None:
    registered.ingest([sheet("B-001-01"), sheet("N-001-01", votes={"Tasmim": 1, "Sadiqoun": 2})])
    changed = sheet("B-001-01", votes={"Tasmim": 210, "State of Law": 90}, received_by="clerk 8")
    registered.ingest([changed])  # differs from version 1: quarantined
    registered.correct(changed, reason="recount of box 3", author="supervisor 2")
    registered.ingest([sheet("B-001-01", "manual", votes={"Tasmim": 205, "State of Law": 95})])
    history = registered.history("B-001-01")
    assert [(h.sheet.source, h.version, h.status) for h in history] == [
        ("machine", 1, "accepted"), ("machine", 2, "quarantined"), ("machine", 3, "accepted"),
        ("manual", 1, "accepted")]
    first, held, fixed, manual = history
    assert first.sheet == sheet("B-001-01") and (first.failures, first.reason) == ((), "")
    assert {f.rule for f in held.failures} == {"one-sheet-per-station-and-source"}
    assert (fixed.sheet.votes, fixed.sheet.received_by) == ({"Tasmim": 210, "State of Law": 90},
                                                            "clerk 8")
    assert (fixed.reason, fixed.author) == ("recount of box 3", "supervisor 2")
    assert manual.sheet.votes == registered.results()[0].votes  # the manual count counts
    assert registered.history("X-404") == []



PEOPLE = [("Basra", "Tasmim", "Asaad al-Eidani"), ("Basra", "Tasmim", "Zahra"),
          ("Basra", "State of Law", "Khalaf"), ("Najaf", "Sadiqoun", "Qais")]
NAJAF = {"Tasmim": 120, "Sadiqoun": 80}


def open_list(station: str, people: dict[str, int], source: str = "machine") -> TallySheet:
    """A sheet (Najaf's lists at N-001-01) whose candidates, by name, got `people`."""
    lists = {name: list_name for _, list_name, name in PEOPLE}
    base = sheet(station, source, **({"votes": NAJAF} if station == "N-001-01" else {}))
    return TallySheet(**{**fields(base), "candidate_votes": {
        (lists[name], name): n for name, n in people.items()}})


def test_candidates_add_up_the_counted_sheet_of_each_station(store: Store) -> None:
    store.register(STATIONS, LISTS, PEOPLE)
    store.ingest([open_list("B-001-01", {"Asaad al-Eidani": 150, "Zahra": 40, "Khalaf": 90}),
                  open_list("B-001-02", {"Zahra": 120, "Khalaf": 60}),
                  open_list("B-900-01", {"Zahra": 500}),  # more than its list: quarantined
                  open_list("N-001-01", {"Qais": 70})])
    assert [(k.constituency, k.list, k.candidate, k.votes) for k in store.candidates()] == [
        ("Basra", "State of Law", "Khalaf", 150), ("Basra", "Tasmim", "Zahra", 160),
        ("Basra", "Tasmim", "Asaad al-Eidani", 150), ("Najaf", "Sadiqoun", "Qais", 70)]
    store.correct(open_list("B-001-02", {"Zahra": 20, "Khalaf": 60}), reason="typo",
                  author="supervisor 2")
    store.ingest([open_list("B-001-01", {"Asaad al-Eidani": 190, "Khalaf": 10}, "manual")])
    assert [(k.candidate, k.votes) for k in store.candidates("Basra")] == [
        ("Khalaf", 70), ("Asaad al-Eidani", 190), ("Zahra", 20)]
    assert [k.candidate for k in store.candidates("Najaf")] == ["Qais"]
    assert store.candidates("Nowhere") == []


def test_a_release_freezes_candidates_and_older_releases_still_read(store: Store) -> None:
    store.register(STATIONS, LISTS, PEOPLE)
    command.downgrade(store._migrations(), "0002")  # as a majlis from before candidates left it
    with store.engine.begin() as conn:
        conn.execute(text("INSERT INTO releases (election_id, number, name, created_at, payload,"
                          " digest) SELECT 1, 1, 'old', 't', '[]', :d"),
                     {"d": hashlib.sha256(b"[]").hexdigest()})
    store.init()
    store.ingest([open_list("B-001-01", {"Asaad al-Eidani": 150, "Zahra": 40})])
    second = store.release("second")
    store.correct(open_list("B-001-01", {"Asaad al-Eidani": 90, "Zahra": 100}), reason="recount",
                  author="supervisor 2")
    store.release("third")
    stored = store.releases()
    assert stored[0].candidates == ()
    assert stored[1].candidates == second.candidates
    assert [(k.candidate, k.votes) for k in stored[1].candidates] == [
        ("Asaad al-Eidani", 150), ("Zahra", 40)]
    assert [(k.candidate, k.votes) for k in stored[2].candidates] == [
        ("Zahra", 100), ("Asaad al-Eidani", 90)]
    verdict = audit.verify_chain(store.chain())
    assert verdict.intact and (verdict.releases, verdict.unchained) == (2, 1)
