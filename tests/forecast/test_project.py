"""Projections from the 2025 replay's night: certain when all is counted, honest before."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from majlis import backtest, data, forecast
from majlis.errors import InputError
from majlis.forecast._model import prepare
from majlis.law import (
    DIVISOR_SERIES,
    Agreements,
    Biproportional,
    DivisorRule,
    MixedMember,
    Overhang,
)
from tests.forecast.conftest import Night, add_up

FEW = frozenset({"Basra", "Diyala", "Kirkuk", "Najaf", "Nineveh", "Wasit"})
LAW = data.law("iraq-2025")


def test_a_fully_counted_release_gives_the_true_seats_with_certainty(night: Night) -> None:
    final = night(FEW)[-1]
    truth = backtest.seats(final, LAW)
    national = add_up(truth)
    projection = forecast.project(final, LAW, draws=3000, seed=5)
    for x in projection.lists:
        assert x.distribution[national[x.name]] == 3000, x.name
        assert x.interval80 == x.interval95 == (national[x.name], national[x.name])
    leader = max((n, q) for q, n in national.items() if q not in final.not_lists)[1]
    assert projection.outlook(leader).largest == 1.0
    for c in projection.constituencies:
        assert c.expected == {q: float(n) for q, n in truth[c.name].items()}
        assert sum(c.last_seat.values()) == pytest.approx(1.0)
        assert max(c.last_seat.values()) == 1.0


def test_intervals_cover_the_final_seats_through_the_night(night: Night) -> None:
    """Releases 1–8 of the night on six governorates, against the seats finally won."""
    counts = night(FEW)
    final = backtest.seats(counts[-1], LAW)
    found = [forecast.assess(forecast.project(c, LAW, draws=2000, seed=c.number), final)
             for c in counts[:-1]]
    pairs = sum(a.seats for a in found)
    assert pairs > 100  # enough seats in doubt for a rate to mean something
    assert sum(a.seats_covered80 for a in found) / pairs >= 0.8
    assert sum(a.seats_covered95 for a in found) / pairs >= 0.93
    assert sum(a.brier for a in found) / len(found) < 0.1
    # Honest, not just wide: from 30 % counted on, the leader's 95 % interval spans few seats.
    third = forecast.project(counts[2], LAW, draws=2000, seed=1)
    lo, hi = third.lists[0].interval95
    assert 0 < hi - lo <= 4


def test_an_overconfident_model_is_caught_by_the_backtest(night: Night) -> None:
    """Without station, constituency or national error the intervals shrink and miss."""
    counts = night(FEW)
    final = backtest.seats(counts[-1], LAW)
    sure = forecast.Settings(station_icc=0.0, size_cv=0.0, constituency_error=0.0,
                             national_error=0.0, turnout_error=0.0, type_lean=0.0,
                             turnout_sd=0.001, prior_units=10**9)
    found = [forecast.assess(forecast.project(c, LAW, draws=1000, seed=2, settings=sure), final)
             for c in counts[:-1]]
    assert sum(a.seats_covered95 for a in found) / sum(a.seats for a in found) < 0.85


def test_same_seed_same_projection_whatever_the_workers(night: Night) -> None:
    count = night(frozenset({"Najaf", "Karbala", "Maysan"}))[3]
    one = forecast.project(count, LAW, draws=9000, seed=7, workers=1)
    two = forecast.project(count, LAW, draws=9000, seed=7, workers=2)
    other = forecast.project(count, LAW, draws=9000, seed=8, workers=2)
    assert one == two
    assert one.lists != other.lists
    assert (one.seed, one.draws, one.release, one.release_name) == (7, 9000, 4, count.name)
    # The summaries, made chunk by chunk in the worker threads, agree with the draws kept.
    real = np.array([p not in count.not_lists for p in one.list_names])
    seats = np.where(real, one.seat_draws, -1)
    leaders = seats == seats.max(axis=1, keepdims=True)
    largest = (leaders / leaders.sum(axis=1, keepdims=True)).sum(axis=0) / one.draws
    for j, p in enumerate(one.list_names):
        x = one.outlook(p)
        assert x.distribution == tuple(np.bincount(one.seat_draws[:, j],
                                                   minlength=len(x.distribution)))
        assert x.largest == pytest.approx(largest[j], abs=1e-12)


def test_vector_path_and_exact_path_give_the_same_projection(night: Night) -> None:
    count = night(frozenset({"Najaf", "Karbala", "Muthanna"}))[1]
    vector = forecast.project(count, LAW, draws=400, seed=3)
    exact = forecast.project(count, LAW, draws=400, seed=3, exact=True)
    assert vector.lists == exact.lists
    assert vector.constituencies == exact.constituencies
    assert exact.exact_rows == 400 * 3 and vector.exact_rows < 400


def test_a_levelling_tier_projects_on_the_vector_path_as_on_the_exact_one() -> None:
    """Norway 2025's law on half of every county counted: each draw's levelling seats count in
    its national seats, the same through `allocate_draws` as through `allocate` draw by draw."""
    law = data.law("norway-2025")
    rng = np.random.default_rng(4)
    parties = ["A", "FRP", "H", "SV", "SP", "KRF", "V"]
    count = forecast.ReleaseCount(number=1, name="half counted", constituencies=tuple(
        forecast.PartialCount(name=name, groups=(forecast.GroupCount(
            voting_type="election-day", stations=40, counted=20, registered=40_000,
            registered_uncounted=20_000, votes=dict(zip(parties, map(int, rng.multinomial(
                12_000, [0.28, 0.24, 0.15, 0.1, 0.1, 0.08, 0.05])), strict=True))),))
        for name in law.magnitudes))
    vector = forecast.project(count, law, draws=150, seed=2)
    exact = forecast.project(count, law, draws=150, seed=2, exact=True)
    assert vector.lists == exact.lists
    assert vector.constituencies == exact.constituencies
    assert sum(x.expected for x in vector.lists) == pytest.approx(169)  # levelling seats in
    assert exact.exact_rows == 150 * 19 and vector.exact_rows < 150


@pytest.mark.parametrize(("part", "refusal"), [
    ({"agreements": Agreements()}, "do not pool surplus-vote agreements"),
    ({"mixed": MixedMember(overhang=Overhang.KEPT)}, "do not count mixed-member laws")])
def test_a_law_with_parts_a_release_cannot_feed_is_refused_not_projected_without_them(
        night: Night, part: dict[str, object], refusal: str) -> None:
    with pytest.raises(InputError, match=refusal) as caught:
        forecast.project(night(FEW)[1], replace(LAW, **part), draws=10)
    assert [(p.source, p.field) for p in caught.value.problems] == [("release 2", "law")]


def test_a_projection_refused_says_every_problem_of_its_input(night: Night) -> None:
    with pytest.raises(InputError) as caught:
        forecast.project(night(FEW)[1], replace(LAW, magnitudes={"Atlantis": 7},
                                                 agreements=Agreements()), draws=0)
    assert [(p.source, p.field) for p in caught.value.problems] == [
        ("release 2", "draws"), ("release 2", "constituencies"), ("release 2", "law")]


def test_a_group_count_with_more_stations_counted_than_it_has_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        forecast.GroupCount(voting_type="general", stations=3, counted=4, votes={"A": 1, "B": -2})
    assert [str(p) for p in caught.value.problems] == [
        "general: counted: 4 of 3 stations counted", "general: votes: B: negative votes"]


def test_expected_seats_fill_every_constituency(night: Night) -> None:
    p = forecast.project(night(FEW)[1], LAW, draws=2000, seed=4, targets=(40, 60))
    for c in p.constituencies:
        assert sum(c.expected.values()) == pytest.approx(LAW.magnitudes[c.name])
        assert sum(c.last_seat.values()) == pytest.approx(1.0)
    assert sum(x.expected for x in p.lists) == pytest.approx(sum(
        LAW.magnitudes[c] for c in FEW))
    assert sum(x.largest for x in p.lists) == pytest.approx(1.0)
    for x in p.lists:
        assert x.reach[40] >= x.reach[60]
        assert x.interval95[0] <= x.interval80[0] <= x.interval80[1] <= x.interval95[1]
    assert "Baghdad" in p.not_projected


def test_a_voting_type_counted_nowhere_needs_its_register() -> None:
    counted = forecast.GroupCount(voting_type="special-security", stations=2, counted=2,
                                  votes={"A": 90, "B": 10})
    blind = forecast.GroupCount(voting_type="general", stations=10, counted=0, votes={})
    count = forecast.ReleaseCount(number=1, name="special vote", constituencies=(
        forecast.PartialCount(name="Najaf", groups=(counted, blind)),))
    with pytest.raises(InputError, match="register is unknown") as caught:
        forecast.project(count, LAW, draws=10)
    assert [(p.source, p.field) for p in caught.value.problems] == [("Najaf", "general")]
    known = forecast.GroupCount(voting_type="general", stations=10, counted=0, votes={},
                                registered=10_000)
    p = forecast.project(forecast.ReleaseCount(number=1, name="special vote", constituencies=(
        forecast.PartialCount(name="Najaf", groups=(counted, known)),)), LAW, draws=2000)
    assert p.outlook("A").expected > 9  # A's special-vote lead carries over, with doubt
    assert p.outlook("A").interval95[0] < p.outlook("A").interval95[1]


@pytest.mark.parametrize("alpha", [9.0, 49.0])
def test_spread_recovers_the_intra_class_correlation(rng: np.random.Generator,
                                                     alpha: float) -> None:
    shares = np.array([0.5, 0.3, 0.15, 0.05])
    size = rng.poisson(400, 600)
    votes = np.array([rng.multinomial(n, rng.dirichlet(alpha * shares)) for n in size])
    found = forecast.spread(votes)
    assert found.units == 600
    assert found.icc == pytest.approx(1 / (alpha + 1), rel=0.15)
    assert found.size_cv == pytest.approx(size.std() / size.mean())
    plain = forecast.spread(np.array([rng.multinomial(n, shares) for n in size]))
    assert plain.icc < 0.003


def test_expected_power_over_a_fully_counted_release_is_the_power_of_its_seats(
        night: Night) -> None:
    from majlis.coalitions import Game, expected_power, power
    final = night(FEW)[-1]
    projection = forecast.project(final, LAW, draws=500, seed=2)
    assert projection.seat_draws.shape == (500, len(projection.list_names))
    truth = add_up(backtest.seats(final, LAW))
    seats = {p: truth.get(p, 0) for p in projection.list_names}
    quota = sum(seats.values()) // 2 + 1
    averaged = expected_power(projection.list_names, projection.seat_draws, quota)
    exact = power(Game(seats=seats, quota=quota))
    assert averaged.distinct == 1  # every draw is the same seat table
    for p in projection.list_names:
        assert averaged.banzhaf[p] == pytest.approx(float(exact.banzhaf[p]), abs=1e-12)
        assert averaged.shapley_shubik[p] == pytest.approx(float(exact.shapley_shubik[p]),
                                                           abs=1e-12)


def test_a_list_in_one_uncounted_group_has_its_national_error_in_that_groups() -> None:
    # N runs in both governorates; M in two voting types of Najaf; L in Basra's general vote only.
    def group(kind: str, votes: dict[str, int]) -> forecast.GroupCount:
        return forecast.GroupCount(voting_type=kind, stations=10, counted=5, votes=votes)

    count = (forecast.PartialCount(name="Najaf", groups=(
        group("general", {"N": 500, "M": 300}), group("special-security", {"N": 40, "M": 60}))),
        forecast.PartialCount(name="Basra", groups=(group("general", {"N": 700, "L": 200}),)))
    settings = forecast.Settings(national_error=0.3)
    names, folded, swung = prepare(count, LAW.magnitudes, settings)
    _, plain, _ = prepare(count, LAW.magnitudes, replace(settings, national_error=0.0))
    assert names == ("N", "M", "L") and swung == 2
    najaf, basra = folded
    assert najaf.swing.tolist() == [0, 1] and basra.swing.tolist() == [0, 2]  # 2: no swing
    for ours, theirs in zip(folded, plain, strict=True):
        for g, h in zip(ours.groups, theirs.groups, strict=True):
            assert g.centre.tolist() == h.centre.tolist()  # the same median weight
    assert najaf.groups[0].sigma.tolist() == plain[0].groups[0].sigma.tolist()
    assert basra.groups[0].sigma[0] == plain[1].groups[0].sigma[0]
    assert basra.groups[0].sigma[1] == pytest.approx(math.hypot(plain[1].groups[0].sigma[1], 0.3))


def test_a_biproportional_law_is_projected_by_the_vector_path_with_the_exact_paths_seats(
        night: Night) -> None:
    """The whole election at once, upper and lower apportionment (a matrix the vector path
    proves by divisors): the same projection as the exact path's, and on the final release
    every draw gives the final seats."""
    law = replace(LAW, rule=DivisorRule(DIVISOR_SERIES["sainte-lague"]), threshold=None,
                  biproportional=Biproportional(upper=DivisorRule(DIVISOR_SERIES["dhondt"])))
    final = night(FEW)[-1]
    national = add_up(backtest.seats(final, law))
    projection = forecast.project(final, law, draws=40, seed=5)
    exact = forecast.project(final, law, draws=40, seed=5, exact=True)
    assert (projection.lists, projection.constituencies) == (exact.lists, exact.constituencies)
    assert projection.exact_rows < exact.exact_rows == 40 * len(projection.constituencies)
    for x in projection.lists:
        assert x.distribution[national[x.name]] == 40, x.name


def test_a_constituency_split_into_areas_is_as_unsure_as_the_whole() -> None:
    """Areas of one voting type share the constituency error: split in five identical areas,
    Baghdad's count gives seats as spread as counted whole (drawn independently, five area
    errors would cancel and the sd would fall by about √5)."""
    def area(k: int) -> forecast.GroupCount:
        return forecast.GroupCount(
            voting_type="general", stations=200 // k, counted=100 // k,
            votes={"A": 45_000 // k, "B": 35_000 // k, "C": 20_000 // k},
            registered=400_000 // k, registered_uncounted=200_000 // k)

    def spread_of_a(k: int) -> tuple[float, int]:
        count = forecast.ReleaseCount(number=1, name=f"{k} areas", constituencies=(
            forecast.PartialCount(name="Baghdad", groups=(area(k),) * k),))
        p = forecast.project(count, LAW, draws=4000, seed=7)
        low, high = p.outlook("A").interval95
        return float(p.seat_draws[:, p.list_names.index("A")].std()), high - low

    (whole, whole95), (split, split95) = spread_of_a(1), spread_of_a(5)
    assert whole > 1.5  # the constituency error, not rounding, is what is measured
    assert split / whole == pytest.approx(1.0, abs=0.1)
    assert abs(split95 - whole95) <= 1
    (only,) = prepare((forecast.PartialCount(name="Baghdad", groups=(area(1),)),),
                      LAW.magnitudes, forecast.Settings())[1]
    assert only.groups[0].shared is None  # one group per type draws exactly as before
