"""The register: stations, the lists standing in each constituency and their candidates — what
each sheet is checked against."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from majlis.errors import Problem

from ._base import StoreBase, _audited, _guarded
from ._limits import refuse, registry_problems
from ._schema import (
    CandidateRow,
    CentreRow,
    ConstituencyRow,
    ElectionRow,
    ListAliasRow,
    ListRow,
    StationRow,
)
from ._values import Station, VotingType

FEW_STATIONS = 500  # up to this many, a register is read for the stations named alone


@dataclass(frozen=True, slots=True, kw_only=True)
class Registry:
    """What is registered: stations (and their row ids), lists and candidates."""

    stations: dict[str, Station]
    ids: dict[str, int]
    lists: dict[str, frozenset[str]]
    candidates: dict[str, frozenset[tuple[str, str]]]


class Register(StoreBase):
    """Registering stations, lists and candidates, and reading the stations back."""

    @_audited("register")
    @_guarded
    def register(self, stations: Iterable[Station], lists: Iterable[tuple[str, str]],
                 candidates: Iterable[tuple[str, str, str]] = (),
                 aliases: Mapping[str, str] | None = None) -> None:
        """Add constituencies, centres, stations, the lists standing in each constituency,
        their candidates (constituency, list, candidate) and other spellings of the lists
        (alias → list). Registering a station or an alias again as it is changes nothing;
        registering it otherwise is refused (nothing is written)."""
        self._check_ready()
        stations, lists, candidates = list(stations), list(lists), list(candidates)
        aliases = dict(aliases or {})
        refuse(registry_problems(stations, lists, candidates, aliases))
        with Session(self.writer) as session, session.begin():
            election = self._scope(session, create=True)
            stored = self._aliases(session)
            refuse([*_moved(self._registry(session).stations, stations),
                    *_renamed(stored, aliases)])
            session.add_all(ListAliasRow(election_id=election, alias=alias, list_name=name)
                            for alias, name in aliases.items() if alias not in stored)
            constituency_ids = {r.name: r.id for r in session.scalars(
                select(ConstituencyRow).where(ConstituencyRow.election_id == election))}
            centre_ids = {(r.constituency_id, r.code): r.id
                          for r in session.scalars(select(CentreRow))}

            def constituency(name: str) -> int:
                if name not in constituency_ids:
                    row = ConstituencyRow(election_id=election, name=name)
                    session.add(row)
                    session.flush()
                    constituency_ids[name] = row.id
                return constituency_ids[name]

            known = set(session.scalars(
                select(StationRow.code).where(StationRow.election_id == election)))
            for s in stations:
                cid = constituency(s.constituency)
                if (cid, s.centre) not in centre_ids:
                    centre = CentreRow(constituency_id=cid, code=s.centre)
                    session.add(centre)
                    session.flush()
                    centre_ids[(cid, s.centre)] = centre.id
                if s.code not in known:
                    session.add(StationRow(election_id=election, code=s.code,
                                           centre_id=centre_ids[(cid, s.centre)],
                                           voting_type=s.voting_type.value,
                                           registered=s.registered))
                    known.add(s.code)
            standing = {(r.constituency_id, r.name) for r in session.scalars(select(ListRow))}
            for name, list_name in lists:
                key = (constituency(name), list_name)
                if key not in standing:
                    session.add(ListRow(constituency_id=key[0], name=list_name))
                    standing.add(key)
            running = {(r.constituency_id, r.list_name, r.name)
                       for r in session.scalars(select(CandidateRow))}
            for name, list_name, candidate in candidates:
                person = (constituency(name), list_name, candidate)
                if person not in running:
                    session.add(CandidateRow(constituency_id=person[0], list_name=list_name,
                                             name=candidate))
                    running.add(person)
            self._log(session, "register", f"election {self.election!r}", (
                f"{len(stations):,} stations, {len(lists):,} lists, {len(candidates):,} "
                f"candidates, {len(aliases):,} aliases given"))

    def _registry(self, session: Session, codes: Collection[str] | None = None) -> Registry:
        """The register sheets are checked against: every station, or only the stations
        `codes` (when few: a correction or a desk entry need not read a night's 40,000) and
        their constituencies' lists and candidates. Plain rows, not ORM objects: the whole
        register is read once per ingest."""
        election = self._scope(session)
        query = (select(StationRow.code, StationRow.id, StationRow.voting_type,
                        StationRow.registered, CentreRow.code, ConstituencyRow.id,
                        ConstituencyRow.name)
                 .join(CentreRow, StationRow.centre_id == CentreRow.id)
                 .join(ConstituencyRow, CentreRow.constituency_id == ConstituencyRow.id)
                 .where(StationRow.election_id == election))
        few = codes if codes is not None and len(codes) <= FEW_STATIONS else None
        if few is not None:
            query = query.where(StationRow.code.in_(few))
        stations, ids, places = {}, {}, {}
        for code, row_id, kind, registered, centre, place, name in session.execute(query):
            stations[code] = Station(code=code, centre=centre, constituency=name,
                                     voting_type=VotingType(kind), registered=registered)
            ids[code] = row_id
            places[place] = name
        lists: dict[str, set[str]] = {name: set() for name in places.values()}
        people: dict[str, set[tuple[str, str]]] = {name: set() for name in places.values()}
        standing = (select(ConstituencyRow.name, ListRow.name)
                    .join(ListRow, ListRow.constituency_id == ConstituencyRow.id)
                    .where(ConstituencyRow.election_id == election))
        running = (select(ConstituencyRow.name, CandidateRow.list_name, CandidateRow.name)
                   .join(CandidateRow, CandidateRow.constituency_id == ConstituencyRow.id)
                   .where(ConstituencyRow.election_id == election))
        if few is not None:
            standing = standing.where(ConstituencyRow.id.in_(places))
            running = running.where(ConstituencyRow.id.in_(places))
        for name, list_name in session.execute(standing):
            lists.setdefault(name, set()).add(list_name)
        for name, list_name, candidate in session.execute(running):
            people.setdefault(name, set()).add((list_name, candidate))
        return Registry(stations=stations, ids=ids,
                        lists={k: frozenset(v) for k, v in lists.items() if v},
                        candidates={k: frozenset(v) for k, v in people.items() if v})

    @_guarded
    def aliases(self) -> dict[str, str]:
        """The lists' other spellings registered for this election (alias → list); none for an
        election not registered yet."""
        self._check_ready()
        with Session(self.engine) as session:
            return self._aliases(session)

    def _aliases(self, session: Session) -> dict[str, str]:
        return {alias: name for alias, name in session.execute(
            select(ListAliasRow.alias, ListAliasRow.list_name)
            .join(ElectionRow, ListAliasRow.election_id == ElectionRow.id)
            .where(ElectionRow.name == self.election))}

    @_guarded
    def stations(self) -> list[Station]:
        """Every registered polling station, with its voting type and register (read-only)."""
        self._check_ready()
        with Session(self.engine) as session:
            return list(self._registry(session).stations.values())



def _renamed(stored: Mapping[str, str], given: Mapping[str, str]) -> list[Problem]:
    """Each alias given for another list than the one it already names: one spelling, one list."""
    return [Problem(source=f"alias {alias}", line=None, field="list", message=(
                f"already names {stored[alias]!r}, given {name!r}: an alias names one list"))
            for alias, name in given.items() if stored.get(alias, name) != name]


def _moved(known: Mapping[str, Station], given: Iterable[Station]) -> list[Problem]:
    """Each station given otherwise than it is registered (or than it was given before in the
    same call): a registration is never silently kept or changed."""
    found = []
    seen = dict(known)
    for s in given:
        was = seen.setdefault(s.code, s)
        for field in ("constituency", "centre", "voting_type", "registered"):
            old, new = getattr(was, field), getattr(s, field)
            if old != new:
                found.append(Problem(source=f"station {s.code}", line=None, field=field, message=(
                    f"registered as {str(old)!r}, given {str(new)!r}: a registered station "
                    "does not change")))
    return found

