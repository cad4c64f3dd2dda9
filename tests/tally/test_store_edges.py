"""The store's edges (#21): values past its limits, implausible sheets, a second registration,
blank names, bad or mistyped URLs, and database refusals — each a MajlisError saying what to fix,
nothing written, the password never shown."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from majlis import audit
from majlis.errors import InputError, StoreError
from majlis.tally import MAX_COUNT, NAME_LENGTH, Station, Store, VotingType
from tests.commands import majlis
from tests.tally.conftest import LISTS, POSTGRES, STATIONS, sheet


def stored_sheets(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM tally_sheets")).scalar_one())


@pytest.mark.parametrize(("bad", "field", "message"), [
    (sheet("B-001-01", received_by="x" * (NAME_LENGTH + 1)), "received_by",
     "is 201 characters long; at most 200 are kept"),
    (sheet("B-001-01", received_by="clerk\x007"), "received_by",
     "contains a NUL character, which no store keeps"),
    (sheet("B-001-01", votes={"Tasmim": MAX_COUNT + 1}, valid=300, cast=310, unused=185),
     "votes › 'Tasmim'",
     f"{MAX_COUNT + 1:,} is more than {MAX_COUNT:,}, the most one sheet can carry"),
    (sheet("B-001-01", votes={"Tas\x00mim": 1}), "votes › 'Tas\\x00mim'",
     "contains a NUL character, which no store keeps"),
])
def test_a_value_past_the_stores_limits_is_refused_before_anything_is_written(
    registered: Store, bad: object, field: str, message: str
) -> None:
    with pytest.raises(InputError) as refused:
        registered.ingest([sheet("N-001-01", votes={"Tasmim": 1, "Sadiqoun": 2}), bad])
    (problem,) = refused.value.problems
    assert (problem.source, problem.field, problem.message) == (
        "sheet 2 (station B-001-01)", field, message)
    assert stored_sheets(registered) == 0  # not even the good sheet before it
    assert registered.ingest([sheet("B-001-01")]).accepted == 1
    assert audit.verify_chain(registered.chain()).intact


def test_an_overlong_station_code_is_refused_without_quoting_it(registered: Store) -> None:
    with pytest.raises(InputError) as refused:
        registered.ingest([sheet("B" * 200_000)])
    (problem,) = refused.value.problems
    assert (problem.source, problem.field) == ("sheet 1", "station")
    assert len(str(refused.value)) < 200


def test_a_billion_votes_at_a_special_station_are_held_and_block_nothing(store: Store) -> None:
    special = Station(code="S-219", centre="S", constituency="Basra",
                      voting_type=VotingType.SPECIAL_SECURITY, registered=219)
    store.register([*STATIONS, special], LISTS)
    billion = 1_000_000_000
    for version in range(3):
        huge = sheet("S-219", votes={"Tasmim": billion + version},
                     ballots_received=billion + version + 15, unused=0)
        store.correct(huge, reason="clerk insists", author="clerk 9")
    assert {f.rule for q in store.quarantined() for f in q.failures} == {"within-register"}
    assert store.ingest([sheet("B-001-01")]).accepted == 1
    assert store.results()[0].votes == {"Tasmim": 200, "State of Law": 100}


def test_running_totals_hold_past_32_bits(store: Store) -> None:
    giants = [Station(code=f"G-{i}", centre="G", constituency="Basra",
                      voting_type=VotingType.GENERAL, registered=MAX_COUNT) for i in range(3)]
    store.register(giants, LISTS)
    full = {"Tasmim": MAX_COUNT}
    report = store.ingest([sheet(s.code, votes=full, invalid=0, cast=MAX_COUNT,
                                 ballots_received=MAX_COUNT, spoiled=0, unused=0)
                           for s in giants])
    assert report.accepted == 3
    assert store.results()[0].votes == {"Tasmim": 3 * MAX_COUNT}
    assert audit.verify_chain(store.chain()).intact
    store.release("three giants")


def test_text_copy_must_escape_comes_back_byte_for_byte(store: Store) -> None:
    """PostgreSQL's COPY carries the sheets and votes as text, where a backslash, a tab or a
    line break would otherwise shift a column: names and figures come back as written, a
    failure naming them too, and every hash recomputes from them."""
    odd = "Back\\slash\tTab\nNew\rline «قائمة»"
    store.register(STATIONS, [*LISTS, ("Basra", odd)])
    good = sheet("B-001-01", votes={"Tasmim": 200, odd: 100}, received_by="clerk \\N\t7\n")
    held = sheet("B-001-02", votes={odd: 5, "Not\\here\t": 1})
    report = store.ingest([good, held])
    assert (report.accepted, report.quarantined) == (1, 1)
    assert store.results()[0].votes == {"Tasmim": 200, odd: 100}
    [failure] = store.quarantined()[0].failures
    assert failure.message == "not standing in Basra: Not\\here\t"
    assert audit.verify_chain(store.chain()).intact


def test_registering_a_station_again_otherwise_is_refused(registered: Store) -> None:
    moved = replace(STATIONS[0], constituency="Najaf", registered=600)
    with pytest.raises(InputError) as refused:
        registered.register([STATIONS[1], moved], [])
    assert [str(p) for p in refused.value.problems] == [
        "station B-001-01: constituency: registered as 'Basra', given 'Najaf': a registered "
        "station does not change",
        "station B-001-01: registered: registered as '500', given '600': a registered station "
        "does not change"]
    registered.register(STATIONS, LISTS)  # the same again: nothing to do
    assert registered.stations() == STATIONS


def test_one_file_cannot_register_a_station_twice_differently(store: Store) -> None:
    twice = replace(STATIONS[0], voting_type=VotingType.SPECIAL_IDP)
    with pytest.raises(InputError, match="voting_type: registered as 'general', given "
                                         "'special-idp'"):
        store.register([STATIONS[0], twice], LISTS)
    assert store.stations() == []


def test_blank_or_overlong_names_are_input_errors(registered: Store) -> None:
    registered.ingest([sheet("B-001-01")])
    changed = sheet("B-001-01", votes={"Tasmim": 201, "State of Law": 99})
    for reason, author, field in (("", "supervisor", "reason"), ("  ", "s", "reason"),
                                  ("recount", "", "author")):
        with pytest.raises(InputError) as refused:
            registered.correct(changed, reason=reason, author=author)
        assert [(p.source, p.field, p.message) for p in refused.value.problems] == [
            ("correction", field, "is empty")]
    for name in ("", "   ", "x" * (NAME_LENGTH + 1)):
        with pytest.raises(InputError) as refused:
            registered.release(name)
        assert [p.field for p in refused.value.problems] == ["name"]
    with pytest.raises(InputError, match="release: author: contains a NUL"):
        registered.release("first", author="\x00")
    assert registered.releases() == [] and stored_sheets(registered) == 1


def test_a_missing_sqlite_file_is_no_store_and_is_not_created(tmp_path: Path) -> None:
    typo = tmp_path / "majlsi.db"
    for use in (lambda s: s.results(), lambda s: s.ingest([sheet()]),
                lambda s: s.register(STATIONS, LISTS), lambda s: audit.verify_chain(s.chain())):
        with pytest.raises(StoreError, match=r"no tally store at sqlite:///.*majlsi\.db: run "
                                             "`majlis db init`"):
            use(Store(f"sqlite:///{typo}"))
    assert not typo.exists()
    run = majlis("results", "--db", f"sqlite:///{typo}")
    assert (run.returncode, run.stdout) == (1, "")
    assert "no tally store at" in run.stderr and "Traceback" not in run.stderr
    assert not typo.exists()


@pytest.mark.parametrize("url", ["nonsense://", "postgresql://:::", "not a url at all",
                                 "postgresql+nodriver://u:secret@h/db", "sqlite+nothing:///x.db"])
def test_a_malformed_url_is_an_input_error_on_db(url: str) -> None:
    with pytest.raises(InputError) as refused:
        Store(url)
    (problem,) = refused.value.problems
    assert problem.field == "--db" and "secret" not in problem.message
    run = majlis("results", "--db", url)
    assert run.returncode == 2 and run.stderr.startswith("database URL: --db: ")
    assert "Traceback" not in run.stderr and "secret" not in run.stderr


def test_the_password_of_a_url_is_never_shown(tmp_path: Path) -> None:
    with Store("postgresql+psycopg://postgres:s3cret@127.0.0.1:1/test") as nowhere, \
            pytest.raises(StoreError) as refused:
        nowhere.results()
    assert "s3cret" not in str(refused.value)
    assert str(refused.value).startswith(
        "the tally store at postgresql+psycopg://postgres:***@127.0.0.1:1/test refused: ")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    plain = POSTGRES.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:  # the test server trusts every connection: the password is carried, not checked
        url = (POSTGRES.replace("postgres@", "postgres:s3cret@")
               + f"?options=-csearch_path%3D{schema}")
        with Store(url) as empty, pytest.raises(
                StoreError, match=r"postgres:\*\*\*@.* is not initialised"):
            empty.results()
        run = majlis("db", "init", "--db", url)
        assert run.returncode == 0, run.stderr
        assert "tally store ready at postgresql+psycopg://postgres:***@127.0.0.1" in run.stdout
        assert "s3cret" not in run.stdout
        run = majlis("results", "--db", url, "--election", "elsewhere")
        assert "s3cret" not in run.stderr and "postgres:***@" in run.stderr
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def test_a_database_refusal_is_a_store_error(registered: Store) -> None:
    execute = "ALTER TABLE tally_sheets RENAME TO tally_sheets_gone"
    with registered.engine.begin() as conn:
        conn.execute(text(execute))
    with pytest.raises(StoreError, match=r"refused: .*tally_sheets"):
        registered.ingest([sheet()])
