"""Norway's law on four of its counties: where its levelling seats go, projected, and the late
advance votes a night's count status does not show."""

from __future__ import annotations

from dataclasses import replace

import pytest

from majlis import data, forecast
from majlis.law import allocate

LAW = data.law("norway-2025")
# Four counties' votes: A and B large everywhere, C and D small lists that level, E a local list.
VOTES = {
    "Oslo": {"A": 90_000, "B": 70_000, "C": 30_000, "D": 24_000, "E": 3_000},
    "Østfold": {"A": 40_000, "B": 30_000, "C": 7_000, "D": 9_000},
    "Telemark": {"A": 30_000, "B": 18_000, "C": 5_500, "D": 6_500},
    "Finnmark Finnmárku": {"A": 12_000, "B": 7_000, "C": 2_900, "D": 1_100},
}


def release(counted: int) -> forecast.ReleaseCount:
    """The counties with `counted` of their 10 election-day places in (advance votes all in),
    each place holding a tenth of the election-day votes, which vote as the advance ones."""
    return forecast.ReleaseCount(number=counted, name=f"{counted} of 10", constituencies=tuple(
        forecast.PartialCount(name=c, groups=(
            forecast.GroupCount(voting_type="advance", stations=4, counted=4,
                                votes={p: n // 2 for p, n in votes.items()}),
            forecast.GroupCount(voting_type="election-day", stations=10, counted=counted,
                                votes={p: n // 2 * counted // 10 for p, n in votes.items()})))
        for c, votes in VOTES.items()))


def test_a_fully_counted_release_places_each_levelling_seat_where_the_law_does() -> None:
    final = release(10)
    placed = allocate(LAW.election({c.name: {p: sum(g.votes.get(p, 0) for g in c.groups)
                                             for p in c.lists} for c in final.constituencies}),
                      LAW).tier
    assert placed is not None and sum(placed.seats.values()) == 4
    projection = forecast.project(final, LAW, draws=50, seed=2)
    assert {c.name: c.placed for c in projection.constituencies} == {
        c: {p: 1.0 for p in seats} for c, seats in placed.placed.items()}
    assert len({p for seats in placed.placed.values() for p in seats}) > 1  # not one list's


def test_levelling_seats_placed_by_the_vector_path_are_the_exact_paths() -> None:
    count = release(3)
    vector = forecast.project(count, LAW, draws=60, seed=4)
    exact = forecast.project(count, LAW, draws=60, seed=4, exact=True)
    assert vector.constituencies == exact.constituencies
    for c in vector.constituencies:  # one levelling seat a county, placed in every draw
        assert sum(c.placed.values()) == pytest.approx(1.0), c.name
    assert any(0 < x < 1 for c in vector.constituencies for x in c.placed.values())


def test_late_votes_that_lean_move_the_seats_of_a_fully_counted_release_their_way() -> None:
    """Every place counted, the late advance votes still to come: leaning toward A (+0.5),
    they give A a seat the count so far does not, at B's cost; no late votes, nothing moves."""
    final = release(10)
    counted = allocate(LAW.election({c.name: {p: sum(g.votes.get(p, 0) for g in c.groups)
                                              for p in c.lists}
                                     for c in final.constituencies}), LAW).totals()
    late = forecast.Late(share=0.15, lean={"A": 0.5})

    def leaning(share: float) -> forecast.ReleaseCount:
        return replace(final, constituencies=tuple(replace(c, groups=tuple(
            replace(g, late=replace(late, share=share)) if g.voting_type == "advance" else g
            for g in c.groups)) for c in final.constituencies))

    assert forecast.project(leaning(0.0), LAW, draws=40, seed=1).outlook("A").distribution[
        counted["A"]] == 40
    projection = forecast.project(leaning(0.15), LAW, draws=200, seed=1)
    assert projection.outlook("A").expected > counted["A"] + 0.8
    assert projection.outlook("B").expected < counted["B"] - 0.5
