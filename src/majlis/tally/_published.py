"""Results and releases out: the running totals and their recount, results per centre and per
candidate, each station's trail of versions and the sheets held back; releases — numbered,
sealed snapshots — published in order and read back checked."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from majlis._chain import Figures, Seal, audit_releases, disagreements
from majlis.errors import InputError, Problem, StoreError

from ._base import StoreBase, _audited, _guarded
from ._limits import NAME_LENGTH, refuse, text_problems
from ._releases import Release, from_payload, payload, stored
from ._results import (
    CandidateCount,
    CentreCount,
    ConstituencyCount,
    by_candidate,
    by_centre,
    figures,
    moved_since,
    recount,
    running,
)
from ._schema import (
    ChainHeadRow,
    ElectionRow,
    ReleaseRow,
    SheetCandidateVotesRow,
    SheetRow,
    SheetVotesRow,
)
from ._values import RANKS, Failure, SheetVersion, Source, TallySheet


@dataclass(frozen=True, slots=True, kw_only=True)
class Quarantined:
    station: str
    source: str
    version: int
    failures: tuple[Failure, ...]


class Published(StoreBase):
    """Reading results, trails and releases; publishing a release."""

    @_guarded
    def results(self) -> list[ConstituencyCount]:
        """Votes per constituency, list and voting type from each station's counted sheet —
        its best accepted one: a manual count over the machine's over agreed double entry, the
        latest version of each — read from the running totals kept on ingest."""
        self._check_ready()
        with Session(self.engine) as session:
            return running(session, self._scope(session))

    @_audited("release")
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
            self._log(session, "release", f"release {number} {name!r}",
                      f"digest {sealed}; sheet chain head {seal.sheet_head}")
        return Release(number=number, name=name, created_at=seal.created_at,
                       results=tuple(results), digest=sealed, author=author,
                       candidates=tuple(people), sheet_head=seal.sheet_head)

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
                self.election, [stored(last)], None, first=last.number,
                previous=last.prev_digest).problems:
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
        wrong = audit_releases(self.election, [stored(row) for row in rows], None).problems
        if wrong:
            raise StoreError("; ".join(wrong))
        found = []
        for row in rows:
            results, people = from_payload(row.payload)
            found.append(Release(number=row.number, name=row.name, created_at=row.created_at,
                                 results=results, digest=row.digest, author=row.author,
                                 candidates=people, sheet_head=row.sheet_head or ""))
        return found


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
            for sheet_id, list_name, n in session.execute(
                    select(SheetVotesRow.sheet_id, SheetVotesRow.list_name, SheetVotesRow.votes)
                    .where(SheetVotesRow.sheet_id.in_(ids))):
                votes.setdefault(sheet_id, {})[list_name] = n
            people: dict[int, dict[tuple[str, str], int]] = {}
            for sheet_id, list_name, person, n in session.execute(
                    select(SheetCandidateVotesRow.sheet_id, SheetCandidateVotesRow.list_name,
                           SheetCandidateVotesRow.candidate, SheetCandidateVotesRow.votes)
                    .where(SheetCandidateVotesRow.sheet_id.in_(ids))):
                people.setdefault(sheet_id, {})[(list_name, person)] = n
        return [SheetVersion(
            sheet=TallySheet(
                station=row.station, source=Source(row.source), received_at=row.received_at,
                received_by=row.received_by, ballots_received=row.ballots_received,
                cast=row.cast, valid=row.valid, invalid=row.invalid, spoiled=row.spoiled,
                unused=row.unused, votes=votes.get(row.id, {}),
                candidate_votes=people.get(row.id, {}), key_id=row.key_id,
                signature=row.signature, photo=row.photo),
            version=row.version, status=row.status, failures=_failures(row.failures),
            reason=row.reason, author=row.author) for row in rows]


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


