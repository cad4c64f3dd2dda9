"""The certification timeline's values: a stage of the seat table as the commission (or a court)
published it — preliminary, final, after the appeals, after a judicial ruling, ratified — read
from a file or a request, checked, and compared with another stage (seats moved, names replaced).

Pure: the store keeps stages (`_certify`), this module says what one is and what changed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from majlis._cells import shown
from majlis.errors import InputError, Problem

from ._limits import LIST_LENGTH, MAX_COUNT, NAME_LENGTH, TEXT_LENGTH, text_problem

__all__ = ["NATION", "SEPARATOR", "NameChange", "SeatMove", "Stage", "StageKind", "StageSeats",
           "StageTable", "check_meta", "read_stage_file", "stage_changes", "stage_payload",
           "stage_rows"]

NATION = "*"  # the constituency of a table of the whole house (seats by list, nationally)
SEPARATOR = ";"  # between the names in a row's `elected` cell


class StageKind(StrEnum):
    """The steps of certification, in the order they come: a later kind may repeat (several
    rulings), an earlier one may not follow it, and nothing follows ratification."""

    PRELIMINARY = "preliminary"
    FINAL = "final"
    APPEALS = "appeals"
    RULING = "ruling"
    RATIFICATION = "ratification"

    @property
    def rank(self) -> int:
        return list(StageKind).index(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class StageSeats:
    """One row of a stage's table: a list's seats in a constituency (None: not published at
    this stage) and the members elected on it that the stage names (perhaps only some)."""

    constituency: str
    list: str
    seats: int | None
    elected: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class StageTable:
    """A stage's rows as read, before it is stored."""

    rows: tuple[StageSeats, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Stage:
    """A stored stage: numbered in order, never changed, each sealed with the one before it."""

    number: int
    kind: StageKind
    name: str
    published_on: str  # the day the commission or court published it, YYYY-MM-DD
    source: str  # where it was published: a document, a URL
    author: str  # the publisher who entered it
    created_at: str  # when it was entered
    rows: tuple[StageSeats, ...]
    digest: str

    @property
    def constituencies(self) -> frozenset[str]:
        return frozenset(r.constituency for r in self.rows)


@dataclass(frozen=True, slots=True, kw_only=True)
class SeatMove:
    """A list's seats in a constituency that differ between two stages (None: not in that
    stage's table for a constituency both stages cover)."""

    constituency: str
    list: str
    before: int | None
    after: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class NameChange:
    """A member named in one stage and not the other, in a constituency both name members in:
    `left` replaced by `entered` (each a (list, name); None when the other side has no match)."""

    constituency: str
    left: tuple[str, str] | None
    entered: tuple[str, str] | None


def _problem(source: str, line: int | None, field: str, message: str) -> Problem:
    return Problem(source=source, line=line, field=field, message=message)


def stage_rows(rows: Iterable[tuple[int | None, Mapping[str, object]]], source: str
               ) -> StageTable:
    """Rows (line, {constituency, list, seats, elected}) checked into a table; every problem
    is raised at once with its line and field, so nothing half-read is stored."""
    problems: list[Problem] = []
    found: list[StageSeats] = []
    seen: dict[tuple[str, str], int | None] = {}
    named: dict[tuple[str, str], int | None] = {}
    for line, row in rows:
        before = len(problems)
        place = str(row.get("constituency") or "").strip()
        party = str(row.get("list") or "").strip()
        for field, value, limit in (("district", place, NAME_LENGTH), ("party", party,
                                                                       LIST_LENGTH)):
            why = "is empty" if not value else text_problem(value, limit)
            if why:
                problems.append(_problem(source, line, field, why))
        seats = _seats(row.get("seats"), source, line, problems)
        raw = row.get("elected") or ()
        cells = raw.split(SEPARATOR) if isinstance(raw, str) else (
            raw if isinstance(raw, (list, tuple)) else [str(raw)])
        names = tuple(str(n).strip() for n in cells if str(n).strip())
        for name in names:
            if why := text_problem(name, LIST_LENGTH):
                problems.append(_problem(source, line, "elected", f"{shown(name)} {why}"))
            if (place, name) in named:
                problems.append(_problem(source, line, "elected", (
                    f"{shown(name)} is named twice in {shown(place)} (line "
                    f"{named[(place, name)]})")))
            named[(place, name)] = line
        if seats is None and not names and len(problems) == before:
            problems.append(_problem(source, line, "seats", (
                "is empty and no one is named: give the seats, the elected, or both")))
        if seats is not None and len(names) > seats:
            problems.append(_problem(source, line, "elected", (
                f"names {len(names)} members for {seats} seat(s)")))
        if (place, party) in seen:
            problems.append(_problem(source, line, "party", (
                f"{shown(party)} in {shown(place)} again (first on line {seen[(place, party)]})")))
        seen[(place, party)] = line
        if len(problems) == before:
            found.append(StageSeats(constituency=place, list=party, seats=seats,
                                    elected=names))
    if not found and not problems:
        problems.append(_problem(source, None, "rows", "the stage has no rows"))
    if problems:
        raise InputError(problems)
    return StageTable(rows=tuple(found))


def _seats(value: object, source: str, line: int | None, problems: list[Problem]
           ) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or not text.isascii():
        problems.append(_problem(source, line, "seats", (
            f"{shown(text)} is not a number of seats (a whole number, 0 or more)")))
        return None
    if int(text) > MAX_COUNT:
        problems.append(_problem(source, line, "seats", f"{text} is more than any house"))
        return None
    return int(text)


def read_stage_file(text: str, source: str) -> StageTable:
    """A stage's CSV (`district,party,seats[,elected]`; `district` `*` for the whole house;
    `elected` the members named, separated by `;`) read and checked."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in ("district", "party", "seats") if c not in header]
    if missing:
        raise InputError([_problem(source, 1, "header", (
            f"missing column(s) {', '.join(missing)}; expected district,party,seats[,elected]"
            + (f", found {','.join(header)}" if header else " (the file is empty)")))])
    unknown = [c for c in header if c not in ("district", "party", "seats", "elected")]
    if unknown:
        raise InputError([_problem(source, 1, "header", (
            f"unknown column(s) {', '.join(unknown)}; expected district,party,seats[,elected]"))])

    extra: list[Problem] = []
    parsed: list[tuple[int | None, Mapping[str, object]]] = []
    try:
        for row in reader:
            if None in row:
                extra.append(_problem(source, reader.line_num, "cells", (
                    f"has more cells than the header's {len(header)}")))
                continue
            cells = {(k or "").strip(): v for k, v in row.items()}
            parsed.append((reader.line_num, {
                "constituency": cells.get("district"), "list": cells.get("party"),
                "seats": cells.get("seats"), "elected": cells.get("elected") or ""}))
    except csv.Error as error:
        raise InputError([_problem(source, reader.line_num, "csv", str(error))]) from None
    try:
        table = stage_rows(parsed, source)
    except InputError as error:
        raise InputError(extra + [p for p in error.problems if parsed or p.field != "rows"]
                         ) from None
    if extra:
        raise InputError(extra)
    return table


def check_meta(kind: str, name: str, published_on: str, source_text: str,
               after: Stage | None) -> StageKind:
    """The stage's kind, name, day and source checked, and its place after the stage before."""
    problems: list[Problem] = []
    try:
        the_kind = StageKind(kind)
    except ValueError:
        problems.append(_problem("stage", None, "kind", (
            f"{shown(kind)} is not a stage; expected one of "
            + ", ".join(k.value for k in StageKind))))
        the_kind = None
    for field, value, limit in (("name", name, NAME_LENGTH), ("source", source_text,
                                                               TEXT_LENGTH)):
        why = "is empty" if not value.strip() else text_problem(value, limit)
        if why:
            problems.append(_problem("stage", None, field, why))
    try:
        day = date.fromisoformat(published_on)
        if len(published_on) != 10:
            raise ValueError(published_on)
    except ValueError:
        problems.append(_problem("stage", None, "published_on", (
            f"{shown(published_on)} is not a day; expected YYYY-MM-DD, e.g. 2025-11-17")))
        day = None
    if after is not None and the_kind is not None:
        if after.kind is StageKind.RATIFICATION:
            problems.append(_problem("stage", None, "kind", (
                f"stage {after.number} ratified the result: no stage follows ratification")))
        elif the_kind.rank < after.kind.rank:
            problems.append(_problem("stage", None, "kind", (
                f"a {the_kind.value} stage cannot follow stage {after.number} "
                f"({after.kind.value}): certification runs "
                + " → ".join(k.value for k in StageKind))))
    if after is not None and day is not None and day < date.fromisoformat(after.published_on):
        problems.append(_problem("stage", None, "published_on", (
            f"{published_on} is before stage {after.number}'s day, {after.published_on}: "
            "stages are published in order")))
    if problems:
        raise InputError(problems)
    assert the_kind is not None
    return the_kind


def stage_payload(rows: Sequence[StageSeats]) -> str:
    """The rows as canonical JSON: what a stage stores and its digest covers."""
    return json.dumps([[r.constituency, r.list, r.seats, list(r.elected)] for r in rows],
                      ensure_ascii=False, sort_keys=True)


def stage_changes(before: Stage, after: Stage) -> tuple[tuple[SeatMove, ...],
                                                         tuple[NameChange, ...]]:
    """What changed from `before` to `after` in the constituencies both stages cover (a stage
    that publishes one governorate's ruling says nothing of the others): the seats that moved,
    then the members named in one and not the other, paired list by list, then in order."""
    shared = before.constituencies & after.constituencies
    then = {(r.constituency, r.list): r for r in before.rows if r.constituency in shared}
    now = {(r.constituency, r.list): r for r in after.rows if r.constituency in shared}
    moves = []
    for key in sorted(then.keys() | now.keys()):
        old, new = then.get(key), now.get(key)
        seats_then = old.seats if old else None
        seats_now = new.seats if new else None
        if seats_then != seats_now and not (old and new and None in (seats_then, seats_now)):
            moves.append(SeatMove(constituency=key[0], list=key[1], before=seats_then,
                                  after=seats_now))
    names = []
    for place in sorted(shared):
        was = [(r.list, n) for r in before.rows if r.constituency == place for n in r.elected]
        now_named = [(r.list, n) for r in after.rows if r.constituency == place
                     for n in r.elected]
        if not was or not now_named:
            continue  # one of the stages names no one there: nothing to compare
        gone = [m for m in was if m[1] not in {n for _, n in now_named}]
        came = [m for m in now_named if m[1] not in {n for _, n in was}]
        for member in list(gone):  # a seat kept by its list first, then the rest in order
            same = next((m for m in came if m[0] == member[0]), None)
            if same is not None:
                names.append(NameChange(constituency=place, left=member, entered=same))
                gone.remove(member)
                came.remove(same)
        for k in range(max(len(gone), len(came))):
            names.append(NameChange(constituency=place,
                                    left=gone[k] if k < len(gone) else None,
                                    entered=came[k] if k < len(came) else None))
    return tuple(moves), tuple(names)
