"""Official results and their sources, bundled with the package (see README.md files here).

Read through `rows`, never from `../shared`: the package carries what it needs.
"""

from __future__ import annotations

import csv
import io
from importlib import resources
from importlib.resources.abc import Traversable

__all__ = ["path", "rows"]


def path(name: str) -> Traversable:
    """A bundled file, e.g. `path("iraq/iraq2005jan_national.csv")`."""
    return resources.files(__package__).joinpath(name)


def rows(name: str) -> list[dict[str, str]]:
    """A bundled CSV as a list of rows keyed by header."""
    text = path(name).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))
