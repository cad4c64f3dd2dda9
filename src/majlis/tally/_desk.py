"""The results centre's desk: two clerks key each hand-counted sheet blind (entry A, entry B);
a supervisor settles what they disagree on (`_supervision`).

Built on the store's own intake: every entry, choice, re-keying and recount order is a version of
the sheet in the hash chain, with the clerk or supervisor as its author. What the desk adds is
kept beside the chain (`desk_entries`): each entry's idempotency key — a browser re-sending an
entry gets the first answer, never a second version — and whether the clerk marked it blank.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from majlis._cells import shown
from majlis.errors import InputError, Problem

from ._base import _audited, _guarded
from ._intake import ENTRIES, Intake
from ._journal import revoked_among
from ._limits import NAME_LENGTH, refuse, sheet_problems, text_problems
from ._log import Caller, listed, write_line
from ._photos import photo_problem
from ._published import Published, _failures
from ._schema import (
    ChainHeadRow,
    EntryRow,
    SheetRow,
)
from ._values import Failure, Source, Station, TallySheet

__all__ = ["Desk", "Entry", "Form", "Keyed"]

KEY_LENGTH = 64  # an entry's idempotency key (the desk draws a UUID)
FIGURES = ("ballots_received", "cast", "valid", "invalid", "spoiled", "unused")


@dataclass(frozen=True, slots=True, kw_only=True)
class Form:
    """What a clerk keys a station's sheet on — never what another clerk keyed (blind)."""

    station: Station
    lists: tuple[str, ...]
    candidates: tuple[tuple[str, str], ...]  # (list, candidate) on open-list ballots
    keyed: tuple[Source, ...]  # the entries already stored, without their figures


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """What became of one keyed entry; `repeated` when its key had been sent before."""

    station: str
    source: Source
    version: int
    status: str
    failures: tuple[Failure, ...]
    clerk: str
    blank: bool
    repeated: bool = False


def _blank(sheet: TallySheet) -> bool:
    return not any([*(getattr(sheet, f) for f in FIGURES), *sheet.votes.values(),
                    *sheet.candidate_votes.values()])


@dataclass(frozen=True, slots=True, kw_only=True)
class Keyed:
    """One entry as a clerk keyed it at the desk, with its idempotency key."""

    sheet: TallySheet
    clerk: str
    key: str
    blank: bool = False
    caller: Caller | None = None  # who keyed it, for the audit log (default: the store's)
    # The clerk's signed-in token (its id, when it was issued): when given, an entry whose token
    # was revoked is refused in the entries' own transaction — a service checks a batch's
    # tokens with one query there, not each request's on its own.
    token: tuple[str, datetime] | None = None


def _prepared(given: Keyed) -> Keyed:
    """The entry with its clerk as the sheet's receiver, or the InputError refusing it: what no
    store can hold, a source the desk does not key, an all-zero sheet not marked blank."""
    sheet, station = given.sheet, given.sheet.station
    refuse([*text_problems(f"station {shown(station)}", (
        ("clerk", given.clerk, NAME_LENGTH), ("key", given.key, KEY_LENGTH))),
        *sheet_problems(1, sheet)])
    if sheet.source not in ENTRIES:
        raise _refused(station, "source", f"is {sheet.source}; the desk keys entry-a or entry-b")
    if _blank(sheet) and not given.blank:
        raise _refused(station, "blank", "every figure is 0: a blank sheet is stored only when "
                       "the clerk marks it blank")
    if given.blank and not _blank(sheet):
        raise _refused(station, "blank", "the sheet is marked blank but carries figures")
    return replace(given, sheet=replace(sheet, received_by=given.clerk))


def _answer(entry: EntryRow, row: SheetRow) -> Entry:
    return Entry(station=row.station, source=Source(row.source), version=row.version,
                 status=row.status, failures=_failures(row.failures), clerk=entry.clerk,
                 blank=entry.blank)


def _repeated(first: Entry, given: Keyed) -> Entry | InputError:
    """The answer to a key sent again: the first answer, or a refusal when it came with
    another station or entry."""
    if (first.station, first.source) != (given.sheet.station, given.sheet.source):
        return _refused(given.sheet.station, "key", f"was sent before for station "
                        f"{shown(first.station)}, {first.source}: each entry draws its own key")
    return replace(first, repeated=True)


REVOKED = "was revoked (signed out, or by an administrator): sign in again"


def _unrevoked(session: Session, ready: list[tuple[int, Keyed]],
               answers: list[Entry | InputError | None]) -> list[tuple[int, Keyed]]:
    """The entries whose token (where given) was not revoked; the others answered refused,
    field `token`."""
    gone = revoked_among(session, {(k.clerk, *k.token) for _, k in ready if k.token})
    if not gone:
        return ready
    kept = []
    for n, k in ready:
        if k.token and (k.clerk, *k.token) in gone:
            answers[n] = _refused(k.sheet.station, "token", f"of {k.clerk} {REVOKED}")
        else:
            kept.append((n, k))
    return kept


def _refused(station: str, field: str, message: str) -> InputError:
    return InputError([Problem(source=f"station {shown(station)}", line=None, field=field,
                               message=message)])


class Desk(Intake, Published):
    """Keying each hand-counted sheet twice and blind, each entry by its own clerk."""

    @_guarded
    def form(self, station: str) -> Form:
        """The form of `station`'s sheet: its constituency's lists and open-list candidates, and
        which entries are keyed already (their figures are not shown to anyone keying)."""
        self._check_ready()
        with Session(self.engine) as session:
            known = self._registry(session, {station})
            found = known.stations.get(station)
            if found is None:
                raise _refused(station, "station", "is not registered: check the code on the "
                               "sheet")
            keyed = set(session.scalars(select(SheetRow.source).where(
                SheetRow.election_id == self._scope(session), SheetRow.station == station,
                SheetRow.source.in_([s.value for s in ENTRIES]))))
        return Form(station=found, lists=tuple(sorted(known.lists.get(found.constituency, ()))),
                    candidates=tuple(sorted(known.candidates.get(found.constituency, ()))),
                    keyed=tuple(s for s in ENTRIES if s.value in keyed))

    def enter(self, sheet: TallySheet, *, clerk: str, key: str, blank: bool = False) -> Entry:
        """Store one entry of a hand-counted sheet keyed by `clerk`, as the store's double entry
        does: the first waits for the second, equal entries are accepted, different ones are
        held for a supervisor. Refused (nothing stored): a source other than entry A or B; a
        station keyed already from this source; a clerk who keyed the other entry; a sheet whose
        figures are all 0 unless `blank` marks it so. A `key` sent before answers as it did."""
        found = self.enter_all([Keyed(sheet=sheet, clerk=clerk, key=key, blank=blank)])[0]
        if isinstance(found, InputError):
            raise found
        return found

    @_audited("desk-entry")
    @_guarded
    def enter_all(self, entries: Sequence[Keyed]) -> list[Entry | InputError]:
        """Entries that reach the desk together, stored in one transaction (one turn of the
        chain's lock), in order: each answered as `enter` would answer it alone — a refusal as
        its InputError, while the others are stored."""
        self._check_ready()
        answers: list[Entry | InputError | None] = [None] * len(entries)
        ready: list[tuple[int, Keyed]] = []
        for n, given in enumerate(entries):
            try:
                ready.append((n, _prepared(given)))
            except InputError as error:
                answers[n] = error
        with Session(self.writer) as session, session.begin():
            if ready:
                head = session.scalars(
                    select(ChainHeadRow).where(ChainHeadRow.id == 1).with_for_update()).one()
                ready = _unrevoked(session, ready, answers)
            if ready:
                self._enter_locked(session, head, ready, answers)
            self._log_entries(session, entries, answers)
        found = [a for a in answers if a is not None]
        assert len(found) == len(entries), "every entry is answered"
        return found

    def _log_entries(self, session: Session, entries: Sequence[Keyed],
                     answers: Sequence[Entry | InputError | None]) -> None:
        """A line of the audit log per caller (the desk hands in several clerks' entries at
        once), in the entries' transaction: which entries, and how many were stored."""
        groups: dict[Caller, list[int]] = {}
        for n, given in enumerate(entries):
            groups.setdefault(given.caller or self.caller, []).append(n)
        for caller, group in groups.items():
            entered = [a for n in group if isinstance(a := answers[n], Entry)]
            why = [f"{p.field}: {p.message}" for n in group
                   if isinstance(a := answers[n], InputError) for p in a.problems[:1]]
            write_line(session, caller, election=self.election, kind="desk-entry",
                       subject=listed([f"{entries[n].sheet.station} {entries[n].sheet.source}"
                                       for n in group]),
                       outcome="success" if entered else "refused", detail=(
                           f"stored {sum(not e.repeated for e in entered)}, repeated "
                           f"{sum(e.repeated for e in entered)}, refused "
                           f"{len(group) - len(entered)}" + (f" ({why[0]})" if why else "")))

    def _enter_locked(self, session: Session, head: ChainHeadRow, ready: list[tuple[int, Keyed]],
                      answers: list[Entry | InputError | None]) -> None:
        """`enter_all` under the chain's lock: keys seen before answered again, clashes
        refused, the rest stored — by clerk, each the author of what they keyed."""
        election = self._scope(session)
        before = {entry.entry_key: _answer(entry, row) for entry, row in session.execute(
            select(EntryRow, SheetRow).join(SheetRow, SheetRow.id == EntryRow.sheet_id).where(
                EntryRow.election_id == election,
                EntryRow.entry_key.in_({k.key for _, k in ready})))}
        keyed = {tuple(r) for r in session.execute(
            select(SheetRow.station, SheetRow.source, SheetRow.received_by).where(
                SheetRow.election_id == election,
                SheetRow.station.in_({k.sheet.station for _, k in ready})))}
        unknown = self._unknown_photos(session, [k.sheet for _, k in ready])
        chosen: dict[str, list[tuple[int, Keyed]]] = {}  # by clerk
        again: list[tuple[int, Keyed]] = []  # a key sent twice in this batch
        for n, k in ready:
            s = k.sheet
            other = Source.ENTRY_B if s.source is Source.ENTRY_A else Source.ENTRY_A
            if k.key in before:
                answers[n] = _repeated(before[k.key], k)
            elif any(k.key == j.key for group in chosen.values() for _, j in group):
                again.append((n, k))
            elif (s.station, other.value, k.clerk) in keyed:
                answers[n] = _refused(s.station, "clerk", f"{k.clerk} keyed {other} of this "
                                      f"sheet: a second clerk keys {s.source}")
            elif any(r[:2] == (s.station, s.source.value) for r in keyed):
                answers[n] = _refused(s.station, "entry", f"{s.source} of this sheet is keyed "
                                      "already: a supervisor corrects it")
            elif s.photo in unknown:
                answers[n] = InputError([photo_problem(s.station, s.photo)])
            else:
                chosen.setdefault(k.clerk, []).append((n, k))
                keyed.add((s.station, s.source.value, k.clerk))
        if not chosen:
            return
        registry = self._registry(session, {k.sheet.station for g in chosen.values()
                                              for _, k in g})
        rows = []
        for clerk, group in chosen.items():
            _, stored = self._store_in(session, head, [k.sheet for _, k in group], reason="",
                                       author=clerk, registry=registry)
            for (n, k), (sheet_id, version, status) in zip(group, stored, strict=True):
                rows.append((n, k, sheet_id, version, status))
        failed: dict[int, str] = {sheet_id: text for sheet_id, text in session.execute(
            select(SheetRow.id, SheetRow.failures).where(SheetRow.id.in_([r[2] for r in rows])))}
        session.execute(insert(EntryRow), [
            {"election_id": election, "entry_key": k.key, "sheet_id": sheet_id,
             "clerk": k.clerk, "blank": k.blank} for _, k, sheet_id, _, _ in rows])
        for n, k, sheet_id, version, status in rows:
            entry = Entry(station=k.sheet.station, source=k.sheet.source, version=version,
                          status=status, failures=_failures(failed[sheet_id]), clerk=k.clerk,
                          blank=k.blank)
            before[k.key] = entry
            answers[n] = entry
        for n, k in again:
            answers[n] = _repeated(before[k.key], k)
