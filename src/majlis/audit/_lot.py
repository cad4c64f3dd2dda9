"""The public lot: which stations are hand-counted, drawn so that anyone can repeat the draw.

The seed is announced in public before the draw (read off dice, a lottery result); each station's
place in the lot is the SHA-256 digest of the seed and its code, so the order depends on nothing
the commission controls after the seed is known, and `printf '%s\\n%s' SEED CODE | sha256sum`
checks any station by hand. docs/audit.md writes the rule out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from majlis.errors import InputError, Problem


class Place(Protocol):
    """Where a station sits: what the lot needs to know of it (a registered station fits)."""

    @property
    def code(self) -> str: ...
    @property
    def centre(self) -> str: ...
    @property
    def constituency(self) -> str: ...


class Stratum(StrEnum):
    """What a sample is drawn within: each polling centre (one station each), each
    constituency (`size` stations each), or the whole country (`size` stations)."""

    CENTRE = "centre"
    CONSTITUENCY = "constituency"
    ALL = "all"


@dataclass(frozen=True, slots=True, kw_only=True)
class Drawn:
    """One station drawn: its place in the lot (1 = first in the whole lot's order) and the
    digest that put it there."""

    station: str
    centre: str
    constituency: str
    rank: int
    digest: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Selection:
    """The stations to hand-count, in lot order, with the seed and rule that chose them."""

    seed: str
    stratum: Stratum
    size: int
    stations: tuple[Drawn, ...]


def lot_digest(seed: str, station: str) -> str:
    """The station's key in the lot: SHA-256 (hex) of the UTF-8 text `seed`, a newline,
    `station`. A seed holds no newline, so no two (seed, station) pairs share a text."""
    return hashlib.sha256(f"{seed}\n{station}".encode()).hexdigest()


def select(stations: Iterable[Place], seed: str, *, stratum: Stratum = Stratum.CENTRE,
           size: int = 1) -> Selection:
    """Order every station by its lot digest (ascending; the station code breaks a tie that
    SHA-256 never gives) and take the first `size` of each stratum — one per centre when the
    stratum is the centre. A stratum smaller than `size` is taken whole."""
    problems = []
    if not seed.strip() or "\n" in seed or "\r" in seed:
        problems.append(Problem(source="lot", line=None, field="seed",
                                message="give the seed announced in public: one line, not empty"))
    if size < 1 or (stratum is Stratum.CENTRE and size != 1):
        problems.append(Problem(source="lot", line=None, field="size", message=(
            f"{size} stations per {stratum.value}: a centre gives one station, a constituency "
            "or the whole count at least one")))
    if problems:
        raise InputError(problems)
    order = sorted((lot_digest(seed, s.code), s.code, s) for s in stations)
    taken: dict[str, int] = {}
    drawn = []
    for rank, (digest, code, s) in enumerate(order, 1):
        key = {Stratum.CENTRE: f"{s.constituency}\n{s.centre}",
               Stratum.CONSTITUENCY: s.constituency, Stratum.ALL: ""}[stratum]
        if taken.get(key, 0) < size:
            taken[key] = taken.get(key, 0) + 1
            drawn.append(Drawn(station=code, centre=s.centre, constituency=s.constituency,
                               rank=rank, digest=digest))
    return Selection(seed=seed, stratum=stratum, size=size, stations=tuple(drawn))
