"""Reading the registry and tally sheets from CSV or JSON text, every problem at once.

Kinds, told apart by their header (CSV) or shape (JSON):
- stations: `constituency,centre,station,voting_type,registered`
- lists:    `constituency,list`, or `constituency,list,candidate` to register candidates too;
            either may end in an `alias` column: another spelling of the row's list
- sheets:   `station,source,received_at,received_by,ballots_received,cast,valid,invalid,spoiled,
            unused,list,votes` — one row per list; a sheet's rows are consecutive; with a
            `candidate` column before `votes`, rows naming a candidate give that candidate's
            votes and rows without one the list's; either may end in `key_id,signature`: the
            counting device that signed the sheet (the same on each of its rows)
- figures:  `constituency,list,votes` — another source's published totals, to reconcile with

Every name and figure is checked against the store's limits here, where the file is read, so
a value no store can keep (a NUL, an over-long name, a figure past MAX_COUNT) is one more
`FILE:LINE: field: message`, the same on SQLite and PostgreSQL, and the file is refused whole.
Every list name read goes through the caller's `rename` (the election's `data.list_names`), so
one list spelled two ways is stored, counted and reconciled as one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from majlis._cells import Problems, csv_rows, json_document, shown

from ._limits import (
    CODE_LENGTH,
    LIST_LENGTH,
    NAME_LENGTH,
    SIGNATURE_LENGTH,
    TIME_LENGTH,
    count_problem,
    text_problem,
)
from ._values import Source, Station, TallySheet, VotingType

STATIONS = ("constituency", "centre", "station", "voting_type", "registered")
LISTS = ("constituency", "list")
FIGURES = ("constituency", "list", "votes")
SHEET_FIELDS = ("station", "source", "received_at", "received_by", "ballots_received", "cast",
                "valid", "invalid", "spoiled", "unused")
SHEETS = (*SHEET_FIELDS, "list", "votes")
SHEETS_WITH_CANDIDATES = (*SHEET_FIELDS, "list", "candidate", "votes")
SIGNED = ("key_id", "signature")  # optional last columns of a sheets file: who signed, and how
CANDIDATES = ("constituency", "list", "candidate")
ALIAS = "alias"
COUNTS = ("ballots_received", "cast", "valid", "invalid", "spoiled", "unused")


@dataclass
class TallyFile:
    """What one file holds: registry entries or sheets (only one kind per file); `aliases`
    maps each further spelling a lists file gives to the list it spells."""

    stations: list[Station] = field(default_factory=list)
    lists: list[tuple[str, str]] = field(default_factory=list)
    candidates: list[tuple[str, str, str]] = field(default_factory=list)
    sheets: list[TallySheet] = field(default_factory=list)
    figures: dict[tuple[str, str], int] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    # Where each sheet was read: (the file, or the file › sheet N of a JSON one; its first line)
    origins: list[tuple[str, int | None]] = field(default_factory=list)


Rename = Callable[[str], str]


def _as_given(name: str) -> str:
    return name


def read_tally_file(text: str, source: str, rename: Rename = _as_given) -> TallyFile:
    """Parse `text` (CSV, or JSON when it starts with `[` or `{`), each list under the name
    `rename` gives it."""
    text = text.removeprefix("\ufeff")
    if text.lstrip().startswith(("[", "{")):
        return _read_json(text, source, rename)
    return _read_csv(text, source, rename)


def _text(problems: Problems, line: int | None, column: str, value: object, limit: int, *,
          required: bool = True) -> str:
    """A name or code the store can keep ("" when it cannot: the problem is recorded).

    JSON may give a number for a code (`"station": 1042`); anything else not text is refused,
    as is what PostgreSQL would refuse halfway through a batch: a NUL or a lone surrogate.
    """
    if value is None or value == "":
        if required:
            problems.add(line, column, "missing")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        problems.add(line, column, f"expected text, found {json.dumps(value)[:40]}")
        return ""
    text = str(value).strip()
    if not text and required:
        problems.add(line, column, "missing")
    why = text_problem(text, limit)
    if why is None and any("\ud800" <= ch <= "\udfff" for ch in text):
        why = "contains a lone surrogate, which is no character of UTF-8"
    if why:
        problems.add(line, column, why)
        return ""
    return text


def _count(problems: Problems, line: int | None, column: str, value: object) -> int:
    """A figure of a sheet or register the store can keep (0 when it cannot: the problem is
    recorded, and the file is refused as a whole)."""
    if isinstance(value, bool | float):
        problems.add(line, column, f"{json.dumps(value)} is not a whole number")
        return 0
    number = problems.whole_number(line, column, value)
    why = None if number is None else count_problem(number)
    if why:
        problems.add(line, column, why)
        return 0
    return number or 0


def _enum(problems: Problems, line: int | None, column: str, value: object,
          kind: type[Any]) -> Any:
    try:
        return kind(value)
    except ValueError:
        problems.add(line, column, f"{shown(str(value))} is not one of "
                     f"{', '.join(k.value for k in kind)}")
        return None


def _read_csv(text: str, source: str, rename: Rename) -> TallyFile:
    problems = Problems(source)
    found = csv_rows(text, problems)
    _, first = next(found, (1, {}))
    header = tuple(first)
    aliased = header[-1:] == (ALIAS,) and header[:-1] in (LISTS, CANDIDATES)
    header = header[:-1] if aliased else header
    signed = header[-2:] == SIGNED and header[:-2] in (SHEETS, SHEETS_WITH_CANDIDATES)
    header = header[:-2] if signed else header
    kinds = (STATIONS, LISTS, CANDIDATES, SHEETS, SHEETS_WITH_CANDIDATES, FIGURES)
    if header not in kinds and not problems:
        problems.add(1, "header", "expected one of: " + "; ".join(",".join(h) for h in kinds)
                     + f" — found {shown(','.join(header), 200)}")
    problems.raise_any()
    rows = list(found)
    out = TallyFile()
    if header == STATIONS:
        out.stations = [s for line, r in rows if (s := _station(problems, line, r))]
    elif header == FIGURES:
        for line, r in rows:
            key = (_text(problems, line, "constituency", r["constituency"], NAME_LENGTH),
                   rename(_text(problems, line, "list", r["list"], LIST_LENGTH)))
            if key in out.figures:
                problems.add(line, "constituency,list", "appears twice")
            out.figures[key] = _count(problems, line, "votes", r["votes"])
    elif header in (LISTS, CANDIDATES):
        for line, r in rows:
            constituency = _text(problems, line, "constituency", r["constituency"], NAME_LENGTH)
            list_name = rename(_text(problems, line, "list", r["list"], LIST_LENGTH))
            out.lists.append((constituency, list_name))
            alias = _text(problems, line, ALIAS, r.get(ALIAS), LIST_LENGTH, required=False)
            if alias:
                out.aliases[alias] = list_name
            if header == CANDIDATES:
                out.candidates.append((constituency, list_name,
                                       _text(problems, line, "candidate", r["candidate"],
                                             LIST_LENGTH)))
    else:  # sheets, with or without candidates
        lines = _sheets_from_rows(problems, rows, rename)
        out.sheets = [sheet for _, sheet in lines]
        out.origins = [(source, line) for line, _ in lines]
    problems.raise_any()
    return out


# A bad value reads as 0 or "" below: the problem is recorded, and the file is refused whole.


def _station(problems: Problems, line: int, r: dict[str, str]) -> Station | None:
    code = _text(problems, line, "station", r["station"], CODE_LENGTH)
    centre = _text(problems, line, "centre", r["centre"], CODE_LENGTH)
    constituency = _text(problems, line, "constituency", r["constituency"], NAME_LENGTH)
    kind = _enum(problems, line, "voting_type", r["voting_type"], VotingType)
    registered = _count(problems, line, "registered", r["registered"])
    if kind is None:
        return None
    return Station(code=code, centre=centre, constituency=constituency, voting_type=kind,
                   registered=registered)


def _sheets_from_rows(problems: Problems, rows: list[tuple[int, dict[str, str]]],
                      rename: Rename) -> list[tuple[int, TallySheet]]:
    """Each sheet, with the line its rows start at."""
    sheets = []
    group: list[tuple[int, dict[str, str]]] = []
    for line, r in [*rows, (0, {})]:
        if group and (not r or (r["station"], r["source"]) != (group[0][1]["station"],
                                                               group[0][1]["source"])):
            first_line, first = group[0]
            for line2, r2 in group[1:]:
                for column in (*SHEET_FIELDS, *SIGNED):
                    if r2.get(column) != first.get(column):
                        problems.add(line2, column, f"{shown(r2[column])} differs from line "
                                     f"{first_line} of the same sheet ({shown(first[column])})")
            votes: dict[str, int] = {}
            candidate_votes: dict[tuple[str, str], int] = {}
            for line2, r2 in group:
                list_name = rename(_text(problems, line2, "list", r2["list"], LIST_LENGTH))
                candidate = _text(problems, line2, "candidate", r2.get("candidate"),
                                  LIST_LENGTH, required=False)
                count = _count(problems, line2, "votes", r2["votes"])
                if not list_name:
                    continue
                if candidate and (list_name, candidate) in candidate_votes:
                    problems.add(line2, "candidate",
                                 f"{shown(candidate)} appears twice on this sheet")
                elif candidate:
                    candidate_votes[(list_name, candidate)] = count
                elif list_name in votes:
                    problems.add(line2, "list", f"{shown(list_name)} appears twice on this sheet")
                else:
                    votes[list_name] = count
            sheet = _sheet(problems, first_line, first, votes, candidate_votes=candidate_votes)
            if sheet:
                sheets.append((first_line, sheet))
            group = []
        if r:
            group.append((line, r))
    return sheets


def _sheet(problems: Problems, line: int | None, r: dict[str, Any],
           votes: dict[str, int], where: str = "",
           candidate_votes: dict[tuple[str, str], int] | None = None) -> TallySheet | None:
    station = _text(problems, line, f"{where}station", r.get("station"), CODE_LENGTH)
    source = _enum(problems, line, f"{where}source", r.get("source", ""), Source)
    received_at = _text(problems, line, f"{where}received_at", r.get("received_at"),
                        TIME_LENGTH, required=False)
    received_by = _text(problems, line, f"{where}received_by", r.get("received_by"),
                        NAME_LENGTH, required=False)
    counts = {c: _count(problems, line, f"{where}{c}", r.get(c)) for c in COUNTS}
    key_id, signature = (_text(problems, line, f"{where}{c}", r.get(c), SIGNATURE_LENGTH,
                               required=False).lower() for c in SIGNED)
    photo = _text(problems, line, f"{where}photo", r.get("photo"), 64, required=False).lower()
    if source is None:
        return None
    return TallySheet(station=station, source=source, received_at=received_at,
                      received_by=received_by, votes=votes,
                      candidate_votes=candidate_votes or {}, key_id=key_id,
                      signature=signature, photo=photo, **counts)


def _read_json(text: str, source: str, rename: Rename) -> TallyFile:
    problems = Problems(source)
    data = json_document(text, source, "a tally file")
    items = data if isinstance(data, list) else [data]
    out = TallyFile()
    for i, item in enumerate(items, 1):
        where = f"sheet {i} › "
        if not isinstance(item, dict) or not isinstance(item.get("votes"), dict):
            problems.add(None, f"sheet {i}", "expected an object with a 'votes' object")
            continue
        votes = {}
        for list_name, n in item["votes"].items():
            name = rename(_text(problems, None, f"{where}list", list_name, LIST_LENGTH))
            if name and name in votes:  # two spellings of one list
                problems.add(None, f"{where}list {name}", "appears twice on this sheet")
            votes[name] = _count(problems, None, f"{where}list {name or shown(list_name)}", n)
        sheet = _sheet(problems, None, item, votes, where)
        if sheet:
            out.sheets.append(sheet)
            out.origins.append((f"{source} › sheet {i}", None))
    problems.raise_any()
    return out
