"""The chain's canonical bytes, shared by its writer (`majlis.tally`, which stores and seals) and
its checker (`majlis.audit`, which recomputes): what a stored sheet version hashes as, the
SHA-256 link over the version before it, a release's seal, the check of a release chain, and
the comparison of the running totals with a recount. Below both packages, so neither imports
the other and the hashes cannot drift apart; pure (standard library only).

Also the plain values the store streams its chain as (`StoredChain`): rows as stored, nothing
checked — the checking is `majlis.audit.verify_chain`.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

GENESIS = "0" * 64  # what the first sheet version and the first release of each election follow

CHAINED = ("station", "source", "version", "status", "received_at", "received_by",
           "ballots_received", "cast", "valid", "invalid", "spoiled", "unused", "failures",
           "reason", "author")
SIGNED = ("key_id", "signature")  # chained only when the version is signed
PHOTO = "photo"  # chained only when the version carries a photo's SHA-256
encode = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(…, ensure_ascii=False)


def content_of(election: str, fields: Mapping[str, object], votes: Iterable[Sequence[object]],
               candidate_votes: Iterable[Sequence[object]]) -> str:
    """Everything a stored version says, canonically, for the hash chain: the JSON of
    `[election, *fields, votes, candidate votes, (signed), (photo)]`, each list of votes sorted
    (tuples and lists alike); a signed version's key id and signature too, and a photographed
    one's photo hash (a version without them hashes as it did before them). One encoding a
    version: the check recomputes every stored version with it."""
    return digest(encode([election, *(fields[k] for k in CHAINED), sorted(votes),
                         sorted(candidate_votes), *_tail(fields)]))


def content_from(election: str, fields: Mapping[str, object], votes: str) -> str:
    """`content_of` with the votes already written — the two sorted arrays comma-joined, without
    brackets — byte for byte the same: ingest writes a sheet's votes once for both its
    digests."""
    body = encode([election, *(fields[k] for k in CHAINED)])[:-1]
    tail = _tail(fields)
    extra = ", " + encode(tail)[1:-1] if tail else ""
    return digest(f"{body}, {votes}{extra}]")


def _tail(fields: Mapping[str, object]) -> list[list[object]]:
    """What a version's content holds after its votes: its signer and signature when signed,
    its photo's hash when photographed."""
    tail: list[list[object]] = []
    if fields.get("key_id") or fields.get("signature"):
        tail.append([fields[k] for k in SIGNED])
    if fields.get(PHOTO):
        tail.append([PHOTO, fields[PHOTO]])
    return tail


def link(prev: str, content: str) -> str:
    """A version's hash: its content's over the hash of the version before it."""
    return hashlib.sha256(f"{prev}:{content}".encode()).hexdigest()


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


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredRelease:
    """A release as stored (`sheet_head` and `sheets` are None before the release chain)."""

    number: int
    name: str
    author: str
    created_at: str
    payload: str
    digest: str
    prev_digest: str | None
    sheet_head: str | None
    sheets: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleaseAudit:
    """What checking one election's releases found."""

    problems: list[str]
    vouched: list[tuple[int, str, str]]  # (sheet chain length, its head, which release) then
    unchained: int  # releases from before the release chain


def audit_releases(election: str, rows: Sequence[StoredRelease], head: str | None, *,
                   first: int = 1, previous: str | None = GENESIS) -> ReleaseAudit:
    """Check each release (oldest first, from number `first`, following the release whose
    digest is `previous`) against its digest and the one before it, and the last against the
    election's release head (when given): a release edited, renamed, renumbered, removed or
    made to look older shows. Here, not in `audit`, because the store refuses to read or
    extend a release chain that fails it."""
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
    return ReleaseAudit(problems=problems, vouched=vouched, unchained=unchained)


Figures = Counter[tuple[str, str, str, str]]


def disagreements(kept: Figures, recounted: Figures) -> list[str]:
    """Where the running totals differ from a recount of the sheets: each constituency, voting
    type and list (or its stations counted) with both figures (a figure absent is 0). Here, not
    in `audit`, because the store refuses to seal a release over totals that fail it."""
    return [_differ(" › ".join(x for x in key if x), kept[key], recounted[key])
            for key in sorted(kept.keys() | recounted.keys()) if kept[key] != recounted[key]]


def _differ(where: str, kept: int, recounted: int) -> str:
    return f"{where}: {kept:,} in the running totals, {recounted:,} in the chained sheets"


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredVersion:
    """One sheet version as stored, in the chain's order: the fields its content covers
    (`CHAINED`, and `SIGNED`, `PHOTO`), its votes and candidate votes as the JSON arrays the
    database gathered (None for none), and the three hashes kept beside it."""

    election: str
    station: str
    source: str
    version: int
    fields: Mapping[str, object]
    votes: str | None
    people: str | None
    prev_hash: str
    content_hash: str
    hash: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ElectionChain:
    """One election's stored releases, its release head, the running totals kept on ingest
    (`Figures`), and where each of its stations is counted — its code → (constituency, voting
    type) — for the check to recount the chained sheets into (`audit.Recount`)."""

    name: str
    releases: tuple[StoredRelease, ...]
    release_head: str
    running: Figures
    places: Mapping[str, tuple[str, str]]


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredChain:
    """The store's chains as one snapshot reads them: every election's releases, running
    totals and station places, the sheet chain's head row (None without one), the rank of each
    source (which accepted version counts for a station: the highest-ranked source, then the
    latest version), and the sheet versions, streamed — read `versions` once, while the
    snapshot is open."""

    elections: tuple[ElectionChain, ...]
    head: str | None
    ranks: Mapping[str, int]
    versions: Iterator[StoredVersion]
