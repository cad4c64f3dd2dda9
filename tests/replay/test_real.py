"""A published night played into the store: every release holds the figures the authority
published at that moment, and the last one gives the official seats."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

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
    assert {p: n for p, n in allocation.totals().items() if n} == {
        "A": 48, "H": 36, "SP": 28, "FRP": 21, "SV": 13, "RØDT": 8, "V": 8, "MDG": 3,
        "KRF": 3, "PF": 1}
    assert national(report.release.results).counted == 2 * replay.UNITS * 19


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
    with pytest.raises(InputError, match="norway-2021"):
        replay.real("norway-2025")
    assert VotingType("advance") is VotingType.ADVANCE
