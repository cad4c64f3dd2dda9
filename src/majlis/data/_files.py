"""The package's own files, read where they are installed (nothing is fetched at run time)."""

from __future__ import annotations

import csv
import gzip
import io
from importlib import resources
from importlib.resources.abc import Traversable

from majlis.errors import InputError, Problem

ROOT = resources.files(__package__)


def path(name: str) -> Traversable:
    """A bundled file, e.g. `path("iraq/iraq2005jan_national.csv")`."""
    return ROOT.joinpath(name)


def rows(name: str) -> list[dict[str, str]]:
    """A bundled CSV as a list of rows keyed by header; one ending in `.gz` is gzip'd (a large
    file kept small in the wheel)."""
    entry = path(name)
    text = (gzip.decompress(entry.read_bytes()).decode("utf-8-sig") if name.endswith(".gz")
            else entry.read_text(encoding="utf-8-sig"))
    return list(csv.DictReader(io.StringIO(text)))


def unknown(field: str, message: str) -> InputError:
    """A bundled name that is not there: the caller's mistake, named by what was asked for."""
    return InputError([Problem(source="bundled data", line=None, field=field, message=message)])
