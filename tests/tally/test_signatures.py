"""Signed transmissions (#19): counting devices registered with their Ed25519 keys, each sheet
they send verified on ingest and its signature kept in the sheet's version and in the chain."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import text

from majlis import audit
from majlis.errors import InputError, StoreError
from majlis.tally import Store, TallySheet, read_tally_file, signed_bytes
from tests.cli.test_allocate import write
from tests.commands import majlis
from tests.tally.conftest import LISTS, STATIONS, sheet
from tests.tally.test_cli import EXAMPLES

DEVICE = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))


def public(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def signed(s: TallySheet, key_id: str, key: Ed25519PrivateKey = DEVICE,
           election: str = "default") -> TallySheet:
    return dataclasses.replace(s, key_id=key_id,
                               signature=key.sign(signed_bytes(election, s)).hex())


def refused(store: Store, *sheets: TallySheet) -> list[tuple[str, str, str]]:
    with pytest.raises(InputError) as error:
        store.ingest(sheets)
    return [(p.source, p.field, p.message) for p in error.value.problems]


def test_a_signed_sheet_is_verified_kept_and_chained(registered: Store) -> None:
    device = registered.add_device(public(DEVICE), name="PCOS 1042")
    assert registered.add_device(public(DEVICE).upper(), name="PCOS 1042") == device
    assert [d.name for d in registered.devices()] == ["PCOS 1042"]
    good = signed(sheet("B-001-01"), device.key_id)
    assert registered.ingest([good]).accepted == 1
    kept = registered.history("B-001-01")[0].sheet
    assert (kept.key_id, kept.signature) == (device.key_id, good.signature)
    assert audit.verify_chain(registered.chain()).intact
    with registered.engine.begin() as conn:  # the signature swapped for another in the database
        conn.execute(text("UPDATE tally_sheets SET signature = :s"),
                     {"s": OTHER.sign(b"x").hex()})
    assert audit.verify_chain(registered.chain()).broken == ("B-001-01", "machine", 1)


def test_a_sheet_altered_after_signing_or_signed_by_a_stranger_is_refused_whole(
        registered: Store) -> None:
    device = registered.add_device(public(DEVICE), name="PCOS 1042")
    good = signed(sheet("B-001-02"), device.key_id)
    altered = dataclasses.replace(signed(sheet("B-001-01"), device.key_id),
                                  votes={"Tasmim": 201, "State of Law": 99})
    stranger = signed(sheet("N-001-01", votes={"Tasmim": 1}), "00ff00ff00ff00ff", OTHER)
    forged = signed(sheet("B-900-01", votes={}), device.key_id, OTHER)
    assert refused(registered, good, altered, stranger, forged) == [
        ("sheet 2", "signature", f"station B-001-01: does not verify under device "
         f"{device.key_id}'s key: the sheet was altered after it was signed, or signed by "
         "another key"),
        ("sheet 3", "key_id", "station N-001-01: '00ff00ff00ff00ff' is no counting device "
         "registered for election 'default'"),
        ("sheet 4", "signature", f"station B-900-01: does not verify under device "
         f"{device.key_id}'s key: the sheet was altered after it was signed, or signed by "
         "another key")]
    assert registered.history("B-001-02") == []  # nothing written


def test_an_election_requiring_signatures_refuses_unsigned_sheets(registered: Store) -> None:
    device = registered.add_device(public(DEVICE), name="PCOS 1042")
    assert registered.ingest([sheet("B-001-01")]).accepted == 1  # not required yet
    registered.require_signatures()
    assert refused(registered, sheet("B-001-02")) == [
        ("sheet 1", "signature", "station B-001-02: missing: election 'default' requires "
         "every sheet signed by a registered counting device")]
    assert registered.ingest([signed(sheet("B-001-02"), device.key_id)]).accepted == 1
    registered.require_signatures(False)
    assert registered.ingest([sheet("N-001-01", votes={"Tasmim": 5})]).quarantined == 0


def test_a_device_key_that_is_no_key_is_refused(registered: Store) -> None:
    with pytest.raises(InputError, match="device: public_key: 'abc' is not an Ed25519 public"):
        registered.add_device("abc", name="x")
    registered.add_device(public(DEVICE), name="PCOS 1042")
    with pytest.raises(InputError, match="already registered as 'PCOS 1042'"):
        registered.add_device(public(DEVICE), name="PCOS 9")


def test_the_signature_columns_of_a_sheets_file(tmp_path: Path) -> None:
    plain = (EXAMPLES / "sheets.csv").read_text()
    assert read_tally_file(plain, "s.csv").sheets[0].signature == ""  # still valid without
    assert read_tally_file(plain, "s.csv").origins[:2] == [("s.csv", 2), ("s.csv", 4)]
    json = read_tally_file('[{"station": "B-1", "source": "machine", "votes": {"A": 1}, '
                           '"ballots_received": 1, "cast": 1, "valid": 1, "invalid": 0, '
                           '"spoiled": 0, "unused": 0, "key_id": "AB", "signature": "CD"}]',
                           "s.json")
    assert (json.sheets[0].key_id, json.sheets[0].signature, json.origins) == (
        "ab", "cd", [("s.json › sheet 1", None)])
    rows = plain.splitlines()
    wrong = "\n".join([rows[0] + ",key_id,signature", rows[1] + ",ab,CD", rows[2] + ",ab,ce"])
    with pytest.raises(InputError) as error:
        read_tally_file(wrong, "s.csv")
    assert [(p.line, p.field, p.message) for p in error.value.problems] == [
        (3, "signature", "'ce' differs from line 2 of the same sheet ('CD')")]
    first = read_tally_file("\n".join([rows[0] + ",key_id,signature", rows[1] + ",ab,CD",
                                       rows[2] + ",ab,CD"]), "s.csv").sheets[0]
    assert (first.key_id, first.signature) == ("ab", "cd")


def test_devices_and_signed_sheets_from_the_command_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'night.db'}"
    majlis("db", "init", "--db", db)
    majlis("ingest", EXAMPLES / "stations.csv", EXAMPLES / "lists.csv", "--db", db)
    run = majlis("devices", "add", public(DEVICE), "--name", "PCOS 1042", "--db", db)
    key_id = run.stdout.split("key id ")[1].strip()
    assert "PCOS 1042" in majlis("devices", "list", "--db", db).stdout
    assert "must be signed" in majlis("devices", "require", "--db", db).stdout
    rows = (EXAMPLES / "sheets.csv").read_text().splitlines()
    first = read_tally_file("\n".join(rows[:3]), "s.csv").sheets[0]
    signature = DEVICE.sign(signed_bytes("default", first)).hex()
    good = write(tmp_path / "signed.csv", "\n".join(
        [rows[0] + ",key_id,signature", *(r + f",{key_id},{signature}" for r in rows[1:3])]))
    assert "1 accepted" in majlis("ingest", good, "--db", db).stdout
    run = majlis("ingest", EXAMPLES / "stations.csv", EXAMPLES / "sheets.csv", "--db", db)
    assert run.returncode == 2
    assert (
        f"{EXAMPLES / 'sheets.csv'}:4: signature: station B-001-02: missing: election 'default' "
        "requires every sheet signed by a registered counting device") in run.stderr.splitlines()


def test_upgrading_to_signatures_keeps_the_chain_of_unsigned_sheets(store: Store) -> None:
    """Schema 0004 on a store that already holds sheets: their links hash as before, and the
    first signed sheet chains after them."""
    store.register(STATIONS, LISTS)
    store.ingest([sheet("B-001-01")])
    command.downgrade(store._migrations(), "0003")  # as a majlis from before signatures left it
    head = ScriptDirectory.from_config(store._migrations()).get_current_head()
    with Store(store.url) as old, pytest.raises(StoreError, match="has schema 0003, this "
                                                              f"majlis needs {head}"):
        old.ingest([sheet("B-001-02")])
    store.init()  # upgrades
    assert audit.verify_chain(store.chain()).intact
    device = store.add_device(public(DEVICE), name="PCOS 1042")
    assert store.ingest([signed(sheet("B-001-02"), device.key_id)]).accepted == 1
    assert [v.sheet.key_id for s in ("B-001-01", "B-001-02") for v in store.history(s)] == [
        "", device.key_id]
    assert audit.verify_chain(store.chain()).checked == 2
