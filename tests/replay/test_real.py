"""A published night played into the store: every release holds the figures the authority
published at that moment, and the last one gives the official seats."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from functools import cache

import pytest

from majlis import data, replay
from majlis.errors import InputError
from majlis.law import Allocation, Law, allocate
from majlis.tally import ConstituencyCount, Store, VotingType, national

FOLDER = "nights/norway2021/"


def seats(counts: Sequence[ConstituencyCount], law: Law) -> Allocation:
    """A release's seats under the law, as the CLI and the service count them."""
    return allocate(law.election({c.name: c.votes for c in counts}), law)


def play(night: replay.Night) -> list[replay.Reported]:
    store = Store("sqlite://", election=night.name)
    store.init()
    stations = replay.register_night(night, store)
    return replay.play(replay.waves(night, stations), store, data.law(night.law),
                       lists=night.lists)


def at_last(night: replay.Night) -> replay.Night:
    """The night as its last published figures: each area's last snapshot, all at one moment."""
    final = {}
    for s in night.snapshots:
        final[s.area] = s
    last = max(s.at for s in final.values())
    return replace(night, snapshots=tuple(replace(s, at=last)
                                          for s in sorted(final.values(), key=lambda s: s.area)))


def as_published(constituency: str, at: datetime) -> tuple[dict[str, int], dict[str, int]]:
    """Straight from the bundled CSVs: the constituency's votes per list (blank ballots apart)
    and its tenths of a percent counted by voting type, as last published at `at`."""
    stamp = at.replace(tzinfo=None).isoformat()
    rows = [r for r in data.rows(FOLDER + "district_snapshots.csv")
            if r["district_name"] == constituency and r["rapport_generert"] <= stamp]
    if not rows:  # not reported yet
        return {}, {}
    last = rows[-1]
    votes = {r["party_code"]: int(r["votes"]) for r in data.rows(FOLDER + "party_snapshots.csv")
             if r["district_nr"] == last["district_nr"]
             and r["rapport_generert"] == last["rapport_generert"]
             and r["party_code"] != "BLANKE"}
    counted = {"advance": round(10 * float(last["counted_pct_forelopigFhs"])),
               "election-day": round(10 * float(last["counted_pct_forelopigVts"]))}
    return votes, counted


def test_norway_2021_releases_equal_the_published_snapshots() -> None:
    night = replay.real("norway-2021").only(["Østfold", "Oslo", "Telemark"], 12)
    reports = play(night)
    assert len(reports) == 12  # one release per moment a district's figures changed
    for report in reports:
        assert report.quarantined == 0
        for count in report.release.results:
            votes, counted = as_published(count.name, report.wave.at)
            assert {p: n for p, n in count.votes.items() if n or p in votes} == votes, (
                report.release.name, count.name)
            assert {t: n for t, n in count.counted_by_type.items() if n} == {
                t: n for t, n in counted.items() if n}, (report.release.name, count.name)
            assert count.stations_by_type == {"advance": replay.UNITS,
                                              "election-day": replay.UNITS}
    first = reports[0].release.results
    # Østfold's first report at 23:10:36: election-day votes 87.6 % counted, advance 100 %.
    ostfold = next(c for c in first if c.name == "Østfold")
    assert ostfold.counted_by_type == {"advance": 1000, "election-day": 876}
    assert ostfold.votes["A"] == 44048
    advance = [r for r in data.rows(FOLDER + "party_snapshots.csv") if r["district_nr"] == "01"
               and r["rapport_generert"] == "2021-09-13T23:10:36" and r["party_code"] != "BLANKE"]
    assert ostfold.by_voting_type["advance"] == {r["party_code"]: int(r["votes_advance"])
                                                 for r in advance}


def test_norway_2021_last_release_gives_the_official_seats() -> None:
    night = replay.real("norway-2021")
    (report,) = play(at_last(night))
    allocation = seats(report.release.results, data.law("norway-2021"))
    assert allocation.tier is not None
    for constituency, official in night.seats.items():  # constituency and levelling seats
        won = allocation.seats_in(constituency)  # the levelling seat placed there included
        assert {p: n for p, n in won.items() if n} == {p: n for p, n in official.items()
                                                       if n}, constituency
    assert sum(Counter(s).total() for s in night.seats.values()) == 169
    assert sum(allocation.tier.seats.values()) == 19
    # Each county's levelling seat went to the list the official settlement placed it with.
    assert {c: dict(p) for c, p in allocation.tier.placed.items()} == night.placed
    assert len(night.placed) == 19 and night.placed["Østfold"] == {"SV": 1}
    assert {p: n for p, n in allocation.totals().items() if n} == {
        "A": 48, "H": 36, "SP": 28, "FRP": 21, "SV": 13, "RØDT": 8, "V": 8, "MDG": 3,
        "KRF": 3, "PF": 1}
    assert national(report.release.results).counted == 2 * replay.UNITS * 19


NORWAY_2025 = "nights/norway2025/"


@cache
def norwegian_rows(name: str) -> list[dict[str, str]]:
    """A bundled file of the 2025 night, read once for all the releases compared."""
    return data.rows(NORWAY_2025 + name)


def norwegian_published(kommuner: Sequence[str], at: datetime
                        ) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Straight from the bundled files: the municipalities' votes per list (blank ballots
    apart), and their counting places finished and in all by voting type (the places, not the
    unit for other votes: `replay.real` leaves it out), summed, as last fetched by `at`."""
    stamp = at.astimezone(UTC).strftime("%Y-%m-%d__%H%M")
    status: dict[str, dict[str, str]] = {}
    for r in norwegian_rows("kommune_snapshots.csv.gz"):
        if r["kommune_nr"] in kommuner and r["snapshot_file"] <= stamp:
            status[r["kommune_nr"]] = r
    votes: Counter[str] = Counter()
    for r in norwegian_rows("kommune_party_snapshots.csv.gz"):
        if (r["kommune_nr"] in status and r["party_code"] != "BLANKE"
                and r["snapshot_file"] == status[r["kommune_nr"]]["snapshot_file"]):
            votes[r["party_code"]] += int(r["votes"])
    counted: Counter[str] = Counter()
    places: Counter[str] = Counter()
    for r in status.values():
        for kind, column in {"advance": "advance_places",
                             "election-day": "electionday_places"}.items():
            done, total = r["forste_" + column].split("/")
            counted[kind] += int(done)
            places[kind] += int(total)
    return dict(votes), dict(counted), dict(places)


def test_norway_2025_releases_equal_the_published_municipality_figures() -> None:
    """Three municipalities of two counties, moment by moment from the advance votes at 21:02:
    each county's votes per list, and its counting places finished by voting type, are the
    directorate's, summed over the municipalities."""
    names = {"Oslo": ["0301"], "Sør-Trøndelag": ["5014", "5001"]}  # Frøya, Trondheim
    night = replay.real("norway-2025")
    areas = [s.area for s in night.snapshots if any(s.area.endswith(f"({k})")
                                                    for ks in names.values() for k in ks)]
    reports = play(night.only(sorted(set(areas)), 10))
    assert len(reports) == 10
    assert reports[0].wave.at.isoformat() == "2025-09-08T21:02:00+02:00"
    for report in reports:
        assert report.quarantined == 0
        for count in report.release.results:
            votes, counted, places = norwegian_published(names[count.name], report.wave.at)
            assert {p: n for p, n in count.votes.items() if n or p in votes} == votes
            assert {t: n for t, n in count.counted_by_type.items() if n} == {
                t: n for t, n in counted.items() if n}, (report.release.name, count.name)
            assert count.stations_by_type == places
    oslo = next(c for c in reports[0].release.results if c.name == "Oslo")
    # At 21:02 Oslo had published its 29 advance-vote places, none of election day's 100:
    # Arbeiderpartiet's 67,760 votes were all advance votes.
    assert oslo.counted_by_type == {"advance": 29}
    assert oslo.stations_by_type == {"advance": 29, "election-day": 100}
    assert oslo.by_voting_type["advance"]["A"] == oslo.votes["A"] == 67760


def test_norway_2025_last_release_gives_the_official_seats_with_the_levelling_seats() -> None:
    night = replay.real("norway-2025")
    (report,) = play(at_last(night))
    allocation = seats(report.release.results, data.law("norway-2025"))
    assert allocation.tier is not None
    for constituency, official in night.seats.items():  # the levelling seat placed there too
        assert {p: n for p, n in allocation.seats_in(constituency).items() if n} == {
            p: n for p, n in official.items() if n}, constituency
    assert {p: n for p, n in allocation.totals().items() if n} == {
        "A": 53, "FRP": 47, "H": 24, "SV": 9, "SP": 9, "RØDT": 9, "MDG": 8, "KRF": 7, "V": 3}
    # Venstre is under 4 % and levels nothing; Høyre levels one seat, MDG four.
    assert {p: n for p, n in allocation.tier.seats.items() if n} == {
        "RØDT": 5, "SV": 4, "KRF": 4, "MDG": 4, "SP": 1, "H": 1}
    assert {c: dict(p) for c, p in allocation.tier.placed.items()} == night.placed
    assert night.placed["Oslo"] == {"RØDT": 1}


SLOVAKIA = "nights/slovakia2023/"


def slovak_published(okresy: Sequence[str], release: int) -> tuple[dict[str, int], int, int]:
    """Straight from the bundled CSVs: the districts' votes per list, polling districts
    counted and their register, summed, as last published by release `release`."""
    names = {r["party_no"]: r["abbreviation"] for r in data.rows(SLOVAKIA + "parties.csv")}
    status: dict[str, dict[str, str]] = {}
    for r in data.rows(SLOVAKIA + "okres_release_status.csv"):
        if r["okres"] in okresy and int(r["release_no"]) <= release:
            status[r["okres"]] = r
    votes: Counter[str] = Counter()
    for r in data.rows(SLOVAKIA + "okres_release_party_votes.csv"):
        if r["okres"] in status and r["release_no"] == status[r["okres"]]["release_no"]:
            votes[names[r["party_no"]]] += int(r["votes"])
    return (dict(votes), sum(int(r["okrsky_processed"]) for r in status.values()),
            sum(int(r["registered_voters"]) for r in status.values()))


def test_slovakia_2023_releases_equal_the_published_district_figures() -> None:
    """Three districts of the one national constituency, release by release: the votes per
    list and the polling districts counted are the Statistical Office's, summed."""
    names = {"Senica": "205", "Bratislava I": "101", "Košice I": "802"}
    night = replay.real("slovakia-2023").only(list(names), 10)
    reports = play(night)
    assert len(reports) == 10
    releases = {r["official_update_time"]: int(r["release_no"])
                for r in data.rows(SLOVAKIA + "releases.csv")}
    for report in reports:
        (count,) = report.release.results
        votes, counted, registered = slovak_published(
            list(names.values()), releases[report.wave.at.replace(tzinfo=None).isoformat()])
        assert {p: n for p, n in count.votes.items() if n or p in votes} == votes
        assert count.counted_by_type == {"general": counted}
        assert count.registered_counted_by_type == {"general": registered}
    assert reports[-1].release.results[0].stations_by_type == {"general": 34 + 53 + 59}


def test_slovakia_2023_last_release_gives_the_official_seats_with_the_coalition_threshold(
) -> None:
    night = replay.real("slovakia-2023")
    (report,) = play(at_last(night))
    final = {r["abbreviation"]: r for r in data.rows(SLOVAKIA + "final_official.csv")}
    (count,) = report.release.results
    assert count.votes == {p: int(r["votes"]) for p, r in final.items()}
    assert (count.counted, count.stations) == (6013, 6014)  # one polling district never reported
    assert count.counted_by_type == {"general": 5995, "out-of-country": 18}
    assert {p: n for p, n in report.allocation.totals().items() if n} == {
        "SMER-SD": 42, "PS": 32, "HLAS-SD": 27, "OĽaNO": 16, "KDH": 12, "SaS": 11, "SNS": 10}
    assert report.allocation.totals() == {p: int(r["official_seats"]) for p, r in final.items()}
    # OĽaNO, three parties on one list, faced the 7 % a coalition faces: the night's lists say so.
    assert report.allocation.constituencies[0].admission["OĽaNO"].by == (
        "7 % of valid votes nationally")


def test_a_night_that_is_not_bundled_is_named_with_the_ones_that_are() -> None:
    with pytest.raises(InputError, match="norway-2021, norway-2025, slovakia-2023"):
        replay.real("norway-2017")
    assert VotingType("advance") is VotingType.ADVANCE


def test_slovakia_2023_by_area_holds_each_district_as_published_and_adds_up_to_the_release(
) -> None:
    """The count by area (a group per district) at a release: each district's votes and
    polling districts counted are the Office's, and together they are the store's release."""
    names = {"Senica": "205", "Bratislava I": "101", "Košice I": "802"}
    night = replay.real("slovakia-2023").only(list(names), 10)
    report = play(night)[-1]
    releases = {r["official_update_time"]: int(r["release_no"])
                for r in data.rows(SLOVAKIA + "releases.csv")}
    number = releases[report.wave.at.replace(tzinfo=None).isoformat()]
    (constituency,) = replay.by_area(night, report.wave.at, report.release.number).constituencies
    assert len(constituency.groups) == 3
    total: Counter[str] = Counter()
    for group, okres in zip(sorted(constituency.groups, key=lambda g: g.stations),
                            ("101", "205", "802"), strict=True):  # 34, 53, 59 polling districts
        votes, counted, registered = slovak_published([okres], number)
        assert group.votes == votes and group.counted == counted
        assert group.registered is not None and group.registered_uncounted is not None
        assert group.registered - group.registered_uncounted == registered
        total.update(group.votes)
    (count,) = report.release.results
    assert dict(total) == {p: n for p, n in count.votes.items() if n or p in total}
    assert sum(g.counted for g in constituency.groups) == count.counted
