"""Reading cells of input files: every problem collected with its place, none fatal alone.

Shared by the readers of votes files (`majlis.law`) and tally files (`majlis.tally`), so that a
count is parsed, and a bad one reported, the same way everywhere.
"""

from __future__ import annotations

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
