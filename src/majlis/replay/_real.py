"""A real election night, replayed as it was published: no figure made up.

The authority published, area by area and moment by moment, each list's votes counted so far
and how much of each voting type was counted. A release is made at every moment any area's
figures changed, and holds exactly the figures published then (an area not updated keeps its
last ones). An area is a constituency (Norway's counties) or a reporting unit within one
(Slovakia's districts in its one national constituency). The tally store counts stations, so
each area's voting type is held as counting units: the polling places themselves where the
authority counts them (Slovakia's polling districts, each with the register the feed gives it),
else `UNITS` equal units (tenths of a percent, the precision Norway publishes the share in).
The share counted is the units with a sheet, and the votes counted are the sum of their sheets.
How the votes are spread over the units is bookkeeping, not a model — every release's votes
per list, area and voting type are the published ones, and the projection reads only those
sums and the share counted. docs/replay-model.md, "Real nights".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import groupby
from zoneinfo import ZoneInfo

from majlis import data
from majlis.errors import InputError, Problem
from majlis.tally import Source, Station, Store, TallySheet, VotingType

from ._night import Correction, Wave

UNITS = 1000  # counting units per area and voting type: the share counted is in tenths of %
# A Norwegian counting place's register is not published, and places differ in size (Frøya's
# first two of nine advance-vote places held 1.67 times their equal share of its register): each
# place of a voting type gets an equal share of ROOM times its municipality's register. The
# projection reads registers only as ratios between places and municipalities, which this keeps.
ROOM = 4
BLANK = ""  # the ledger's key for blank ballots (counted as cast, not for any list)


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshot:
    """One area's count as published at one moment: per voting type, the counting units
    counted, each list's votes and the ballots for no list (blank or invalid)."""

    constituency: str
    area: str  # the reporting area: the constituency itself, or a unit the feed reports within
    at: datetime
    counted: Mapping[VotingType, int]  # counting units with a sheet, of the area's `units`
    votes: Mapping[VotingType, Mapping[str, int]]
    blank: Mapping[VotingType, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class Night:
    """A published night: the law it is counted under (a preset) and the lists' attributes it
    reads (a lists file's columns), its clock's time zone, each area's counting units per
    voting type (their registers), its snapshots in time order, the official final seats per
    constituency and list (the levelling seats placed in a constituency counted there, and
    given apart too in `placed`), and where the figures come from."""

    name: str
    law: str
    zone: str
    units: Mapping[tuple[str, VotingType], tuple[int, ...]]  # (area, type) → unit registers
    snapshots: tuple[Snapshot, ...]
    seats: Mapping[str, Mapping[str, int]]
    source: str
    lists: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    placed: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def only(self, areas: Sequence[str], moments: int | None = None) -> Night:
        """The night restricted to some areas (or constituencies) and its first `moments`
        report times: a slice small enough for a test, its figures unchanged."""
        kept = [s for s in self.snapshots if s.area in areas or s.constituency in areas]
        times = sorted({s.at for s in kept})[:moments]
        names = {s.area for s in kept}
        constituencies = {s.constituency for s in kept}
        return replace(self, snapshots=tuple(s for s in kept if s.at in times),
                       units={k: v for k, v in self.units.items() if k[0] in names},
                       seats={c: self.seats[c] for c in constituencies},
                       placed={c: p for c, p in self.placed.items() if c in constituencies})


def norway_2021() -> Night:
    """Norway's Storting election of 13 September 2021 as Valgdirektoratet's results feed
    published it, county by county from 23:10 that night to the final settlement:
    advance votes and election-day votes, each with its own share counted (the preliminary
    count's), blank ballots apart from the lists."""
    zone = ZoneInfo("Europe/Oslo")
    folder = "nights/norway2021/"
    lists: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in data.rows(folder + "party_snapshots.csv"):
        lists.setdefault((row["rapport_generert"], row["district_nr"]), []).append(row)
    snapshots = []
    eligible: dict[str, int] = {}  # the largest register the night published per county
    for row in data.rows(folder + "district_snapshots.csv"):
        votes, blank = _by_type(lists.get((row["rapport_generert"], row["district_nr"]), []))
        snapshots.append(Snapshot(
            constituency=row["district_name"], area=row["district_name"],
            at=datetime.fromisoformat(row["rapport_generert"]).replace(tzinfo=zone),
            counted={VotingType.ADVANCE: _tenths(row["counted_pct_forelopigFhs"]),
                     VotingType.ELECTION_DAY: _tenths(row["counted_pct_forelopigVts"])},
            votes=votes, blank=blank))
        eligible[row["district_name"]] = max(eligible.get(row["district_name"], 0),
                                             int(row["eligible"]))
    seats, placed = _official(folder)
    return Night(name="norway-2021", law="norway-2021", zone="Europe/Oslo",
                 units={(name, kind): _even(n, UNITS) for name, n in eligible.items()
                        for kind in (VotingType.ADVANCE, VotingType.ELECTION_DAY)},
                 snapshots=tuple(sorted(snapshots, key=lambda s: (s.at, s.area))),
                 seats=seats, placed=placed,
                 source="src/majlis/data/nights/norway2021/README.md")


def norway_2025() -> Night:
    """Norway's Storting election of 8 September 2025 as Valgdirektoratet's results feed
    published it, municipality by municipality from 21:02 that night (the advance votes) to
    the final counts: each municipality's counting places of advance votes and of
    election-day votes and how many had reported in the preliminary count, blank ballots apart
    from the lists. A moment is when the archive fetched the figures (UTC), which is when they
    were public. The feed's one more unit per type for its other votes (postal, institutions)
    is not a unit here: it is the last to report in most municipalities and held nothing when
    it did (docs/replay-model.md, "Counting units"), so counted as a place it made the
    projection expect a place's votes that never came."""
    zone = ZoneInfo("Europe/Oslo")
    folder = "nights/norway2025/"
    lists: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in data.rows(folder + "kommune_party_snapshots.csv.gz"):
        lists.setdefault((row["snapshot_file"], row["kommune_nr"]), []).append(row)
    seats, placed = _official(folder)
    county = {r["district_nr"]: r["district_name"]
              for r in data.rows(folder + "final_official_seats.csv")}
    kinds = {VotingType.ADVANCE: "forste_advance_places",
             VotingType.ELECTION_DAY: "forste_electionday_places"}
    snapshots = []
    places: dict[tuple[str, VotingType], int] = {}
    eligible: dict[str, int] = {}
    for row in data.rows(folder + "kommune_snapshots.csv.gz"):
        area = f"{row['kommune_name']} ({row['kommune_nr']})"  # two Herøys, two Vålers
        votes, blank = _by_type(lists.get((row["snapshot_file"], row["kommune_nr"]), []))
        counted = {}
        for kind, column in kinds.items():
            counted[kind], total = _fraction(row[column])
            places[(area, kind)] = max(places.get((area, kind), 0), total)
        eligible[area] = max(eligible.get(area, 0), int(row["eligible"]))
        snapshots.append(Snapshot(
            constituency=county[row["district_nr"]], area=area,
            at=datetime.strptime(row["snapshot_file"], "%Y-%m-%d__%H%M").replace(
                tzinfo=UTC).astimezone(zone),
            counted=counted, votes=votes, blank=blank))
    return Night(name="norway-2025", law="norway-2025", zone="Europe/Oslo",
                 units={(area, kind): _even(ROOM * eligible[area], n)
                        for (area, kind), n in places.items()},
                 snapshots=tuple(sorted(snapshots, key=lambda s: (s.at, s.area))),
                 seats=seats, placed=placed,
                 source="src/majlis/data/nights/norway2025/README.md")


def _official(folder: str) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """Norway's official final seats per county and list, its levelling seat included, and
    where the levelling seats were placed (the list each county's went to)."""
    seats: dict[str, dict[str, int]] = {}
    placed: dict[str, dict[str, int]] = {}
    for row in data.rows(folder + "final_official_seats.csv"):
        if row["party_code"] != "BLANKE":  # `seats` counts the levelling seat too
            seats.setdefault(row["district_name"], {})[row["party_code"]] = int(row["seats"])
            if int(row["levelling_seats"]):
                placed.setdefault(row["district_name"], {})[row["party_code"]] = int(
                    row["levelling_seats"])
    return seats, placed


def _by_type(entries: Sequence[Mapping[str, str]]
             ) -> tuple[dict[VotingType, dict[str, int]], dict[VotingType, int]]:
    """Norway's feed's rows of one area and moment as votes per list and blank ballots, by
    voting type: a list's advance votes, and the rest of its votes as election-day votes."""
    votes: dict[VotingType, dict[str, int]] = {VotingType.ADVANCE: {},
                                               VotingType.ELECTION_DAY: {}}
    blank = dict.fromkeys(votes, 0)
    for entry in entries:
        advance = int(entry["votes_advance"])
        day = int(entry["votes"]) - advance
        if entry["party_code"] == "BLANKE":
            blank = {VotingType.ADVANCE: advance, VotingType.ELECTION_DAY: day}
        else:
            votes[VotingType.ADVANCE][entry["party_code"]] = advance
            votes[VotingType.ELECTION_DAY][entry["party_code"]] = day
    return votes, blank


def _fraction(finished: str) -> tuple[int, int]:
    """A count status as the feed writes it, "finished/total" counting places."""
    done, _, total = finished.partition("/")
    return int(done), int(total)


def _even(register: int, units: int) -> tuple[int, ...]:
    """A register shared by `units` equal counting units (the first one voter more where it
    does not divide): where the feed says only the area's whole register."""
    each, extra = divmod(register, units)
    return tuple(each + (k < extra) for k in range(units))


def slovakia_2023() -> Night:
    """Slovakia's National Council election of 30 September 2023 as the Statistical Office's
    media feed published it, in 58 releases from 23:20 to 08:50: one national constituency,
    reported by its 79 districts (okresy) and the postal votes from abroad, each district's
    polling districts counted one by one. A polling district's register is the growth of the
    district's counted register when it was counted (shared evenly by the polling districts
    counted in the same release); one never counted has the district's mean."""
    zone = ZoneInfo("Europe/Bratislava")
    folder = "nights/slovakia2023/"
    name = {r["party_no"]: r["abbreviation"] for r in data.rows(folder + "parties.csv")}
    areas = {r["okres"]: (r["okres_name"], int(r["okrsky_total"]))
             for r in data.rows(folder + "okresy.csv")}
    votes: dict[tuple[str, str], dict[str, int]] = {}
    for r in data.rows(folder + "okres_release_party_votes.csv"):
        votes.setdefault((r["release_no"], r["okres"]), {})[name[r["party_no"]]] = int(r["votes"])
    snapshots = []
    grown: dict[str, list[tuple[int, int]]] = {}  # okres → (polling districts, register) counted
    last: dict[str, tuple[object, ...]] = {}
    for r in data.rows(folder + "okres_release_status.csv"):
        okres, processed = r["okres"], int(r["okrsky_processed"])
        kind = VotingType.OUT_OF_COUNTRY if okres == ABROAD else VotingType.GENERAL
        per_list = votes.get((r["release_no"], okres), {})
        blank = int(r["voters"]) - int(r["valid_votes"])
        grown.setdefault(okres, []).append((processed, int(r["registered_voters"])))
        if last.get(okres) == (processed, blank, per_list):
            continue  # the district did not report anew
        last[okres] = (processed, blank, per_list)
        snapshots.append(Snapshot(
            constituency=SLOVAKIA, area=areas[okres][0],
            at=datetime.fromisoformat(r["official_update_time"]).replace(tzinfo=zone),
            counted={kind: processed}, votes={kind: per_list}, blank={kind: blank}))
    units = {(areas[okres][0], VotingType.OUT_OF_COUNTRY if okres == ABROAD
              else VotingType.GENERAL): _registers(steps, areas[okres][1])
             for okres, steps in grown.items()}
    final = list(data.rows(folder + "final_official.csv"))
    return Night(name="slovakia-2023", law="slovakia-2023", zone="Europe/Bratislava",
                 units=units, snapshots=tuple(sorted(snapshots, key=lambda s: (s.at, s.area))),
                 seats={SLOVAKIA: {r["abbreviation"]: int(r["official_seats"]) for r in final}},
                 lists={r["abbreviation"]: {"members": r["parties_in_list"]} for r in final},
                 source="src/majlis/data/nights/slovakia2023/README.md")


SLOVAKIA = "Slovakia"
ABROAD = "900"  # the Statistical Office's code for the postal votes from abroad


def _registers(steps: Sequence[tuple[int, int]], total: int) -> tuple[int, ...]:
    """Each polling district's register from the district's (counted, counted register) at
    each release: the polling districts newly counted share the register's growth evenly; a
    growth with none newly counted (a re-count) goes to the last one counted; a fall in
    either is a correction and leaves the registers as they are."""
    out: list[int] = []
    counted_register = 0
    for processed, register in steps:
        if processed > len(out):
            out += _even(max(0, register - counted_register), min(processed, total) - len(out))
            counted_register = register
        elif register > counted_register and out:
            out[-1] += register - counted_register
            counted_register = register
    mean = max(1, counted_register // len(out)) if out else 1
    return (*out, *(mean,) * (total - len(out)))


def _tenths(percent: str) -> int:
    """A published percent with one decimal ("88.4") as tenths of a percent, exactly."""
    whole, _, tenth = percent.partition(".")
    if len(tenth) > 1:
        raise ValueError(f"{percent!r}: the share counted is published in tenths of a percent")
    return int(whole) * 10 + int(tenth or 0)


NIGHTS: Mapping[str, Callable[[], Night]] = {"norway-2021": norway_2021,
                                              "norway-2025": norway_2025,
                                              "slovakia-2023": slovakia_2023}


def real(name: str) -> Night:
    """A bundled published night by name (`majlis replay real NAME`); a name without one is
    the caller's mistake (InputError), as for `plan`."""
    if name not in NIGHTS:
        raise InputError([Problem(source="bundled data", line=None, field="night", message=(
            f"no published night {name!r}; one of: {', '.join(NIGHTS)}"))])
    return NIGHTS[name]()


def _code(area: str, kind: VotingType, unit: int) -> str:
    """A counting unit's station code (unit 0: its polling centre), unique per area and type."""
    return f"{area}/{kind.value}/{unit:04d}"


def units(night: Night) -> tuple[Station, ...]:
    """Every area's counting units per voting type, with their registers, as stations."""
    where = {s.area: s.constituency for s in night.snapshots}
    return tuple(Station(code=_code(area, kind, k), centre=_code(area, kind, 0),
                         constituency=where[area], voting_type=kind, registered=registered)
                 for (area, kind), registers in night.units.items() if area in where
                 for k, registered in enumerate(registers, 1))


def register_night(night: Night, store: Store) -> tuple[Station, ...]:
    """The night's counting units and every list that stood in each constituency into the store."""
    stations = units(night)
    lists = dict.fromkeys((s.constituency, p) for s in night.snapshots
                          for per_list in s.votes.values() for p in per_list)
    store.register(stations, list(lists), [])
    return stations


class _Group:
    """The units of one area's voting type, and the votes on each counted unit's sheet."""

    def __init__(self, area: str, stations: Sequence[Station]) -> None:
        self.area = area
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
        wanted = min(len(self.stations), max(old, counted, 1 if any(target.values()) else 0))
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
                raise ValueError(f"{self.area}: {key or 'blank'} cannot "
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
    """One wave per moment an area's published figures changed: the units newly counted
    as sheets, the units whose figures the update moved as re-entries, so that the release
    after it holds exactly the figures published at that moment."""
    code = {s.code: s for s in stations}
    groups = {(area, kind): _Group(area, [code[_code(area, kind, k)]
                                          for k in range(1, len(registers) + 1)])
              for (area, kind), registers in night.units.items() if _code(area, kind, 1) in code}
    out = []
    for at, moment in groupby(night.snapshots, key=lambda s: s.at):
        stamp = at.isoformat(timespec="seconds")
        sheets: list[TallySheet] = []
        fixes: list[Correction] = []
        named = []
        for s in moment:
            named.append(s.area)
            for kind, votes in s.votes.items():
                new, moved = groups[(s.area, kind)].advance(
                    s.counted[kind], votes, s.blank[kind], stamp)
                sheets += new
                fixes += [Correction(sheet=sheet, reason=f"as published at {stamp}",
                                     author="results feed") for sheet in moved]
        out.append(Wave(name=f"{at:%d %b %H:%M:%S}: {', '.join(named)}"[:120], at=at,
                        sheets=tuple(sheets), corrections=tuple(fixes)))
    return tuple(out)
