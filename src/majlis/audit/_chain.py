"""The chains' check: every stored sheet version's hash recomputed over the one before it, every
release checked against its seal and the sheet chain it recorded, heads and digests kept outside
the store found again, and the running totals compared with a recount of the chained sheets.

The store only reads (`Store.chain()`, one snapshot, the versions streamed); the hashes are
`majlis._chain`'s, the very functions the store writes them with, so they cannot drift apart.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from majlis._cells import shown
from majlis._chain import (
    GENESIS,
    ElectionChain,
    Figures,
    StoredChain,
    StoredVersion,
    audit_releases,
    content_from,
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
                vouched: Iterable[tuple[int, str, str]] = (),
                recount: Recount | None = None) -> Links:
    """Walk the versions in the chain's order from `GENESIS`: each must follow the hash before
    it and recompute, from its stored figures, to its stored content hash and link; stop at the
    first that does not. Note which of `heads` the chain passes through, and each release
    (`vouched`: the chain's length and head when it was sealed, and which release) whose head
    is not the chain's at that length; add each version that holds to `recount`, with the votes
    its hash was recomputed from. One version in memory at a time."""
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
            votes = json.loads(row.votes) if row.votes else []
            content = content_from(row.election, row.fields,
                                   f"{row.votes or '[]'}, {row.people or '[]'}")
            if content != row.content_hash:  # not as the content writes them: re-encoded
                content = content_of(row.election, row.fields, votes,
                                     json.loads(row.people) if row.people else [])
            if content != row.content_hash or link(prev, content) != row.hash:
                reason = "its stored figures no longer match its hash"
        if reason:
            return Links(checked=checked, head=prev, last=last, broken=last, reason=reason,
                         passed=frozenset(passed), replaced=tuple(replaced))
        if recount is not None:
            recount.add(row, votes)
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


class Recount:
    """The chained sheets added up as they stream past, independently of the running totals
    they are compared with: each station counts its best accepted version — the highest-ranked
    source (`ranks`), then the latest version, the first stored on a tie — as the store counts
    it on ingest, added where `ElectionChain.places` puts the station. A better version later
    in the chain takes the one it supersedes back out; only the votes text of each station's
    current version is kept for that, never its parsed rows."""

    def __init__(self, elections: Iterable[ElectionChain], ranks: Mapping[str, int]) -> None:
        self._places = {e.name: e.places for e in elections}
        self._ranks = ranks
        # (election, station) → (rank, version's votes as stored, where it is counted)
        self._best: dict[tuple[str, str], tuple[tuple[int, int], str | None,
                                                tuple[str, str, str]]] = {}
        # (election, constituency, voting type) → list → votes
        self._sums: dict[tuple[str, str, str], dict[str, int]] = {}

    def add(self, row: StoredVersion, votes: Sequence[Sequence[Any]]) -> None:
        """Count `row` (its `votes` parsed) if it is accepted and beats its station's best."""
        if row.fields["status"] != "accepted":
            return
        place = self._places[row.election].get(row.station)
        if place is None:  # an accepted sheet always names a registered station
            return
        key, rank = (row.election, row.station), (self._ranks[row.source], row.version)
        old = self._best.get(key)
        if old is not None and rank <= old[0]:
            return
        where = (row.election, *place)
        sums = self._sums.setdefault(where, {})
        if old is not None:
            before = self._sums[old[2]]
            for name, n in json.loads(old[1]) if old[1] else []:
                before[name] -= n
        for name, n in votes:
            sums[name] = sums.get(name, 0) + n
        self._best[key] = (rank, row.votes, where)

    def figures(self, election: str) -> Figures:
        """The election's recount as `Figures`: votes per constituency, voting type and list,
        and stations counted."""
        found: Figures = Counter()
        for (name, constituency, voting_type), sums in self._sums.items():
            if name == election:
                found.update({(constituency, voting_type, p, ""): n for p, n in sums.items()})
        found.update((c, t, "", "stations counted")
                     for _, _, (name, c, t) in self._best.values() if name == election)
        return found


def totals_differ(elections: Sequence[ElectionChain], recount: Recount) -> list[str]:
    """Every running total that differs from the recount of its election's chained sheets,
    prefixed with the election's name when the store holds more than one."""
    return [f"{e.name}: {d}" if len(elections) > 1 else d for e in elections
            for d in disagreements(e.running, recount.figures(e.name))]


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
        recount = Recount(stored.elections, stored.ranks)
        walk = check_links(stored.versions, heads=wanted, vouched=vouched, recount=recount)
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
    problems += totals_differ(stored.elections, recount)
    return ChainCheck(checked=walk.checked, broken=None, releases=releases,
                      unchained=unchained, problems=tuple(problems),
                      latest=tuple((e.name, e.releases[-1].digest)
                                   for e in stored.elections if e.releases))
