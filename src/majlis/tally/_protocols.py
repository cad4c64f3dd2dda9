"""Results protocols kept: each release's PDF per constituency (or national) and language,
stored the first time it is produced and handed back unchanged ever after — the store holds the
original a printed or mailed copy is checked against — and who stands behind a release's
figures: the clerks who keyed its sheets, those who checked them, the one who released it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from majlis.errors import InputError, Problem

from ._base import StoreBase, _audited, _guarded
from ._schema import (
    CentreRow,
    ConstituencyRow,
    ProtocolRow,
    ReleaseRow,
    SheetRow,
    StationRow,
)

__all__ = ["Protocols", "Signatories", "StoredProtocol"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Signatories:
    """Who stands behind a release's figures, as far as the store records them: the authors of
    the sheets' first versions (the clerks who keyed them; none for a counting device's or a
    file's sheets), the authors of later versions (corrections, a supervisor's settling or
    recount order) and the release's author — in the chain the release sealed."""

    keyed: tuple[str, ...]
    checked: tuple[str, ...]
    released: str


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredProtocol:
    """A protocol as the store keeps it; `constituency` "" is the national protocol."""

    release: int
    constituency: str
    lang: str
    sha256: str
    pdf: bytes


class Protocols(StoreBase):
    """Keeping protocols; reading who keyed, checked and released."""

    def _release_row(self, session: Session, number: int) -> ReleaseRow:
        found = session.scalars(select(ReleaseRow).where(
            ReleaseRow.election_id == self._scope(session), ReleaseRow.number == number)).first()
        if found is None:
            raise InputError([Problem(source="protocol", line=None, field="--release", message=(
                f"no release {number} of {self.election!r} in {self.location}"))])
        return found

    @_guarded
    def protocol(self, release: int, constituency: str, lang: str) -> StoredProtocol | None:
        """The protocol kept for release `release`, `constituency` ("" national) and `lang`;
        None before it was first produced."""
        self._check_ready()
        with Session(self.engine) as session:
            row = self._release_row(session, release)
            kept = session.scalars(select(ProtocolRow).where(
                ProtocolRow.release_id == row.id, ProtocolRow.constituency == constituency,
                ProtocolRow.lang == lang)).first()
            return None if kept is None else _stored(release, kept)

    @_guarded
    def protocols_by_hash(self, sha256: str) -> list[StoredProtocol]:
        """The protocols of this election whose file has this SHA-256 (the original of a copy)."""
        self._check_ready()
        with Session(self.engine) as session:
            rows = session.execute(select(ReleaseRow.number, ProtocolRow).join(
                ReleaseRow, ProtocolRow.release_id == ReleaseRow.id).where(
                ReleaseRow.election_id == self._scope(session), ProtocolRow.sha256 == sha256))
            return [_stored(number, kept) for number, kept in rows]

    @_audited("protocol")
    @_guarded
    def keep_protocol(self, release: int, constituency: str, lang: str,
                      pdf: bytes) -> StoredProtocol:
        """Keep `pdf` as the protocol of (release, constituency, lang) — unless one is kept
        already (made by another worker meanwhile): that one is returned, never replaced."""
        self._check_ready()
        sha = hashlib.sha256(pdf).hexdigest()
        try:
            with Session(self.writer) as session, session.begin():
                row = self._release_row(session, release)
                kept = session.scalars(select(ProtocolRow).where(
                    ProtocolRow.release_id == row.id, ProtocolRow.constituency == constituency,
                    ProtocolRow.lang == lang)).first()
                if kept is not None:
                    return _stored(release, kept)
                session.add(ProtocolRow(release_id=row.id, constituency=constituency, lang=lang,
                                        sha256=sha, pdf=pdf))
                self._log(session, "protocol", f"release {release} "
                          f"{constituency or 'national'} ({lang})", f"sha256 {sha}")
        except IntegrityError:  # another writer kept one first: theirs stands
            found = self.protocol(release, constituency, lang)
            assert found is not None
            return found
        return StoredProtocol(release=release, constituency=constituency, lang=lang,
                              sha256=sha, pdf=pdf)

    @_guarded
    def signatories(self, release: int, constituency: str | None = None) -> Signatories:
        """Who keyed and checked the sheet versions of `constituency` (every one's when None)
        that were in the chain when release `release` was sealed, and who released it."""
        self._check_ready()
        with Session(self.engine) as session:
            row = self._release_row(session, release)
            query = select(SheetRow.version, SheetRow.author).where(
                SheetRow.election_id == row.election_id, SheetRow.author != "")
            if row.sheet_head is not None:  # the versions the release sealed, no later ones
                last = session.scalar(select(SheetRow.id).where(SheetRow.hash == row.sheet_head))
                query = query.where(SheetRow.id <= (last or 0))
            if constituency is not None:
                query = query.join(StationRow, SheetRow.station_id == StationRow.id).join(
                    CentreRow, StationRow.centre_id == CentreRow.id).join(
                    ConstituencyRow, CentreRow.constituency_id == ConstituencyRow.id).where(
                    ConstituencyRow.name == constituency)
            keyed: set[str] = set()
            checked: set[str] = set()
            for version, author in session.execute(query.distinct()):
                (keyed if version == 1 else checked).add(author)
            return Signatories(keyed=tuple(sorted(keyed)), checked=tuple(sorted(checked)),
                               released=row.author)


def _stored(release: int, row: ProtocolRow) -> StoredProtocol:
    return StoredProtocol(release=release, constituency=row.constituency, lang=row.lang,
                          sha256=row.sha256, pdf=row.pdf)
