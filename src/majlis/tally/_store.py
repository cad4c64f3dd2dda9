"""The tally store: sheets in (checked, hash-chained, append-only), results out, in SQL.

SQLite by default (a file, no server), PostgreSQL by URL: the same code and the same tests run on
both. Each batch of sheets is one transaction, so a crash leaves every sheet wholly in or wholly
out, and re-running an ingest skips what is already stored.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack, closing
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from importlib import resources
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, aliased

from majlis._cells import shown
from majlis.errors import InputError, Problem, StoreError

from ._checks import UNREGISTERED_CEILING, check
from ._engine import open_engine
from ._limits import (
    NAME_LENGTH,
    TEXT_LENGTH,
    refuse,
    registry_problems,
    sheet_problems,
    text_problem,
    text_problems,
)
from ._releases import Release, Seal, audit_releases, from_payload, payload, vouched_at
from ._results import (
    CandidateCount,
    CentreCount,
    ConstituencyCount,
    Figures,
    by_candidate,
    by_centre,
    disagreements,
    figures,
    moved_since,
    recount,
    running,
)
from ._schema import (
    GENESIS,
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
RANKS = {s.value: p for s, p in PRIORITY.items()}
_DIGEST = re.compile("[0-9a-f]{64}")


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
    """The chains' verdict: how many sheet versions were checked and the first one that fails;
    how many releases were checked and any that fail; where the running totals differ from the
    chained sheets."""

    checked: int
    broken: tuple[str, str, int] | None  # (station, source, version)
    reason: str = ""
    releases: int = 0  # releases whose digest and place in the release chain were checked
    unchained: int = 0  # releases from before the release chain: only their payload checked
    problems: tuple[str, ...] = ()  # releases and running totals the sheets do not vouch for
    latest: tuple[tuple[str, str], ...] = ()  # (election, digest of its last release): to keep

    @property
    def intact(self) -> bool:
        return self.broken is None and not self.problems


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


Params = ParamSpec("Params")
Result = TypeVar("Result")


def _guarded(method: Callable[Concatenate[Store, Params], Result]
             ) -> Callable[Concatenate[Store, Params], Result]:
    """A database's refusal (locked, gone, out of range, a broken constraint) as a StoreError
    naming the store without its password: no front end shows a driver's traceback."""
    @wraps(method)
    def guarded(store: Store, /, *args: Params.args, **kwargs: Params.kwargs) -> Result:
        try:
            return method(store, *args, **kwargs)
        except DBAPIError as error:
            said = str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else (
                type(error.orig).__name__)
            if "database is locked" in said:
                raise StoreError(
                    f"the tally store at {store.location} is busy: another writer held it for "
                    f"more than {store.busy_timeout:g} s; try again") from error
            raise StoreError(f"the tally store at {store.location} refused: {said}") from error
    return guarded


class Store:
    """A tally store at a database URL, working on one of its elections (by name).

    `unregistered_ceiling`: the most ballots a station registered with no voters may report
    (rule `within-register`). `busy_timeout`: how long a SQLite writer waits for another."""

    def __init__(self, url: str, election: str = "default", *,
                 unregistered_ceiling: int = UNREGISTERED_CEILING,
                 busy_timeout: float = 30.0) -> None:
        self.url = url
        self.election = election
        self.unregistered_ceiling = unregistered_ceiling
        self.busy_timeout = busy_timeout
        self._election_id: int | None = None
        self.engine: Engine = open_engine(url, busy_timeout)
        # What messages show: the URL without its password.
        self.location = self.engine.url.render_as_string(hide_password=True)
        named = text_problem(election, NAME_LENGTH) or (
            "is empty: name the election" if not election.strip() else None)
        if named:
            raise InputError([Problem(source="election", line=None, field="--election",
                                      message=named)])
        self.writer: Engine = self.engine.execution_options(writer=True)  # see _engine
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
        if (file := self._file()) is not None and not file.exists():
            raise StoreError(f"no tally store at {self.location}: run `majlis db init`")
        head = ScriptDirectory.from_config(self._migrations()).get_current_head()
        with self.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
        if current != head:
            state = "is not initialised" if current is None else (
                f"has schema {current}, this majlis needs {head}")
            raise StoreError(f"the tally store at {self.location} {state}: run `majlis db init`")
        self._ready = True

    def _file(self) -> Path | None:
        """The SQLite file of the store, if it is one (opening it would create it)."""
        database = self.engine.url.database
        if self.engine.dialect.name != "sqlite" or database in (None, "", ":memory:") or (
                str(database).startswith("file:")):
            return None
        return Path(str(database))

    def _migrations(self) -> Config:
        config = Config()
        config.set_main_option("script_location",
                               str(resources.files("majlis.tally").joinpath("migrations")))
        config.attributes["engine"] = self.engine
        return config

    @_guarded
    def init(self) -> None:
        """Create or upgrade the schema (Alembic migrations), and the chain's head; a new SQLite
        file (and its folder) is made only here."""
        if (file := self._file()) is not None:
            file.parent.mkdir(parents=True, exist_ok=True)
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
                raise StoreError(f"no election named {self.election!r} in {self.location}: "
                                 "register its stations first (`majlis ingest`)")
            if found is None:
                row = ElectionRow(name=self.election)
                session.add(row)
                session.flush()
                found = row.id
            self._election_id = found
        return self._election_id

    @_guarded
    def register(self, stations: Iterable[Station], lists: Iterable[tuple[str, str]],
                 candidates: Iterable[tuple[str, str, str]] = ()) -> None:
        """Add constituencies, centres, stations, the lists standing in each constituency and
        their candidates (constituency, list, candidate). Registering a station again as it is
        changes nothing; registering it otherwise is refused (nothing is written)."""
        self._check_ready()
        stations, lists, candidates = list(stations), list(lists), list(candidates)
        refuse(registry_problems(stations, lists, candidates))
        with Session(self.writer) as session, session.begin():
            election = self._scope(session, create=True)
            refuse(_moved(self._registry(session).stations, stations))
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

    @_guarded
    def ingest(
        self,
        sheets: Iterable[TallySheet],
        *,
        batch: int = 500,
        progress: Callable[[int], None] | None = None,
    ) -> IngestReport:
        """Check and store sheets, `batch` per transaction; already-stored sheets are skipped.
        A value no store can hold (over-long, a NUL, a figure past MAX_COUNT) refuses them all
        before any is written."""
        self._check_ready()
        sheets = list(sheets)
        refuse(p for n, sheet in enumerate(sheets, 1) for p in sheet_problems(n, sheet))
        with Session(self.engine) as session:
            registry = self._registry(session)
        report = IngestReport()
        for chunk in _chunks(sheets, batch):
            report += self._store(chunk, reason="", author="", registry=registry)
            if progress:
                progress(len(chunk))
        return report

    @_guarded
    def correct(self, sheet: TallySheet, *, reason: str, author: str) -> IngestReport:
        """A corrected sheet: a new version beside the old, with the reason and its author."""
        self._check_ready()
        refuse([*text_problems("correction", (("reason", reason, TEXT_LENGTH),
                                         ("author", author, NAME_LENGTH)), required=True),
                 *sheet_problems(1, sheet)])
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
                failures = list(check(sheet, known.stations, known.lists, known.candidates,
                                      unregistered_ceiling=self.unregistered_ceiling))
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
        for station, source, version, same in session.execute(
                select(SheetRow.station, SheetRow.source, SheetRow.version, SheetRow.figures_hash)
                .where(SheetRow.election_id == election, SheetRow.station.in_(stations))):
            if (station, source) not in found or found[(station, source)][0] < version:
                found[(station, source)] = (version, same)
        return found

    @_guarded
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

    @_guarded
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

    @_guarded
    def verify_chain(self, published: Iterable[str] = ()) -> ChainCheck:
        """Recompute every version's hash from what is stored now and name the first mismatch;
        check every release's digest, its place in its election's release chain and the sheet
        chain it recorded; recount each election from the chained sheets and name every running
        total that differs. One snapshot of the store (repeatable read on PostgreSQL).

        `published`: release digests kept outside the store (read off the API, a bulletin, a
        notary). The store alone cannot tell its newest releases and sheets removed with every
        head reset to match; a digest someone kept can, as each release seals those before it."""
        self._check_ready()
        kept = [d.strip().lower() for d in published]
        refuse(Problem(source="verify-chain", line=None, field="--published",
                        message=f"{shown(d)} is not a release digest (64 hexadecimal digits)")
                for d in kept if not _DIGEST.fullmatch(d))
        stream = {"yield_per": 10_000}  # the store may hold millions of rows: never all at once
        snapshot = self.engine.execution_options(isolation_level="REPEATABLE READ") if (
            self.engine.dialect.name == "postgresql") else self.engine
        with Session(snapshot) as session, ExitStack() as open_results:
            names = dict(session.execute(select(ElectionRow.id, ElectionRow.name)).all())
            problems: list[str] = []
            vouched: dict[int, list[tuple[str, str]]] = {}  # chain length → (head, release)
            releases = unchained = 0
            stored: set[str] = set()
            latest: list[tuple[str, str]] = []
            for election in session.scalars(select(ElectionRow).order_by(ElectionRow.id)):
                rows = session.scalars(select(ReleaseRow)
                                       .where(ReleaseRow.election_id == election.id)
                                       .order_by(ReleaseRow.number)).all()
                audit = audit_releases(election.name, rows, election.release_head)
                stored.update(row.digest for row in rows)
                if rows:
                    latest.append((election.name, rows[-1].digest))
                problems += audit.problems
                for length, then, label in audit.vouched:
                    vouched.setdefault(length, []).append((then, label))
                releases += len(rows) - audit.unchained
                unchained += audit.unchained
            problems += [f"release {d[:16]}… was published but is not in the store: it, or the "
                         "releases after it, were removed" for d in kept if d not in stored]
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
            problems += vouched_at(vouched.pop(0, []), 0, prev)
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
                problems += vouched_at(vouched.pop(checked, []), checked, prev)
            head = session.get(ChainHeadRow, 1)
            if head is not None and head.hash != prev:
                return ChainCheck(checked=checked, broken=where or ("", "", 0),
                                  reason="the chain's last versions were removed")
            problems += [f"{label} was made when the sheet chain held {length:,} versions; it "
                         f"holds {checked:,}: the last sheets were removed"
                         for length, found in sorted(vouched.items()) for _, label in found]
            for election_id, name in names.items():
                differ = disagreements(figures(running(session, election_id)), figures(
                    recount(session, election_id, RANKS)))
                problems += [f"{name}: {d}" if len(names) > 1 else d for d in differ]
            return ChainCheck(checked=checked, broken=None, releases=releases,
                              unchained=unchained, problems=tuple(problems),
                              latest=tuple(latest))

    @_guarded
    def results(self) -> list[ConstituencyCount]:
        """Votes per constituency, list and voting type from each station's counted sheet —
        its best accepted one: a manual count over the machine's over agreed double entry, the
        latest version of each — read from the running totals kept on ingest."""
        self._check_ready()
        with Session(self.engine) as session:
            return running(session, self._scope(session))

    @_guarded
    def release(self, name: str, *, author: str = "", at: datetime | None = None) -> Release:
        """Publish the results as they stand: a numbered snapshot that never changes, with who
        published it and when — now, or `at`, the moment it stands for (a replayed night's
        clock), kept with its offset — sealed with where the sheet chain stands and the release
        before it. Refused (nothing written) when the running totals differ from a recount of
        the sheets, or when its time is before the previous release's: releases are ordered."""
        self._check_ready()
        refuse(text_problems("release", (("name", name, NAME_LENGTH),)) + text_problems(
            "release", (("author", author, NAME_LENGTH),), required=False) + (
            [Problem(source="release", line=None, field="at", message=(
                f"{at.isoformat()} has no time zone offset; expected e.g. "
                "2025-11-12T01:30:00+03:00"))] if at is not None and at.utcoffset() is None
            else []))
        created_at = _now() if at is None else at.isoformat(timespec="seconds")
        with Session(self.writer) as session, session.begin():
            head = session.scalars(
                select(ChainHeadRow).where(ChainHeadRow.id == 1).with_for_update()).one()
            election = self._scope(session)
            results = running(session, election)
            differ = disagreements(figures(results), self._vouched(session, election))
            if differ:
                raise StoreError(
                    f"release refused: the running totals of {self.election!r} in "
                    f"{self.location} differ from the chained sheets — "
                    + "; ".join(differ[:10]) + (f"; and {len(differ) - 10} more" if
                                               len(differ) > 10 else "")
                    + ". Run `majlis verify-chain`: a totals row was changed outside majlis")
            people = by_candidate(session, election, None)
            scope = session.get_one(ElectionRow, election)
            last = session.execute(select(ReleaseRow.number, ReleaseRow.created_at)
                                   .where(ReleaseRow.election_id == election)
                                   .order_by(ReleaseRow.number.desc()).limit(1)).first()
            before = _instant(last.created_at) if last is not None else None
            if last is not None and before is not None and (
                    datetime.fromisoformat(created_at) < before):
                raise InputError([Problem(source="release", line=None, field="at", message=(
                    f"{created_at} is before release {last.number}'s time, "
                    f"{last.created_at}: releases are published in order"))])
            number = (last.number if last else 0) + 1
            text = payload(results, people)
            seal = Seal(election=self.election, number=number, name=name, author=author,
                        created_at=created_at, sheet_head=head.hash,
                        sheets=session.scalar(select(func.count()).select_from(SheetRow)) or 0,
                        previous=scope.release_head)
            sealed = seal.digest(text)
            session.add(ReleaseRow(election_id=election, number=number, name=name,
                                   created_at=seal.created_at, payload=text, digest=sealed,
                                   author=author, prev_digest=seal.previous,
                                   sheet_head=seal.sheet_head, sheets=seal.sheets))
            scope.release_head = sealed
        return Release(number=number, name=name, created_at=seal.created_at,
                       results=tuple(results), digest=sealed, author=author,
                       candidates=tuple(people))

    def _vouched(self, session: Session, election: int) -> Figures:
        """What the running totals must be: the last release's (checked when it was made) and
        the change in the counted sheets of the stations with a sheet accepted since — only
        their votes are read, so a release costs what changed since the last. Without a sealed
        last release, every sheet is recounted."""
        last = session.scalars(select(ReleaseRow).where(ReleaseRow.election_id == election)
                               .order_by(ReleaseRow.number.desc()).limit(1)).first()
        since = None if last is None or last.sheet_head is None or last.sheets is None else (
            0 if last.sheets == 0 else
            session.scalar(select(SheetRow.id).where(SheetRow.hash == last.sheet_head)))
        if last is None or since is None or audit_releases(
                self.election, [last], None, first=last.number, previous=last.prev_digest
                ).problems:
            return figures(recount(session, election, RANKS))
        expected = figures(from_payload(last.payload)[0])
        expected.update(moved_since(session, election, RANKS, since))
        return expected

    @_guarded
    def releases(self) -> list[Release]:
        """Every release, oldest first; refused when a release was altered or one removed
        from between others."""
        self._check_ready()
        with Session(self.engine) as session:
            rows = session.scalars(select(ReleaseRow)
                                   .where(ReleaseRow.election_id == self._scope(session))
                                   .order_by(ReleaseRow.number)).all()
        wrong = audit_releases(self.election, rows, None).problems
        if wrong:
            raise StoreError("; ".join(wrong))
        found = []
        for row in rows:
            results, people = from_payload(row.payload)
            found.append(Release(number=row.number, name=row.name, created_at=row.created_at,
                                 results=results, digest=row.digest, author=row.author,
                                 candidates=people))
        return found

    @_guarded
    def stations(self) -> list[Station]:
        """Every registered polling station, with its voting type and register (read-only)."""
        self._check_ready()
        with Session(self.engine) as session:
            return list(self._registry(session).stations.values())

    @_guarded
    def centres(self) -> list[CentreCount]:
        """Results per polling centre, with stations counted."""
        self._check_ready()
        with Session(self.engine) as session:
            return by_centre(session, self._scope(session))

    @_guarded
    def candidates(self, constituency: str | None = None) -> list[CandidateCount]:
        """Candidates' personal votes from each station's counted sheet, per constituency and
        list, most votes first: the order open-list seats are filled in."""
        self._check_ready()
        with Session(self.engine) as session:
            return by_candidate(session, self._scope(session), constituency)

    @_guarded
    def recount(self) -> list[ConstituencyCount]:
        """The same results recomputed from every stored sheet: the check on the running totals."""
        self._check_ready()
        with Session(self.engine) as session:
            return recount(session, self._scope(session), RANKS)


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


def _moved(known: Mapping[str, Station], given: Iterable[Station]) -> list[Problem]:
    """Each station given otherwise than it is registered (or than it was given before in the
    same call): a registration is never silently kept or changed."""
    found = []
    seen = dict(known)
    for s in given:
        was = seen.setdefault(s.code, s)
        for field in ("constituency", "centre", "voting_type", "registered"):
            old, new = getattr(was, field), getattr(s, field)
            if old != new:
                found.append(Problem(source=f"station {s.code}", line=None, field=field, message=(
                    f"registered as {str(old)!r}, given {str(new)!r}: a registered station "
                    "does not change")))
    return found


def _failures(stored: str) -> tuple[Failure, ...]:
    """The failed rules of a stored version (kept as JSON; empty when it passed)."""
    return tuple(Failure(rule=r, message=m) for r, m in json.loads(stored)) if stored else ()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _instant(stored: str) -> datetime | None:
    """A release's stored time as a moment to order by: one without an offset is UTC, as
    `_now` has always written them; none when an older majlis stored something else."""
    try:
        moment = datetime.fromisoformat(stored)
    except ValueError:
        return None
    return moment if moment.utcoffset() is not None else moment.replace(tzinfo=UTC)


def _chunks(items: Iterable[TallySheet], size: int) -> Iterator[list[TallySheet]]:
    chunk: list[TallySheet] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
