"""What the store can hold, checked where a file or request is read — the same on SQLite and
PostgreSQL — so that no value is refused by the database halfway through a batch.

The lengths are those of the store's columns (`_schema`); a sheet's figures fit the 32-bit
columns of one version, and the running totals are 64-bit, so no count of sheets overflows them.
"""

from __future__ import annotations

__all__ = ["CODE_LENGTH", "LIST_LENGTH", "MAX_COUNT", "NAME_LENGTH", "TEXT_LENGTH", "TIME_LENGTH",
           "count_problem", "text_problem"]

MAX_COUNT = 2**31 - 1  # the largest figure one tally sheet may carry
CODE_LENGTH = 100  # polling station and centre codes
NAME_LENGTH = 200  # constituencies, elections, releases, the staff's names
TIME_LENGTH = 40  # a sheet's time of receipt, as written
LIST_LENGTH = 300  # list and candidate names
TEXT_LENGTH = 10_000  # free text: a correction's reason


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
