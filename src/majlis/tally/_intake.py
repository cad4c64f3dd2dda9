"""Sheets in: each checked against the register and the rules, compared with its double entry,
versioned (a correction is a new version with its reason and author), chained, inserted in bulk —
one transaction per batch — and moved into the running totals when it is the station's counted
sheet. Re-running an ingest skips what is already stored."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import psycopg
from sqlalchemy import Dialect, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from majlis._chain import content_from, encode, link

from ._base import _audited, _guarded
from ._checks import check
from ._devices import Devices, signature_problems
from ._limits import NAME_LENGTH, TEXT_LENGTH, refuse, sheet_problems, text_problems
from ._log import listed
from ._photos import Photos, photo_problem
from ._register import Register, Registry
from ._schema import (
    Base,
    ChainHeadRow,
    CountedRow,
    SheetCandidateVotesRow,
    SheetRow,
    SheetVotesRow,
    TallyRow,
)
from ._values import PRIORITY, Failure, Source, TallySheet

ENTRIES = (Source.ENTRY_A, Source.ENTRY_B)


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestReport:
    """What an ingest did with each sheet it was given."""

    accepted: int = 0
    quarantined: int = 0
    awaiting_second_entry: int = 0
    duplicates: int = 0

    def __add__(self, other: IngestReport) -> IngestReport:
        return IngestReport(
            accepted=self.accepted + other.accepted,
            quarantined=self.quarantined + other.quarantined,
            awaiting_second_entry=self.awaiting_second_entry + other.awaiting_second_entry,
            duplicates=self.duplicates + other.duplicates,
        )


def _figures(sheet: TallySheet, votes: str) -> str:
    """The figures of a sheet, canonically: equal figures, equal digest. `votes`: the JSON of
    the sheet's sorted votes, already written (the chain's content holds it too)."""
    body = encode([sheet.ballots_received, sheet.cast, sheet.valid, sheet.invalid,
                  sheet.spoiled, sheet.unused])[:-1]
    people = encode(sorted(sheet.candidate_votes.items())) if sheet.candidate_votes else "[]"
    return hashlib.sha256(f"{body}, {votes}, {people}]".encode()).hexdigest()


class Intake(Register, Devices, Photos):
    """Sheets in: ingest, correct, and the double entry's agreement."""

    @_audited("sheets")
    @_guarded
    def ingest(
        self,
        sheets: Iterable[TallySheet],
        *,
        batch: int = 500,
        progress: Callable[[int], None] | None = None,
        origins: Sequence[tuple[str, int | None]] = (),
    ) -> IngestReport:
        """Check and store sheets, `batch` per transaction; already-stored sheets are skipped.
        A value no store can hold (over-long, a NUL, a figure past MAX_COUNT) refuses them all
        before any is written; so does a signature that fails, or is missing where the
        election requires signatures — named by `origins` (file, line per sheet) when given."""
        self._check_ready()
        sheets = list(sheets)
        refuse(p for n, sheet in enumerate(sheets, 1) for p in sheet_problems(n, sheet))
        with Session(self.engine) as session:
            registry = self._registry(session)
            keys, required = self._signing(session)
            unknown = self._unknown_photos(session, sheets)
        refuse(signature_problems(self.election, sheets, keys, required=required,
                                  origins=origins))
        refuse(photo_problem(s.station, s.photo) for s in sheets if s.photo in unknown)
        report = IngestReport()
        for chunk in _chunks(sheets, batch):
            report += self._store_batch(chunk, kind="sheets", reason="", author="",
                                        registry=registry)
            if progress:
                progress(len(chunk))
        return report

    @_audited("correction")
    @_guarded
    def correct(self, sheet: TallySheet, *, reason: str, author: str) -> IngestReport:
        """A corrected sheet: a new version beside the old, with the reason and its author."""
        self._check_ready()
        refuse([*text_problems("correction", (("reason", reason, TEXT_LENGTH),
                                         ("author", author, NAME_LENGTH)), required=True),
                 *sheet_problems(1, sheet)])
        with Session(self.engine) as session:  # a person corrects: signed only if a device did
            keys, _ = self._signing(session)
            unknown = self._unknown_photos(session, [sheet])
        refuse(signature_problems(self.election, [sheet], keys, required=False))
        refuse([photo_problem(sheet.station, sheet.photo)] if unknown else [])
        return self._store_batch([sheet], kind="correction", reason=reason, author=author)

    def _store_batch(self, sheets: list[TallySheet], *, kind: str, reason: str, author: str,
                     registry: Registry | None = None) -> IngestReport:
        """One transaction: check each sheet, chain it, insert the batch in bulk and log it —
        sent again if the server drops the connection mid-batch. Had the commit reached the
        server before the drop, the batch sent again finds its sheets stored and skips them: a
        restart neither loses a sheet nor stores one twice."""
        def batch() -> IngestReport:
            with Session(self.writer) as session, session.begin():
                head = session.scalars(
                    select(ChainHeadRow).where(ChainHeadRow.id == 1).with_for_update()).one()
                report, _ = self._store_in(session, head, sheets, reason=reason, author=author,
                                           registry=registry)
                self._log(session, kind, listed([f"{s.station} {s.source}" for s in sheets]),
                          described(report) + (f"; reason: {reason}" if reason else ""))
                return report
        return self._through_drops(batch)

    def _store_in(self, session: Session, head: ChainHeadRow, sheets: list[TallySheet], *,
                  reason: str, author: str, registry: Registry | None = None,
                  settled: bool = False, held: Sequence[Failure] = ()
                  ) -> tuple[IngestReport, list[tuple[int, int, str]]]:
        """Check, chain and insert `sheets` in the caller's transaction, which holds the
        chain's `head` locked; the report and (id, version, status) of each version stored.

        `settled`: a supervisor has settled the double entry, so the entries are not compared
        with each other again; `held`: failures a supervisor adds (a recount ordered)."""
        counts = dict.fromkeys(("accepted", "quarantined", "awaiting-second-entry"), 0)
        duplicates = 0
        known = registry or self._registry(session, {s.station for s in sheets})
        election = self._scope(session)
        latest = self._latest(session, election, {s.station for s in sheets})
        rows: list[dict[str, object]] = []
        kept: list[tuple[TallySheet, int, str]] = []  # (sheet, version, status) per row
        for sheet in sheets:
            prior = latest.get((sheet.station, sheet.source.value))
            votes = encode(sorted(sheet.votes.items()))
            digest = _figures(sheet, votes)
            failures = [*check(sheet, known.stations, known.lists, known.candidates,
                               unregistered_ceiling=self.unregistered_ceiling), *held]
            if prior is not None and prior[1] == digest and not reason:
                duplicates += 1
                continue
            if prior is not None and not reason:
                failures.append(Failure(rule="one-sheet-per-station-and-source", message=(
                    f"version {prior[0]} from {sheet.source} differs; use a correction")))
            status = "accepted" if not failures else "quarantined"
            if not failures and sheet.source in ENTRIES and not settled:
                other = Source.ENTRY_B if sheet.source is Source.ENTRY_A else Source.ENTRY_A
                twin = latest.get((sheet.station, other.value))
                if twin is None:
                    status = "awaiting-second-entry"
                elif twin[1] != digest:
                    failures.append(Failure(rule="double-entry-agrees", message=(
                        f"differs from {other} version {twin[0]}: a supervisor decides")))
                    status = "quarantined"
            version = prior[0] + 1 if prior else 1
            row: dict[str, object] = {
                "election_id": election, "station": sheet.station, "source": sheet.source.value,
                "version": version, "status": status, "received_at": sheet.received_at,
                "received_by": sheet.received_by, "ballots_received": sheet.ballots_received,
                "cast": sheet.cast, "valid": sheet.valid, "invalid": sheet.invalid,
                "spoiled": sheet.spoiled, "unused": sheet.unused,
                "failures": encode([[f.rule, f.message] for f in failures])
                if failures else "",
                "reason": reason, "author": author, "key_id": sheet.key_id,
                "signature": sheet.signature, "photo": sheet.photo,
            }
            content = content_from(self.election, row, f"{votes}, " + (encode(sorted(
                (p, c, n) for (p, c), n in sheet.candidate_votes.items()))
                if sheet.candidate_votes else "[]"))
            row |= {"station_id": known.ids.get(sheet.station), "figures_hash": digest,
                    "content_hash": content, "prev_hash": head.hash,
                    "hash": link(head.hash, content)}
            head.hash = str(row["hash"])
            latest[(sheet.station, sheet.source.value)] = (version, digest)
            rows.append(row)
            kept.append((sheet, version, status))
            counts[status] += 1
        if rows:
            stored = list(zip(self._insert_sheets(session, rows), kept, strict=True))
            self._insert_rows(session, SheetVotesRow, ("sheet_id", "list_name", "votes"), [
                (sheet_id, list_name, n)
                for sheet_id, (sheet, _, _) in stored for list_name, n in sheet.votes.items()])
            self._insert_rows(
                session, SheetCandidateVotesRow, ("sheet_id", "list_name", "candidate", "votes"),
                [(sheet_id, p, c, n) for sheet_id, (sheet, _, _) in stored
                 for (p, c), n in sheet.candidate_votes.items()])
            self._count(session, election, known, [
                (sheet_id, sheet, version)
                for sheet_id, (sheet, version, status) in stored if status == "accepted"])
            return IngestReport(
                accepted=counts["accepted"], quarantined=counts["quarantined"],
                awaiting_second_entry=counts["awaiting-second-entry"],
                duplicates=duplicates), [(i, v, st) for i, (_, v, st) in stored]
        return IngestReport(duplicates=duplicates), []

    def _insert_sheets(self, session: Session, rows: list[dict[str, object]]) -> list[int]:
        """Insert the sheet versions `rows` (every column but the id) in one statement, and
        their new ids in the rows' order: the chain's order is the ids' order. The caller holds
        the chain's head, so no other writer takes ids meanwhile on SQLite; PostgreSQL's
        sequence hands them out ascending."""
        dialect = self.engine.dialect
        connection = session.connection()
        if dialect.name == "postgresql":
            ids = sorted(connection.exec_driver_sql(
                "SELECT nextval(pg_get_serial_sequence('tally_sheets', 'id')) "
                "FROM generate_series(1, %(n)s)", {"n": len(rows)}).scalars())
        else:
            first = 1 + (connection.exec_driver_sql(
                "SELECT max(id) FROM tally_sheets").scalar() or 0)
            ids = list(range(first, first + len(rows)))
        self._insert_rows(session, SheetRow, ("id", *rows[0]),
                          [(i, *row.values()) for i, row in zip(ids, rows, strict=True)])
        return ids

    def _insert_rows(self, session: Session, table: type[Base], columns: tuple[str, ...],
                     rows: list[tuple[object, ...]]) -> None:
        """Rows of `table` in bulk, in the session's transaction: PostgreSQL's COPY (the rows
        written as its text in one piece, not a call a row), else one executemany."""
        if not rows:  # a station where nobody voted sends a sheet with no votes
            return
        name = table.__tablename__
        dialect = self.engine.dialect
        if dialect.name == "postgresql":
            connection = session.connection()
            cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            statement = f"COPY {name} ({_named(dialect, columns)}) FROM STDIN"
            try:
                with cursor.copy(statement) as copy:
                    copy.write(_copy_text(rows))
            except psycopg.Error as error:  # as SQLAlchemy's own statements fail: a dropped
                # connection invalidated and the batch sent again, a refusal a StoreError
                connection._handle_dbapi_exception(error, statement, None, cursor, None)
            return
        session.connection().exec_driver_sql(
            f"INSERT INTO {name} ({_named(dialect, columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})", rows)

    def _count(self, session: Session, election: int, known: Registry,
               accepted: list[tuple[int, TallySheet, int]]) -> None:
        """Move each station's counted sheet to the best accepted one, and the running totals
        by the difference (the old sheet's votes out, the new one's in).

        `accepted`: (sheet id, sheet, version) of the sheets just stored as accepted; an accepted
        sheet always names a registered station."""
        if not accepted:
            return
        current = {r.station_id: r for r in session.scalars(select(CountedRow).where(
            CountedRow.station_id.in_({known.ids[s.station] for _, s, _ in accepted})))}
        best: dict[int, tuple[tuple[int, int], int, TallySheet]] = {}
        for sheet_id, sheet, version in accepted:
            station_id = known.ids[sheet.station]
            rank = (PRIORITY[sheet.source], version)
            old = current.get(station_id)
            if (old is None or rank > (old.priority, old.version)) and (
                    station_id not in best or rank > best[station_id][0]):
                best[station_id] = (rank, sheet_id, sheet)
        if not best:
            return
        replaced = [current[s].sheet_id for s in best if s in current]
        old_votes: dict[int, list[tuple[str, int]]] = {}
        for sheet_id, list_name, n in session.execute(
                select(SheetVotesRow.sheet_id, SheetVotesRow.list_name, SheetVotesRow.votes)
                .where(SheetVotesRow.sheet_id.in_(replaced))):
            old_votes.setdefault(sheet_id, []).append((list_name, n))
        delta: dict[tuple[str, str], Counter[str]] = {}  # (constituency, type) → list → votes
        for station_id, (_, _, sheet) in best.items():
            station = known.stations[sheet.station]
            moved = delta.setdefault((station.constituency, station.voting_type.value), Counter())
            if station_id in current:
                moved.subtract(dict(old_votes.get(current[station_id].sheet_id, [])))
                session.delete(current[station_id])
            moved.update(sheet.votes)
        session.flush()
        self._insert_rows(session, CountedRow, ("station_id", "sheet_id", "priority", "version"),
                          [(s, sheet_id, *rank) for s, (rank, sheet_id, _) in best.items()])
        totals = [{"election_id": election, "constituency": c, "voting_type": t, "list_name": p,
                   "votes": n} for (c, t), moved in delta.items() for p, n in moved.items()]
        if not totals:
            return
        upsert = (postgresql_insert if self.engine.dialect.name == "postgresql"
                  else sqlite_insert)(TallyRow)
        session.execute(upsert.on_conflict_do_update(
            index_elements=["election_id", "constituency", "voting_type", "list_name"],
            set_={"votes": TallyRow.votes + upsert.excluded.votes}), totals)

    @staticmethod
    def _latest(session: Session, election: int, stations: set[str]
                ) -> dict[tuple[str, str], tuple[int, str]]:
        """(version, figures digest) of the latest stored version per (station, source)."""
        found: dict[tuple[str, str], tuple[int, str]] = {}
        for station, source, version, same in session.execute(
                select(SheetRow.station, SheetRow.source, SheetRow.version, SheetRow.figures_hash)
                .where(SheetRow.election_id == election, SheetRow.station.in_(stations))):
            if (station, source) not in found or found[(station, source)][0] < version:
                found[(station, source)] = (version, same)
        return found



def _named(dialect: Dialect, columns: Iterable[str]) -> str:
    """Column names for raw SQL, quoted where the dialect needs it (`cast` is a keyword)."""
    return ", ".join(dialect.identifier_preparer.quote(c) for c in columns)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(rows: Iterable[tuple[object, ...]]) -> str:
    """`rows` in COPY's text format: tab-separated, a line each, NULL as \\N, and in text the
    backslash, tab and line breaks escaped. Each distinct value is written once: a batch's
    vote rows repeat the same few list names and sheet ids."""
    written: dict[object, str] = {}

    def write(value: object) -> str:
        text = ("\\N" if value is None else value.translate(_COPY_ESCAPES)
                if isinstance(value, str) else str(value))
        written[value] = text
        return text

    return "".join(["\t".join([written[v] if v in written else write(v) for v in row]) + "\n"
                    for row in rows])


def described(report: IngestReport) -> str:
    """What an ingest did, as the audit log says it."""
    return (f"accepted {report.accepted}, quarantined {report.quarantined}, awaiting second "
            f"entry {report.awaiting_second_entry}, duplicates {report.duplicates}")


def _chunks(items: Iterable[TallySheet], size: int) -> Iterator[list[TallySheet]]:
    chunk: list[TallySheet] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
