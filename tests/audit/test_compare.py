"""Machine against hand: differences per list at each station, centre and constituency, the
law's tolerance, and the seats a hand count moves — on the replayed 2025 night in a store."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from majlis import audit, data, replay
from majlis.law import Allocation, Constituency, Election, allocate
from majlis.tally import Source, Store, TallySheet
from tests.commands import majlis

# one worker builds the 2025 night's store once for every test here (pytest -n … --dist loadgroup)
pytestmark = pytest.mark.xdist_group("test_compare")

LAW = data.law("iraq-2025")


def seats(totals: dict[str, dict[str, int]]) -> Allocation:
    return allocate(Election(constituencies=tuple(
        Constituency(name=name, magnitude=LAW.magnitudes[name], votes=votes)
        for name, votes in sorted(totals.items()))), LAW)


def seat_moving_hand_count(night: replay.Replay) -> tuple[TallySheet, dict[str, int]]:
    """A hand count that moves a seat, found the way a losing list's agent would look: in each
    constituency, the station where the list that won the last seat has most votes, its votes
    there found to be the runner-up's. The first constituency where that changes the seats,
    with the seat change computed straight from the law."""
    totals = {t.name: dict(t.votes) for t in night.plan.constituencies}
    before = seats(totals)
    sheets = {s.station: s for s in night.sheets()}
    for result in before.constituencies:
        if result.runner_up is None or result.last_award is None:
            continue
        won, runner = result.last_award.list, result.runner_up.list
        if won == runner:
            continue
        codes = [s.code for s in night.stations if s.constituency == result.name]
        code = max(codes, key=lambda c: (sheets[c].votes.get(won, 0), c))
        moved = sheets[code].votes[won]
        hand = {**sheets[code].votes, won: 0, runner: sheets[code].votes[runner] + moved}
        after = seats({**totals, result.name: {**totals[result.name],
                                               won: totals[result.name][won] - moved,
                                               runner: totals[result.name][runner] + moved}})
        change = {p: n - result.seats.get(p, 0)
                  for p, n in after.seats_in(result.name).items() if n != result.seats.get(p, 0)}
        change.update({p: -n for p, n in result.seats.items()
                       if n and p not in after.seats_in(result.name)})
        if change:
            return replace(sheets[code], source=Source.MANUAL, votes=hand), change
    raise AssertionError("no single station's hand count moves a seat")


# session-wide: on a worker, other modules' tests run between this module's, and a module
# fixture was built again after them (14 s each time)
@pytest.fixture(scope="session")
def night_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, replay.Replay]:
    night = replay.build(replay.plan("iraq-2025"), 2025)
    url = f"sqlite:///{tmp_path_factory.mktemp('audit') / 'night.db'}"
    with Store(url, "iraq-2025") as store:
        store.init()
        replay.register(night, store)
        store.ingest(list(night.sheets()))
    return url, night


def test_a_hand_count_that_moves_a_seat_is_named_on_the_2025_night(
        night_store: tuple[str, replay.Replay], tmp_path: Path) -> None:
    url, night = night_store
    hand, change = seat_moving_hand_count(night)
    machine = next(s for s in night.sheets() if s.station == hand.station)
    with Store(url, "iraq-2025") as store:
        assert store.ingest([hand]).accepted == 1
    shown = majlis("audit", "compare", "--law", "iraq-2025", "--db", url, "--election",
                   "iraq-2025", "--format", "json")
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    (station,) = report["stations"]
    assert station["station"] == hand.station and not station["within"]
    assert station["differences"] == {p: hand.votes[p] - machine.votes[p] for p in hand.votes
                                      if hand.votes[p] != machine.votes[p]}
    where = next(s.constituency for s in night.stations if s.code == hand.station)
    assert {(c["constituency"], c["list"]): c["hand"] - c["machine"]
            for c in report["seats"]["changes"]} == {(where, p): d for p, d in change.items()}
    # the machine's seats are the official allocation, the hand count's differ by the move
    official = seats({t.name: dict(t.votes) for t in night.plan.constituencies}).totals()
    assert report["seats"]["machine"] == dict(official)
    table = majlis("audit", "compare", "--law", "iraq-2025", "--db", url, "--election",
                   "iraq-2025")
    assert "The hand counts move seats:" in table.stdout
    for list_name, d in change.items():
        assert f"{where}: {list_name} " in table.stdout
        assert f"→ {official[list_name] + d}" in table.stdout
    # forensics reads the same store, the hand count standing for its station
    queue = tmp_path / "queue.csv"
    found = majlis("audit", "forensics", "--db", url, "--election", "iraq-2025", "--nights",
                   "6", "--format", "json", "--queue", queue)
    assert found.returncode == 0, found.stderr
    forensics = json.loads(found.stdout)
    assert forensics["stations"] == len(night.stations)
    assert [t["name"] for t in forensics["tests"]] == [*audit.CONSTITUENCY_TESTS,
                                                       *audit.STATION_TESTS]
    with queue.open(encoding="utf-8") as f:
        assert [r["station"] for r in csv.DictReader(f)] == [
            q["station"] for q in forensics["queue"]]


def count(station: str, centre: str, machine: dict[str, int], hand: dict[str, int]
          ) -> audit.HandCount:
    return audit.HandCount(station=station, centre=centre, constituency="Najaf",
                           machine=machine, hand=hand)


def test_tolerance_in_votes_or_a_share_of_the_valid_votes() -> None:
    counts = [count("N-1-1", "N-1", {"A": 120, "B": 80}, {"A": 118, "B": 82}),
              count("N-1-2", "N-1", {"A": 300, "B": 100}, {"A": 300, "B": 100}),
              count("N-2-1", "N-2", {"A": 50, "B": 50}, {"A": 47, "B": 53, "C": 1})]
    totals = {"Najaf": {"A": 20_000, "B": 12_000, "C": 3_000}}
    exact = audit.compare(counts, totals, LAW)
    assert [s.within for s in exact.stations] == [False, True, False]
    assert exact.stations[0].differences == {"A": -2, "B": 2}
    assert exact.stations[2].differences == {"A": -3, "B": 3, "C": 1}
    two = audit.compare(counts, totals, LAW, audit.Tolerance(votes=2))
    assert [s.within for s in two.stations] == [True, True, False]
    # 3 % of 100 valid votes allows 3; of 200, 6
    share = audit.compare(counts, totals, LAW, audit.Tolerance(share=Fraction(3, 100)))
    assert [s.allowed for s in share.stations] == [6, 12, 3]
    assert [s.within for s in share.stations] == [True, True, True]
    centre_1 = exact.centres[0]
    assert [c.centre for c in exact.centres] == ["N-1", "N-2"]
    assert (centre_1.centre, centre_1.stations, centre_1.outside, dict(centre_1.differences)) == (
        "N-1", 2, 1, {"A": -2, "B": 2})
    (najaf,) = exact.constituencies
    assert najaf.centre is None and not najaf.within
    assert dict(najaf.differences) == {"A": -5, "B": 5, "C": 1}
    assert not exact.seats_move and exact.machine_seats == exact.hand_seats


def test_bad_tolerance_is_refused_with_the_option_named(
        night_store: tuple[str, replay.Replay]) -> None:
    url, _ = night_store
    shown = majlis("audit", "compare", "--law", "iraq-2025", "--db", url, "--tolerance", "2.5")
    assert shown.returncode == 2 and "--tolerance" in shown.stderr
    missing = majlis("audit", "compare", "--law", "no-such-law.toml", "--db", url)
    assert missing.returncode == 2
    assert "no-such-law.toml: file: no such file or directory" in missing.stderr
