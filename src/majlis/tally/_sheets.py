"""Every station's sheet at once, for the audits: the counted one, or the latest accepted one
from a given source (the machine's, the hand count's).

A read query of its own beside the store (it uses only the store's engine and election name):
`Store.history` gives one station's trail, the audits need the whole night in one pass.
"""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ._schema import CountedRow, ElectionRow, SheetCandidateVotesRow, SheetRow, SheetVotesRow
from ._store import Store
from ._values import Source, TallySheet


def station_sheets(store: Store, source: Source | None = None, *,
                   candidates: bool = False) -> list[TallySheet]:
    """Each station's counted sheet (`source` None: what the results add up), or its latest
    accepted sheet from `source`, ordered by station code; with `candidates`, their open-list
    candidates' votes too (the audit of who sits reads them). Read-only; the store's readiness
    is checked by `store.stations()` first, which names a missing or outdated store."""
    store.stations()
    with Session(store.engine) as session:
        election = session.scalar(select(ElectionRow.id).where(ElectionRow.name == store.election))
        chosen = _chosen(election or 0, source).subquery()
        rows = session.scalars(select(SheetRow).join(chosen, chosen.c.id == SheetRow.id)
                               .order_by(SheetRow.station)).all()
        votes: dict[int, dict[str, int]] = {}
        for sheet_id, list_name, n in session.execute(
                select(SheetVotesRow.sheet_id, SheetVotesRow.list_name, SheetVotesRow.votes)
                .join(chosen, chosen.c.id == SheetVotesRow.sheet_id)):
            votes.setdefault(sheet_id, {})[list_name] = n
        named: dict[int, dict[tuple[str, str], int]] = {}
        if candidates:
            for sheet_id, list_name, candidate, n in session.execute(
                    select(SheetCandidateVotesRow.sheet_id, SheetCandidateVotesRow.list_name,
                           SheetCandidateVotesRow.candidate, SheetCandidateVotesRow.votes)
                    .join(chosen, chosen.c.id == SheetCandidateVotesRow.sheet_id)):
                named.setdefault(sheet_id, {})[list_name, candidate] = n
    return [TallySheet(station=row.station, source=Source(row.source),
                       received_at=row.received_at, received_by=row.received_by,
                       ballots_received=row.ballots_received, cast=row.cast, valid=row.valid,
                       invalid=row.invalid, spoiled=row.spoiled, unused=row.unused,
                       votes=votes.get(row.id, {}), candidate_votes=named.get(row.id, {}))
            for row in rows]


def _chosen(election: int, source: Source | None) -> Select[int]:
    """The ids of the sheets wanted: counted ones, or each station's latest accepted version
    from `source`."""
    if source is None:
        return (select(SheetRow.id).join(CountedRow, CountedRow.sheet_id == SheetRow.id)
                .where(SheetRow.election_id == election))
    latest = (select(SheetRow.station, func.max(SheetRow.version).label("version"))
              .where(SheetRow.election_id == election, SheetRow.source == source.value,
                     SheetRow.status == "accepted")
              .group_by(SheetRow.station).subquery())
    return (select(SheetRow.id)
            .join(latest, (latest.c.station == SheetRow.station)
                  & (latest.c.version == SheetRow.version))
            .where(SheetRow.election_id == election, SheetRow.source == source.value))
