"""Reading the registry and tally sheets from CSV or JSON text, every problem at once.

Kinds, told apart by their header (CSV) or shape (JSON):
- stations: `constituency,centre,station,voting_type,registered`
- lists:    `constituency,list`, or `constituency,list,candidate` to register candidates too
- sheets:   `station,source,received_at,received_by,ballots_received,cast,valid,invalid,spoiled,
            unused,list,votes` — one row per list; a sheet's rows are consecutive; with a
            `candidate` column before `votes`, rows naming a candidate give that candidate's
            votes and rows without one the list's
- figures:  `constituency,list,votes` — another source's published totals, to reconcile with
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from majlis._cells import Problems
from majlis.errors import InputError

from ._values import Source, Station, TallySheet, VotingType

STATIONS = ("constituency", "centre", "station", "voting_type", "registered")
LISTS = ("constituency", "list")
FIGURES = ("constituency", "list", "votes")
SHEET_FIELDS = ("station", "source", "received_at", "received_by", "ballots_received", "cast",
                "valid", "invalid", "spoiled", "unused")
SHEETS = (*SHEET_FIELDS, "list", "votes")
SHEETS_WITH_CANDIDATES = (*SHEET_FIELDS, "list", "candidate", "votes")
CANDIDATES = ("constituency", "list", "candidate")
COUNTS = ("ballots_received", "cast", "valid", "invalid", "spoiled", "unused")


@dataclass
class TallyFile:
    """What one file holds: registry entries or sheets (only one kind per file)."""

    stations: list[Station] = field(default_factory=list)
    lists: list[tuple[str, str]] = field(default_factory=list)
    candidates: list[tuple[str, str, str]] = field(default_factory=list)
    sheets: list[TallySheet] = field(default_factory=list)
    figures: dict[tuple[str, str], int] = field(default_factory=dict)


def read_tally_file(text: str, source: str) -> TallyFile:
    """Parse `text` (CSV, or JSON when it starts with `[` or `{`)."""
    text = text.removeprefix("\ufeff")
    if text.lstrip().startswith(("[", "{")):
        return _read_json(text, source)
    return _read_csv(text, source)


def _enum(problems: Problems, line: int | None, column: str, value: str,
             kind: type[Any]) -> Any:
    try:
        return kind(value)
    except ValueError:
        problems.add(line, column, f"{value!r} is not one of {', '.join(k.value for k in kind)}")
        return None


def _read_csv(text: str, source: str) -> TallyFile:
    problems = Problems(source)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = tuple(h.strip().lower() for h in next(reader, []))
    out = TallyFile()
    kinds = (STATIONS, LISTS, CANDIDATES, SHEETS, SHEETS_WITH_CANDIDATES, FIGURES)
    if header not in kinds:
        problems.add(1, "header", "expected one of: " + "; ".join(",".join(h) for h in kinds)
            + f" — found {','.join(header)}")
        raise InputError(problems)
    rows = []
    for row in reader:
        if any(cell.strip() for cell in row):
            if len(row) != len(header):
                problems.add(reader.line_num, "row",
                             f"has {len(row)} fields, the header has {len(header)}")
                continue
            rows.append((reader.line_num, dict(zip(header, (c.strip() for c in row),
                                                       strict=True))))
    if header == STATIONS:
        out.stations = [s for line, r in rows if (s := _station(problems, line, r))]
    elif header == FIGURES:
        for line, r in rows:
            key = (r["constituency"], r["list"])
            if key in out.figures:
                problems.add(line, "constituency,list", "appears twice")
            out.figures[key] = problems.whole_number(line, "votes", r["votes"]) or 0
    elif header in (LISTS, CANDIDATES):
        for line, r in rows:
            for column in header:
                if not r[column]:
                    problems.add(line, column, "missing")
            out.lists.append((r["constituency"], r["list"]))
            if header == CANDIDATES:
                out.candidates.append((r["constituency"], r["list"], r["candidate"]))
    else:  # sheets, with or without candidates
        out.sheets = _sheets_from_rows(problems, rows)
    problems.raise_any()
    return out


# A bad count reads as 0 below: the problem is recorded, and the file is refused as a whole.


def _station(problems: Problems, line: int | None, r: dict[str, Any]) -> Station | None:
    for column in ("constituency", "centre", "station"):
        if not str(r.get(column) or "").strip():
            problems.add(line, column, "missing")
    kind = _enum(problems, line, "voting_type", str(r.get("voting_type", "")), VotingType)
    registered = problems.whole_number(line, "registered", r.get("registered")) or 0
    if kind is None:
        return None
    return Station(code=str(r["station"]), centre=str(r["centre"]),
                   constituency=str(r["constituency"]), voting_type=kind, registered=registered)


def _sheets_from_rows(problems: Problems, rows: list[tuple[int, dict[str, str]]]
                      ) -> list[TallySheet]:
    sheets = []
    group: list[tuple[int, dict[str, str]]] = []
    for line, r in [*rows, (0, {})]:
        if group and (not r or (r["station"], r["source"]) != (group[0][1]["station"],
                                                               group[0][1]["source"])):
            first_line, first = group[0]
            for line2, r2 in group[1:]:
                for column in SHEET_FIELDS:
                    if r2[column] != first[column]:
                        problems.add(line2, column, f"{r2[column]!r} differs from line "
                                     f"{first_line} of the same sheet ({first[column]!r})")
            votes: dict[str, int] = {}
            candidate_votes: dict[tuple[str, str], int] = {}
            for line2, r2 in group:
                candidate = r2.get("candidate", "")
                if not r2["list"]:
                    problems.add(line2, "list", "missing")
                elif candidate and (r2["list"], candidate) in candidate_votes:
                    problems.add(line2, "candidate",
                                 f"{candidate!r} appears twice on this sheet")
                elif candidate:
                    candidate_votes[(r2["list"], candidate)] = (
                        problems.whole_number(line2, "votes", r2["votes"]) or 0)
                elif r2["list"] in votes:
                    problems.add(line2, "list", f"{r2['list']!r} appears twice on this sheet")
                else:
                    votes[r2["list"]] = problems.whole_number(line2, "votes", r2["votes"]) or 0
            sheet = _sheet(problems, first_line, first, votes, candidate_votes=candidate_votes)
            if sheet:
                sheets.append(sheet)
            group = []
        if r:
            group.append((line, r))
    return sheets


def _sheet(problems: Problems, line: int | None, r: dict[str, Any],
           votes: dict[str, int], where: str = "",
           candidate_votes: dict[tuple[str, str], int] | None = None) -> TallySheet | None:
    if not str(r.get("station") or "").strip():
        problems.add(line, f"{where}station", "missing")
    source = _enum(problems, line, f"{where}source", str(r.get("source", "")), Source)
    counts = {c: (problems.whole_number(line, f"{where}{c}", r.get(c)) or 0) for c in COUNTS}
    if source is None:
        return None
    return TallySheet(station=str(r["station"]), source=source,
                      received_at=str(r.get("received_at") or ""),
                      received_by=str(r.get("received_by") or ""), votes=votes,
                      candidate_votes=candidate_votes or {}, **counts)


def _read_json(text: str, source: str) -> TallyFile:
    problems = Problems(source)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.add(exc.lineno, "json", exc.msg)
        raise InputError(problems) from None
    items = data if isinstance(data, list) else [data]
    out = TallyFile()
    for i, item in enumerate(items, 1):
        where = f"sheet {i} › "
        if not isinstance(item, dict) or not isinstance(item.get("votes"), dict):
            problems.add(None, f"sheet {i}", "expected an object with a 'votes' object")
            continue
        votes = {}
        for party, n in item["votes"].items():
            votes[str(party)] = problems.whole_number(None, f"{where}list {party}", n) or 0
        sheet = _sheet(problems, None, item, votes, where)
        if sheet:
            out.sheets.append(sheet)
    problems.raise_any()
    return out
