"""The lists of each election — seats, bloc, community, colours, names, axis positions — as the
text of a seat table, for `majlis.coalitions.read_seat_table` (data does not import coalitions)."""

from __future__ import annotations

from collections.abc import Mapping

from ._files import path, unknown

SEAT_TABLES: Mapping[str, str] = {
    "iraq-2005-jan": "iraq/iraq2005jan_parties.csv",
    "iraq-2005-dec": "iraq/iraq2005dec_parties.csv",
    "iraq-2010": "iraq/iraq2010_parties.csv",
    "iraq-2014": "iraq/iraq2014_parties.csv",
    "iraq-2018": "iraq/iraq2018_parties.csv",
    "iraq-2021": "iraq/iraq2021_parties.csv",
    "iraq-2025": "iraq/iraq2025_parties.csv",
}

# The whole house each table belongs to (docs/iraq-electoral-system.md, §1): a majority is counted
# on it even where a table names fewer seats (2014's and 2021's published results are partial).
SEAT_TABLE_HOUSES: Mapping[str, int] = {
    "iraq-2005-jan": 275, "iraq-2005-dec": 275, "iraq-2010": 325, "iraq-2014": 328,
    "iraq-2018": 329, "iraq-2021": 329, "iraq-2025": 329,
}


def seat_table_text(name: str) -> str:
    """The bundled seat table of an election (`iraq-2010`), as CSV text."""
    if name not in SEAT_TABLES:
        raise unknown("seat table",
                      f"no bundled seat table {name!r}; one of: {', '.join(SEAT_TABLES)}")
    return path(SEAT_TABLES[name]).read_text(encoding="utf-8")
