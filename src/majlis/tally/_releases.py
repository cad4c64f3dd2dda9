"""Releases — immutable snapshots of the results — and the comparison between two releases
("since the last release …"). Their seal and its check are `majlis._chain`'s, shared with
`audit.verify_chain`; reconciling with another source's figures is `audit.reconcile`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from majlis._chain import StoredRelease

from ._results import CandidateCount, ConstituencyCount
from ._schema import ReleaseRow


@dataclass(frozen=True, slots=True, kw_only=True)
class Release:
    """Results as published at one moment, numbered in order."""

    number: int
    name: str
    created_at: str
    results: tuple[ConstituencyCount, ...]
    digest: str
    author: str = ""
    candidates: tuple[CandidateCount, ...] = ()  # none in releases made before majlis kept them
    # The sheet chain's head it was sealed over, to publish beside the digest (`verify-chain
    # --head`); "" for releases from before the release chain.
    sheet_head: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """How one list's votes in one constituency moved between two sets of results."""

    constituency: str
    list: str
    before: int
    after: int

    @property
    def gained(self) -> int:
        return self.after - self.before


def payload(results: Sequence[ConstituencyCount], candidates: Sequence[CandidateCount]) -> str:
    """The results as canonical JSON: what a release stores and its digest covers. Candidates
    ride in their constituency's entry, so a release from before them reads as it always did."""
    people: dict[str, list[list[object]]] = {}
    for k in candidates:
        people.setdefault(k.constituency, []).append([k.list, k.candidate, k.votes])
    return json.dumps([{"name": c.name, "stations_by_type": c.stations_by_type,
                        "counted_by_type": c.counted_by_type,
                        "by_voting_type": c.by_voting_type,
                        "registered_counted_by_type": c.registered_counted_by_type,
                        **({"candidates": people[c.name]} if c.name in people else {})}
                       for c in results], ensure_ascii=False, sort_keys=True)


def from_payload(text: str) -> tuple[tuple[ConstituencyCount, ...], tuple[CandidateCount, ...]]:
    """A stored release's results and candidates (none in a release from before them)."""
    items = json.loads(text)
    people = tuple(CandidateCount(constituency=item["name"], list=p, candidate=k, votes=n)
                   for item in items for p, k, n in item.pop("candidates", ()))
    return tuple(ConstituencyCount(**item) for item in items), people


def changes(before: Sequence[ConstituencyCount], after: Sequence[ConstituencyCount]
            ) -> list[Change]:
    """Every (constituency, list) whose votes differ between two sets of results."""
    old = {(c.name, p): n for c in before for p, n in c.votes.items()}
    new = {(c.name, p): n for c in after for p, n in c.votes.items()}
    return [Change(constituency=k[0], list=k[1], before=old.get(k, 0), after=new.get(k, 0))
            for k in sorted(old.keys() | new.keys()) if old.get(k, 0) != new.get(k, 0)]


def stored(row: ReleaseRow) -> StoredRelease:
    """A stored release as the plain value the chain's checks read."""
    return StoredRelease(number=row.number, name=row.name, author=row.author,
                         created_at=row.created_at, payload=row.payload, digest=row.digest,
                         prev_digest=row.prev_digest, sheet_head=row.sheet_head,
                         sheets=row.sheets)
