"""The chains as stored, for their check (`majlis.audit.verify_chain`): every sheet version in
the chain's order, streamed, with every election's releases, its running totals and where each
station is counted — read in one snapshot of the store. The check recounts the sheets from the
versions as they stream, not from a query of its own. Nothing here checks: the hashes are
`majlis._chain`'s, the verdict is the audit's."""

from __future__ import annotations

import typing
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    cast,
    func,
    literal,
    select,
    text,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from majlis._chain import (
    CHAINED,
    PHOTO,
    SIGNED,
    ElectionChain,
    StoredChain,
    StoredVersion,
)

from ._base import StoreBase, refused
from ._releases import stored
from ._results import figures, places, running
from ._schema import (
    ChainHeadRow,
    ElectionRow,
    ReleaseRow,
    SheetCandidateVotesRow,
    SheetRow,
    SheetVotesRow,
)
from ._values import RANKS


class Chain(StoreBase):
    """The chains, read for their check."""

    @contextmanager
    def chain(self) -> Iterator[StoredChain]:
        """Every election's releases, release head, running totals and station places, the
        sheet chain's head row and every sheet version, as stored, in one snapshot (repeatable
        read on PostgreSQL, one read transaction on SQLite) that stays open while the versions
        stream — `yield_per` rows at a time, each with its votes gathered by the database, so
        millions of rows never sit in memory at once."""
        snapshot = self.engine.execution_options(isolation_level="REPEATABLE READ") if (
            self.engine.dialect.name == "postgresql") else self.engine
        try:
            self._check_ready()
            with Session(snapshot) as session:
                names = dict(session.execute(select(ElectionRow.id, ElectionRow.name)).all())
                elections = tuple(ElectionChain(
                    name=election.name, release_head=election.release_head,
                    releases=tuple(stored(row) for row in session.scalars(
                        select(ReleaseRow).where(ReleaseRow.election_id == election.id)
                        .order_by(ReleaseRow.number))),
                    running=figures(running(session, election.id)),
                    places=_where(session, election.id))
                    for election in session.scalars(select(ElectionRow).order_by(ElectionRow.id)))
                head = session.get(ChainHeadRow, 1)
                if self.engine.dialect.name == "postgresql":
                    # one plain pass: compiling it (JIT) would cost more than it saves
                    session.execute(text("SET LOCAL jit = off"))
                with closing(session.connection().execute(
                        _versions(self.engine.dialect.name),
                        execution_options={"yield_per": 10_000})) as rows:
                    yield StoredChain(elections=elections,
                                      head=None if head is None else head.hash, ranks=RANKS,
                                      versions=(StoredVersion(
                                          election=names[row.election_id], station=row.station,
                                          source=row.source, version=row.version,
                                          fields=typing.cast("Mapping[str, object]",
                                                             row._mapping),
                                          votes=row.votes, people=row.people,
                                          prev_hash=row.prev_hash,
                                          content_hash=row.content_hash, hash=row.hash)
                                          for row in rows))
        except DBAPIError as error:
            raise refused(self, error) from error


def _where(session: Session, election: int) -> dict[str, tuple[str, str]]:
    """Each station of the election by code: its constituency and voting type, where the
    check adds its counted sheet."""
    place = places(election)
    return {code: (constituency, voting_type) for code, constituency, voting_type in
            session.execute(select(place.c.code, place.c.constituency, place.c.voting_type))}


def _versions(dialect: str) -> Select[Any]:
    """Every stored version in the chain's order, each with its votes and candidate votes
    gathered by the database into one JSON array apiece: one row a version crosses to Python,
    not one a list. Each array is written as the chain's content writes it — sorted by code
    point, `", "` between items — so the check can hash it as it comes (`content_from`); the
    check falls back to parsing and encoding it when the database wrote it otherwise."""

    def each(table: type[SheetVotesRow | SheetCandidateVotesRow], *keys: Any) -> Any:
        gathered: ColumnElement[str]
        if dialect == "postgresql":
            gathered = cast(func.json_agg(aggregate_order_by(
                func.json_build_array(*keys, table.votes), *(k.collate("C") for k in keys))),
                Text)
        else:  # in the primary key's order: (sheet, list[, candidate]), binary collation
            item: ColumnElement[str] = literal("[")
            for k in keys:
                item += func.json_quote(k) + literal(", ")
            item += type_coerce(table.votes, Text) + literal("]")
            gathered = literal("[") + func.group_concat(item, ", ") + literal("]")
        return select(gathered).where(table.sheet_id == SheetRow.id).scalar_subquery()

    return (select(*(getattr(SheetRow, k) for k in ("id", "election_id", "prev_hash", "hash",
                                                     "content_hash", *CHAINED, *SIGNED, PHOTO)),
                   each(SheetVotesRow, SheetVotesRow.list_name).label("votes"),
                   each(SheetCandidateVotesRow, SheetCandidateVotesRow.list_name,
                        SheetCandidateVotesRow.candidate).label("people"))
            .order_by(SheetRow.id))
