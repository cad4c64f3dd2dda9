"""The tally store: sheets in (checked, hash-chained, append-only), results out, in SQL.

SQLite by default (a file, no server), PostgreSQL by URL: the same code and the same tests run on
both. Each batch of sheets is one transaction, so a crash leaves every sheet wholly in or wholly
out, and re-running an ingest skips what is already stored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack, closing
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, func, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased

from majlis.errors import StoreError

from ._checks import check
from ._releases import Release, digest, from_payload, payload
from ._results import (
    CandidateCount,
    CentreCount,
    ConstituencyCount,
    by_candidate,
    by_centre,
    recount,
    running,
)
from ._schema import (
    CandidateRow,
    CentreRow,
    ChainHeadRow,
    ConstituencyRow,
    CountedRow,
    ElectionRow,
    ListRow,
    ReleaseRow,
    SheetCandidateVotesRow,
    SheetRow,
    SheetVotesRow,
    StationRow,
    TallyRow,
)
from ._values import Failure, SheetVersion, Source, Station, TallySheet, VotingType

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True, kw_only=True)
class Registry:
    """What is registered: stations (and their row ids), lists and candidates."""

    stations: dict[str, Station]
    ids: dict[str, int]
    lists: dict[str, frozenset[str]]
    candidates: dict[str, frozenset[tuple[str, str]]]
ENTRIES = (Source.ENTRY_A, Source.ENTRY_B)
# When a station has sheets from several sources, results take the most trustworthy accepted one.
PRIORITY = {Source.MANUAL: 3, Source.MACHINE: 2, Source.ENTRY_A: 1, Source.ENTRY_B: 1}


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


@dataclass(frozen=True, slots=True, kw_only=True)
class Quarantined:
    station: str
    source: str
    version: int
    failures: tuple[Failure, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ChainCheck:
    """The chain's verdict: how many versions were checked and the first one that fails."""

    checked: int
    broken: tuple[str, str, int] | None  # (station, source, version)
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken is None


def _figures(sheet: TallySheet) -> str:
    """The figures of a sheet, canonically: equal figures, equal digest."""
    body = [sheet.ballots_received, sheet.cast, sheet.valid, sheet.invalid, sheet.spoiled,
            sheet.unused, sorted(sheet.votes.items()), sorted(sheet.candidate_votes.items())]
    return hashlib.sha256(json.dumps(body, ensure_ascii=False).encode()).hexdigest()


CHAINED = ("station", "source", "version", "status", "received_at", "received_by",
           "ballots_received", "cast", "valid", "invalid", "spoiled", "unused", "failures",
           "reason", "author")


def _content(election: str, fields: Mapping[str, object], votes: Iterable[tuple[str, int]],
             candidate_votes: Iterable[tuple[str, str, int]]) -> str:
    """Everything a stored version says, canonically, for the hash chain."""
    body = [election, *(fields[k] for k in CHAINED), sorted(votes), sorted(candidate_votes)]
    return hashlib.sha256(json.dumps(body, ensure_ascii=False).encode()).hexdigest()


def _link(prev: str, content: str) -> str:
    return hashlib.sha256(f"{prev}:{content}".encode()).hexdigest()


class Store:
    """A tally store at a database URL, working on one of its elections (by name)."""

    def __init__(self, url: str, election: str = "default") -> None:
        self.url = url
        self.election = election
        self._election_id: int | None = None
        self.engine: Engine = create_engine(url)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin)
        # Writers take SQLite's write lock at BEGIN, so two workers cannot interleave the chain;
        # readers begin plainly and, in WAL mode, never wait for a writer.
        self.writer: Engine = self.engine.execution_options(writer=True)
        self._ready = False

    def close(self) -> None:
        """Release the store's database connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _check_ready(self) -> None:
        """Refuse to work on a store that is not initialised or has an older schema."""
        if self._ready:
            return
        head = ScriptDirectory.from_config(self._migrations()).get_current_head()
        with self.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
        if current != head:
            state = "is not initialised" if current is None else (
                f"has schema {current}, this majlis needs {head}")
            raise StoreError(f"the tally store at {self.url} {state}: run `majlis db init`")
        self._ready = True

    def _migrations(self) -> Config:
        config = Config()
        config.set_main_option("script_location",
                               str(resources.files("majlis.tally").joinpath("migrations")))
        config.attributes["engine"] = self.engine
        return config

    def init(self) -> None:
        """Create or upgrade the schema (Alembic migrations), and the chain's head; a new SQLite
        file's folder is made too."""
        if self.engine.dialect.name == "sqlite" and self.engine.url.database not in (None, "",
                                                                                      ":memory:"):
            Path(str(self.engine.url.database)).parent.mkdir(parents=True, exist_ok=True)
        command.upgrade(self._migrations(), "head")
        self._ready = True
        with Session(self.writer) as session, session.begin():
            if session.get(ChainHeadRow, 1) is None:
                session.add(ChainHeadRow(id=1, hash=GENESIS))
            self._scope(session, create=True)

    def _scope(self, session: Session, *, create: bool = False) -> int:
        """The id of this store's election (created by `init` and `register` when new)."""
        if self._election_id is None:
            found = session.scalar(select(ElectionRow.id).where(ElectionRow.name == self.election))
            if found is None and not create:
                raise StoreError(f"no election named {self.election!r} in {self.url}: "
                                 "register its stations first (`majlis ingest`)")
            if found is None:
                row = ElectionRow(name=self.election)
                session.add(row)
                session.flush()
                found = row.id
            self._election_id = found
        return self._election_id

    def register(self, stations: Iterable[Station], lists: Iterable[tuple[str, str]],
                 candidates: Iterable[tuple[str, str, str]] = ()) -> None:
        """Add constituencies, centres, stations, the lists standing in each constituency and
        their candidates (constituency, list, candidate)."""
        self._check_ready()
        with Session(self.writer) as session, session.begin():
            election = self._scope(session, create=True)
            constituency_ids = {r.name: r.id for r in session.scalars(
                select(ConstituencyRow).where(ConstituencyRow.election_id == election))}
            centre_ids = {(r.constituency_id, r.code): r.id
                          for r in session.scalars(select(CentreRow))}

            def constituency(name: str) -> int:
                if name not in constituency_ids:
                    row = ConstituencyRow(election_id=election, name=name)
                    session.add(row)
                    session.flush()
                    constituency_ids[name] = row.id
                return constituency_ids[name]

            known = set(session.scalars(
                select(StationRow.code).where(StationRow.election_id == election)))
            for s in stations:
                cid = constituency(s.constituency)
                if (cid, s.centre) not in centre_ids:
                    centre = CentreRow(constituency_id=cid, code=s.centre)
                    session.add(centre)
                    session.flush()
                    centre_ids[(cid, s.centre)] = centre.id
                if s.code not in known:
                    session.add(StationRow(election_id=election, code=s.code,
                                           centre_id=centre_ids[(cid, s.centre)],
                                           voting_type=s.voting_type.value,
                                           registered=s.registered))
                    known.add(s.code)
            standing = {(r.constituency_id, r.name) for r in session.scalars(select(ListRow))}
            for name, party in lists:
                key = (constituency(name), party)
                if key not in standing:
                    session.add(ListRow(constituency_id=key[0], name=party))
                    standing.add(key)
            running = {(r.constituency_id, r.list_name, r.name)
                       for r in session.scalars(select(CandidateRow))}
            for name, party, candidate in candidates:
                person = (constituency(name), party, candidate)
                if person not in running:
                    session.add(CandidateRow(constituency_id=person[0], list_name=party,
                                             name=candidate))
                    running.add(person)

    def _registry(self, session: Session) -> Registry:
        election = self._scope(session)
        rows = session.execute(
            select(StationRow, CentreRow.code, ConstituencyRow.name)
            .join(CentreRow, StationRow.centre_id == CentreRow.id)
            .join(ConstituencyRow, CentreRow.constituency_id == ConstituencyRow.id)
            .where(StationRow.election_id == election))
        stations, ids = {}, {}
        for station, centre, constituency in rows:
            stations[station.code] = Station(
                code=station.code, centre=centre, constituency=constituency,
                voting_type=VotingType(station.voting_type), registered=station.registered)
            ids[station.code] = station.id
        lists: dict[str, set[str]] = {}
        for name, party in session.execute(
                select(ConstituencyRow.name, ListRow.name)
                .join(ListRow, ListRow.constituency_id == ConstituencyRow.id)
                .where(ConstituencyRow.election_id == election)):
            lists.setdefault(name, set()).add(party)
        people: dict[str, set[tuple[str, str]]] = {}
        for name, party, candidate in session.execute(
                select(ConstituencyRow.name, CandidateRow.list_name, CandidateRow.name)
                .join(CandidateRow, CandidateRow.constituency_id == ConstituencyRow.id)
                .where(ConstituencyRow.election_id == election)):
            people.setdefault(name, set()).add((party, candidate))
        return Registry(stations=stations, ids=ids,
                        lists={k: frozenset(v) for k, v in lists.items()},
                        candidates={k: frozenset(v) for k, v in people.items()})

    def ingest(
        self,
        sheets: Iterable[TallySheet],
        *,
        batch: int = 500,
        progress: Callable[[int], None] | None = None,
    ) -> IngestReport:
        """Check and store sheets, `batch` per transaction; already-stored sheets are skipped."""
        self._check_ready()
        with Session(self.engine) as session:
            registry = self._registry(session)
        report = IngestReport()
        for chunk in _chunks(sheets, batch):
            report += self._store(chunk, reason="", author="", registry=registry)
            if progress:
                progress(len(chunk))
        return report

    def correct(self, sheet: TallySheet, *, reason: str, author: str) -> IngestReport:
        """A corrected sheet: a new version beside the old, with the reason and its author."""
        self._check_ready()
        if not reason or not author:
            raise ValueError("a correction needs a reason and an author")
        return self._store([sheet], reason=reason, author=author)

    def _store(self, sheets: list[TallySheet], *, reason: str, author: str,
               registry: Registry | None = None) -> IngestReport:
        """One transaction: check each sheet, chain it, and insert the batch in bulk."""
        counts = dict.fromkeys(("accepted", "quarantined", "awaiting-second-entry"), 0)
        duplicates = 0
        with Session(self.writer) as session, session.begin():
            head = session.scalars(
                select(ChainHeadRow).where(ChainHeadRow.id == 1).with_for_update()).one()
            known = registry or self._registry(session)
            election = self._scope(session)
            latest = self._latest(session, election, {s.station for s in sheets})
            rows: list[dict[str, object]] = []
            kept: list[tuple[TallySheet, int, str]] = []  # (sheet, version, status) per row
            for sheet in sheets:
                prior = latest.get((sheet.station, sheet.source.value))
                digest = _figures(sheet)
                failures = list(check(sheet, known.stations, known.lists, known.candidates))
                if prior is not None and prior[1] == digest and not reason:
                    duplicates += 1
                    continue
                if prior is not None and not reason:
                    failures.append(Failure(rule="one-sheet-per-station-and-source", message=(
                        f"version {prior[0]} from {sheet.source} differs; use a correction")))
                status = "accepted" if not failures else "quarantined"
                if not failures and sheet.source in ENTRIES:
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
                    "failures": json.dumps([[f.rule, f.message] for f in failures],
                                           ensure_ascii=False) if failures else "",
                    "reason": reason, "author": author,
                }
                content = _content(self.election, row, sheet.votes.items(),
                                   ((p, c, n) for (p, c), n in sheet.candidate_votes.items()))
                row |= {"station_id": known.ids.get(sheet.station), "figures_hash": digest,
                        "content_hash": content, "prev_hash": head.hash,
                        "hash": _link(head.hash, content)}
                head.hash = str(row["hash"])
                latest[(sheet.station, sheet.source.value)] = (version, digest)
                rows.append(row)
                kept.append((sheet, version, status))
                counts[status] += 1
            if rows:
                new_ids = session.scalars(
                    insert(SheetRow).returning(SheetRow.id, sort_by_parameter_order=True),
                    rows).all()
                stored = list(zip(new_ids, kept, strict=True))
                self._insert_votes(session, [
                    (sheet_id, party, n)
                    for sheet_id, (sheet, _, _) in stored for party, n in sheet.votes.items()])
                candidate_rows = [
                    {"sheet_id": sheet_id, "list_name": p, "candidate": c, "votes": n}
                    for sheet_id, (sheet, _, _) in stored
                    for (p, c), n in sheet.candidate_votes.items()]
                if candidate_rows:
                    session.execute(insert(SheetCandidateVotesRow), candidate_rows)
                self._count(session, election, known, [
                    (sheet_id, sheet, version)
                    for sheet_id, (sheet, version, status) in stored if status == "accepted"])
        return IngestReport(accepted=counts["accepted"], quarantined=counts["quarantined"],
                            awaiting_second_entry=counts["awaiting-second-entry"],
                            duplicates=duplicates)

    def _insert_votes(self, session: Session, rows: list[tuple[int, str, int]]) -> None:
        """The sheets' vote rows: PostgreSQL's COPY where available, else executemany."""
        if not rows:  # a station where nobody voted sends a sheet with no votes
            return
        if self.engine.dialect.name == "postgresql":
            cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            with cursor.copy("COPY sheet_votes (sheet_id, list_name, votes) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        session.execute(insert(SheetVotesRow), [
            {"sheet_id": sheet_id, "list_name": party, "votes": n} for sheet_id, party, n in rows])

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
        for sheet_id, party, n in session.execute(
                select(SheetVotesRow.sheet_id, SheetVotesRow.list_name, SheetVotesRow.votes)
                .where(SheetVotesRow.sheet_id.in_(replaced))):
            old_votes.setdefault(sheet_id, []).append((party, n))
        delta: dict[tuple[str, str, str], int] = {}
        for station_id, (_, _, sheet) in best.items():
            station = known.stations[sheet.station]
            key = (station.constituency, station.voting_type.value)
            if station_id in current:
                for party, n in old_votes.get(current[station_id].sheet_id, []):
                    delta[(*key, party)] = delta.get((*key, party), 0) - n
                session.delete(current[station_id])
            for party, n in sheet.votes.items():
                delta[(*key, party)] = delta.get((*key, party), 0) + n
        session.flush()
        session.execute(insert(CountedRow), [
            {"station_id": s, "sheet_id": sheet_id, "priority": rank[0], "version": rank[1]}
            for s, (rank, sheet_id, _) in best.items()])
        if not delta:
            return
        upsert = (postgresql_insert if self.engine.dialect.name == "postgresql"
                  else sqlite_insert)(TallyRow)
        session.execute(upsert.on_conflict_do_update(
            index_elements=["election_id", "constituency", "voting_type", "list_name"],
            set_={"votes": TallyRow.votes + upsert.excluded.votes}),
            [{"election_id": election, "constituency": c, "voting_type": t, "list_name": p,
              "votes": n} for (c, t, p), n in delta.items()])

    @staticmethod
    def _latest(session: Session, election: int, stations: set[str]
                ) -> dict[tuple[str, str], tuple[int, str]]:
        """(version, figures digest) of the latest stored version per (station, source)."""
        found: dict[tuple[str, str], tuple[int, str]] = {}
        for station, source, version, figures in session.execute(
                select(SheetRow.station, SheetRow.source, SheetRow.version, SheetRow.figures_hash)
                .where(SheetRow.election_id == election, SheetRow.station.in_(stations))):
            if (station, source) not in found or found[(station, source)][0] < version:
                found[(station, source)] = (version, figures)
        return found

    def quarantined(self) -> list[Quarantined]:
        """Sheets held back and not yet superseded by a later version from the same source (a
        correction resolves a quarantine; the held-back version stays in the history)."""
        self._check_ready()
        with Session(self.engine) as session:
            election = self._scope(session)
            later = aliased(SheetRow)
            superseded = select(later.id).where(
                later.election_id == election, later.station == SheetRow.station,
                later.source == SheetRow.source, later.version > SheetRow.version).exists()
            rows = session.execute(
                select(SheetRow.station, SheetRow.source, SheetRow.version, SheetRow.failures)
                .where(SheetRow.election_id == election, SheetRow.status == "quarantined",
                       ~superseded).order_by(SheetRow.id))
            return [Quarantined(station=code, source=source, version=version,
                                failures=_failures(failures))
                    for code, source, version, failures in rows]

    def history(self, station: str) -> list[SheetVersion]:
        """Every stored version of a station's sheets, from every source, oldest first — the
        trail behind its counted figures, quarantined and superseded versions included."""
        self._check_ready()
        with Session(self.engine) as session:
            rows = session.scalars(select(SheetRow).where(
                SheetRow.election_id == self._scope(session), SheetRow.station == station)
                .order_by(SheetRow.id)).all()
            ids = [row.id for row in rows]
            votes: dict[int, dict[str, int]] = {}
            for sheet_id, party, n in session.execute(
                    select(SheetVotesRow.sheet_id, SheetVotesRow.list_name, SheetVotesRow.votes)
                    .where(SheetVotesRow.sheet_id.in_(ids))):
                votes.setdefault(sheet_id, {})[party] = n
            people: dict[int, dict[tuple[str, str], int]] = {}
            for sheet_id, party, person, n in session.execute(
                    select(SheetCandidateVotesRow.sheet_id, SheetCandidateVotesRow.list_name,
                           SheetCandidateVotesRow.candidate, SheetCandidateVotesRow.votes)
                    .where(SheetCandidateVotesRow.sheet_id.in_(ids))):
                people.setdefault(sheet_id, {})[(party, person)] = n
        return [SheetVersion(
            sheet=TallySheet(
                station=row.station, source=Source(row.source), received_at=row.received_at,
                received_by=row.received_by, ballots_received=row.ballots_received,
                cast=row.cast, valid=row.valid, invalid=row.invalid, spoiled=row.spoiled,
                unused=row.unused, votes=votes.get(row.id, {}),
                candidate_votes=people.get(row.id, {})),
            version=row.version, status=row.status, failures=_failures(row.failures),
            reason=row.reason, author=row.author) for row in rows]

    def verify_chain(self) -> ChainCheck:
        """Recompute every version's hash from what is stored now; name the first mismatch."""
        self._check_ready()
        stream = {"yield_per": 10_000}  # the store may hold millions of rows: never all at once
        with Session(self.engine) as session, ExitStack() as open_results:
            votes = _Ahead(open_results.enter_context(closing(session.execute(
                select(SheetVotesRow.sheet_id, SheetVotesRow.list_name, SheetVotesRow.votes)
                .order_by(SheetVotesRow.sheet_id), execution_options=stream))))
            people = _Ahead(open_results.enter_context(closing(session.execute(
                select(SheetCandidateVotesRow.sheet_id, SheetCandidateVotesRow.list_name,
                       SheetCandidateVotesRow.candidate, SheetCandidateVotesRow.votes)
                .order_by(SheetCandidateVotesRow.sheet_id), execution_options=stream))))
            sheets = open_results.enter_context(closing(session.scalars(
                select(SheetRow).order_by(SheetRow.id), execution_options=stream)))
            prev = GENESIS
            checked = 0
            where = None
            names = dict(session.execute(select(ElectionRow.id, ElectionRow.name)).all())
            for row in sheets:
                code = row.station
                where = (code, row.source, row.version)
                if row.prev_hash != prev:
                    return ChainCheck(checked=checked, broken=where,
                                      reason="a version before this one was removed or altered")
                content = _content(names[row.election_id],
                                   {k: getattr(row, k) for k in CHAINED},
                                   votes.take(row.id), people.take(row.id))
                if content != row.content_hash or _link(prev, content) != row.hash:
                    return ChainCheck(checked=checked, broken=where,
                                      reason="its stored figures no longer match its hash")
                prev = row.hash
                checked += 1
            head = session.get(ChainHeadRow, 1)
            if head is not None and head.hash != prev:
                return ChainCheck(checked=checked, broken=where or ("", "", 0),
                                  reason="the chain's last versions were removed")
            return ChainCheck(checked=checked, broken=None)

    def results(self) -> list[ConstituencyCount]:
        """Votes per constituency, list and voting type from each station's counted sheet —
        its best accepted one: a manual count over the machine's over agreed double entry, the
        latest version of each — read from the running totals kept on ingest."""
        self._check_ready()
        with Session(self.engine) as session:
            return running(session, self._scope(session))

    def release(self, name: str, *, author: str = "") -> Release:
        """Publish the results as they stand: a numbered snapshot that never changes, with who
        published it."""
        self._check_ready()
        with Session(self.writer) as session, session.begin():
            election = self._scope(session)
            results = running(session, election)
            people = by_candidate(session, election, None)
            number = (session.scalar(select(func.max(ReleaseRow.number))
                                     .where(ReleaseRow.election_id == election)) or 0) + 1
            text, created_at = payload(results, people), _now()
            session.add(ReleaseRow(election_id=election, number=number, name=name,
                                   created_at=created_at, payload=text, digest=digest(text),
                                   author=author))
        return Release(number=number, name=name, created_at=created_at,
                       results=tuple(results), digest=digest(text), author=author,
                       candidates=tuple(people))

    def releases(self) -> list[Release]:
        """Every release, oldest first; a release whose stored results were altered is refused."""
        self._check_ready()
        with Session(self.engine) as session:
            rows = session.scalars(select(ReleaseRow)
                                   .where(ReleaseRow.election_id == self._scope(session))
                                   .order_by(ReleaseRow.number)).all()
        found = []
        for row in rows:
            if digest(row.payload) != row.digest:
                raise StoreError(f"release {row.number} was altered after it was published")
            results, people = from_payload(row.payload)
            found.append(Release(number=row.number, name=row.name, created_at=row.created_at,
                                 results=results, digest=row.digest, author=row.author,
                                 candidates=people))
        return found

    def stations(self) -> list[Station]:
        """Every registered polling station, with its voting type and register (read-only)."""
        self._check_ready()
        with Session(self.engine) as session:
            return list(self._registry(session).stations.values())

    def centres(self) -> list[CentreCount]:
        """Results per polling centre, with stations counted."""
        self._check_ready()
        with Session(self.engine) as session:
            return by_centre(session, self._scope(session))

    def candidates(self, constituency: str | None = None) -> list[CandidateCount]:
        """Candidates' personal votes from each station's counted sheet, per constituency and
        list, most votes first: the order open-list seats are filled in."""
        self._check_ready()
        with Session(self.engine) as session:
            return by_candidate(session, self._scope(session), constituency)

    def recount(self) -> list[ConstituencyCount]:
        """The same results recomputed from every stored sheet: the check on the running totals."""
        self._check_ready()
        with Session(self.engine) as session:
            return recount(session, self._scope(session),
                           {s.value: p for s, p in PRIORITY.items()})


class _Ahead:
    """Rows keyed by sheet id, in id order, handed out one sheet at a time as the chain is
    walked — a merge of two ordered streams instead of a dictionary of every row."""

    def __init__(self, rows: Iterable[Any]) -> None:
        self._groups = groupby(rows, key=itemgetter(0))
        self._head = next(self._groups, None)

    def take(self, sheet_id: int) -> list[tuple[Any, ...]]:
        while self._head is not None and self._head[0] < sheet_id:
            self._head = next(self._groups, None)
        if self._head is None or self._head[0] != sheet_id:
            return []
        found = [tuple(row[1:]) for row in self._head[1]]
        self._head = next(self._groups, None)
        return found


def _failures(stored: str) -> tuple[Failure, ...]:
    """The failed rules of a stored version (kept as JSON; empty when it passed)."""
    return tuple(Failure(rule=r, message=m) for r, m in json.loads(stored)) if stored else ()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _sqlite_begin(conn: Connection) -> None:
    writer = conn.get_execution_options().get("writer", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


def _sqlite_pragmas(connection: object, _record: object) -> None:
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
    connection.isolation_level = None  # type: ignore[attr-defined]  # we issue BEGIN ourselves


def _chunks(items: Iterable[TallySheet], size: int) -> Iterator[list[TallySheet]]:
    chunk: list[TallySheet] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
