"""Forensics: silent on clean replayed nights (within the false-positive rates it states),
loud on a planted fraud; the vectorised measures agree with plain arithmetic."""

from __future__ import annotations

import inspect
import math
from dataclasses import replace
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from majlis import audit, replay
from majlis.audit._measures import is_round, second_digit
from majlis.errors import InputError

from .conftest import station_results

# one worker builds the clean nights once for every test here (pytest -n … --dist loadgroup)
pytestmark = pytest.mark.xdist_group("test_forensics")

PLAN = replay.plan("iraq-2025")
# the night's 43,883 published stations and the reserved minority contests' own ones
STATIONS = 43_883 + sum(t.groups[0].stations for t in PLAN.constituencies
                        if t.name in PLAN.reserved)


@pytest.fixture(scope="module")
def clean_nights() -> list[list[audit.StationResult]]:
    return [station_results(replay.build(PLAN, seed)) for seed in (101, 102, 103)]


def test_clean_replayed_nights_stay_within_the_stated_false_positive_rates(
        clean_nights: list[list[audit.StationResult]]) -> None:
    reports = [audit.forensics(night, seed=i) for i, night in enumerate(clean_nights)]
    for report in reports:
        assert report.stations == STATIONS
        assert {t.name for t in report.tests} == {*audit.CONSTITUENCY_TESTS,
                                                  *audit.STATION_TESTS}
        for t in report.tests:
            assert 0 <= t.false_positive_rate <= t.bound <= 1 and t.held_out > 0
    # constituency tests: every test in every constituency of every night, pooled
    fired = sum(f.flagged for r in reports for f in r.findings)
    runs = sum(len(r.findings) for r in reports)
    stated = max(t.bound for r in reports for t in r.tests if t.unit == "constituency")
    assert fired / runs <= stated + 2 * math.sqrt(stated / runs)
    # station tests: the stations queued on clean nights, against the stated rates added up
    for report in reports:
        expected = sum(t.bound for t in report.tests if t.unit == "station")
        assert len(report.queue) <= expected * report.stations + 3 * math.sqrt(
            expected * report.stations)


def stuff(stations: list[audit.StationResult], share: float, seed: int
          ) -> tuple[list[audit.StationResult], set[str]]:
    """Round-number ballot stuffing: in `share` of general stations, turnout written up to
    95 % and the constituency's leading list given 80 % of the valid votes, other lists cut in
    proportion."""
    rng = np.random.default_rng(seed)
    leader: dict[str, dict[str, int]] = {}
    for s in stations:
        place = leader.setdefault(s.constituency, {})
        for p, n in s.votes.items():
            place[p] = place.get(p, 0) + n
    top = {c: max(v, key=lambda p: v[p]) for c, v in leader.items()}
    general = [i for i, s in enumerate(stations) if s.voting_type == "general"]
    chosen = set(rng.choice(general, size=round(share * len(general)), replace=False).tolist())
    out, stuffed = [], set()
    for i, s in enumerate(stations):
        if i not in chosen:
            out.append(s)
            continue
        cast = max(s.cast, round(Fraction(95, 100) * s.registered))
        valid = cast - s.invalid
        first = round(Fraction(80, 100) * valid)
        others = {p: n for p, n in s.votes.items() if p != top[s.constituency]}
        rest, left = sum(others.values()) or 1, valid - first
        votes = {p: n * left // rest for p, n in others.items()}
        votes[top[s.constituency]] = first + left - sum(votes.values())
        out.append(replace(s, cast=cast, votes=votes))
        stuffed.add(s.station)
    return out, stuffed


def test_round_number_stuffing_in_five_percent_of_stations_is_flagged(
        clean_nights: list[list[audit.StationResult]]) -> None:
    night, stuffed = stuff(clean_nights[0], 0.05, seed=9)
    report = audit.forensics(night, seed=4)
    queued = {f.station for f in report.queue}
    assert len(queued & stuffed) >= 0.8 * len(stuffed)
    fired = {f.constituency for f in report.findings
             if f.test == "round-percentages" and f.flagged}
    assert len(fired) >= 15  # of 18 governorates
    # the queue is mostly the stuffed stations: clean ones ride along only where they look
    # round in a constituency found round (about one station in 400 of a clean night)
    assert len(queued - stuffed) <= 0.2 * len(queued)
    assert sum(map(sum, report.fingerprint.observed)) == STATIONS


def test_forensics_is_reproducible_from_its_seed(
        clean_nights: list[list[audit.StationResult]]) -> None:
    night = clean_nights[1][:3000]
    assert audit.forensics(night, seed=5) == audit.forensics(night, seed=5)


def test_no_station_too_few_nights_or_a_rate_out_of_range_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        audit.forensics([], nights=4, alpha=1.5)
    assert [p.field for p in caught.value.problems] == ["stations", "nights", "alpha"]


@given(st.lists(st.integers(0, 10**7), min_size=1, max_size=50))
def test_second_digits_agree_with_the_written_number(counts: list[int]) -> None:
    got = second_digit(np.array(counts, dtype=np.int64)).tolist()
    assert [g for g, n in zip(got, counts, strict=True) if n >= 10] == [
        int(str(n)[1]) for n in counts if n >= 10]


@given(st.lists(st.tuples(st.integers(0, 3000), st.integers(1, 3000)), min_size=1,
                max_size=50))
def test_a_round_percentage_is_the_count_nearest_a_five_percent_step(
        pairs: list[tuple[int, int]]) -> None:
    part = np.array([p for p, _ in pairs], dtype=np.int64)
    whole = np.array([w for _, w in pairs], dtype=np.int64)
    exact = [any(abs(p - Fraction(k * w, 20)) <= Fraction(1, 2) for k in range(0, 20 * p // w + 2))
             for p, w in pairs]
    assert is_round(part, whole).tolist() == exact


def test_the_statistics_reported_agree_with_plain_arithmetic(
        clean_nights: list[list[audit.StationResult]]) -> None:
    night = [s for s in clean_nights[2] if s.constituency == "Muthanna"]
    report = audit.forensics(night, seed=2, nights=6)
    found = {f.test: f.statistic for f in report.findings}
    counts = [n for s in night for n in s.votes.values() if n >= 10]

    def chi2(digits: list[int], expected: list[float]) -> float:
        return sum((digits.count(d) - len(digits) * p) ** 2 / (len(digits) * p)
                   for d, p in enumerate(expected))

    assert found["last-digit"] == pytest.approx(chi2([n % 10 for n in counts], [0.1] * 10))
    benford = [sum(math.log10(1 + 1 / (10 * k + d)) for k in range(1, 10)) for d in range(10)]
    assert found["second-digit"] == pytest.approx(chi2([int(str(n)[1]) for n in counts],
                                                       benford))
    totals: dict[str, int] = {}
    for s in night:
        for p, n in s.votes.items():
            totals[p] = totals.get(p, 0) + n
    leader = max(totals, key=lambda p: totals[p])

    def round_(part: int, whole: int) -> bool:
        return part > 0 and whole > 0 and any(
            abs(part - Fraction(k * whole, 20)) <= Fraction(1, 2) for k in range(21))

    rounded = [round_(s.cast, s.registered) or round_(s.votes[leader], s.cast - s.invalid)
               for s in night]
    assert found["round-percentages"] == pytest.approx(sum(rounded) / len(night))


def test_the_clean_nights_keep_the_replays_spreads() -> None:
    defaults = inspect.signature(replay.synthesise).parameters
    model = audit.CleanModel()
    assert (model.cohesion, model.rural_share, model.turnout_sd) == tuple(
        defaults[name].default for name in ("cohesion", "rural_share", "turnout_sd"))
