"""The desk's cases: a complaint about a station's sheet (the clearance queue) and an accepted
sheet pulled back into audit, which only a supervisor's approval does.

A case is a run of steps kept append-only (`desk_cases`), each with its author, reason and time:
a complaint is `filed`, then `upheld` or `dismissed`; an audit is `requested`, then `approved`
or `declined`, and once approved `upheld` or `dismissed`. Upholding sends the sheet for recount
as the supervisor's recount order does — a version of the station's standing sheet in the chain
with the rule `recount-ordered` — until a hand count is accepted. Like a quarantined sheet, a
case does not stop a release or take the station's counted figures out of it: it is what the
queues show as holding the release back, per constituency, until a supervisor decides it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from majlis._cells import shown
from majlis.errors import Problem

from ._base import _audited, _guarded
from ._desk import _refused
from ._limits import NAME_LENGTH, TEXT_LENGTH, refuse, text_problems
from ._log import now
from ._published import _failures
from ._schema import CaseRow, ChainHeadRow, CountedRow, SheetRow
from ._supervision import RECOUNT, Held, Supervision
from ._values import Failure, SheetVersion, Source

__all__ = ["CASE_KINDS", "DECISIONS", "Case", "CaseStep", "Cases"]

CASE_KINDS = ("complaint", "audit")
DECISIONS = ("approve", "decline", "uphold", "dismiss")
# What each decision may follow (the case's last step), and the step it writes.
_NEXT = {"approve": ("requested",), "decline": ("requested",),
         "uphold": ("filed", "approved"), "dismiss": ("filed", "approved")}
_STEP = {"approve": "approved", "decline": "declined", "uphold": "upheld",
         "dismiss": "dismissed"}
_QUEUE = {"filed": "complaint", "requested": "audit-request", "approved": "audit"}


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseStep:
    """One step of a case: `filed`, `requested`, `approved`, `declined`, `upheld` or
    `dismissed`, by whom, why and when (UTC)."""

    step: str
    author: str
    reason: str
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    """A complaint or an audit of one station's sheet, with every step taken on it so far."""

    number: int
    kind: str
    station: str
    constituency: str
    steps: tuple[CaseStep, ...]

    @property
    def state(self) -> str:
        """The last step: the case is open while it is `filed`, `requested` or `approved`."""
        return self.steps[-1].step

    @property
    def queue(self) -> str | None:
        """The supervisors' queue the case waits in, None once it is decided."""
        return _QUEUE.get(self.state)

    @property
    def approved_by(self) -> str:
        """The supervisor who approved pulling the sheet back into audit ('' if none did)."""
        return next((s.author for s in self.steps if s.step == "approved"), "")


class Cases(Supervision):
    """Complaints and audits of stations' sheets, decided by supervisors."""

    @_audited("case")
    @_guarded
    def open_case(self, station: str, *, kind: str, author: str, reason: str) -> Case:
        """File a complaint about `station`'s sheet, or ask for its audit, by `author` with a
        reason. A complaint needs a sheet stored for the station; an audit, a sheet accepted
        (counted). Refused (field `case`) while a case of the same kind is open on it."""
        self._check_ready()
        where = f"station {shown(station)}"
        refuse(text_problems(where, (("author", author, NAME_LENGTH),
                                     ("reason", reason, TEXT_LENGTH))))
        if kind not in CASE_KINDS:
            raise _refused(station, "kind", f"is {shown(kind)}; one of: {', '.join(CASE_KINDS)}")
        with Session(self.writer) as session, session.begin():
            session.scalars(select(ChainHeadRow).where(ChainHeadRow.id == 1).with_for_update()
                            ).one()  # one case opened at a time: no two open of one kind
            election = self._scope(session)
            if station not in self._registry(session, {station}).stations:
                raise _refused(station, "station", "is not registered: check the code on the "
                               "sheet")
            standing = _standing(session, election, {station}).get(station)
            if standing is None:
                raise _refused(station, "station", "has no sheet stored yet: a case is about "
                               "a sheet")
            if kind == "audit" and not standing[3]:
                raise _refused(station, "station", "has no accepted sheet: only an accepted "
                               "sheet is pulled back into audit")
            for case in self._read(session, election, station):
                if case.kind == kind and case.queue is not None:
                    raise _refused(station, "case", f"{kind} {case.number} on this station is "
                                   f"open ({case.state}): decide it first")
            first = "filed" if kind == "complaint" else "requested"
            number = (session.scalar(select(func.max(CaseRow.number)).where(
                CaseRow.election_id == election)) or 0) + 1
            session.execute(insert(CaseRow), [{
                "election_id": election, "number": number, "station": station, "kind": kind,
                "step": first, "author": author, "reason": reason, "at": now()}])
            self._log(session, kind, f"{kind} {number}, station {station}",
                      f"{first} by {author}: {reason}")
            return self._read(session, election, station, number)[0]

    @_audited("case-decision")
    @_guarded
    def decide(self, number: int, *, decision: str, supervisor: str, reason: str) -> Case:
        """A supervisor's step on case `number`: `approve` or `decline` an audit asked for;
        `uphold` or `dismiss` a complaint, or an approved audit. Upholding sends the sheet for
        recount, in the same transaction: a version of the station's standing sheet with the
        rule `recount-ordered` and the supervisor as author. Refused when the case is decided
        already or the step does not follow its last (field `case`)."""
        self._check_ready()
        where = f"case {number}"
        refuse(text_problems(where, (("supervisor", supervisor, NAME_LENGTH),
                                     ("reason", reason, TEXT_LENGTH))))
        if decision not in DECISIONS:
            refuse([_problem(where, "decision", f"is {shown(decision)}; one of: "
                             f"{', '.join(DECISIONS)}")])
        with Session(self.engine) as session:
            known = self._read(session, self._scope(session), None, number)
        if not known:
            refuse([_problem(where, "number", "no such case")])
        station = known[0].station
        trail = self.history(station) if decision == "uphold" else []
        with Session(self.writer) as session, session.begin():
            head = session.scalars(
                select(ChainHeadRow).where(ChainHeadRow.id == 1).with_for_update()).one()
            election = self._scope(session)
            case = self._read(session, election, station, number)[0]
            if case.state not in _NEXT[decision]:
                refuse([_problem(where, "case", f"is {case.state}" + (
                    "" if case.queue else " (decided)") + f": the {case.kind} cannot be "
                    f"{_STEP[decision]} now" + (" — a supervisor approves the audit first"
                                                if case.state == "requested" else ""))])
            session.execute(insert(CaseRow), [{
                "election_id": election, "number": number, "station": station,
                "kind": case.kind, "step": _STEP[decision], "author": supervisor,
                "reason": reason, "at": now()}])
            detail = f"{_STEP[decision]} by {supervisor}: {reason}"
            if decision == "uphold":
                detail += "; " + self._recount(session, head, election, station, trail,
                                               f"{case.kind} {number}", supervisor, reason)
            self._log(session, "case-decision", f"{case.kind} {number}, station {station}",
                      detail)
            return self._read(session, election, station, number)[0]

    def _recount(self, session: Session, head: ChainHeadRow, election: int, station: str,
                 trail: list[SheetVersion], case: str, supervisor: str, reason: str) -> str:
        """Store the recount order of an upheld case: the latest version of the source the
        station stands on, again, held with `recount-ordered`; refused when it changed since
        `trail` was read."""
        source = _standing(session, election, {station})[station][0]
        latest = [v for v in trail if v.sheet.source.value == source]
        stored = self._latest(session, election, {station}).get((station, source), (0, ""))[0]
        if not latest or latest[-1].version != stored:
            raise _refused(station, "station", "its sheet changed meanwhile: decide again")
        _, done = self._store_in(
            session, head, [latest[-1].sheet], reason=f"{case} upheld by {supervisor}: {reason}",
            author=supervisor, registry=self._registry(session, {station}), settled=True,
            held=(Failure(rule=RECOUNT, message=f"{supervisor} sent the sheet for recount "
                          f"({case} upheld)"),))
        return f"{source} version {done[-1][1]} sent for recount"

    @_guarded
    def cases(self, station: str | None = None) -> list[Case]:
        """Every case, or `station`'s, oldest first, each with all its steps."""
        self._check_ready()
        with Session(self.engine) as session:
            return self._read(session, self._scope(session), station)

    def _read(self, session: Session, election: int, station: str | None,
              number: int | None = None) -> list[Case]:
        query = select(CaseRow).where(CaseRow.election_id == election)
        if station is not None:
            query = query.where(CaseRow.station == station)
        if number is not None:
            query = query.where(CaseRow.number == number)
        rows = session.scalars(query.order_by(CaseRow.id)).all()
        places = self._registry(session, {r.station for r in rows}).stations if rows else {}
        steps: dict[int, list[CaseRow]] = {}
        for r in rows:
            steps.setdefault(r.number, []).append(r)
        return [Case(number=n, kind=kept[0].kind, station=kept[0].station,
                     constituency=p.constituency if (p := places.get(kept[0].station)) else "",
                     steps=tuple(CaseStep(step=r.step, author=r.author, reason=r.reason,
                                          at=datetime.fromisoformat(r.at)) for r in kept))
                for n, kept in sorted(steps.items())]

    @_guarded
    def queues(self) -> list[Held]:
        """The sheets held back (`Supervision.queues`), and those with a case open: under
        complaint (`complaint`), asked for audit (`audit-request`) and pulled back into audit
        with the supervisor who approved it (`audit`)."""
        found = super().queues()
        with Session(self.engine) as session:
            election = self._scope(session)
            open_ = [c for c in self._read(session, election, None) if c.queue is not None]
            standing = _standing(session, election, {c.station for c in open_})
        for c in open_:
            source, version, failures, _ = standing[c.station]
            found.append(Held(queue=c.queue or "", station=c.station,
                              constituency=c.constituency, source=Source(source),
                              version=version, failures=failures, case=c.number,
                              filed_by=c.steps[0].author, approved_by=c.approved_by,
                              reason=c.steps[0].reason))
        return found


def _standing(session: Session, election: int, stations: set[str]
              ) -> dict[str, tuple[str, int, tuple[Failure, ...], bool]]:
    """Per station, the sheet it stands on — its counted sheet, else its latest stored
    version: (source, version, failures, counted)."""
    if not stations:
        return {}
    counted = set(session.scalars(select(CountedRow.sheet_id).join(
        SheetRow, SheetRow.id == CountedRow.sheet_id).where(
        SheetRow.election_id == election, SheetRow.station.in_(stations))))
    found: dict[str, tuple[int, tuple[str, int, tuple[Failure, ...], bool]]] = {}
    for row_id, station, source, version, failures in session.execute(
            select(SheetRow.id, SheetRow.station, SheetRow.source, SheetRow.version,
                   SheetRow.failures).where(SheetRow.election_id == election,
                                            SheetRow.station.in_(stations))
            .order_by(SheetRow.id)):
        rank = 1 if row_id in counted else 0
        if station not in found or rank >= found[station][0]:
            found[station] = (rank, (source, version, _failures(failures), bool(rank)))
    return {station: kept for station, (_, kept) in found.items()}


def _problem(source: str, field: str, message: str) -> Problem:
    return Problem(source=source, line=None, field=field, message=message)
