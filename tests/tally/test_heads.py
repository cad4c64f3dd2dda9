"""The published chain head (#19): each release gives the sheet chain's head to keep outside the
store, and `verify-chain --head` proves a store against it — a chain rewritten whole, consistent
in itself, no longer passes through it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from majlis import audit
from majlis.errors import InputError
from majlis.tally import Store
from tests.commands import majlis
from tests.tally.conftest import sheet
from tests.tally.test_cli import released

GENESIS = "0" * 64


def rewrite(store: Store) -> None:
    """What a forger with the whole database does: every sheet, total and release removed and
    the heads reset, then forged sheets ingested through majlis itself — a chain consistent
    from its first link to its last."""
    with store.engine.begin() as conn:
        for table in ("counted", "sheet_votes", "sheet_candidate_votes", "tally_sheets",
                      "tallies", "releases"):
            conn.execute(text(f"DELETE FROM {table}"))
        conn.execute(text(f"UPDATE chain_head SET hash = '{GENESIS}'"))
        conn.execute(text(f"UPDATE elections SET release_head = '{GENESIS}'"))
    store.ingest([sheet("B-001-01", votes={"Tasmim": 100, "State of Law": 200}),
                  sheet("B-001-02")])


def test_a_chain_rewritten_whole_passes_alone_and_fails_against_the_published_head(
        registered: Store) -> None:
    registered.ingest([sheet("B-001-01"), sheet("B-001-02")])
    first = registered.release("first results")
    with registered.engine.connect() as conn:
        last = conn.execute(text("SELECT hash FROM tally_sheets ORDER BY id DESC")).first()
    assert last is not None and first.sheet_head == last.hash
    assert registered.releases()[0].sheet_head == first.sheet_head
    registered.ingest([sheet("N-001-01", votes={"Tasmim": 120, "Sadiqoun": 80})])
    passed = audit.verify_chain(registered.chain(), heads=[first.sheet_head.upper()])
    assert passed.intact  # the chain passed through it
    rewrite(registered)
    alone = audit.verify_chain(registered.chain())
    assert alone.intact  # consistent in itself: the store alone cannot tell
    assert audit.verify_chain(registered.chain(), heads=[first.sheet_head]).problems == (
        f"chain head {first.sheet_head[:16]}… was published but the sheet chain no longer "
        "passes through it: the chain was rewritten, or cut before it",)
    assert audit.verify_chain(registered.chain(), heads=[GENESIS]).intact  # every chain's first


def test_a_head_that_is_no_digest_is_the_callers_mistake(registered: Store) -> None:
    with pytest.raises(InputError, match="--head: 'xyz' is not a chain head"):
        audit.verify_chain(registered.chain(), heads=["xyz"])


def test_release_prints_the_head_and_verify_chain_checks_it(tmp_path: Path) -> None:
    db, run = released(tmp_path)
    with Store(db) as store:
        head = store.releases()[0].sheet_head
    assert f"chain head {head} (keep it outside the store" in run.stdout
    assert majlis("verify-chain", "--head", head, "--db", db).returncode == 0
    with Store(db) as store:
        rewrite(store)
    assert majlis("verify-chain", "--db", db).returncode == 0
    run = majlis("verify-chain", "--head", head, "--db", db)
    assert run.returncode == 1
    assert f"chain BROKEN: chain head {head[:16]}… was published but the sheet chain" in (
        run.stderr)
