"""The one exception tree of majlis.

    MajlisError                  anything majlis raises on purpose
    ├── InputError               user-correctable: bad file, row, field or law key;
    │                            carries every Problem found, not just the first
    ├── AllocationError          the law cannot fill the seats from these votes
    │                            (e.g. every list is below the threshold)
    └── StoreError               the tally store cannot be used as it is (not initialised,
                                 an older schema, or a release altered after publication)

Anything else escaping majlis is a bug. Front ends print an InputError as one line per problem,
`FILE:LINE: field: message`, and exit 2 (the CLI) or answer 422 (the API).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["AllocationError", "InputError", "MajlisError", "Problem", "StoreError"]


class MajlisError(Exception):
    """Root of every error majlis raises on purpose."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One thing wrong with the input, located precisely enough to fix it."""

    source: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.field}: {self.message}"


class InputError(MajlisError):
    """The input is wrong in ways the user can fix; lists every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class AllocationError(MajlisError):
    """The law cannot award the seats from these votes."""


class StoreError(MajlisError):
    """The tally store is not in a state to use: say what to run to fix it."""
