"""How each list is shown wherever majlis publishes it — the dashboard, printed charts, the CDF
export: its Arabic and English names and one colour, so a list looks the same in all of them.

Names and colours come from the election's bundled seat table (else the table of the election
its law is named for) and its alias table; a list neither knows keeps its own name, and takes a
colour from a fixed palette, in order of votes, skipping those too close to a colour already
taken.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

from majlis import data
from majlis.coalitions import ListSeats, read_seat_table
from majlis.data import ListNames

# Distinct colours, readable on white, for the lists no seat table knows, in order of votes.
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
           "#17becf", "#bcbd22", "#393b79", "#637939", "#843c39", "#7b4173", "#3182bd", "#e6550d")
UNKNOWN_COLOUR = "#888888"


@dataclass(frozen=True, slots=True, kw_only=True)
class ListStyle:
    """A list as it is shown: its name in the count, its Arabic and English names ("" where no
    table knows them), a `#rrggbb` colour, and its votes (what the palette goes by)."""

    name: str
    name_ar: str
    name_en: str
    colour: str
    votes: int

    def label(self, lang: str) -> str:
        """The list as the dashboard names it in `lang`: its Arabic name where known in `ar`,
        else its name in the count."""
        return (self.name_ar if lang == "ar" else "") or self.name


@lru_cache(maxsize=len(data.SEAT_TABLES))
def _seat_table_by_name(name: str) -> dict[str, ListSeats]:
    """A bundled seat table under every name its lists go by in results: the table's name, the
    short English name, the name without its bracketed part (`Kurdistan Alliance`), and the one
    name the election's alias table gives the list (`data.list_names`)."""
    names = data.list_names(name)
    found: dict[str, ListSeats] = {}
    for p in read_seat_table(data.seat_table_text(name), data.SEAT_TABLES[name]):
        listed = names.resolve(p.name)
        for key in (p.name, p.name_en, p.name.split(" (")[0], listed.name if listed else ""):
            if key:
                found.setdefault(key.casefold(), p)
    return found


@lru_cache(maxsize=8)
def known_lists(election: str, law: str | None = None) -> tuple[Mapping[str, ListSeats],
                                                                  ListNames]:
    """The seat table (keyed by every casefolded name) and the alias table of the election,
    or else of the election its law is named for; empty when neither is bundled."""
    table = next((n for n in (election, law) if n and n in data.SEAT_TABLES), None)
    return (_seat_table_by_name(table) if table else {}), data.list_names(table or "")


def _apart(one: str, other: str) -> bool:
    """Two #rrggbb colours a reader tells apart at a glance (far enough in RGB)."""
    a, b = (tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in (one, other))
    return sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) > 90**2


def style_lists(votes: Mapping[str, int], election: str, law: str | None = None
                ) -> tuple[ListStyle, ...]:
    """Each list of `votes` with its names and colour, by votes (most first, then by name): the
    Arabic name from the election's alias table where it knows the list (any spelling), else
    from its seat table, as are the English name and the colour."""
    known, names = known_lists(election, law)
    rows = {name: known.get(name.casefold()) or known.get(
        names.canonical(name).casefold(), ListSeats(name=name, seats=0)) for name in votes}
    taken = [p.colour for p in rows.values() if p.colour]
    spare: Iterator[str] = iter([c for c in PALETTE if all(_apart(c, t) for t in taken)])
    out = []
    for name, n in sorted(votes.items(), key=lambda x: (-x[1], x[0])):
        listed = names.resolve(name)
        row = rows[name]
        out.append(ListStyle(
            name=name, name_ar=(listed.name_ar if listed else "") or row.name_ar,
            name_en=row.name_en,
            colour=row.colour or next(spare, UNKNOWN_COLOUR), votes=n))
    return tuple(out)
