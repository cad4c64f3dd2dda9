"""Signed transmissions: counting devices registered with their Ed25519 public keys before
polling day, and each sheet a device sends verified against its key on ingest.

What a device signs is `signed_bytes`: the sheet's canonical encoding (docs/tally-format.md,
"Signed sheets") — its election, station, source, time, clerk, figures and votes, nothing the
store adds. A signature that fails, a key no device of the election has, or a sheet unsigned
where the election requires signatures refuses the whole ingest before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from majlis._cells import shown
from majlis.errors import Problem

from ._base import StoreBase, _audited, _guarded
from ._limits import NAME_LENGTH, refuse, text_problems
from ._schema import DeviceRow, ElectionRow
from ._values import TallySheet

ENCODING = "majlis-sheet-1"  # names the encoding below; a new one would get a new name
_KEY = re.compile("[0-9a-f]{64}")
_SIGNATURE = re.compile("[0-9a-f]{128}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Device:
    """A registered counting device: its key id (first 16 hex of the key's SHA-256), its raw
    public key in hexadecimal, and what it is called."""

    key_id: str
    public_key: str
    name: str


def key_id(public_key: bytes) -> str:
    """A key's short name, as sheets carry it."""
    return hashlib.sha256(public_key).hexdigest()[:16]


def signed_bytes(election: str, sheet: TallySheet) -> bytes:
    """The bytes a device signs for `sheet`: compact JSON, UTF-8, lists and candidates sorted."""
    body = [ENCODING, election, sheet.station, sheet.source.value, sheet.received_at,
            sheet.received_by, sheet.ballots_received, sheet.cast, sheet.valid, sheet.invalid,
            sheet.spoiled, sheet.unused, sorted([p, n] for p, n in sheet.votes.items()),
            sorted([p, c, n] for (p, c), n in sheet.candidate_votes.items())]
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def signature_problems(election: str, sheets: Iterable[TallySheet], keys: Mapping[str, str],
                       *, required: bool, origins: Sequence[tuple[str, int | None]] = ()
                       ) -> list[Problem]:
    """Each sheet whose signature fails, names no registered device, or is missing where
    `required`; `keys` maps key ids to public keys (hex). `origins`: where each sheet was read
    (file, line), for the messages; else sheets are named by their place in `sheets`."""
    found = []
    for n, sheet in enumerate(sheets, 1):
        source, line = origins[n - 1] if origins else (f"sheet {n}", None)

        def problem(field: str, message: str, source: str = source, line: int | None = line,
                    station: str = sheet.station) -> None:
            found.append(Problem(source=source, line=line, field=field,
                                 message=f"station {station}: {message}"))
        if not sheet.key_id and not sheet.signature:
            if required:
                problem("signature", f"missing: election {election!r} requires every sheet "
                        "signed by a registered counting device")
            continue
        if sheet.key_id not in keys:
            problem("key_id", f"{shown(sheet.key_id)} is no counting device registered for "
                    f"election {election!r}")
            continue
        if not _SIGNATURE.fullmatch(sheet.signature):
            problem("signature", f"{shown(sheet.signature)} is not an Ed25519 signature (128 "
                    "hexadecimal digits)")
            continue
        try:
            Ed25519PublicKey.from_public_bytes(bytes.fromhex(keys[sheet.key_id])).verify(
                bytes.fromhex(sheet.signature), signed_bytes(election, sheet))
        except InvalidSignature:
            problem("signature", f"does not verify under device {sheet.key_id}'s key: the "
                    "sheet was altered after it was signed, or signed by another key")
    return found


class Devices(StoreBase):
    """Registering counting devices, and whether the election requires signed sheets."""

    @_audited("device")
    @_guarded
    def add_device(self, public_key: str, *, name: str) -> Device:
        """Register a device by its raw Ed25519 public key (64 hex); registering it again under
        the same name changes nothing."""
        self._check_ready()
        key = public_key.strip().lower()
        refuse([*text_problems("device", (("name", name, NAME_LENGTH),), required=True),
                *([] if _KEY.fullmatch(key) else [Problem(
                    source="device", line=None, field="public_key", message=(
                        f"{shown(public_key)} is not an Ed25519 public key (64 hexadecimal "
                        "digits)"))])])
        device = Device(key_id=key_id(bytes.fromhex(key)), public_key=key, name=name.strip())
        with Session(self.writer) as session, session.begin():
            election = self._scope(session, create=True)
            known = session.scalar(select(DeviceRow).where(
                DeviceRow.election_id == election, DeviceRow.key_id == device.key_id))
            if known is not None and known.name != device.name:
                refuse([Problem(source="device", line=None, field="public_key", message=(
                    f"already registered as {known.name!r}"))])
            if known is None:
                session.add(DeviceRow(election_id=election, key_id=device.key_id,
                                      public_key=key, name=device.name))
            self._log(session, "device", f"device {device.name!r} ({device.key_id})",
                      "registered" if known is None else "registered already")
        return device

    @_guarded
    def devices(self) -> list[Device]:
        """The election's registered devices, by key id."""
        self._check_ready()
        with Session(self.engine) as session:
            return [Device(key_id=r.key_id, public_key=r.public_key, name=r.name)
                    for r in session.scalars(select(DeviceRow).where(
                        DeviceRow.election_id == self._scope(session))
                        .order_by(DeviceRow.key_id))]

    @_audited("signatures")
    @_guarded
    def require_signatures(self, required: bool = True) -> None:
        """From now on, refuse (or again accept) sheets no registered device signed."""
        self._check_ready()
        with Session(self.writer) as session, session.begin():
            session.get_one(ElectionRow, self._scope(session, create=True)
                            ).signatures_required = required
            self._log(session, "signatures", f"election {self.election!r}",
                      "signed sheets required" if required else "unsigned sheets accepted")

    def _signing(self, session: Session) -> tuple[dict[str, str], bool]:
        """The election's device keys by key id, and whether it requires signatures."""
        election = self._scope(session)
        keys = {k: v for k, v in session.execute(select(DeviceRow.key_id, DeviceRow.public_key)
                                                 .where(DeviceRow.election_id == election))}
        return keys, bool(session.get_one(ElectionRow, election).signatures_required)
