"""The chains' check: every stored sheet version's hash recomputed over the one before it, every
release checked against its seal and the sheet chain it recorded, heads and digests kept outside
the store found again, and the running totals compared with a recount of the chained sheets.

The store only reads (`Store.chain()`, one snapshot, the versions streamed); the hashes are
`majlis._chain`'s, the very functions the store writes them with, so they cannot drift apart.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass

from majlis._cells import shown
from majlis._chain import (
    GENESIS,
    ElectionChain,
    StoredChain,
    StoredVersion,
    audit_releases,
    content_of,
    disagreements,
    link,
)
from majlis.errors import InputError, Problem

_DIGEST = re.compile("[0-9a-f]{64}")


@dataclass(frozen=True, slots=True, kw_only=True)
class ChainCheck:
    """The chains' verdict: how many sheet versions were checked and the first one that fails;
    how many releases were checked and any that fail; where the running totals differ from the
    chained sheets."""

    checked: int
    broken: tuple[str, str, int] | None  # (station, source, version)
    reason: str = ""
    releases: int = 0  # releases whose digest and place in the release chain were checked
    unchained: int = 0  # releases from before the release chain: only their payload checked
    problems: tuple[str, ...] = ()  # releases and running totals the sheets do not vouch for
    latest: tuple[tuple[str, str], ...] = ()  # (election, digest of its last release): to keep

    @property
    def intact(self) -> bool:
        return self.broken is None and not self.problems


@dataclass(frozen=True, slots=True, kw_only=True)
class Links:
    """How far the sheet chain holds: the versions whose hashes recompute, the head they reach
    and the last of them, the first that fails (with why), the heads asked for that the chain
    passed through, and each release whose recorded head is not the chain's at its length."""

    checked: int
    head: str
    last: tuple[str, str, int] | None  # (station, source, version) of the last version read
    broken: tuple[str, str, int] | None = None
    reason: str = ""
    passed: frozenset[str] = frozenset()
    replaced: tuple[str, ...] = ()


def check_links(versions: Iterable[StoredVersion], *, heads: Iterable[str] = (),
                vouched: Iterable[tuple[int, str, str]] = ()) -> Links:
    """Walk the versions in the chain's order from `GENESIS`: each must follow the hash before
    it and recompute, from its stored figures, to its stored content hash and link; stop at the
    first that does not. Note which of `heads` the chain passes through, and each release
    (`vouched`: the chain's length and head when it was sealed, and which release) whose head
    is not the chain's at that length. One version in memory at a time."""
    wanted = set(heads)
    due: dict[int, list[tuple[str, str]]] = {}
    for length, then, label in vouched:
        due.setdefault(length, []).append((then, label))
    prev, checked, last = GENESIS, 0, None
    replaced = _replaced(due.pop(0, []), 0, prev)
    passed = {GENESIS} & wanted
    for row in versions:
        last = (row.station, row.source, row.version)
        reason = ""
        if row.prev_hash != prev:
            reason = "a version before this one was removed or altered"
        else:
            content = content_of(row.election, row.fields,
                                 json.loads(row.votes) if row.votes else [],
                                 json.loads(row.people) if row.people else [])
            if content != row.content_hash or link(prev, content) != row.hash:
                reason = "its stored figures no longer match its hash"
        if reason:
            return Links(checked=checked, head=prev, last=last, broken=last, reason=reason,
                         passed=frozenset(passed), replaced=tuple(replaced))
        prev = row.hash
        checked += 1
        if prev in wanted:
            passed.add(prev)
        if checked in due:
            replaced += _replaced(due.pop(checked), checked, prev)
    return Links(checked=checked, head=prev, last=last, passed=frozenset(passed),
                 replaced=tuple(replaced))


def _replaced(releases: list[tuple[str, str]], length: int, head: str) -> list[str]:
    """Each release made when the sheet chain was `length` long whose head then is not the
    chain's head at that length now."""
    return [f"{label} was made when the sheet chain's version {length:,} was {then[:16]}…; "
            f"it is now {head[:16]}…: sheets were removed or replaced"
            for then, label in releases if then != head]


def totals_differ(elections: Sequence[ElectionChain]) -> list[str]:
    """Every running total that differs from the recount of its election's chained sheets,
    prefixed with the election's name when the store holds more than one."""
    return [f"{e.name}: {d}" if len(elections) > 1 else d for e in elections
            for d in disagreements(e.running, e.recounted)]


def verify_chain(source: AbstractContextManager[StoredChain], published: Iterable[str] = (),
                 heads: Iterable[str] = ()) -> ChainCheck:
    """Check a store's chains (`source`: `Store.chain()`, opened once the digests and heads
    given are found well formed): every version's hash recomputed from what is stored now, the
    first mismatch named; every release's digest, its place in its election's release chain
    and the sheet chain it recorded; each election's running totals against a recount of its
    sheets.

    `published`: release digests kept outside the store (read off the API, a bulletin, a
    notary). The store alone cannot tell its newest releases and sheets removed with every
    head reset to match; a digest someone kept can, as each release seals those before it.

    `heads`: sheet chain heads kept outside the store (each release prints its own). A
    chain rewritten whole — every hash recomputed, releases resealed — is consistent in
    itself; it no longer passes through a head published before the rewrite."""
    kept = [d.strip().lower() for d in published]
    wanted = {h.strip().lower() for h in heads}
    wrong = [*(Problem(source="verify-chain", line=None, field="--published",
                       message=f"{shown(d)} is not a release digest (64 hexadecimal digits)")
               for d in kept if not _DIGEST.fullmatch(d)),
             *(Problem(source="verify-chain", line=None, field="--head",
                       message=f"{shown(h)} is not a chain head (64 hexadecimal digits)")
               for h in sorted(wanted) if not _DIGEST.fullmatch(h))]
    if wrong:
        raise InputError(wrong)
    with source as stored:
        problems: list[str] = []
        vouched: list[tuple[int, str, str]] = []
        releases = unchained = 0
        for election in stored.elections:
            found = audit_releases(election.name, election.releases, election.release_head)
            problems += found.problems
            vouched += found.vouched
            releases += len(election.releases) - found.unchained
            unchained += found.unchained
        digests = {r.digest for e in stored.elections for r in e.releases}
        problems += [f"release {d[:16]}… was published but is not in the store: it, or the "
                     "releases after it, were removed" for d in kept if d not in digests]
        walk = check_links(stored.versions, heads=wanted, vouched=vouched)
    if walk.broken is not None:
        return ChainCheck(checked=walk.checked, broken=walk.broken, reason=walk.reason)
    if stored.head is not None and stored.head != walk.head:
        return ChainCheck(checked=walk.checked, broken=walk.last or ("", "", 0),
                          reason="the chain's last versions were removed")
    problems += walk.replaced
    problems += [f"chain head {h[:16]}… was published but the sheet chain no longer passes "
                 "through it: the chain was rewritten, or cut before it"
                 for h in sorted(wanted - walk.passed)]
    problems += [f"{label} was made when the sheet chain held {length:,} versions; it holds "
                 f"{walk.checked:,}: the last sheets were removed"
                 for length, _, label in sorted(vouched, key=lambda v: v[0])
                 if length > walk.checked]
    problems += totals_differ(stored.elections)
    return ChainCheck(checked=walk.checked, broken=None, releases=releases,
                      unchained=unchained, problems=tuple(problems),
                      latest=tuple((e.name, e.releases[-1].digest)
                                   for e in stored.elections if e.releases))
