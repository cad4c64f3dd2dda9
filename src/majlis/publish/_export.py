"""A release as flat tables, written as CSV or Parquet for newsrooms and observers.

One table per kind of figure, each row a fact of the release with its keys — long, not wide, so
any tool adds them up without knowing the lists: `release` (one row: number, name, time, author,
digest), `votes` (constituency, voting type, list, votes), `counted` (constituency, voting type,
stations, counted, registered of the counted) and `candidates` (constituency, list, candidate,
votes). Votes are 64-bit integers in Parquet, so totals read back exactly. pyarrow is loaded
when a Parquet file is first written, not by every command that imports this package.
"""

from __future__ import annotations

import csv
import importlib
import io
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from majlis.tally import Release


class ExportFormat(StrEnum):
    """How a release's tables are written."""

    CSV = "csv"
    PARQUET = "parquet"


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportTable:
    """One table of a release: its name (the file's stem), columns with their kind (`str` or
    `int`), and rows in that order."""

    name: str
    columns: tuple[tuple[str, type], ...]
    rows: tuple[tuple[str | int, ...], ...]


def release_tables(release: Release) -> tuple[ExportTable, ...]:
    """The release's figures as four tables, rows in the release's order of constituencies and
    in sorted order within each (voting types, then lists, by name)."""
    votes = tuple((c.name, kind, list_name, n) for c in release.results
                  for kind in sorted(c.by_voting_type)
                  for list_name, n in sorted(c.by_voting_type[kind].items()))
    counted = tuple((c.name, kind, n, c.counted_by_type.get(kind, 0),
                     c.registered_counted_by_type.get(kind, 0))
                    for c in release.results for kind, n in sorted(c.stations_by_type.items()))
    return (
        ExportTable(name="release", columns=(("number", int), ("name", str),
                                             ("created_at", str), ("author", str),
                                             ("digest", str)),
                    rows=((release.number, release.name, release.created_at, release.author,
                           release.digest),)),
        ExportTable(name="votes", columns=(("constituency", str), ("voting_type", str),
                                           ("list", str), ("votes", int)), rows=votes),
        ExportTable(name="counted", columns=(("constituency", str), ("voting_type", str),
                                             ("stations", int), ("counted", int),
                                             ("registered_counted", int)), rows=counted),
        ExportTable(name="candidates", columns=(("constituency", str), ("list", str),
                                                ("candidate", str), ("votes", int)),
                    rows=tuple((k.constituency, k.list, k.candidate, k.votes)
                               for k in release.candidates)),
    )


def export_release(release: Release, out: Path, fmt: ExportFormat) -> tuple[Path, ...]:
    """Write each table of the release as `out/<table>.csv` or `.parquet` (creating `out`);
    the files written, in table order."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for table in release_tables(release):
        target = out / f"{table.name}.{fmt.value}"
        target.write_bytes(encode_table(table, fmt))
        written.append(target)
    return tuple(written)


def encode_table(table: ExportTable, fmt: ExportFormat) -> bytes:
    """One table as a file's bytes: UTF-8 CSV with a header row, or Parquet with the columns'
    own types (int64, string)."""
    if fmt is ExportFormat.CSV:
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(name for name, _ in table.columns)
        writer.writerows(table.rows)
        return text.getvalue().encode("utf-8")
    pa: Any = importlib.import_module("pyarrow")
    pq: Any = importlib.import_module("pyarrow.parquet")
    kinds = {int: pa.int64(), str: pa.string()}
    schema = pa.schema([(name, kinds[kind]) for name, kind in table.columns])
    arrays = [pa.array([row[i] for row in table.rows], type=field.type)
              for i, field in enumerate(schema)]
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), sink)
    data: bytes = sink.getvalue().to_pybytes()
    return data
