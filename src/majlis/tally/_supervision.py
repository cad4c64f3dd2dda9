"""The supervisor's side of the desk: the two entries of a station side by side, settled by a
choice or a re-keying, sent for recount, and the queues of sheets that hold a release back.

Every settlement is a version of the sheet in the hash chain, stored in one transaction and
refused when an entry changed since the supervisor read it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from majlis._cells import shown

from ._base import _audited, _guarded
from ._desk import FIGURES, Desk, Entry, _refused
from ._intake import ENTRIES
from ._limits import NAME_LENGTH, TEXT_LENGTH, refuse, sheet_problems, text_problems
from ._photos import photo_problem
from ._published import _failures
from ._schema import ChainHeadRow, SheetRow
from ._values import Failure, SheetVersion, Source, Station, TallySheet

__all__ = ["Cell", "Disagreement", "Held", "Supervision"]

DISAGREES = "double-entry-agrees"  # the rule an entry breaks when it differs from its twin
RECOUNT = "recount-ordered"  # the rule a supervisor adds when sending a sheet for recount


@dataclass(frozen=True, slots=True, kw_only=True)
class Cell:
    """One figure the two entries disagree on, named as the store names it."""

    field: str
    entry_a: int
    entry_b: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Disagreement:
    """Both entries of a station side by side, for the supervisor, with the cells that differ."""

    station: Station
    entry_a: SheetVersion
    entry_b: SheetVersion
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Held:
    """A sheet that holds a release back, and which supervisor's queue it waits in:
    `quarantine`, `disagreement`, `recount`, `awaiting-second-entry`, or — a case open on it
    (`_cases`) — `complaint`, `audit-request` or `audit`, with the case's number, who filed it,
    the supervisor who approved an audit, and the reason it was filed."""

    queue: str
    station: str
    constituency: str
    source: Source
    version: int
    failures: tuple[Failure, ...]
    case: int = 0
    filed_by: str = ""
    approved_by: str = ""
    reason: str = ""


def _cells(a: TallySheet, b: TallySheet) -> tuple[Cell, ...]:
    """Every figure the entries differ on: ballot accounting, lists, candidates."""
    found = [Cell(field=f, entry_a=getattr(a, f), entry_b=getattr(b, f))
             for f in FIGURES if getattr(a, f) != getattr(b, f)]
    found += [Cell(field=f"votes › {p}", entry_a=a.votes.get(p, 0), entry_b=b.votes.get(p, 0))
              for p in sorted({*a.votes, *b.votes}) if a.votes.get(p, 0) != b.votes.get(p, 0)]
    found += [Cell(field=f"candidate votes › {p} › {c}", entry_a=a.candidate_votes.get((p, c), 0),
                   entry_b=b.candidate_votes.get((p, c), 0))
              for p, c in sorted({*a.candidate_votes, *b.candidate_votes})
              if a.candidate_votes.get((p, c), 0) != b.candidate_votes.get((p, c), 0)]
    return tuple(found)


class Supervision(Desk):
    """Settling what the two entries disagree on, recounts, and the supervisors' queues."""

    def _entries(self, station: str) -> tuple[SheetVersion, SheetVersion]:
        """The latest version of each entry of `station`; refused unless both are keyed."""
        latest: dict[Source, SheetVersion] = {}
        for version in self.history(station):
            if version.sheet.source in ENTRIES:
                latest[version.sheet.source] = version
        if len(latest) < 2:
            raise _refused(station, "station", "has no two entries to compare: "
                           f"{', '.join(latest) or 'none'} keyed")
        return latest[Source.ENTRY_A], latest[Source.ENTRY_B]

    def disagreement(self, station: str) -> Disagreement:
        """Both entries of `station` side by side, with the cells they differ on."""
        a, b = self._entries(station)
        return Disagreement(station=self.form(station).station, entry_a=a, entry_b=b,
                            cells=_cells(a.sheet, b.sheet))

    @_audited("settlement")
    @_guarded
    def resolve(self, station: str, *, supervisor: str, reason: str,
                chosen: Source | None = None, sheet: TallySheet | None = None) -> Entry:
        """Settle the entries of `station` that disagree: by the entry `chosen`, or by the
        `sheet` the supervisor keyed again from the paper. Both entries get a new version with
        the settled figures, the supervisor as author and the reason; they are accepted unless
        the figures break a rule of the sheet."""
        a, b = self._held(station, supervisor=supervisor, reason=reason)
        if (chosen is None) == (sheet is None):
            raise _refused(station, "resolution", "choose entry-a or entry-b, or key the "
                           "sheet again")
        if chosen is not None and chosen not in ENTRIES:
            raise _refused(station, "chosen", f"is {chosen}; choose entry-a or entry-b")
        if sheet is not None:
            refuse(sheet_problems(1, sheet))
            with Session(self.engine) as session:
                refuse([photo_problem(station, sheet.photo)]
                       if self._unknown_photos(session, [sheet]) else [])
            why = f"settled by {supervisor}, keyed again: {reason}"
        else:
            why = f"settled by {supervisor}, {chosen} chosen: {reason}"
        figures = sheet or (a if chosen is Source.ENTRY_A else b).sheet
        both = [replace(figures, station=station, source=s, received_by=supervisor,
                        key_id="", signature="") for s in ENTRIES]
        return self._settle(station, both, (a, b), reason=why, author=supervisor, held=(),
                            kind="settlement")

    @_audited("recount-order")
    @_guarded
    def order_recount(self, station: str, *, supervisor: str, reason: str) -> Entry:
        """Send `station`'s sheet for recount: a new version of its held entry with the rule
        `recount-ordered`, the supervisor as author; the hand count then comes in as a
        `manual` sheet, which outranks the entries."""
        a, b = self._held(station, supervisor=supervisor, reason=reason)
        target = b if b.status == "quarantined" else a
        return self._settle(station, [target.sheet], (a, b), reason=f"sent for recount: {reason}",
                            author=supervisor, held=(Failure(rule=RECOUNT, message=(
                                f"{supervisor} sent the sheet for recount")),),
                            kind="recount-order")

    def _held(self, station: str, *, supervisor: str, reason: str
              ) -> tuple[SheetVersion, SheetVersion]:
        self._check_ready()
        refuse(text_problems(f"station {shown(station)}", (
            ("supervisor", supervisor, NAME_LENGTH), ("reason", reason, TEXT_LENGTH))))
        a, b = self._entries(station)
        if not any(f.rule in (DISAGREES, RECOUNT) for v in (a, b) for f in v.failures):
            raise _refused(station, "station", "its entries do not disagree: nothing to settle")
        return a, b

    def _settle(self, station: str, sheets: list[TallySheet],
                seen: tuple[SheetVersion, SheetVersion], *, reason: str, author: str,
                held: tuple[Failure, ...], kind: str) -> Entry:
        """Store a supervisor's versions in one transaction, refused when an entry changed
        since the supervisor read them."""
        with Session(self.writer) as session, session.begin():
            head = session.scalars(
                select(ChainHeadRow).where(ChainHeadRow.id == 1).with_for_update()).one()
            latest = self._latest(session, self._scope(session), {station})
            if any(latest.get((station, v.sheet.source.value), (0, ""))[0] != v.version
                   for v in seen):
                raise _refused(station, "station", "its entries changed meanwhile: read them "
                               "again")
            _, stored = self._store_in(session, head, sheets, reason=reason, author=author,
                                       registry=self._registry(session, {station}),
                                       settled=True, held=held)
            sheet_id, version, status = stored[-1]
            failures = _failures(session.get_one(SheetRow, sheet_id).failures)
            self._log(session, kind, f"station {station}", f"{status}; reason: {reason}")
        return Entry(station=station, source=sheets[-1].source, version=version, status=status,
                     failures=failures, clerk=author, blank=False)

    @_guarded
    def queues(self) -> list[Held]:
        """Every sheet that holds a release back, by queue: quarantined sheets, disagreeing
        entries, sheets sent for recount (until an accepted hand count arrives) and entries
        awaiting their second entry."""
        self._check_ready()
        with Session(self.engine) as session:
            election = self._scope(session)
            known = self._registry(session)
            latest = (select(SheetRow.station, SheetRow.source,
                             func.max(SheetRow.version).label("version"))
                      .where(SheetRow.election_id == election)
                      .group_by(SheetRow.station, SheetRow.source).subquery())
            rows = session.execute(
                select(SheetRow.station, SheetRow.source, SheetRow.version, SheetRow.status,
                       SheetRow.failures)
                .join(latest, (latest.c.station == SheetRow.station)
                      & (latest.c.source == SheetRow.source)
                      & (latest.c.version == SheetRow.version))
                .where(SheetRow.election_id == election)
                .order_by(SheetRow.station, SheetRow.source)).all()
        sources = {(r.station, r.source): r.status for r in rows}
        found = []
        for r in rows:
            failures = _failures(r.failures)
            rules = {f.rule for f in failures}
            other = (Source.ENTRY_B if r.source == Source.ENTRY_A else Source.ENTRY_A).value
            if r.status == "quarantined":
                queue = ("recount" if RECOUNT in rules else "disagreement" if DISAGREES in rules
                         else "quarantine")
                if queue == "recount" and sources.get((r.station, "manual")) == "accepted":
                    continue
            elif r.status == "awaiting-second-entry" and (r.station, other) not in sources:
                queue = "awaiting-second-entry"
            else:
                continue
            station = known.stations.get(r.station)
            found.append(Held(queue=queue, station=r.station,
                              constituency=station.constituency if station else "",
                              source=Source(r.source), version=r.version, failures=failures))
        return found
