"""A real election night, replayed as it was published: no figure made up.

The authority published, district by district and moment by moment, each list's votes counted
so far and the share counted of each voting type. A release is made at every moment any
district's figures changed, and holds exactly the figures published then (a district not updated
keeps its last ones). The tally store counts stations, so each district's voting type is held as
`UNITS` equal counting units (tenths of a percent of the type's count, the precision the share
is published in): the share counted is the units with a sheet, and the votes counted are the
sum of their sheets. How the votes are spread over the units is bookkeeping, not a model — every
release's votes per list, district and voting type are the published ones, and the projection
reads only those sums and the share counted. docs/replay-model.md, "Real nights".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import groupby
from zoneinfo import ZoneInfo

from majlis import data
from majlis.tally import Source, Station, Store, TallySheet, VotingType

from ._night import Correction, Wave

UNITS = 1000  # counting units per district and voting type: the share counted is in tenths of %
BLANK = ""  # the ledger's key for blank ballots (counted as cast, not for any list)


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshot:
    """One district's count as published at one moment: per voting type, the percent counted
    (as published, in tenths), each list's votes and the blank ballots."""

    constituency: str
    at: datetime
    eligible: int
    counted: Mapping[VotingType, int]  # tenths of a percent of the type's count
    votes: Mapping[VotingType, Mapping[str, int]]
    blank: Mapping[VotingType, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class Night:
    """A published night: the law it is counted under (a preset), its clock's time zone, its
    snapshots in time order, the official final seats per district and list, and where the
    figures come from."""

    name: str
    law: str
    zone: str
    snapshots: tuple[Snapshot, ...]
    seats: Mapping[str, Mapping[str, int]]
    source: str

    def only(self, constituencies: Sequence[str], moments: int | None = None) -> Night:
        """The night restricted to some districts and its first `moments` report times: a
        slice small enough for a test, its figures unchanged."""
        kept = [s for s in self.snapshots if s.constituency in constituencies]
        times = sorted({s.at for s in kept})[:moments]
        return replace(self, snapshots=tuple(s for s in kept if s.at in times),
                       seats={c: self.seats[c] for c in constituencies})


def norway_2021() -> Night:
    """Norway's Storting election of 13 September 2021 as Valgdirektoratet's results feed
    published it, district by district from 23:10 that night to the final settlement:
    advance votes and election-day votes, each with its own share counted (the preliminary
    count's), blank ballots apart from the lists."""
    zone = ZoneInfo("Europe/Oslo")
    folder = "nights/norway2021/"
    lists: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in data.rows(folder + "party_snapshots.csv"):
        lists.setdefault((row["rapport_generert"], row["district_nr"]), []).append(row)
    snapshots = []
    for row in data.rows(folder + "district_snapshots.csv"):
        votes: dict[VotingType, dict[str, int]] = {VotingType.ADVANCE: {},
                                                   VotingType.ELECTION_DAY: {}}
        blank = dict.fromkeys(votes, 0)
        for entry in lists.get((row["rapport_generert"], row["district_nr"]), []):
            advance = int(entry["votes_advance"])
            day = int(entry["votes"]) - advance
            if entry["party_code"] == "BLANKE":
                blank = {VotingType.ADVANCE: advance, VotingType.ELECTION_DAY: day}
            else:
                votes[VotingType.ADVANCE][entry["party_code"]] = advance
                votes[VotingType.ELECTION_DAY][entry["party_code"]] = day
        snapshots.append(Snapshot(
            constituency=row["district_name"],
            at=datetime.fromisoformat(row["rapport_generert"]).replace(tzinfo=zone),
            eligible=int(row["eligible"]),
            counted={VotingType.ADVANCE: _tenths(row["counted_pct_forelopigFhs"]),
                     VotingType.ELECTION_DAY: _tenths(row["counted_pct_forelopigVts"])},
            votes=votes, blank=blank))
    seats: dict[str, dict[str, int]] = {}
    for row in data.rows(folder + "final_official_seats.csv"):
        if row["party_code"] != "BLANKE":
            seats.setdefault(row["district_name"], {})[row["party_code"]] = (
                int(row["seats"]) + int(row["levelling_seats"]))
    return Night(name="norway-2021", law="norway-2021", zone="Europe/Oslo",
                 snapshots=tuple(sorted(snapshots, key=lambda s: (s.at, s.constituency))),
                 seats=seats, source="src/majlis/data/nights/norway2021/README.md")


def _tenths(percent: str) -> int:
    """A published percent with one decimal ("88.4") as tenths of a percent, exactly."""
    whole, _, tenth = percent.partition(".")
    if len(tenth) > 1:
        raise ValueError(f"{percent!r}: the share counted is published in tenths of a percent")
    return int(whole) * 10 + int(tenth or 0)


NIGHTS: Mapping[str, Callable[[], Night]] = {"norway-2021": norway_2021}


def real(name: str) -> Night:
    """A bundled published night by name (`majlis replay real NAME`)."""
    if name not in NIGHTS:
        raise KeyError(f"no published night {name!r}; one of: {', '.join(NIGHTS)}")
    return NIGHTS[name]()


def _code(constituency: str, kind: VotingType, unit: int) -> str:
    return f"{constituency[:3].upper()}{len(constituency):02d}-{kind.value[:1].upper()}{unit:04d}"


def units(night: Night) -> tuple[Station, ...]:
    """Every district's counting units, `UNITS` per voting type, each holding an equal share
    of the district's register (the largest register the night published; the first units
    one voter more where it does not divide)."""
    eligible: dict[str, int] = {}
    kinds: dict[str, list[VotingType]] = {}
    for s in night.snapshots:
        eligible[s.constituency] = max(eligible.get(s.constituency, 0), s.eligible)
        kinds.setdefault(s.constituency, [])
        kinds[s.constituency] += [k for k in s.counted if k not in kinds[s.constituency]]
    out = []
    for name, types in kinds.items():
        each, extra = divmod(eligible[name], UNITS)
        for kind in types:
            out += [Station(code=_code(name, kind, k), centre=_code(name, kind, 0),
                            constituency=name, voting_type=kind,
                            registered=each + (k <= extra)) for k in range(1, UNITS + 1)]
    return tuple(out)


def register_night(night: Night, store: Store) -> tuple[Station, ...]:
    """The night's counting units and every list that stood in each district into the store."""
    stations = units(night)
    lists = dict.fromkeys((s.constituency, p) for s in night.snapshots
                          for per_list in s.votes.values() for p in per_list)
    store.register(stations, list(lists), [])
    return stations


class _Group:
    """The units of one district's voting type, and the votes on each counted unit's sheet."""

    def __init__(self, stations: Sequence[Station]) -> None:
        self.stations = stations
        self.sheets: list[dict[str, int]] = []

    def advance(self, counted: int, votes: Mapping[str, int], blank: int, at: str
                ) -> tuple[list[TallySheet], list[TallySheet]]:
        """Bring the sheets to `votes` and `blank` in all, on `counted` units (never fewer
        than already counted, at least one once anything is): new units share the growth
        evenly as far as their register allows; a fall, or growth beyond, goes to the latest
        units. Returns the new sheets and the re-entered ones."""
        target = {**votes, BLANK: blank}
        have: dict[str, int] = {}
        for sheet in self.sheets:
            for key, n in sheet.items():
                have[key] = have.get(key, 0) + n
        change = {k: target.get(k, 0) - have.get(k, 0) for k in {*target, *have}}
        old = len(self.sheets)
        wanted = min(UNITS, max(old, counted, 1 if any(target.values()) else 0))
        self.sheets += [dict.fromkeys(target, 0) for _ in range(wanted - old)]
        fresh = len(self.sheets) - old
        for key, n in change.items():
            if fresh and n > 0:
                each, extra = divmod(n, fresh)
                for i in range(old, len(self.sheets)):
                    give = min(each + (i - old < extra), self._room(i))
                    self.sheets[i][key] += give
                    change[key] -= give
        touched: set[int] = set()
        for key, n in change.items():
            for i in range(len(self.sheets) - 1, -1, -1):
                if not n:
                    break
                step = (min(self._room(i), n) if n > 0
                        else -min(self.sheets[i].get(key, 0), -n))
                if step:
                    self.sheets[i][key] = self.sheets[i].get(key, 0) + step
                    touched.add(i)
                    n -= step
            if n:
                raise ValueError(f"{self.stations[0].constituency}: {key or 'blank'} cannot "
                                 f"move by {n} within the units' register")
        return ([self._sheet(i, at) for i in range(old, len(self.sheets))],
                [self._sheet(i, at) for i in sorted(touched) if i < old])

    def _room(self, i: int) -> int:
        """How many more ballots unit `i`'s register allows on its sheet."""
        return self.stations[i].registered - sum(self.sheets[i].values())

    def _sheet(self, i: int, at: str) -> TallySheet:
        votes = {k: n for k, n in self.sheets[i].items() if k != BLANK}
        blank = self.sheets[i].get(BLANK, 0)
        cast = sum(votes.values()) + blank
        return TallySheet(station=self.stations[i].code, source=Source.MACHINE, received_at=at,
                          received_by="results feed", ballots_received=cast, cast=cast,
                          valid=cast - blank, invalid=blank, spoiled=0, unused=0, votes=votes)


def waves(night: Night, stations: Sequence[Station]) -> tuple[Wave, ...]:
    """One wave per moment a district's published figures changed: the units newly counted
    as sheets, the units whose figures the update moved as re-entries, so that the release
    after it holds exactly the figures published at that moment."""
    groups: dict[tuple[str, VotingType], _Group] = {}
    for key, members in groupby(stations, key=lambda s: (s.constituency, s.voting_type)):
        groups[key] = _Group(list(members))
    out = []
    for at, moment in groupby(night.snapshots, key=lambda s: s.at):
        stamp = at.isoformat(timespec="seconds")
        sheets: list[TallySheet] = []
        fixes: list[Correction] = []
        named = []
        for s in moment:
            named.append(s.constituency)
            for kind, votes in s.votes.items():
                new, moved = groups[(s.constituency, kind)].advance(
                    s.counted[kind], votes, s.blank[kind], stamp)
                sheets += new
                fixes += [Correction(sheet=sheet, reason=f"as published at {stamp}",
                                     author="results feed") for sheet in moved]
        out.append(Wave(name=f"{at:%d %b %H:%M:%S}: {', '.join(named)}"[:120], at=at,
                        sheets=tuple(sheets), corrections=tuple(fixes)))
    return tuple(out)
