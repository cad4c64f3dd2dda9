"""Adding up: results per constituency, list and voting type, with the share of stations counted.

Two ways to the same numbers: `running` reads the totals kept up to date on ingest (fast, for
every refresh of the night), `recount` recomputes them from every stored sheet in SQL — what
`majlis._chain.disagreements` compares them with before a release is sealed (the chain's
check, `audit.verify_chain`, recounts the same way from the versions it streams).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Row, Subquery, case, func, select
from sqlalchemy.orm import Session

from majlis._chain import Figures

from ._schema import (
    CentreRow,
    ConstituencyRow,
    CountedRow,
    SheetCandidateVotesRow,
    SheetRow,
    SheetVotesRow,
    StationRow,
    TallyRow,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ConstituencyCount:
    """Votes so far in one constituency, and how much of it is counted, by voting type: its
    stations, those counted and their register — what a projection scales the uncounted
    stations' votes by (empty in releases made before majlis kept it)."""

    name: str
    stations_by_type: dict[str, int]
    counted_by_type: dict[str, int]
    by_voting_type: dict[str, dict[str, int]]
    registered_counted_by_type: dict[str, int] = field(default_factory=dict)

    @property
    def stations(self) -> int:
        return sum(self.stations_by_type.values())

    @property
    def counted(self) -> int:
        return sum(self.counted_by_type.values())

    @property
    def percent_counted(self) -> float:
        return 100.0 * self.counted / self.stations if self.stations else 0.0

    @property
    def votes(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for per_list in self.by_voting_type.values():
            for list_name, n in per_list.items():
                total[list_name] = total.get(list_name, 0) + n
        return total


def places(election: int) -> Subquery:
    """Each station of the election with its code, voting type, register, centre and
    constituency."""
    return (select(StationRow.id.label("station_id"), StationRow.code, StationRow.voting_type,
                   StationRow.registered,
                   CentreRow.code.label("centre"), ConstituencyRow.name.label("constituency"))
            .join(CentreRow, StationRow.centre_id == CentreRow.id)
            .join(ConstituencyRow, CentreRow.constituency_id == ConstituencyRow.id)
            .where(StationRow.election_id == election)
            .subquery())


def _stations(session: Session, election: int, counted: Subquery | None
              ) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """Stations and their register per constituency and voting type: all of them, or those in
    `counted`."""
    place = places(election)
    query = select(place.c.constituency, place.c.voting_type, func.count(),
                   func.sum(place.c.registered))
    if counted is not None:
        query = query.join(counted, counted.c.station_id == place.c.station_id)
    stations: dict[str, dict[str, int]] = {}
    registered: dict[str, dict[str, int]] = {}
    for constituency, voting_type, n, r in session.execute(
            query.group_by(place.c.constituency, place.c.voting_type)):
        stations.setdefault(constituency, {})[voting_type] = int(n)
        registered.setdefault(constituency, {})[voting_type] = int(r or 0)
    return stations, registered


def _assemble(session: Session, election: int, counted: Subquery,
              sums: Iterable[Row[str, str, str, int]]) -> list[ConstituencyCount]:
    totals, _ = _stations(session, election, None)
    done, register = _stations(session, election, counted)
    by_type: dict[str, dict[str, dict[str, int]]] = {}
    for constituency, voting_type, list_name, n in sums:
        by_type.setdefault(constituency, {}).setdefault(voting_type, {})[list_name] = int(n)
    return [ConstituencyCount(name=name, stations_by_type=totals[name],
                              counted_by_type=done.get(name, {}),
                              by_voting_type=by_type.get(name, {}),
                              registered_counted_by_type=register.get(name, {}))
            for name in sorted(totals)]


def running(session: Session, election: int) -> list[ConstituencyCount]:
    """Results from the running totals."""
    counted = select(CountedRow.station_id).subquery()
    sums = session.execute(select(TallyRow.constituency, TallyRow.voting_type,
                                  TallyRow.list_name, TallyRow.votes)
                           .where(TallyRow.election_id == election))
    return _assemble(session, election, counted, sums)


def recount(session: Session, election: int, priority: Mapping[str, int]
            ) -> list[ConstituencyCount]:
    """Results recomputed from every stored sheet: each station's best accepted version."""
    rank = case(dict(priority), value=SheetRow.source)
    ranked = (
        select(SheetRow.id, SheetRow.station_id, func.row_number().over(
            partition_by=SheetRow.station_id,
            order_by=(rank.desc(), SheetRow.version.desc())).label("rank"))
        .where(SheetRow.status == "accepted", SheetRow.election_id == election).subquery())
    chosen = select(ranked.c.id, ranked.c.station_id).where(ranked.c.rank == 1).subquery()
    place = places(election)
    sums = session.execute(
        select(place.c.constituency, place.c.voting_type, SheetVotesRow.list_name,
               func.sum(SheetVotesRow.votes))
        .join(chosen, chosen.c.station_id == place.c.station_id)
        .join(SheetVotesRow, SheetVotesRow.sheet_id == chosen.c.id)
        .group_by(place.c.constituency, place.c.voting_type, SheetVotesRow.list_name))
    return _assemble(session, election, chosen, sums)


def figures(counts: Iterable[ConstituencyCount]) -> Figures:
    """Counts as one table to compare and add: votes per (constituency, voting type, list, "")
    and stations counted per (constituency, voting type, "", "stations counted")."""
    found: Figures = Counter()
    for c in counts:
        for voting_type, per_list in c.by_voting_type.items():
            for list_name, n in per_list.items():
                found[(c.name, voting_type, list_name, "")] += n
        for voting_type, n in c.counted_by_type.items():
            found[(c.name, voting_type, "", "stations counted")] += n
    return found


def moved_since(session: Session, election: int, priority: Mapping[str, int], since: int
                ) -> Figures:
    """How the counted figures moved with the sheets stored after sheet id `since`: for each
    station with an accepted sheet since, its best accepted sheet now in and its best then out.
    A few indexed reads of those stations' rows, never a scan of every vote."""
    accepted = (SheetRow.status == "accepted", SheetRow.election_id == election)
    touched = sorted({s for s in session.scalars(select(SheetRow.station_id).where(
        *accepted, SheetRow.id > since)) if s is not None})
    # (station, now or then) → (rank, sheet id); accepted sheets always name their station
    best: dict[tuple[int | None, bool], tuple[tuple[int, int], int]] = {}
    for ids in _slices(touched):
        for sheet_id, station_id, source, version in session.execute(
                select(SheetRow.id, SheetRow.station_id, SheetRow.source, SheetRow.version)
                .where(*accepted, SheetRow.station_id.in_(ids))):
            rank = (priority[source], version)
            for now in (True, False) if sheet_id <= since else (True,):
                if (station_id, now) not in best or rank > best[(station_id, now)][0]:
                    best[(station_id, now)] = (rank, sheet_id)
    place = places(election)
    where: dict[int | None, tuple[str, str]] = {}
    for ids in _slices(touched):
        where |= {s: (c, t) for s, c, t in session.execute(
            select(place.c.station_id, place.c.constituency, place.c.voting_type)
            .where(place.c.station_id.in_(ids)))}
    weight: Counter[int] = Counter()  # +1 counted now, -1 counted then, 0 both
    station_of = {}
    found: Figures = Counter()
    for (station_id, now), (_, sheet_id) in best.items():
        weight[sheet_id] += 1 if now else -1
        station_of[sheet_id] = station_id
        found[(*where[station_id], "", "stations counted")] += 1 if now else -1
    for ids in _slices(sorted(k for k, w in weight.items() if w)):
        for sheet_id, list_name, n in session.execute(
                select(SheetVotesRow.sheet_id, SheetVotesRow.list_name, SheetVotesRow.votes)
                .where(SheetVotesRow.sheet_id.in_(ids))):
            found[(*where[station_of[sheet_id]], list_name, "")] += weight[sheet_id] * n
    return found


def _slices(ids: list[int], size: int = 5_000) -> list[list[int]]:
    """`ids` in slices small enough for one IN list on every database."""
    return [ids[i:i + size] for i in range(0, len(ids), size)]


@dataclass(frozen=True, slots=True, kw_only=True)
class CentreCount:
    """Votes so far at one polling centre."""

    constituency: str
    centre: str
    stations: int
    counted: int
    votes: dict[str, int]


def by_centre(session: Session, election: int) -> list[CentreCount]:
    """Results one level down: per polling centre, from each station's counted sheet."""
    place = places(election)
    key = (place.c.constituency, place.c.centre)
    stations = {(c, k): (int(n), int(m or 0)) for c, k, n, m in session.execute(
        select(*key, func.count(), func.count(CountedRow.station_id))
        .outerjoin(CountedRow, CountedRow.station_id == place.c.station_id).group_by(*key))}
    votes: dict[tuple[str, str], dict[str, int]] = {}
    for constituency, centre, list_name, n in session.execute(
            select(*key, SheetVotesRow.list_name, func.sum(SheetVotesRow.votes))
            .join(CountedRow, CountedRow.station_id == place.c.station_id)
            .join(SheetVotesRow, SheetVotesRow.sheet_id == CountedRow.sheet_id)
            .group_by(*key, SheetVotesRow.list_name)):
        votes.setdefault((constituency, centre), {})[list_name] = int(n)
    return [CentreCount(constituency=c, centre=k, stations=n, counted=m,
                        votes=votes.get((c, k), {}))
            for (c, k), (n, m) in sorted(stations.items())]


@dataclass(frozen=True, slots=True, kw_only=True)
class CandidateCount:
    """A candidate's personal votes so far in one constituency: what open-list seats go by
    within a list."""

    constituency: str
    list: str
    candidate: str
    votes: int


def by_candidate(session: Session, election: int, constituency: str | None
                 ) -> list[CandidateCount]:
    """Candidates' votes from each station's counted sheet — the one the running totals add —
    so a correction or a recount replaces the votes of the sheet it supersedes."""
    place = places(election)
    total = func.sum(SheetCandidateVotesRow.votes)
    query = (select(place.c.constituency, SheetCandidateVotesRow.list_name,
                    SheetCandidateVotesRow.candidate, total)
             .join(CountedRow, CountedRow.station_id == place.c.station_id)
             .join(SheetCandidateVotesRow, SheetCandidateVotesRow.sheet_id == CountedRow.sheet_id)
             .group_by(place.c.constituency, SheetCandidateVotesRow.list_name,
                       SheetCandidateVotesRow.candidate)
             .order_by(place.c.constituency, SheetCandidateVotesRow.list_name, total.desc(),
                       SheetCandidateVotesRow.candidate))
    if constituency is not None:
        query = query.where(place.c.constituency == constituency)
    return [CandidateCount(constituency=c, list=p, candidate=k, votes=int(n))
            for c, p, k, n in session.execute(query)]


def national(results: Iterable[ConstituencyCount]) -> ConstituencyCount:
    """The whole country as one count: every constituency's stations and votes added up."""
    stations: Counter[str] = Counter()
    counted: Counter[str] = Counter()
    registered: Counter[str] = Counter()
    by_type: dict[str, Counter[str]] = {}
    for c in results:
        stations.update(c.stations_by_type)
        counted.update(c.counted_by_type)
        registered.update(c.registered_counted_by_type)
        for t, per_list in c.by_voting_type.items():
            by_type.setdefault(t, Counter()).update(per_list)
    return ConstituencyCount(name="national", stations_by_type=dict(stations),
                             counted_by_type=dict(counted),
                             by_voting_type={t: dict(v) for t, v in by_type.items()},
                             registered_counted_by_type=dict(registered))

