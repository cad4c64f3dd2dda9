"""Party metadata per election — seats, bloc, community, colours, names, axis positions — as the
text of a seat table, for `majlis.coalitions.read_parties` (data does not import coalitions)."""

from __future__ import annotations

from collections.abc import Mapping

from ._bundle import path

PARTY_TABLES: Mapping[str, str] = {
    "iraq-2010": "iraq/iraq2010_parties.csv",
    "iraq-2025": "iraq/iraq2025_parties.csv",
}


def parties_text(name: str) -> str:
    """The bundled seat table of an election (`iraq-2010`), as CSV text."""
    if name not in PARTY_TABLES:
        raise KeyError(f"no bundled seat table {name!r}; one of: {', '.join(PARTY_TABLES)}")
    return path(PARTY_TABLES[name]).read_text(encoding="utf-8")
