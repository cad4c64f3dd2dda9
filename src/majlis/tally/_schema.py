"""The tables. Sheets are append-only: a correction is a new version, never an UPDATE of votes.

Every stored version carries the hash of the version stored before it (one chain over the whole
store, serialised by locking the chain's head row), so altering or deleting any stored sheet
breaks the chain from that point on.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from majlis._chain import GENESIS


class Base(DeclarativeBase):
    # Named constraints, so that later migrations can alter them on every database.
    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s"})


class ElectionRow(Base):
    """One election; a store may keep several (each night's registry and sheets apart)."""

    __tablename__ = "elections"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # The digest of its last release: removing the newest release shows.
    release_head: Mapped[str] = mapped_column(String(64), default=GENESIS,
                                              server_default=GENESIS)
    # Every sheet ingested must be signed by a registered device (`Store.require_signatures`).
    signatures_required: Mapped[bool] = mapped_column(Boolean, default=False,
                                                      server_default=false())


class DeviceRow(Base):
    """A counting device registered before polling day with its Ed25519 public key."""

    __tablename__ = "devices"
    __table_args__ = (UniqueConstraint("election_id", "key_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id"))
    key_id: Mapped[str] = mapped_column(String(16))  # SHA-256 of the key, its first 16 hex
    public_key: Mapped[str] = mapped_column(String(64))  # the raw 32 bytes, in hexadecimal
    name: Mapped[str] = mapped_column(String(200))


class ConstituencyRow(Base):
    __tablename__ = "constituencies"
    __table_args__ = (UniqueConstraint("election_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id"))
    name: Mapped[str] = mapped_column(String(200))


class CentreRow(Base):
    __tablename__ = "polling_centres"
    __table_args__ = (UniqueConstraint("constituency_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    constituency_id: Mapped[int] = mapped_column(ForeignKey("constituencies.id"))
    code: Mapped[str] = mapped_column(String(100))


class StationRow(Base):
    __tablename__ = "polling_stations"
    __table_args__ = (UniqueConstraint("election_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id"))
    code: Mapped[str] = mapped_column(String(100))
    centre_id: Mapped[int] = mapped_column(ForeignKey("polling_centres.id"))
    voting_type: Mapped[str] = mapped_column(String(40))
    registered: Mapped[int] = mapped_column(Integer)


class ListRow(Base):
    __tablename__ = "lists"
    __table_args__ = (UniqueConstraint("constituency_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    constituency_id: Mapped[int] = mapped_column(ForeignKey("constituencies.id"))
    name: Mapped[str] = mapped_column(String(300))


class ListAliasRow(Base):
    """Another spelling of a list, registered from a lists file's `alias` column: every later
    sheet, correction and reading of the election spells the list one way."""

    __tablename__ = "list_aliases"
    __table_args__ = (UniqueConstraint("election_id", "alias"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id"))
    alias: Mapped[str] = mapped_column(String(300))
    list_name: Mapped[str] = mapped_column(String(300))


class SheetRow(Base):
    """One version of one station's sheet from one source."""

    __tablename__ = "tally_sheets"
    __table_args__ = (UniqueConstraint("election_id", "station", "source", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id"), index=True)
    station: Mapped[str] = mapped_column(String(100), index=True)  # as written on the sheet
    station_id: Mapped[int | None] = mapped_column(ForeignKey("polling_stations.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(40), index=True)  # see Intake._store_batch
    received_at: Mapped[str] = mapped_column(String(40))
    received_by: Mapped[str] = mapped_column(String(200))
    ballots_received: Mapped[int] = mapped_column(Integer)
    cast: Mapped[int] = mapped_column(Integer)
    valid: Mapped[int] = mapped_column(Integer)
    invalid: Mapped[int] = mapped_column(Integer)
    spoiled: Mapped[int] = mapped_column(Integer)
    unused: Mapped[int] = mapped_column(Integer)
    failures: Mapped[str] = mapped_column(Text, default="")  # JSON list of failed rules
    reason: Mapped[str] = mapped_column(Text, default="")  # why this version was stored
    author: Mapped[str] = mapped_column(String(200), default="")
    figures_hash: Mapped[str] = mapped_column(String(64))  # equal figures, equal digest
    key_id: Mapped[str] = mapped_column(String(16), default="", server_default="")  # signer
    signature: Mapped[str] = mapped_column(String(128), default="", server_default="")
    photo: Mapped[str] = mapped_column(String(64), default="", server_default="")  # its SHA-256
    content_hash: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class SheetVotesRow(Base):
    """A list's votes on a sheet version; on SQLite kept in its key's order (WITHOUT ROWID,
    migration 0011): one B-tree entry a row, a sheet's votes side by side."""

    __tablename__ = "sheet_votes"
    __table_args__ = ({"sqlite_with_rowid": False},)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("tally_sheets.id"), primary_key=True)
    list_name: Mapped[str] = mapped_column(String(300), primary_key=True)
    votes: Mapped[int] = mapped_column(Integer)


class CountedRow(Base):
    """The sheet each station counts with now: its best accepted version (kept up to date on
    ingest, so results need not rank every sheet again)."""

    __tablename__ = "counted"
    station_id: Mapped[int] = mapped_column(ForeignKey("polling_stations.id"), primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("tally_sheets.id"))
    priority: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)


class TallyRow(Base):
    """Running totals of the counted sheets per constituency, voting type and list (64-bit: a
    sum of many 32-bit sheet figures)."""

    __tablename__ = "tallies"
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id"), primary_key=True)
    constituency: Mapped[str] = mapped_column(String(200), primary_key=True)
    voting_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    list_name: Mapped[str] = mapped_column(String(300), primary_key=True)
    votes: Mapped[int] = mapped_column(BigInteger)


class ChainHeadRow(Base):
    """The single row holding the last hash; writers lock it, so the chain has one order."""

    __tablename__ = "chain_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    hash: Mapped[str] = mapped_column(String(64))


class ReleaseRow(Base):
    """A published snapshot of the results; never changed once written. Its digest covers what
    it says and where the store stood (`Store.release`); each follows the one before it.
    Releases from before the release chain have no `sheet_head` and a digest of their payload
    alone."""

    __tablename__ = "releases"
    __table_args__ = (UniqueConstraint("election_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id"))
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(200), default="", server_default="")
    prev_digest: Mapped[str | None] = mapped_column(String(64))
    sheet_head: Mapped[str | None] = mapped_column(String(64))  # the sheet chain's head then
    sheets: Mapped[int | None] = mapped_column(Integer)  # sheet versions in the chain then


class CandidateRow(Base):
    __tablename__ = "candidates"
    __table_args__ = (UniqueConstraint("constituency_id", "list_name", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    constituency_id: Mapped[int] = mapped_column(ForeignKey("constituencies.id"))
    list_name: Mapped[str] = mapped_column(String(300))
    name: Mapped[str] = mapped_column(String(300))


class SheetCandidateVotesRow(Base):
    """A candidate's votes on a sheet version; on SQLite WITHOUT ROWID, as the lists' votes."""

    __tablename__ = "sheet_candidate_votes"
    __table_args__ = ({"sqlite_with_rowid": False},)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("tally_sheets.id"), primary_key=True)
    list_name: Mapped[str] = mapped_column(String(300), primary_key=True)
    candidate: Mapped[str] = mapped_column(String(300), primary_key=True)
    votes: Mapped[int] = mapped_column(Integer)


class EntryRow(Base):
    """A sheet keyed at the results centre's desk: the idempotency key its browser sent (a
    re-sent entry is answered from here, never stored twice), the clerk who keyed it and whether
    they marked the sheet blank. The version itself, with the clerk as its author, is chained."""

    __tablename__ = "desk_entries"
    __table_args__ = (UniqueConstraint("election_id", "entry_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id"))
    entry_key: Mapped[str] = mapped_column(String(64))
    sheet_id: Mapped[int] = mapped_column(ForeignKey("tally_sheets.id"), index=True)
    clerk: Mapped[str] = mapped_column(String(200))
    blank: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class AuditRow(Base):
    """One line of the audit log: who did what, when, from where, and how it ended. Written in
    the transaction of the write it records (a write rolled back leaves no line claiming it),
    never updated or deleted, and never holding a password, a token or a password hash."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[str] = mapped_column(String(40), index=True)  # UTC, ISO 8601 to the microsecond
    election: Mapped[str] = mapped_column(String(200))
    user_name: Mapped[str] = mapped_column(String(200), index=True)
    role: Mapped[str] = mapped_column(String(40))
    address: Mapped[str] = mapped_column(String(100), index=True)
    action: Mapped[str] = mapped_column(String(200))  # the route or command
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(Text)  # what it was done to
    outcome: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text)


class RevocationRow(Base):
    """Tokens refused from now on: one token (by its id, at sign-out), or every token of a user
    issued before `at` (an administrator's revocation). Kept in the store so that every worker
    refuses them."""

    __tablename__ = "token_revocations"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_name: Mapped[str] = mapped_column(String(200), index=True)
    token: Mapped[str] = mapped_column(String(64))  # a token's id; '' for all the user's tokens
    at: Mapped[str] = mapped_column(String(40))


class SignInFailureRow(Base):
    """A failed sign-in (or one under way) by name or by address — `key` — kept only as long as
    the longest window the service counts failures over: the counters every worker shares."""

    __tablename__ = "sign_in_failures"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), index=True)
    at: Mapped[str] = mapped_column(String(40), index=True)


class StageRow(Base):
    """A stage of the certification timeline (`_certify`): entered once by a publisher, never
    changed; its digest covers what it says and the stage before it, so a row altered or
    removed outside majlis is found when the stages are read."""

    __tablename__ = "certification_stages"
    __table_args__ = (UniqueConstraint("election_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id"))
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    published_on: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    prev_digest: Mapped[str] = mapped_column(String(64))


class ProtocolRow(Base):
    """A results protocol as it was first produced for a release — per constituency (or
    national: constituency "") and language — kept byte for byte with its SHA-256; never
    changed once written, so asking again gives the same file and `majlis verify` has the
    original to compare a copy against."""

    __tablename__ = "protocols"
    __table_args__ = (UniqueConstraint("release_id", "constituency", "lang"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"))
    constituency: Mapped[str] = mapped_column(String(200))
    lang: Mapped[str] = mapped_column(String(8))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)


class PhotoRow(Base):
    """A tally sheet's scan or photo, uploaded at the desk: kept once per election by its SHA-256,
    which the sheet versions keyed from it carry (and chain)."""

    __tablename__ = "sheet_photos"
    __table_args__ = (UniqueConstraint("election_id", "sha256"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class CaseRow(Base):
    """One step of a case at the desk — a complaint about a station's sheet, or an accepted
    sheet pulled back into audit — with its author, reason and time (UTC). Append-only: a case
    moves by a new step (its steps share the case's `number`, 1, 2, … per election), never by an
    UPDATE, so who filed, approved and decided stays on record."""

    __tablename__ = "desk_cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    station: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # complaint, audit
    step: Mapped[str] = mapped_column(String(20))  # see _cases.STEPS
    author: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[str] = mapped_column(String(40))
