"""Reading cells of input files: every problem collected with its place, none fatal alone.

Shared by the readers of votes files and laws (`majlis.law`), tally files (`majlis.tally`) and
seat tables and constraints (`majlis.coalitions`), so that a count is parsed, and a bad one
reported, the same way everywhere.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from majlis.errors import InputError, Problem


class Problems(list[Problem]):
    """The problems found in one source so far."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source

    def add(self, line: int | None, field: str, message: str) -> None:
        self.append(Problem(source=self.source, line=line, field=field, message=message))

    def whole_number(self, line: int | None, field: str, value: object, *,
                     required: bool = True, most: int | None = None,
                     why: str = "") -> int | None:
        """A vote, seat or ballot count: a whole number, not negative, at most `most` (`why`
        says what that bound is); None when it is not."""
        text = "" if value is None else str(value).strip()
        if not text:
            if required:
                self.add(line, field, "missing")
            return None
        try:
            number = int(text)
        except ValueError:  # also past Python's 4,300 digits: no count is that long
            self.add(line, field, f"{shown(text)} is not a whole number")
            return None
        if number < 0:
            self.add(line, field, f"{number} is negative")
            return None
        if most is not None and number > most:
            figure = f"{number:,}" if len(text) <= 40 else shown(text)
            self.add(line, field, f"{figure} is more than {most:,}{why}")
            return None
        return number

    def raise_any(self) -> None:
        """An InputError listing every problem, if there was one."""
        if self:
            raise InputError(self)


def shown(text: str, width: int = 40) -> str:
    """`text` quoted for a message, cut short: a 100,000-character cell is not echoed whole."""
    return repr(text if len(text) <= width else text[:width] + "…")


def csv_rows(text: str, problems: Problems) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) pairs, the header's names first (as line 1, every cell blank), or a
    header problem; blank lines are skipped. A line the csv module cannot split (a field past
    its size limit) ends the file with a problem on that line."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = next(reader, None)
        if header is None or not any(h.strip() for h in header):
            problems.add(1, "header", "file is empty")
            return
        names = [h.strip().lower() for h in header]
        twice = sorted(n for n, k in Counter(names).items() if k > 1)
        if twice:  # a row would keep only the last of them
            problems.add(1, "header", f"names {', '.join(map(shown, twice))} twice")
            return
        yield 1, dict.fromkeys(names, "")
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(names):
                problems.add(reader.line_num, "row",
                             f"has {len(row)} fields, the header has {len(names)}")
                continue
            yield reader.line_num, {n: cell.strip() for n, cell in zip(names, row, strict=True)}
    except csv.Error as error:
        problems.add(reader.line_num, "csv", f"cannot be read: {error}")


def named_rows(rows: Iterable[tuple[int, dict[str, str]]], column: str, problems: Problems,
               lines: dict[str, int]) -> Iterator[tuple[int, str, dict[str, str]]]:
    """(line, name, row) of each data row named in `column`, each name once: a row whose name
    is missing, or repeats one given before (`lines` keeps the line each was first given on), is
    reported on its line and left out."""
    for line, row in rows:
        name = row[column]
        if not name:
            problems.add(line, column, "missing")
        elif name in lines:
            problems.add(line, column, f"{name!r} repeats line {lines[name]}")
        else:
            lines[name] = line
            yield line, name, row


def json_document(text: str, source: str, what: str) -> Any:
    """The JSON document in `text`, or an InputError on the line where it stops making sense —
    also for what `json` raises past its own errors (a 4,300-digit integer, deep nesting);
    `what` names the document for that last message."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        line: int | None = error.lineno
        message = error.msg
    except ValueError as error:
        line, message = None, str(error).split(":")[0]
    except RecursionError:
        line, message = None, f"nested too deeply to be {what}"
    raise InputError([Problem(source=source, line=line, field="json", message=message)]) from None


def toml_table(text: str, source: str) -> dict[str, Any]:
    """The TOML document's table, or an InputError on the line where it stops making sense —
    also for what tomllib raises past its own errors (a 4,300-digit integer, deep nesting)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"line (\d+)", str(error))
        message = str(error)
    except ValueError as error:
        line, message = None, str(error).split(":")[0]
    except RecursionError:
        line, message = None, "nested too deeply"
    raise InputError([Problem(source=source, line=int(line.group(1)) if line else None,
                              field="toml", message=message)]) from None
