"""Reconciliation: our count against another source's published figures (a television
channel's, the commission's, an observers' table), constituency by constituency and list by
list. The store reads both; this only compares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Difference:
    """Where another source's figure differs from ours (None: the list is absent there)."""

    constituency: str
    list: str
    ours: int | None
    theirs: int | None


def reconcile(ours: Mapping[str, Mapping[str, int]], theirs: Mapping[tuple[str, str], int]
              ) -> tuple[Difference, ...]:
    """Every (constituency, list) where another source's votes differ from ours (`ours`: votes
    per list in each constituency), in that order."""
    mine = {(c, p): n for c, votes in ours.items() for p, n in votes.items()}
    return tuple(Difference(constituency=k[0], list=k[1], ours=mine.get(k), theirs=theirs.get(k))
                 for k in sorted(mine.keys() | theirs.keys()) if mine.get(k) != theirs.get(k))
