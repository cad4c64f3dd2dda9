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


# session-wide: on a worker, other modules' tests run between this module's, and a module
# fixture was built again after them (9 s each time)
@pytest.fixture(scope="session")
def clean_nights() -> list[list[audit.StationResult]]:
    """Six replayed 2025 nights, fresh: forensics calibrates on nights it simulates itself, never
    on these. Six, not fewer, so that a test firing on twice its stated rate is caught (about 20 s
    on two free cores: the replay and 20 simulated nights each)."""
    return [station_results(replay.build(PLAN, seed)) for seed in range(101, 107)]


def binomial_upper(units: int, rate: float, p: float = 0.001) -> int:
    """The least count k with P(X > k) < p for X ~ Binomial(units, rate): more flags than
    this on clean nights is a false-positive rate above the stated one, not sampling error."""
    tail, k = 1.0, -1
    while tail >= p:
        k += 1
        tail -= math.comb(units, k) * rate**k * (1 - rate) ** (units - k)
    return k


def test_clean_replayed_nights_fire_at_the_stated_false_positive_rate(
        clean_nights: list[list[audit.StationResult]]) -> None:
    """Each constituency test fires, on fresh replayed nights, in no more constituency-nights
    than its stated rate α allows within sampling error (one-sided, P < 0.001) — per test, so
    one test firing twice as often as stated is caught (the fingerprint fired in 13 % while the
    clean nights were not drawn as the replay draws); the statistics' z against the simulated
    nights average nought on fresh nights too, within three standard errors (the fingerprint's
    averaged 0.30 then, four standard errors out); and every test's stated rate is measured on
    held-out simulated nights within its own bound."""
    reports = [audit.forensics(night, seed=i) for i, night in enumerate(clean_nights)]
    for report in reports:
        assert report.stations == STATIONS
        assert {t.name for t in report.tests} == {*audit.CONSTITUENCY_TESTS,
                                                  *audit.STATION_TESTS}
        for t in report.tests:
            assert 0 <= t.false_positive_rate <= t.bound <= 1 and t.held_out > 0
    rates = {}
    for test in audit.CONSTITUENCY_TESTS:
        findings = [f for r in reports for f in r.findings if f.test == test]
        fired = sum(f.flagged for f in findings)
        rates[test] = fired / len(findings)
        assert fired <= binomial_upper(len(findings), reports[0].alpha), (test, fired)
        # and the z the threshold is set on is centred on fresh nights as on simulated ones
        z = np.array([f.z for f in findings])
        assert abs(z.mean()) <= 3 * z.std() / math.sqrt(len(z)), (test, z.mean(), z.std())
    print("fired on fresh clean nights:", {t: f"{r:.1%}" for t, r in rates.items()})
    # station tests: the stations queued on clean nights, against the stated rates added up
    for report in reports:
        expected = sum(t.bound for t in report.tests if t.unit == "station")
        assert len(report.queue) <= expected * report.stations + 3 * math.sqrt(
            expected * report.stations)


def test_the_bound_on_flags_is_the_binomial_tail() -> None:
    # Binomial(162, 5 %), six nights of 27 constituencies: P(X > 18) ≈ 0.0005, P(X > 17) ≈ 0.0013
    assert binomial_upper(162, 0.05) == 18
    assert binomial_upper(10, 0.5) == 9  # P(X > 9) = 1/1024, just under 0.001


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
