"""The tally sheets' photos: the scan or photo of the paper a clerk keyed from, uploaded first and
kept once by its SHA-256; each sheet version keyed from it carries (and chains) that SHA-256, so
anyone holding the picture can tell it is the one behind the figures."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from majlis.errors import Problem

from ._base import StoreBase, _audited, _guarded
from ._limits import refuse
from ._schema import PhotoRow
from ._values import TallySheet

__all__ = ["MAX_PHOTO", "PHOTO_TYPES", "Photo", "Photos", "photo_problem", "photo_problems"]

MAX_PHOTO = 8 * 1024 * 1024  # bytes: a phone's photo or a page scanned at 300 dpi fits
# What a photo may be, told by its first bytes (never by what the uploader says it is).
PHOTO_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png",
               b"%PDF-": "application/pdf"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Photo:
    """A kept photo: its SHA-256, its type and its bytes."""

    sha256: str
    media_type: str
    data: bytes


def _type_of(data: bytes) -> str | None:
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for magic, kind in PHOTO_TYPES.items() if data.startswith(magic)), None)


def photo_problems(data: bytes, source: str) -> list[Problem]:
    """Why `data` cannot be kept as a sheet's photo (nothing when it can)."""
    if data and len(data) <= MAX_PHOTO and _type_of(data) is not None:
        return []
    return [Problem(source=source, line=None, field="photo", message=(
        "is empty" if not data else
        f"is {len(data):,} bytes; a photo may have at most {MAX_PHOTO:,}"
        if len(data) > MAX_PHOTO else "is not a JPEG, PNG, WebP or PDF file"))]


class Photos(StoreBase):
    """Keeping and reading the sheets' photos."""

    @_audited("photo")
    @_guarded
    def keep_photo(self, data: bytes, source: str = "photo") -> Photo:
        """Keep a sheet's photo (JPEG, PNG, WebP or a PDF scan; at most MAX_PHOTO bytes) and
        give its SHA-256 for the sheets keyed from it; the same bytes again are kept once."""
        self._check_ready()
        refuse(photo_problems(data, source))
        kind = _type_of(data)
        assert kind is not None  # checked just above
        sha = hashlib.sha256(data).hexdigest()
        photo = Photo(sha256=sha, media_type=kind, data=data)
        try:
            with Session(self.writer) as session, session.begin():
                election = self._scope(session)
                kept = session.scalar(select(PhotoRow.id).where(
                    PhotoRow.election_id == election, PhotoRow.sha256 == sha)) is not None
                if not kept:
                    session.add(PhotoRow(election_id=election, sha256=sha, media_type=kind,
                                         data=data))
                self._log(session, "photo", sha, f"{kind}, {len(data):,} bytes"
                          + (", kept already" if kept else ""))
        except IntegrityError:  # the same photo, kept by another worker meanwhile
            pass
        return photo

    @_guarded
    def photo(self, sha256: str) -> Photo | None:
        """The photo kept under this SHA-256 for this election; None when there is none."""
        self._check_ready()
        with Session(self.engine) as session:
            row = session.scalars(select(PhotoRow).where(
                PhotoRow.election_id == self._scope(session),
                PhotoRow.sha256 == sha256.lower())).first()
            return None if row is None else Photo(sha256=row.sha256,
                                                  media_type=row.media_type, data=row.data)

    def _unknown_photos(self, session: Session, sheets: Iterable[TallySheet]) -> set[str]:
        """The photo hashes these sheets carry that no uploaded photo of the election has."""
        wanted = {s.photo for s in sheets if s.photo}
        if not wanted:
            return set()
        return wanted - set(session.scalars(select(PhotoRow.sha256).where(
            PhotoRow.election_id == self._scope(session), PhotoRow.sha256.in_(wanted))))


def photo_problem(station: str, sha256: str) -> Problem:
    """A sheet that names a photo never uploaded."""
    return Problem(source=f"station {station}", line=None, field="photo", message=(
        f"no photo with SHA-256 {sha256} was uploaded for this election: upload the sheet's "
        "photo first (POST /api/desk/photos), then send the sheet with its SHA-256"))
