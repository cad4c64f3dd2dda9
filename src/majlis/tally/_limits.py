"""What the store can hold, checked where a file or request is read — the same on SQLite and
PostgreSQL — so that no value is refused by the database halfway through a batch.

The lengths are those of the store's columns (`_schema`); a sheet's figures fit the 32-bit
columns of one version, and the running totals are 64-bit, so no count of sheets overflows them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from majlis._cells import shown
from majlis.errors import InputError, Problem

from ._values import Station, TallySheet

_SHA256 = re.compile("[0-9a-f]{64}")

__all__ = ["CODE_LENGTH", "LIST_LENGTH", "MAX_COUNT", "NAME_LENGTH", "SIGNATURE_LENGTH",
           "TEXT_LENGTH", "TIME_LENGTH",
           "count_problem", "refuse", "registry_problems", "sheet_problems", "text_problem",
           "text_problems"]

MAX_COUNT = 2**31 - 1  # the largest figure one tally sheet may carry
CODE_LENGTH = 100  # polling station and centre codes
NAME_LENGTH = 200  # constituencies, elections, releases, the staff's names
TIME_LENGTH = 40  # a sheet's time of receipt, as written
LIST_LENGTH = 300  # list and candidate names
TEXT_LENGTH = 10_000  # free text: a correction's reason
SIGNATURE_LENGTH = 128  # a device's key id and its Ed25519 signature, hexadecimal


def text_problem(value: str, limit: int) -> str | None:
    """Why `value` cannot be stored in a column of `limit` characters, or None when it can."""
    if "\x00" in value:
        return "contains a NUL character, which no store keeps"
    if len(value) > limit:
        return f"is {len(value):,} characters long; at most {limit:,} are kept"
    return None


def count_problem(value: int) -> str | None:
    """Why `value` is no figure a tally sheet can carry, or None when it is one."""
    if value < 0:
        return f"{value} is negative"
    if value > MAX_COUNT:
        return f"{value:,} is more than {MAX_COUNT:,}, the most one sheet can carry"
    return None


def refuse(problems: Iterable[Problem]) -> None:
    """Raise every problem found at once, if any."""
    found = list(problems)
    if found:
        raise InputError(found)


def text_problems(source: str, fields: Iterable[tuple[str, str, int]], *, required: bool = True
           ) -> list[Problem]:
    """Each text that is blank (when `required`) or cannot be stored: (field, value, limit)."""
    found = []
    for field, value, limit in fields:
        why = "is empty" if required and not value.strip() else text_problem(value, limit)
        if why:
            found.append(Problem(source=source, line=None, field=field, message=why))
    return found


def _counts(source: str, fields: Iterable[tuple[str, int]]) -> list[Problem]:
    return [Problem(source=source, line=None, field=field, message=why)
            for field, value in fields if (why := count_problem(value))]


def sheet_problems(n: int, sheet: TallySheet) -> list[Problem]:
    """Every value of sheet `n` (of those given) that no store can hold: the last guard behind
    the file and request readers, the same on SQLite and PostgreSQL."""
    if _storable(sheet):  # the common case, decided without a problem built per field
        return []
    named = text_problem(sheet.station, CODE_LENGTH) is None
    source = f"sheet {n} (station {sheet.station})" if named else f"sheet {n}"
    return [
        *text_problems(source, (("station", sheet.station, CODE_LENGTH),
                         ("received_at", sheet.received_at, TIME_LENGTH),
                         ("received_by", sheet.received_by, NAME_LENGTH)), required=False),
        *_counts(source, ((f, getattr(sheet, f)) for f in (
            "ballots_received", "cast", "valid", "invalid", "spoiled", "unused"))),
        *text_problems(source, ((f"votes › {shown(p)}", p, LIST_LENGTH) for p in sheet.votes),
                required=False),
        *_counts(source, ((f"votes › {shown(p)}", n) for p, n in sheet.votes.items())),
        *text_problems(source, ((f"candidate votes › {shown(p)} › {shown(k)}", x, LIST_LENGTH)
                         for p, k in sheet.candidate_votes for x in (p, k)), required=False),
        *_counts(source, ((f"candidate votes › {shown(p)} › {shown(k)}", n)
                          for (p, k), n in sheet.candidate_votes.items())),
        *([Problem(source=source, line=None, field="photo", message=(
            f"{shown(sheet.photo)} is not a SHA-256 (64 lowercase hexadecimal digits)"))]
          if sheet.photo and not _SHA256.fullmatch(sheet.photo) else []),
    ]


def _storable(sheet: TallySheet) -> bool:
    """Whether `sheet_problems` finds nothing in `sheet`: its texts and figures checked at once
    (an ingest checks every sheet of the night before it writes one)."""
    names = [*sheet.votes, *(x for pair in sheet.candidate_votes for x in pair)]
    figures = [sheet.ballots_received, sheet.cast, sheet.valid, sheet.invalid, sheet.spoiled,
               sheet.unused, *sheet.votes.values(), *sheet.candidate_votes.values()]
    return (len(sheet.station) <= CODE_LENGTH and len(sheet.received_at) <= TIME_LENGTH
            and len(sheet.received_by) <= NAME_LENGTH
            and (not names or max(map(len, names)) <= LIST_LENGTH)
            and "\x00" not in "".join((sheet.station, sheet.received_at, sheet.received_by,
                                        *names))
            and min(figures) >= 0 and max(figures) <= MAX_COUNT
            and (not sheet.photo or _SHA256.fullmatch(sheet.photo) is not None))


def registry_problems(stations: Sequence[Station], lists: Sequence[tuple[str, str]],
                       candidates: Sequence[tuple[str, str, str]],
                       aliases: Mapping[str, str]) -> list[Problem]:
    """Every registry value no store can hold."""
    found = []
    for s in stations:
        source = f"station {shown(s.code)}"
        found += text_problems(source, (("station", s.code, CODE_LENGTH),
                                 ("centre", s.centre, CODE_LENGTH),
                                 ("constituency", s.constituency, NAME_LENGTH)))
        found += _counts(source, (("registered", s.registered),))
    for constituency, list_name in lists:
        found += text_problems(f"list {shown(list_name)}", (
            ("constituency", constituency, NAME_LENGTH), ("list", list_name, LIST_LENGTH)))
    for constituency, list_name, person in candidates:
        found += text_problems(f"candidate {shown(person)}", (
            ("constituency", constituency, NAME_LENGTH), ("list", list_name, LIST_LENGTH),
            ("candidate", person, LIST_LENGTH)))
    for alias, list_name in aliases.items():
        found += text_problems(f"alias {shown(alias)}", (("alias", alias, LIST_LENGTH),
                                                        ("list", list_name, LIST_LENGTH)))
    return found
