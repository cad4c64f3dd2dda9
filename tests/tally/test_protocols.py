"""Protocols in the store: who keyed, checked and released a release's sheets, as the chain it
sealed records them, and a protocol kept once, never replaced (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib

import pytest

from majlis.errors import InputError
from majlis.tally import Signatories, Source, Store

from .conftest import sheet


def test_the_signatories_are_the_chains_authors_up_to_the_release(registered: Store) -> None:
    registered.enter(sheet("B-001-01", "entry-a"), clerk="amal", key="k-a-0001")
    registered.enter(sheet("B-001-01", "entry-b"), clerk="dalia", key="k-b-0001")
    registered.enter(sheet("B-001-02", "entry-a"), clerk="amal", key="k-a-0002")
    registered.enter(sheet("B-001-02", "entry-b", votes={"Tasmim": 210, "State of Law": 90}),
                     clerk="hadi", key="k-b-0002")
    registered.resolve("B-001-02", supervisor="basim", reason="the paper says 200",
                       chosen=Source.ENTRY_A)
    registered.ingest([sheet("N-001-01")])  # a counting device's sheet: no author
    first = registered.release("first results", author="publisher 1")
    registered.enter(sheet("B-900-01", "entry-a", ballots_received=400), clerk="zaid",
                     key="k-a-0003")  # after the release: not behind its figures
    assert registered.signatories(first.number, "Basra") == Signatories(
        keyed=("amal", "dalia", "hadi"), checked=("basim",), released="publisher 1")
    assert registered.signatories(first.number, "Najaf") == Signatories(
        keyed=(), checked=(), released="publisher 1")
    assert registered.signatories(first.number).keyed == ("amal", "dalia", "hadi")


def test_a_protocol_is_kept_once(registered: Store) -> None:
    registered.ingest([sheet("B-001-01")])
    registered.release("first results", author="publisher 1")
    assert registered.protocol(1, "Basra", "ar") is None
    kept = registered.keep_protocol(1, "Basra", "ar", b"%PDF-1.7 first")
    assert kept.sha256 == hashlib.sha256(b"%PDF-1.7 first").hexdigest()
    assert registered.keep_protocol(1, "Basra", "ar", b"%PDF-1.7 second") == kept
    assert registered.protocol(1, "Basra", "ar") == kept
    assert registered.protocols_by_hash(kept.sha256) == [kept]
    with pytest.raises(InputError, match="no release 2"):
        registered.keep_protocol(2, "Basra", "ar", b"%PDF-1.7")
