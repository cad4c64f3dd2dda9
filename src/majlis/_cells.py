"""Reading cells of input files: every problem collected with its place, none fatal alone.

Shared by the readers of votes files (`majlis.law`), tally files (`majlis.tally`) and seat tables
(`majlis.coalitions`), so that a count is parsed, and a bad one reported, the same way everywhere.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from majlis.errors import InputError, Problem


class Problems(list[Problem]):
    """The problems found in one source so far."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source

    def add(self, line: int | None, field: str, message: str) -> None:
        self.append(Problem(source=self.source, line=line, field=field, message=message))

    def whole_number(self, line: int | None, field: str, value: object, *,
              required: bool = True) -> int | None:
        """A vote, seat or ballot count: a whole number, not negative; None when it is not."""
        text = "" if value is None else str(value).strip()
        if not text:
            if required:
                self.add(line, field, "missing")
            return None
        try:
            number = int(text)
        except ValueError:
            self.add(line, field, f"{text!r} is not a whole number")
            return None
        if number < 0:
            self.add(line, field, f"{number} is negative")
            return None
        return number

    def raise_any(self) -> None:
        """An InputError listing every problem, if there was one."""
        if self:
            raise InputError(self)


def csv_rows(text: str, problems: Problems) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) pairs, or a header problem; blank lines are skipped."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = next(reader, None)
    if header is None or not any(h.strip() for h in header):
        problems.add(1, "header", "file is empty")
        return
    names = [h.strip().lower() for h in header]
    yield 1, dict.fromkeys(names, "")
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(names):
            problems.add(reader.line_num, "row",
                         f"has {len(row)} fields, the header has {len(names)}")
            continue
        yield reader.line_num, {n: cell.strip() for n, cell in zip(names, row, strict=True)}
