"""Releases — immutable snapshots of the results — and the comparison between two releases
("since the last release …"). Reconciling with another source's figures is `audit.reconcile`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._results import CandidateCount, ConstituencyCount
from ._schema import GENESIS

if TYPE_CHECKING:
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


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True, kw_only=True)
class Seal:
    """Everything a release's digest covers besides its payload: who, when, under what name and
    number, where the sheet chain stood (its head and length) and the release it follows."""

    election: str
    number: int
    name: str
    author: str
    created_at: str
    sheet_head: str
    sheets: int
    previous: str

    def digest(self, text: str) -> str:
        """The release's digest: renaming, renumbering, re-dating or re-ordering it shows."""
        return digest(json.dumps([self.election, self.number, self.name, self.author,
                                  self.created_at, digest(text), self.sheet_head, self.sheets,
                                  self.previous], ensure_ascii=False))


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


@dataclass(frozen=True, slots=True, kw_only=True)
class Audit:
    """What checking one election's releases found."""

    problems: list[str]
    vouched: list[tuple[int, str, str]]  # (sheet chain length, its head, which release) then
    unchained: int  # releases from before the release chain


def audit_releases(election: str, rows: Sequence[ReleaseRow], head: str | None, *,
                    first: int = 1, previous: str | None = GENESIS) -> Audit:
    """Check each release (oldest first, from number `first`, following the release whose
    digest is `previous`) against its digest and the one before it, and the last against the
    election's release head (when given): a release edited, renamed, renumbered, removed or
    made to look older shows."""
    problems: list[str] = []
    vouched = []
    expected, unchained = first, first - 1
    for row in rows:
        label = f"release {row.number}"
        if row.number != expected:
            problems.append(f"release {expected} is missing: {label} comes after release "
                            f"{expected - 1}")
        expected = row.number + 1
        if row.sheet_head is None or row.sheets is None:
            unchained += 1
            if unchained != row.number:
                problems.append(f"{label} has no seal but follows sealed releases: it was "
                                "altered after it was published")
            elif digest(row.payload) != row.digest:
                problems.append(f"{label} was altered after it was published")
        else:
            seal = Seal(election=election, number=row.number, name=row.name, author=row.author,
                        created_at=row.created_at, sheet_head=row.sheet_head, sheets=row.sheets,
                        previous=row.prev_digest or "")
            if seal.digest(row.payload) != row.digest:
                problems.append(f"{label} was altered after it was published")
            elif row.prev_digest != previous:
                problems.append(f"{label} does not follow the release before it: a release was "
                                "removed or altered")
            vouched.append((row.sheets, row.sheet_head, f"{label} ({row.name!r})"))
        previous = row.digest
    if head is not None and head != previous:
        problems.append(f"{election}'s last release is not the one it published last: a release"
                        " was removed")
    return Audit(problems=problems, vouched=vouched, unchained=unchained)


def vouched_at(releases: list[tuple[str, str]], length: int, head: str) -> list[str]:
    """Each release made when the sheet chain was `length` long whose head then is not the
    chain's head at that length now."""
    return [f"{label} was made when the sheet chain's version {length:,} was {then[:16]}…; "
            f"it is now {head[:16]}…: sheets were removed or replaced"
            for then, label in releases if then != head]
