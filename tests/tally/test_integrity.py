"""What the chains vouch for (#21): running totals recounted from the chained sheets, releases
sealed in a chain of their own, and the tampering that used to pass `verify-chain`."""

from __future__ import annotations

import hashlib
import tempfile
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from majlis import audit
from majlis.errors import InputError, StoreError
from majlis.tally import IngestReport, Station, Store, VotingType
from tests.tally.conftest import LISTS, STATIONS, enter, sheet

BASRA = {"Tasmim": 200, "State of Law": 100}
HEAD = "7b9440c516042ec1a4cfd2918198c28fd447f461a5f077ff893f2624a4b59930"  # see its test


def night(store: Store) -> None:
    """Three stations counted and a release after the first two."""
    store.ingest([sheet("B-001-01"), sheet("B-001-02")])
    store.release("first results", author="publisher 1")
    store.ingest([sheet("N-001-01", votes={"Tasmim": 120, "Sadiqoun": 80})])


def execute(store: Store, *statements: str) -> None:
    with store.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def test_a_clean_night_verifies_sheets_releases_and_totals(registered: Store) -> None:
    night(registered)
    registered.release("second", author="publisher 1")
    verdict = audit.verify_chain(registered.chain())
    assert verdict.intact
    assert (verdict.checked, verdict.releases, verdict.unchained) == (3, 2, 0)


def test_a_running_total_raised_in_the_database_is_refused_by_verify_and_release(
    registered: Store,
) -> None:
    night(registered)
    execute(registered, "UPDATE tallies SET votes = votes + 100000 "
                        "WHERE constituency = 'Basra' AND list_name = 'Tasmim'")
    verdict = audit.verify_chain(registered.chain())
    assert verdict.broken is None and not verdict.intact
    assert verdict.problems == ("Basra › general › Tasmim: 100,400 in the running totals, 400 "
                                "in the chained sheets",)
    with pytest.raises(StoreError, match=r"release refused: .* Basra › general › Tasmim: "
                                         r"100,400 in the running totals, 400 in the chained"):
        registered.release("tampered")
    assert [r.name for r in registered.releases()] == ["first results"]  # nothing written


def test_a_counted_station_removed_in_the_database_is_refused(registered: Store) -> None:
    registered.ingest([sheet("B-001-01")])
    execute(registered, "DELETE FROM counted")
    assert audit.verify_chain(registered.chain()).problems == (
        "Basra › general › stations counted: 0 in the running totals, 1 in the chained sheets",)


def remove_last_sheet(store: Store) -> None:
    """Delete the newest sheet version and everything pointing at it; reset the chain's head to
    the version before it, as someone with the database's password could."""
    execute(store,
            "DELETE FROM counted WHERE sheet_id = (SELECT max(id) FROM tally_sheets)",
            "DELETE FROM sheet_votes WHERE sheet_id = (SELECT max(id) FROM tally_sheets)",
            "UPDATE chain_head SET hash = (SELECT prev_hash FROM tally_sheets "
            "WHERE id = (SELECT max(id) FROM tally_sheets))",
            "DELETE FROM tally_sheets WHERE id = (SELECT max(id) FROM tally_sheets)")


def test_the_last_sheet_removed_with_the_head_reset_shows_in_the_totals(
    registered: Store,
) -> None:
    night(registered)
    remove_last_sheet(registered)
    problems = audit.verify_chain(registered.chain()).problems
    assert "Najaf › general › Tasmim: 120 in the running totals, 0 in the chained sheets" \
        in problems


def test_the_last_sheet_removed_with_head_and_totals_reset_shows_in_the_release(
    registered: Store,
) -> None:
    night(registered)
    registered.release("second")  # made when the chain held 3 versions
    remove_last_sheet(registered)
    execute(registered, "DELETE FROM tallies WHERE constituency = 'Najaf'")
    assert audit.verify_chain(registered.chain()).problems == (
        "release 2 ('second') was made when the sheet chain held 3 versions; it holds 2: the "
        "last sheets were removed",)


def test_a_sheet_replaced_under_a_release_shows(registered: Store) -> None:
    registered.ingest([sheet("B-001-01")])
    registered.release("first")
    remove_last_sheet(registered)
    execute(registered, "DELETE FROM tallies")
    registered.ingest([sheet("B-001-01", votes={"Tasmim": 100, "State of Law": 200})])
    (problem,) = audit.verify_chain(registered.chain()).problems
    assert problem.startswith("release 1 ('first') was made when the sheet chain's version 1 "
                              "was ")
    assert problem.endswith("sheets were removed or replaced")


@pytest.mark.parametrize("tampering", [
    "UPDATE releases SET name = 'final results' WHERE number = 1",
    "UPDATE releases SET author = 'someone else' WHERE number = 1",
    "UPDATE releases SET created_at = '2025-11-12T00:00:00+00:00' WHERE number = 1",
    "UPDATE releases SET payload = replace(payload, '200', '201') WHERE number = 1",
])
def test_a_release_edited_with_its_digest_recomputed_is_refused(
    registered: Store, tampering: str
) -> None:
    night(registered)
    execute(registered, tampering)
    with registered.engine.begin() as conn:  # the old digest: of the payload alone
        payload = conn.execute(text("SELECT payload FROM releases")).scalar_one()
        conn.execute(text("UPDATE releases SET digest = :d"),
                     {"d": hashlib.sha256(payload.encode()).hexdigest()})
    assert audit.verify_chain(registered.chain()).problems[0] == (
        "release 1 was altered after it was published")
    with pytest.raises(StoreError, match="release 1 was altered after it was published"):
        registered.releases()


def test_a_release_removed_from_between_others_is_refused(registered: Store) -> None:
    night(registered)
    registered.release("second")
    registered.release("third")
    execute(registered, "DELETE FROM releases WHERE number = 2")
    assert audit.verify_chain(registered.chain()).problems == (
        "release 2 is missing: release 3 comes after release 1",
        "release 3 does not follow the release before it: a release was removed or altered")
    with pytest.raises(StoreError, match="release 2 is missing"):
        registered.releases()


def test_the_last_release_removed_or_renumbered_shows(registered: Store) -> None:
    night(registered)
    registered.release("second")
    execute(registered, "DELETE FROM releases WHERE number = 2")
    assert audit.verify_chain(registered.chain()).problems == (
        "default's last release is not the one it published last: a release was removed",)
    registered.release("second again")  # follows the head: the removal stays visible
    assert "release 2 does not follow the release before it: a release was removed or " \
           "altered" in audit.verify_chain(registered.chain()).problems


def test_the_newest_release_and_sheets_removed_with_every_head_reset_show_to_a_kept_digest(
        registered: Store) -> None:
    """Nothing inside the store tells a clean truncation, heads and totals reset to match; a
    release digest somebody kept outside it does."""
    night(registered)
    first = registered.releases()[0].digest
    kept = registered.release("second").digest
    assert audit.verify_chain(registered.chain()).latest == (("default", kept),)
    execute(registered,
            "DELETE FROM releases WHERE number = 2",
            f"UPDATE elections SET release_head = '{first}'")
    assert audit.verify_chain(registered.chain()).intact  # the store alone cannot tell
    assert audit.verify_chain(registered.chain(), [first]).intact
    assert audit.verify_chain(registered.chain(), [kept.upper()]).problems == (
        f"release {kept[:16]}… was published but is not in the store: it, or the releases after "
        "it, were removed",)


def test_a_kept_digest_that_is_no_digest_is_the_callers_mistake(registered: Store) -> None:
    with pytest.raises(InputError, match="--published: 'abc' is not a release digest"):
        audit.verify_chain(registered.chain(), ["abc"])


def test_a_release_renumbered_is_refused(registered: Store) -> None:
    night(registered)
    execute(registered, "UPDATE releases SET number = 7")
    assert audit.verify_chain(registered.chain()).problems == (
        "release 1 is missing: release 7 comes after release 0",
        "release 7 was altered after it was published")


def test_a_release_seals_where_the_sheet_chain_stood(registered: Store) -> None:
    night(registered)
    with registered.engine.connect() as conn:
        first = conn.execute(text("SELECT sheets, sheet_head, prev_digest, digest FROM releases"
                                  )).one()
        second_sheet = conn.execute(text("SELECT hash FROM tally_sheets ORDER BY id")).all()[1]
    assert (first.sheets, first.sheet_head, first.prev_digest) == (2, second_sheet.hash,
                                                                    "0" * 64)
    later = registered.release("second")
    with registered.engine.connect() as conn:
        assert conn.execute(text("SELECT prev_digest FROM releases WHERE number = 2")
                            ).scalar_one() == first.digest
        assert conn.execute(text("SELECT release_head FROM elections")).scalar_one() \
            == later.digest


BAGHDAD = timezone(timedelta(hours=3))


def test_a_release_keeps_the_moment_it_stands_for_in_order_and_sealed(registered: Store
                                                                       ) -> None:
    registered.ingest([sheet("B-001-01")])
    first = registered.release("first", at=datetime(2025, 11, 12, 1, 30, tzinfo=BAGHDAD))
    assert first.created_at == "2025-11-12T01:30:00+03:00"
    # the same moment written in UTC is not going back
    same = registered.release("again", at=datetime(2025, 11, 11, 22, 30, tzinfo=UTC))
    assert same.created_at == "2025-11-11T22:30:00+00:00"
    with pytest.raises(InputError) as refused:
        registered.release("late", at=datetime(2025, 11, 12, 1, 29, tzinfo=BAGHDAD))
    assert [(p.field, p.message) for p in refused.value.problems] == [(
        "at", "2025-11-12T01:29:00+03:00 is before release 2's time, 2025-11-11T22:30:00+00:00:"
              " releases are published in order")]
    with pytest.raises(InputError, match="release: at: 2025-11-13T00:00:00 has no time zone"):
        registered.release("naive", at=datetime(2025, 11, 13))
    assert [r.created_at for r in registered.releases()] == [
        "2025-11-12T01:30:00+03:00", "2025-11-11T22:30:00+00:00"]
    now = registered.release("now")  # the wall clock, after the night it follows
    assert datetime.fromisoformat(now.created_at) > datetime(2025, 11, 12, tzinfo=UTC)
    assert audit.verify_chain(registered.chain()).intact
    execute(registered, "UPDATE releases SET created_at = '2025-11-12T01:31:00+03:00' "
                        "WHERE number = 1")  # the moment is sealed as stored
    assert audit.verify_chain(registered.chain()).problems[0] == (
        "release 1 was altered after it was published")


def test_a_total_raised_before_the_first_release_is_refused(registered: Store) -> None:
    registered.ingest([sheet("B-001-01")])
    execute(registered, "UPDATE tallies SET votes = 0 WHERE list_name = 'State of Law'")
    with pytest.raises(StoreError, match="Basra › general › State of Law: 0 in the running "
                                         "totals, 100 in the chained sheets"):
        registered.release("first")


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["B-001-01", "B-001-02", "N-001-01"]),
                          st.sampled_from(["machine", "manual", "entry-a", "entry-b"]),
                          st.integers(0, 150), st.booleans(), st.booleans()),
                min_size=1, max_size=14))
def test_releases_through_any_night_are_never_refused_and_always_verify(
    steps: list[tuple[str, str, int, bool, bool]]
) -> None:
    """Each release checks the totals against the last release and what changed since: through
    any mix of sources, double entries and corrections it agrees with a full recount."""
    with tempfile.TemporaryDirectory() as folder, Store(f"sqlite:///{folder}/n.db") as store:
        store.init()
        store.register(STATIONS, LISTS)
        for number, (station, source, tasmim, correction, publish) in enumerate(steps):
            enter(store, station, source, tasmim, correction)
            if publish:
                assert store.release(f"release {number}").results == tuple(store.recount())
        verdict = audit.verify_chain(store.chain())
        assert verdict.intact, verdict


def test_the_sheet_chain_hashes_as_stores_written_before_it_did(store: Store) -> None:
    """The chain's head after a fixed night — figures in three scripts, quotes, tabs and
    commas, candidate votes, both entries of a double entry, a sheet for no station, a sheet
    sent twice and a correction — is the one majlis wrote before ingest was made faster
    (#23): stores written then, and the heads published from them, still verify."""
    store.register([Station(code=f"S-{i}\t\"x\"", centre="C", constituency="Basra é",
                            voting_type=VotingType.GENERAL, registered=1000) for i in range(9)],
                   [("Basra é", n) for n in ("Tasmim", "قائمة \"x\"", "A, [b]")],
                   [("Basra é", "Tasmim", "Ali"), ("Basra é", "Tasmim", "Zaid \\ ق"),
                    ("Basra é", "A, [b]", "Q")])
    sheets = [sheet(f"S-{i}\t\"x\"", ("machine", "entry-a", "entry-b")[i % 3],
                    votes={"Tasmim": 10 + i, "قائمة \"x\"": i, "A, [b]": 3},
                    received_by="clerk ق", spoiled=5 + (i == 7),
                    candidate_votes={("Tasmim", "Ali"): 4, ("Tasmim", "Zaid \\ ق"): 2,
                                     ("A, [b]", "Q"): 1} if i % 2 else {})
              for i in range(9)] + [sheet("nowhere")]
    assert store.ingest(sheets, batch=4) == IngestReport(
        accepted=3, quarantined=2, awaiting_second_entry=5)
    assert store.ingest(sheets).duplicates == len(sheets)
    assert store.correct(sheet("S-0\t\"x\"", votes={"Tasmim": 11, "قائمة \"x\"": 0, "A, [b]": 3}),
                         reason="recount ق", author="supervisor").accepted == 1
    verdict = audit.verify_chain(store.chain(), heads=[HEAD])
    assert verdict.intact and verdict.checked == 11
