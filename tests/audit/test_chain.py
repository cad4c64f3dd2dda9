"""The chains' check on plain data (#19 point 5): the versions a store streamed, then altered,
cut or reordered as values, never through a database — what `audit.verify_chain` and its parts
find in them."""

from __future__ import annotations

import json
from collections import Counter
from contextlib import nullcontext
from dataclasses import replace

import pytest

from majlis import audit
from majlis.errors import InputError
from majlis.tally import Store
from tests.tally.conftest import LISTS, STATIONS, sheet

GENESIS = "0" * 64


Night = tuple[audit.StoredChain, tuple[audit.StoredVersion, ...]]


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> Night:
    """A small night as the store streams it, read whole into plain values: four versions (a
    correction among them, and candidate votes) and one release, sealed after the second."""
    with Store(f"sqlite:///{tmp_path_factory.mktemp('chain') / 'n.db'}") as store:
        store.init()
        store.register(STATIONS, LISTS, [("Basra", "Tasmim", "Ali")])
        store.ingest([sheet("B-001-01", candidate_votes={("Tasmim", "Ali"): 50}),
                      sheet("B-001-02")])
        store.release("first")
        store.ingest([sheet("N-001-01", votes={"Tasmim": 120, "Sadiqoun": 80})])
        store.correct(sheet("B-001-02", votes={"Tasmim": 201, "State of Law": 99}),
                      reason="recount", author="supervisor")
        with store.chain() as chain:
            return replace(chain, versions=iter(())), tuple(chain.versions)


def test_the_stored_night_recomputes_link_by_link(night: Night) -> None:
    chain, rows = night
    walk = audit.check_links(rows)
    assert (walk.checked, walk.broken, walk.head) == (4, None, rows[-1].hash)
    assert walk.last == ("B-001-02", "machine", 2) and chain.head == rows[-1].hash
    assert [r.prev_hash for r in rows] == [GENESIS, *(r.hash for r in rows[:-1])]


def test_votes_gathered_in_any_order_hash_the_same(night: Night) -> None:
    """The database gathers a version's votes in no promised order, nor spacing: the content
    sorts them and writes them its own way."""
    _, rows = night
    shuffled = [replace(r, votes=json.dumps(json.loads(r.votes)[::-1]) if r.votes else None)
                for r in rows]
    assert [json.loads(r.votes or "[]") for r in shuffled] != [
        json.loads(r.votes or "[]") for r in rows]
    assert audit.check_links(shuffled).checked == 4
    compact = [replace(r, votes=json.dumps(json.loads(r.votes), separators=(",", ":"))
                       if r.votes else None) for r in rows]
    assert compact[0].votes != rows[0].votes and audit.check_links(compact).checked == 4


@pytest.mark.parametrize(("field", "value"), [
    ("votes", '[["Tasmim", 201], ["State of Law", 100]]'),
    ("people", '[["Tasmim", "Ali", 51]]'),
    ("fields", "valid"),
    ("election", "another"),
])
def test_a_version_altered_breaks_the_chain_there(night: Night, field: str, value: str
                                                  ) -> None:
    _, stream = night
    rows = list(stream)
    rows[0] = replace(rows[0], **{field: {**rows[0].fields, "valid": 301} if field == "fields"
                                  else value})
    walk = audit.check_links(rows)
    assert (walk.checked, walk.broken, walk.reason) == (
        0, ("B-001-01", "machine", 1), "its stored figures no longer match its hash")


def test_a_version_removed_or_moved_breaks_the_chain_at_the_one_after(night: Night) -> None:
    _, rows = night
    removed = audit.check_links([rows[0], *rows[2:]])
    assert (removed.checked, removed.broken, removed.reason) == (
        1, ("N-001-01", "machine", 1), "a version before this one was removed or altered")
    moved = audit.check_links([rows[1], rows[0], *rows[2:]])
    assert (moved.checked, moved.broken) == (0, ("B-001-02", "machine", 1))


def test_heads_and_seals_are_found_at_their_length(night: Night) -> None:
    _, rows = night
    walk = audit.check_links(rows, heads={GENESIS, rows[1].hash, "f" * 64},
                             vouched=[(2, rows[1].hash, "release 1"),
                                      (3, rows[1].hash, "release 2")])
    assert walk.passed == {GENESIS, rows[1].hash}
    assert walk.replaced == (f"release 2 was made when the sheet chain's version 3 was "
                             f"{rows[1].hash[:16]}…; it is now {rows[2].hash[:16]}…: sheets "
                             "were removed or replaced",)


def test_the_sheets_are_recounted_from_the_versions_that_hold(night: Night) -> None:
    """The recount adds each station's best accepted version from the stream itself: the
    correction replaces the sheet it corrects, and it equals the running totals it checks."""
    chain, rows = night
    (election,) = chain.elections
    recount = audit.Recount(chain.elections, chain.ranks)
    assert audit.check_links(rows, recount=recount).checked == 4
    found = recount.figures("default")
    assert found == election.running
    assert (found[("Basra", "general", "Tasmim", "")],
            found[("Basra", "general", "State of Law", "")],
            found[("Basra", "general", "", "stations counted")],
            found[("Najaf", "general", "Sadiqoun", "")]) == (401, 199, 2, 80)


def test_which_version_counts_for_a_station(night: Night) -> None:
    """The store's rule: accepted versions only; the highest-ranked source, then the latest
    version; the first stored on a tie; a station not registered counts nowhere."""
    chain, rows = night
    first, corrected = rows[1], rows[3]  # B-001-02, machine v1 then v2
    assert (first.station, corrected.station, corrected.version) == ("B-001-02",) * 2 + (2,)

    def counted(*versions: audit.StoredVersion) -> int:
        recount = audit.Recount(chain.elections, chain.ranks)
        for row in versions:
            recount.add(row, json.loads(row.votes or "[]"))
        return recount.figures("default")[("Basra", "general", "Tasmim", "")]

    def quarantined(row: audit.StoredVersion) -> audit.StoredVersion:
        return replace(row, fields={**row.fields, "status": "quarantined"})

    assert (counted(first), counted(corrected), counted(first, corrected)) == (200, 201, 201)
    assert counted(corrected, first) == 201  # an older version stored later does not count
    assert counted(first, quarantined(corrected)) == 200
    assert counted(first, replace(corrected, source="entry-a")) == 200  # ranked below machine
    assert counted(replace(first, source="entry-a"), replace(corrected, version=1)) == 201
    assert counted(replace(first, source="entry-b"),
                   replace(corrected, source="entry-a", version=1)) == 200  # tie: the first
    assert counted(replace(first, station="X-999-99")) == 0


def test_running_totals_are_compared_with_the_recount(night: Night) -> None:
    chain, rows = night
    (election,) = chain.elections
    recount = audit.Recount(chain.elections, chain.ranks)
    audit.check_links(rows, recount=recount)
    raised = replace(election, running=election.running + Counter(
        {("Basra", "general", "Tasmim", ""): 1_000, ("Karbala", "general", "Tasmim", ""): 5}))
    expected = ["Basra › general › Tasmim: 1,401 in the running totals, 401 in the chained "
                "sheets",
                "Karbala › general › Tasmim: 5 in the running totals, 0 in the chained sheets"]
    assert audit.totals_differ([raised], recount) == expected
    other = replace(election, name="2021", running=Counter(), places={})
    assert audit.totals_differ([raised, other], recount) == [f"default: {d}" for d in expected]


def test_the_whole_verdict_over_plain_values(night: Night) -> None:
    chain, rows = night
    (election,) = chain.elections
    (release,) = election.releases

    def check(*, published: tuple[str, ...] = (), heads: tuple[str, ...] = (),
              **changed: object) -> audit.ChainCheck:
        fresh = replace(chain, **{"versions": iter(rows), **changed})
        return audit.verify_chain(nullcontext(fresh), published, heads)

    verdict = check(published=(release.digest.upper(),), heads=(rows[2].hash,))
    assert verdict.intact and (verdict.checked, verdict.releases) == (4, 1)
    assert verdict.latest == (("default", release.digest),)
    assert check(head=rows[2].hash).broken == ("B-001-02", "machine", 2)  # the last cut off
    assert check(head=None).intact  # a store from before the head row
    cut = check(versions=iter(rows[:1]), head=rows[0].hash).problems
    assert cut[0] == ("release 1 ('first') was made when the sheet chain held 2 versions; it "
                      "holds 1: the last sheets were removed")
    # the totals are recounted from the versions streamed: those cut off count nowhere
    assert "Najaf › general › Tasmim: 120 in the running totals, 0 in the chained sheets" in cut
    assert check(published=("e" * 64,), heads=("d" * 64,)).problems == (
        f"release {'e' * 16}… was published but is not in the store: it, or the releases "
        "after it, were removed",
        f"chain head {'d' * 16}… was published but the sheet chain no longer passes through "
        "it: the chain was rewritten, or cut before it")
    raised = replace(election, running=election.running + Counter(
        {("Najaf", "general", "Tasmim", ""): 1}))
    assert check(elections=(raised,)).problems == (
        "Najaf › general › Tasmim: 121 in the running totals, 120 in the chained sheets",)


def test_a_digest_or_head_malformed_is_refused_before_the_store_is_read() -> None:
    class Unread:
        def __enter__(self) -> audit.StoredChain:
            raise AssertionError("the store was read")

        def __exit__(self, *_: object) -> None:
            return None

    with pytest.raises(InputError) as refused:
        audit.verify_chain(Unread(), ["abc"], ["xyz"])
    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("--published", "'abc' is not a release digest (64 hexadecimal digits)"),
        ("--head", "'xyz' is not a chain head (64 hexadecimal digits)")]
