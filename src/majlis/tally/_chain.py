"""The chain: every stored sheet version hashed over the one before it, every release sealed over
the one before it and the sheet chain's head — and `verify_chain`, which recomputes both from
what is stored now and recounts the running totals from the chained sheets."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from contextlib import ExitStack, closing
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, Text, cast, func, select
from sqlalchemy.orm import Session

from majlis._cells import shown
from majlis.errors import Problem

from ._base import StoreBase, _guarded
from ._limits import refuse
from ._releases import audit_releases, vouched_at
from ._results import disagreements, figures, recount, running
from ._schema import (
    GENESIS,
    ChainHeadRow,
    ElectionRow,
    ReleaseRow,
    SheetCandidateVotesRow,
    SheetRow,
    SheetVotesRow,
)
from ._values import RANKS

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



CHAINED = ("station", "source", "version", "status", "received_at", "received_by",
           "ballots_received", "cast", "valid", "invalid", "spoiled", "unused", "failures",
           "reason", "author")
SIGNED = ("key_id", "signature")  # chained only when the version is signed
PHOTO = "photo"  # chained only when the version carries a photo's SHA-256


def content_of(election: str, fields: Mapping[str, object], votes: Iterable[tuple[str, int]],
             candidate_votes: Iterable[tuple[str, str, int]]) -> str:
    """Everything a stored version says, canonically, for the hash chain; a signed version's
    key id and signature too, and a photographed one's photo hash (a version without them
    hashes as it did before them)."""
    return content_from(election, fields, _listed(votes, candidate_votes))


def _listed(votes: Iterable[Sequence[object]], candidate_votes: Iterable[Sequence[object]]
           ) -> str:
    """A version's votes and candidate votes, sorted, as the JSON its content holds them: the
    pair of arrays, comma-joined, without brackets (tuples and lists alike)."""
    return json.dumps([sorted(votes), sorted(candidate_votes)], ensure_ascii=False)[1:-1]


def content_from(election: str, fields: Mapping[str, object], votes: str) -> str:
    """`content_of` with the votes already written (`_listed`'s text): the same JSON, byte for
    byte, as `[election, *fields, votes, candidate votes, (signed), (photo)]` dumped whole —
    ingest writes a sheet's votes once for both its digests."""
    tail = []
    if fields.get("key_id") or fields.get("signature"):
        tail.append([fields[k] for k in SIGNED])
    if fields.get(PHOTO):
        tail.append([PHOTO, fields[PHOTO]])
    body = json.dumps([election, *(fields[k] for k in CHAINED)], ensure_ascii=False)[:-1]
    extra = ", " + json.dumps(tail, ensure_ascii=False)[1:-1] if tail else ""
    return hashlib.sha256(f"{body}, {votes}{extra}]".encode()).hexdigest()


def link(prev: str, content: str) -> str:
    return hashlib.sha256(f"{prev}:{content}".encode()).hexdigest()



class Chain(StoreBase):
    """The chains' check."""

    @_guarded
    def verify_chain(self, published: Iterable[str] = (),
                     heads: Iterable[str] = ()) -> ChainCheck:
        """Recompute every version's hash from what is stored now and name the first mismatch;
        check every release's digest, its place in its election's release chain and the sheet
        chain it recorded; recount each election from the chained sheets and name every running
        total that differs. One snapshot of the store (repeatable read on PostgreSQL).

        `published`: release digests kept outside the store (read off the API, a bulletin, a
        notary). The store alone cannot tell its newest releases and sheets removed with every
        head reset to match; a digest someone kept can, as each release seals those before it.

        `heads`: sheet chain heads kept outside the store (each release prints its own). A
        chain rewritten whole — every hash recomputed, releases resealed — is consistent in
        itself; it no longer passes through a head published before the rewrite."""
        self._check_ready()
        kept = [d.strip().lower() for d in published]
        wanted = {h.strip().lower() for h in heads}
        refuse([*(Problem(source="verify-chain", line=None, field="--published",
                          message=f"{shown(d)} is not a release digest (64 hexadecimal digits)")
                  for d in kept if not _DIGEST.fullmatch(d)),
                *(Problem(source="verify-chain", line=None, field="--head",
                          message=f"{shown(h)} is not a chain head (64 hexadecimal digits)")
                  for h in sorted(wanted) if not _DIGEST.fullmatch(h))])
        wanted.discard(GENESIS)
        stream = {"yield_per": 10_000}  # the store may hold millions of rows: never all at once
        snapshot = self.engine.execution_options(isolation_level="REPEATABLE READ") if (
            self.engine.dialect.name == "postgresql") else self.engine
        with Session(snapshot) as session, ExitStack() as open_results:
            names = dict(session.execute(select(ElectionRow.id, ElectionRow.name)).all())
            problems: list[str] = []
            vouched: dict[int, list[tuple[str, str]]] = {}  # chain length → (head, release)
            releases = unchained = 0
            stored: set[str] = set()
            latest: list[tuple[str, str]] = []
            for election in session.scalars(select(ElectionRow).order_by(ElectionRow.id)):
                rows = session.scalars(select(ReleaseRow)
                                       .where(ReleaseRow.election_id == election.id)
                                       .order_by(ReleaseRow.number)).all()
                audit = audit_releases(election.name, rows, election.release_head)
                stored.update(row.digest for row in rows)
                if rows:
                    latest.append((election.name, rows[-1].digest))
                problems += audit.problems
                for length, then, label in audit.vouched:
                    vouched.setdefault(length, []).append((then, label))
                releases += len(rows) - audit.unchained
                unchained += audit.unchained
            problems += [f"release {d[:16]}… was published but is not in the store: it, or the "
                         "releases after it, were removed" for d in kept if d not in stored]
            sheets = open_results.enter_context(closing(session.execute(
                _versions(self.engine.dialect.name), execution_options=stream)))
            prev = GENESIS
            checked = 0
            where = None
            problems += vouched_at(vouched.pop(0, []), 0, prev)
            for row in sheets:
                code = row.station
                where = (code, row.source, row.version)
                if row.prev_hash != prev:
                    return ChainCheck(checked=checked, broken=where,
                                      reason="a version before this one was removed or altered")
                content = content_of(names[row.election_id], row._asdict(),
                                     json.loads(row.votes) if row.votes else [],
                                     json.loads(row.people) if row.people else [])
                if content != row.content_hash or link(prev, content) != row.hash:
                    return ChainCheck(checked=checked, broken=where,
                                      reason="its stored figures no longer match its hash")
                prev = row.hash
                wanted.discard(prev)
                checked += 1
                problems += vouched_at(vouched.pop(checked, []), checked, prev)
            head = session.get(ChainHeadRow, 1)
            if head is not None and head.hash != prev:
                return ChainCheck(checked=checked, broken=where or ("", "", 0),
                                  reason="the chain's last versions were removed")
            problems += [f"chain head {h[:16]}… was published but the sheet chain no longer "
                         "passes through it: the chain was rewritten, or cut before it"
                         for h in sorted(wanted)]
            problems += [f"{label} was made when the sheet chain held {length:,} versions; it "
                         f"holds {checked:,}: the last sheets were removed"
                         for length, found in sorted(vouched.items()) for _, label in found]
            for election_id, name in names.items():
                differ = disagreements(figures(running(session, election_id)), figures(
                    recount(session, election_id, RANKS)))
                problems += [f"{name}: {d}" if len(names) > 1 else d for d in differ]
            return ChainCheck(checked=checked, broken=None, releases=releases,
                              unchained=unchained, problems=tuple(problems),
                              latest=tuple(latest))



def _versions(dialect: str) -> Select[Any]:
    """Every stored version in the chain's order, each with its votes and candidate votes
    gathered by the database into one JSON array apiece: one row a version crosses to Python,
    not one a list."""
    gathered, pair = ((func.json_agg, func.json_build_array) if dialect == "postgresql"
                      else (func.json_group_array, func.json_array))

    def each(table: type[SheetVotesRow | SheetCandidateVotesRow], *columns: Any) -> Any:
        return (select(cast(gathered(pair(*columns)), Text))
                .where(table.sheet_id == SheetRow.id).scalar_subquery())

    return (select(*(getattr(SheetRow, k) for k in ("id", "election_id", "prev_hash", "hash",
                                                     "content_hash", *CHAINED, *SIGNED, PHOTO)),
                   each(SheetVotesRow, SheetVotesRow.list_name, SheetVotesRow.votes)
                   .label("votes"),
                   each(SheetCandidateVotesRow, SheetCandidateVotesRow.list_name,
                        SheetCandidateVotesRow.candidate, SheetCandidateVotesRow.votes)
                   .label("people"))
            .order_by(SheetRow.id))
