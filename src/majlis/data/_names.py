"""One name per list: every spelling a source printed, resolved to the list it names.

Sources spell one list many ways (`Al-Asas`, `Asas`, `Al-Asas al-Iraqi`, `ائتلاف الأساس`), and a
table that keeps the spellings apart splits one list's votes and seats. The bundled alias table
of an election maps each spelling to one list with its Arabic name; every entry point (bundled
elections, the replay, ingest, the results service) resolves names through `list_names`, never a
copy of its own. A spelling the table marks UNCERTAIN is not resolved: a guess must not merge two
lists.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache

from ._files import rows
from ._seat_tables import SEAT_TABLES

ALIAS_TABLES: Mapping[str, str] = {"iraq-2025": "iraq/iraq2025_list_aliases.csv"}
# Not a list: the votes of the lists a source left out, counted together where nothing tells
# them apart (the 2010 replay). It leads nothing, and its seats are named apart.
OTHER_LISTS = "Other lists (not published)"


def spelling(name: str) -> str:
    """A name as compared: Unicode-normalised, case and runs of spaces ignored, one apostrophe."""
    text = unicodedata.normalize("NFKC", name).replace("’", "'").replace("ʼ", "'")
    return re.sub(r"\s+", " ", text.casefold()).strip()


@dataclass(frozen=True, slots=True, kw_only=True)
class ListName:
    """A list as majlis names it: the alias table's name, and its Arabic name where known."""

    name: str
    name_ar: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ListNames:
    """Spellings → lists; `uncertain` names the spellings held apart, each with the list a
    source's table only guessed it to be (by seat count or initials)."""

    spellings: Mapping[str, ListName] = field(default_factory=dict)
    uncertain: Mapping[str, str] = field(default_factory=dict)

    def resolve(self, name: str, name_ar: str = "") -> ListName | None:
        """The list `name` spells, or None when no table knows it. An Arabic name given beside
        it decides first: translations collide (Shafaq's "Determination" is Hasm, though the
        word usually translates Azm), the Arabic names do not."""
        for given in (name_ar, name):
            found = self.spellings.get(spelling(given)) if given else None
            if found:
                return found
        return None

    def canonical(self, name: str, name_ar: str = "") -> str:
        """The list's one name, or `name` itself when no table knows it (kept apart)."""
        found = self.resolve(name, name_ar)
        return found.name if found else name

    def merged(self, votes: Mapping[str, int]) -> dict[str, int]:
        """Votes under each list's one name, spellings of one list added together."""
        out: dict[str, int] = {}
        for name, n in votes.items():
            key = self.canonical(name)
            out[key] = out.get(key, 0) + n
        return out

    def with_aliases(self, aliases: Mapping[str, str]) -> ListNames:
        """These names and further spellings (`alias → list`, e.g. from a lists file): each
        alias names the list its target resolves to, or the target itself."""
        added = {spelling(alias): self.resolve(target) or ListName(name=target)
                 for alias, target in aliases.items()}
        return replace(self, spellings={**self.spellings, **added})


@cache
def list_names(election: str) -> ListNames:
    """The bundled alias table of an election (`iraq-2025`), and its seat table's names for the
    lists the alias table knows; no spellings for an election without one, so its names stay
    as given."""
    if election not in ALIAS_TABLES:
        return ListNames()
    spellings: dict[str, ListName] = {}
    uncertain: dict[str, str] = {}
    for r in rows(ALIAS_TABLES[election]):
        listed = ListName(name=r["canonical"], name_ar=r["canonical_ar"])
        if "UNCERTAIN" in r["note"]:
            uncertain[r["alias"]] = listed.name
            continue
        for name in (r["alias"], r["canonical"], r["canonical_ar"]):
            if name:
                spellings[spelling(name)] = listed
    if election in SEAT_TABLES:  # the seat table's names, where they name a known list
        for r in rows(SEAT_TABLES[election]):
            known = [spellings[s] for s in map(spelling, (r["party"], r["name_en"]))
                     if s in spellings]
            for name in (r["party"], r["name_en"]) if known else ():
                spellings.setdefault(spelling(name), known[0])
    return ListNames(spellings=spellings, uncertain=uncertain)
