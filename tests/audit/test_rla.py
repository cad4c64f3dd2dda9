"""The risk-limiting audit of the seats: assertions checked against the seats recomputed by
brute force, the comparison audit's risk limit measured by simulating it, ballot polling."""

from __future__ import annotations

import time
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from majlis import audit, replay
from majlis.errors import InputError
from majlis.law import (
    DIVISOR_SERIES,
    Constituency,
    DivisorRule,
    DivisorSeries,
    Election,
    Law,
    Threshold,
    VoteShare,
    allocate,
)
from tests.strategies import sainte_lague_variants

ALPHA = Fraction(1, 20)
SERIES = [s for s in DIVISOR_SERIES.values()
          if isinstance(s, DivisorSeries) and s.divisor(0) > 0]
series_strategy = st.one_of(st.sampled_from(SERIES), sainte_lague_variants())
thresholds = st.sampled_from([None, Fraction(1, 20), Fraction(1, 10), Fraction(1, 5)])
IRAQ = DIVISOR_SERIES["sainte-lague"].with_first(Fraction(17, 10))  # type: ignore[union-attr]


def brute_seats(votes: dict[str, int], magnitude: int, series: DivisorSeries,
                threshold: Fraction | None, exempt: str | None = None) -> dict[str, int] | None:
    """Seats by listing every quotient a list could win a seat at and taking the highest;
    None when the last seat is tied (the law's tie rule would decide it)."""
    valid = sum(votes.values())
    counted = [p for p in votes if threshold is None or votes[p] >= threshold * valid
               or p == exempt]
    quotients = sorted(((Fraction(votes[p]) / series.divisor(k), p)
                        for p in counted for k in range(magnitude)), reverse=True)
    if len(quotients) > magnitude and quotients[magnitude - 1][0] == quotients[magnitude][0]:
        return None
    seats = dict.fromkeys(votes, 0)
    for _, p in quotients[:magnitude]:
        seats[p] += 1
    return seats


@st.composite
def counts(draw: st.DrawFn) -> tuple[dict[str, int], int, DivisorSeries, Fraction | None]:
    n = draw(st.integers(2, 5))
    votes = {f"L{i}": draw(st.integers(0, 400)) for i in range(n)}
    assume(sum(votes.values()) > 0)
    return votes, draw(st.integers(1, 6)), draw(series_strategy), draw(thresholds)


def test_a_list_exactly_at_the_threshold_qualifies_with_no_margin_to_audit() -> None:
    """L1 has 68 of 340 votes, exactly 20 %: the law seats it (at the share qualifies), but its
    threshold assertion has a margin of nothing — one vote turns it — so it does not hold with
    room to spare and the audit sends it to a full hand count (Hypothesis found the case)."""
    votes = {"L0": 1, "L1": 68, "L2": 271}
    series = DivisorSeries(start=(Fraction(1), Fraction(4)), step=Fraction(3))
    law = Law(rule=DivisorRule(series), threshold=Threshold(
        conditions=(VoteShare(share=Fraction(1, 5)),)))
    seats = allocate(Election(constituencies=(
        Constituency(name="C", magnitude=2, votes=votes),)), law).seats_in("C")
    assert {p: n for p, n in seats.items() if n} == {"L1": 1, "L2": 1}
    assertions = audit.seat_assertions("C", votes, seats, series=series,
                                       threshold=Fraction(1, 5))
    (edge,) = [a for a in assertions if a.kind is audit.Kind.ABOVE and a.winner == "L1"]
    assert edge.excess(votes) == 0 and not edge.holds(votes)
    assert all(a.holds(votes) for a in assertions if a is not edge)


@settings(max_examples=300, deadline=None)
@given(counts(), st.lists(st.integers(-80, 80), min_size=5, max_size=5))
def test_when_every_assertion_holds_the_seats_are_the_reported_ones(
        count: tuple[dict[str, int], int, DivisorSeries, Fraction | None],
        shifts: list[int]) -> None:
    votes, magnitude, series, threshold = count
    seats = brute_seats(votes, magnitude, series, threshold)
    assume(seats is not None and any(seats.values()))
    # a list exactly at the threshold is a decision of no margin, as a tied last seat is (see
    # test_a_list_exactly_at_the_threshold_qualifies_with_no_margin_to_audit)
    assume(threshold is None or all(v != threshold * sum(votes.values()) for v in votes.values()))
    assert seats is not None
    law = Law(rule=DivisorRule(series), threshold=None if threshold is None else Threshold(
        conditions=(VoteShare(share=threshold),)))
    allocated = allocate(Election(constituencies=(
        Constituency(name="C", magnitude=magnitude, votes=votes),)), law)
    assert {p: n for p, n in allocated.seats_in("C").items() if n} == {
        p: n for p, n in seats.items() if n}  # the brute force is the law's count
    assertions = audit.seat_assertions("C", votes, seats, series=series, threshold=threshold)
    assert all(a.holds(votes) for a in assertions)
    other = {p: max(0, n + d) for (p, n), d in zip(votes.items(), shifts, strict=False)}
    if all(a.holds(other) for a in assertions):
        assert brute_seats(other, magnitude, series, threshold) == seats


@settings(max_examples=300, deadline=None)
@given(counts(), st.data())
def test_an_assertion_fails_exactly_when_votes_moved_its_way_change_the_seats(
        count: tuple[dict[str, int], int, DivisorSeries, Fraction | None],
        data: st.DataObject) -> None:
    votes, magnitude, series, threshold = count
    seats = brute_seats(votes, magnitude, series, threshold)
    assume(seats is not None and any(seats.values()))
    assert seats is not None
    assertions = audit.seat_assertions("C", votes, seats, series=series, threshold=threshold)
    a = data.draw(st.sampled_from(assertions))
    valid = sum(votes.values())
    if a.kind is audit.Kind.SEAT:  # votes from the winner to the loser, one at a time
        assert a.winner is not None and a.loser is not None
        moved = a.excess(votes) // (a.for_winner + a.for_loser)  # still holds up to here
        holding = {**votes, a.winner: votes[a.winner] - int(moved),
                   a.loser: votes[a.loser] + int(moved)}
        failing = {**votes, a.winner: votes[a.winner] - int(moved) - 1,
                   a.loser: votes[a.loser] + int(moved) + 1}
        assume(failing[a.winner] >= 0)
        assert not a.holds(failing)
        # a loser out of the count stands for its threshold decision: were it in, it gains
        assert brute_seats(failing, magnitude, series, threshold, exempt=a.loser) != seats
        if a.holds(holding) and all(b.holds(holding) for b in assertions):
            assert brute_seats(holding, magnitude, series, threshold) == seats
    elif a.kind is audit.Kind.ABOVE:  # the list's votes to another list, until below t
        assert a.winner is not None and threshold is not None
        to = next(p for p in votes if p != a.winner)
        short = votes[a.winner] - int(np.ceil(threshold * valid)) + 1
        if threshold * valid == int(threshold * valid):
            short = votes[a.winner] - int(threshold * valid) + 1
        failing = {**votes, a.winner: votes[a.winner] - short, to: votes[to] + short}
        assert not a.holds(failing)
        assert brute_seats(failing, magnitude, series, threshold) != seats  # its seats go
    else:  # below the threshold: votes into the list until it reaches it
        assert a.kind is audit.Kind.BELOW and a.loser is not None and threshold is not None
        while a.holds(votes):
            donor = max((p for p in votes if p != a.loser), key=lambda p: votes[p])
            votes = {**votes, donor: votes[donor] - 1, a.loser: votes[a.loser] + 1}
        assert votes[a.loser] >= threshold * sum(votes.values())  # it is in the count


def stations(rng: np.random.Generator, shares: list[float], n: int, prefix: str = "S"
             ) -> list[audit.Batch]:
    """`n` stations of 80–399 ballots, a few invalid, the valid ones shared multinomially."""
    out = []
    for i in range(n):
        ballots = int(rng.integers(80, 400))
        valid = ballots - int(rng.integers(0, 6))
        votes = rng.multinomial(valid, shares)
        out.append(audit.Batch(station=f"{prefix}{i:03d}", ballots=ballots,
                               votes={f"L{j}": int(v) for j, v in enumerate(votes)}))
    return out


def totals(batches: list[audit.Batch]) -> dict[str, int]:
    out: dict[str, int] = {}
    for b in batches:
        for p, n in b.votes.items():
            out[p] = out.get(p, 0) + n
    return out


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), thresholds)
def test_assorter_means_and_the_planned_margins_agree_with_the_counts(
        seed: int, threshold: Fraction | None) -> None:
    rng = np.random.default_rng(seed)
    batches = stations(rng, list(rng.dirichlet([2.0] * 4)), 12)
    votes = totals(batches)
    seats = brute_seats(votes, 5, IRAQ, threshold)
    assume(seats is not None)
    assert seats is not None
    plan = audit.plan_comparison("C", batches, audit.seat_assertions(
        "C", votes, seats, series=IRAQ, threshold=threshold), ALPHA)
    ballots = sum(b.ballots for b in batches)
    for p in plan.assertions:
        exact = [p.assertion.assort(b.ballots, b.votes) for b in batches]
        assert all(0 <= x <= p.assertion.upper * b.ballots for x, b in zip(exact, batches,
                                                                            strict=True))
        assert p.margin == 2 * sum(exact, Fraction(0)) / ballots - 1  # integers' exact twin
        assert (p.margin > 0) == p.assertion.holds(votes)
        assert p.bound == max(exact) * len(batches) / ballots
        assert p.clean == p.bound / (2 * p.bound - p.margin)
        for b in batches:  # a station counted right takes the clean value
            assert audit.comparison_value(p, Fraction(ballots, len(batches)), b, b) == p.clean


def simulate(plan: audit.AuditPlan, truth: dict[str, audit.Batch], audits: int,
             ) -> tuple[int, list[int]]:
    """`audits` audits of `plan`, each drawn by the public lot with its own seed, the hand
    counts being `truth`: how many confirm the reported seats short of a full hand count,
    and the stations each hand-counted."""
    confirmed, used = 0, []
    places = [_Place(code=b.station) for b in plan.batches]
    for i in range(audits):
        lot = audit.select(places, f"simulated lot {i}", stratum=audit.Stratum.ALL,
                           size=len(places))
        order = [d.station for d in lot.stations]
        size = plan.sample_size
        while True:
            m = audit.measure_comparison(plan, order, {c: truth[c] for c in order[:size]})
            if m.status is audit.Status.CONFIRMED and m.measured < plan.stations:
                confirmed += 1
                used.append(m.measured)
                break
            if m.status is not audit.Status.SAMPLE_MORE or size >= plan.stations - 1:
                used.append(plan.stations)  # to a full hand count
                break
            size = min(max(m.target, size + 1), plan.stations - 1)
    return confirmed, used


class _Place:
    def __init__(self, code: str) -> None:
        self.code, self.centre, self.constituency = code, code, "C"


def wrong_report(truth: list[audit.Batch], seats: dict[str, int], magnitude: int = 5,
                 series: DivisorSeries = IRAQ, threshold: Fraction | None = Fraction(1, 20)
                 ) -> tuple[list[audit.Batch], dict[str, int]]:
    """The machines' figures with an error that moves a seat: in station after station, the
    votes of the list that truly won the last seat read as the runner-up's."""
    votes = totals(truth)
    last = min((Fraction(n) / series.divisor(seats[p] - 1), p)
               for p, n in votes.items() if seats.get(p))[1]
    runner = max((Fraction(n) / series.divisor(seats.get(p, 0)), p)
                 for p, n in votes.items() if p != last)[1]
    reported = list(truth)
    for i, b in enumerate(truth):
        moved = b.votes.get(last, 0) // 2
        reported[i] = audit.Batch(station=b.station, ballots=b.ballots, votes={
            **b.votes, last: b.votes.get(last, 0) - moved,
            runner: b.votes.get(runner, 0) + moved})
        now = brute_seats(totals(reported), magnitude, series, threshold)
        if now is not None and now != seats:
            return reported, now
    raise AssertionError("no error of this kind moves a seat")


def test_a_wrong_seat_fails_to_confirm_in_at_least_95_percent_of_1000_audits() -> None:
    """The risk limit measured: 1,000 audits of a 60-station constituency (5 seats, 1.7
    Sainte-Laguë, 5 % threshold) whose machines moved a seat; about 5 s."""
    rng = np.random.default_rng(19)
    truth = stations(rng, [0.38, 0.3, 0.2, 0.08, 0.04], 60)
    seats = brute_seats(totals(truth), 5, IRAQ, Fraction(1, 20))
    assert seats is not None
    reported, wrong = wrong_report(truth, seats)
    assert wrong != seats
    plan = audit.plan_comparison("C", reported, audit.seat_assertions(
        "C", totals(reported), wrong, series=IRAQ, threshold=Fraction(1, 20)), ALPHA)
    start = time.perf_counter()
    confirmed, used = simulate(plan, {b.station: b for b in truth}, 1000)
    print(f"wrong seat: {confirmed} of 1000 audits confirmed it; mean stations hand-counted "
          f"{np.mean(used):.1f} of {plan.stations} ({time.perf_counter() - start:.1f} s)")
    assert confirmed <= 50


def counted_right(seed: int) -> tuple[list[audit.Batch], audit.AuditPlan]:
    """150 stations, 5 seats by 1.7 Sainte-Laguë with a 5 % threshold, and their plan."""
    truth = stations(np.random.default_rng(seed), [0.42, 0.33, 0.2, 0.03, 0.02], 150)
    seats = brute_seats(totals(truth), 5, IRAQ, Fraction(1, 20))
    assert seats is not None
    return truth, audit.plan_comparison("C", truth, audit.seat_assertions(
        "C", totals(truth), seats, series=IRAQ, threshold=Fraction(1, 20)), ALPHA)


def test_a_right_count_is_confirmed_by_the_planned_sample_in_every_audit() -> None:
    truth, plan = counted_right(20)
    assert 0 < plan.sample_size < plan.stations
    confirmed, used = simulate(plan, {b.station: b for b in truth}, 200)
    print(f"right count: mean stations hand-counted {np.mean(used):.1f} of {plan.stations}")
    assert confirmed == 200 and set(used) == {plan.sample_size}
    # one station short of the plan, the test has not yet reached 1/α
    order = [b.station for b in truth]
    short = audit.measure_comparison(plan, order, {c.station: c for c in
                                                   truth[:plan.sample_size - 1]})
    assert short.status is audit.Status.SAMPLE_MORE
    assert short.awaiting == order[plan.sample_size - 1]


def test_a_station_overstating_the_margin_raises_the_target_or_escalates() -> None:
    truth, plan = counted_right(21)
    order = [b.station for b in truth]
    hand = {b.station: b for b in truth[:plan.sample_size]}
    clean = audit.measure_comparison(plan, order, hand)
    assert clean.status is audit.Status.CONFIRMED and clean.measured == plan.sample_size
    for b in truth[:4]:  # their hand counts find the second list's votes were the third's
        hand[b.station] = audit.Batch(station=b.station, ballots=b.ballots, votes={
            **b.votes, "L1": 0, "L2": b.votes["L2"] + b.votes["L1"]})
    m = audit.measure_comparison(plan, order, hand)
    assert m.status in (audit.Status.SAMPLE_MORE, audit.Status.ESCALATE)
    assert m.target > plan.sample_size
    for before, after in zip(clean.assertions, m.assertions, strict=True):
        a = after.plan.assertion
        touched = a.winner == "L1" or a.loser == "L2"
        assert after.overstated == (4 if touched else 0)
        assert (after.risk > before.risk) if touched else (after.risk <= before.risk)
    first = truth[0]
    # more ballots in a hand count than the machine reported: resolve that first
    hand[first.station] = audit.Batch(station=first.station, ballots=first.ballots, votes={
        **first.votes, "L0": first.votes["L0"] + first.ballots})
    m = audit.measure_comparison(plan, order, hand)
    assert m.status is audit.Status.ESCALATE and first.station in m.problems[0]


def test_plurality_assertions_hold_the_winners_and_ballot_polling_limits_the_risk() -> None:
    votes = {"a": 520, "b": 430, "c": 250}
    winners = frozenset({"a"})
    assertions = audit.plurality_assertions("Yazidi", votes, winners)
    assert [(a.winner, a.loser) for a in assertions] == [("a", "b"), ("a", "c")]
    assert all(a.holds(votes) for a in assertions)
    assert not assertions[0].holds({**votes, "b": 520})  # a tie is no win
    rng = np.random.default_rng(7)
    plans = audit.plan_polling(assertions, votes, 20, ALPHA, rng, trials=50)
    ab, ac = (p.sample_size for p in plans)
    assert ab is not None and ac is not None and ac < ab < 1220
    assert plans[0].margin == Fraction(90, 1220)
    # the reported winner is wrong: b truly leads a; a polled audit must rarely confirm a
    truth = [*(["a"] * 430), *(["b"] * 520), *(["c"] * 250), *([None] * 20)]
    confirmed = 0
    for _ in range(1000):
        drawn = [truth[i] for i in rng.permutation(len(truth))[:len(truth) - 1]]
        measured = audit.measure_polling(assertions[:1], votes, 20, drawn, ALPHA)
        confirmed += measured[0].status is audit.Status.CONFIRMED
    assert confirmed <= 50
    # the reported winner right: the planned sample confirms it in most draws
    right = [*(["a"] * 520), *(["b"] * 430), *(["c"] * 250), *([None] * 20)]
    hits = sum(audit.measure_polling(assertions[:1], votes, 20,
                                     [right[i] for i in rng.permutation(len(right))[:ab]],
                                     ALPHA)[0].status is audit.Status.CONFIRMED
               for _ in range(100))
    assert hits >= 80  # the plan is the 90th percentile of simulated audits


def test_rehearsed_audits_stop_where_measuring_station_by_station_confirms() -> None:
    """`rehearse`, vectorised over lot orders, against its exact twin: `measure_comparison`
    confirms at the station count it gives and not one station before (and never short of a
    full count where it gives every station) — with hand counts that overstate the second
    list in a few stations, and one hand count with more votes than ballots in another run."""
    truth, plan = counted_right(22)
    rng = np.random.default_rng(5)
    hand = {b.station: b for b in truth}
    for b in rng.choice(truth, 6, replace=False):
        hand[b.station] = audit.Batch(station=b.station, ballots=b.ballots, votes={
            **b.votes, "L1": 0, "L2": b.votes["L2"] + b.votes["L1"]})
    unsound = dict(hand)
    first = truth[0]
    unsound[first.station] = audit.Batch(station=first.station, ballots=first.ballots, votes={
        **first.votes, "L0": first.votes["L0"] + first.ballots})
    codes = [b.station for b in truth]
    orders = [list(rng.permutation(codes)) for _ in range(25)]
    rows = {c: i for i, c in enumerate(codes)}
    for counts in (hand, unsound):
        sizes = audit.rehearse(plan, counts, orders)
        # the orders given as rows of the plan's stations read the same
        assert (audit.rehearse(plan, counts, np.array([[rows[c] for c in o] for o in orders]))
                == sizes).all()
        assert len(set(sizes.tolist())) > 1  # the orders differ in what they reach
        for order, n in zip(orders, sizes.tolist(), strict=True):
            def status(k: int, order: list[str] = order, counts: dict[str, audit.Batch] = counts
                       ) -> audit.Status:
                return audit.measure_comparison(plan, order, {c: counts[c] for c in
                                                              order[:k]}).status
            if n < plan.stations:
                assert status(n) is audit.Status.CONFIRMED
                assert status(n - 1) is not audit.Status.CONFIRMED
            else:
                assert status(plan.stations - 1) is not audit.Status.CONFIRMED


def test_a_rehearsal_refuses_an_order_that_does_not_rank_every_station_once() -> None:
    truth, plan = counted_right(23)
    codes = [b.station for b in truth]
    hand = {b.station: b for b in truth}
    assert audit.rehearse(plan, hand, []).shape == (0,)
    for bad in ([codes[:-1]], [[*codes[:-1], codes[0]]], [codes, codes[:-1]],
                [[*codes[:-1], codes[-1] + "0"]]):  # short, twice, ragged, a longer code
        with pytest.raises(InputError) as caught:
            audit.rehearse(plan, hand, bad)
        assert caught.value.problems[0].field == "lot"
    twice = np.tile(np.arange(plan.stations), (2, 1))
    twice[1, 0] = 1  # station 1 twice, station 0 never
    with pytest.raises(InputError) as caught:
        audit.rehearse(plan, hand, twice)
    assert caught.value.problems[0].field == "lot"
    with pytest.raises(InputError) as caught:
        audit.rehearse(plan, {c: hand[c] for c in codes[1:]}, [codes])
    assert caught.value.problems[0].field == "truth"


def test_a_seat_moved_in_a_replayed_2025_governorate_fails_to_confirm() -> None:
    """Muthanna on the replayed 2025 night (1,025 stations, 7 seats): 1,000 audits, each in
    its own random order (what the lot's SHA-256 ranking is for each seed), of machines that
    moved a seat — at most 50 (α = 5 %) may confirm, each audit measured after every station,
    the most lenient way to run it; and the right count confirmed at the planned sample."""
    night = replay.build(replay.plan("iraq-2025"), 2025)
    truth = [audit.Batch(station=st.code, ballots=sheet.cast, votes=dict(sheet.votes))
             for st, sheet in zip(night.stations, night.sheets(), strict=True)
             if st.constituency == "Muthanna"]
    seats = brute_seats(totals(truth), 7, IRAQ, None)
    assert seats is not None
    reported, wrong = wrong_report(truth, seats, 7, IRAQ, None)
    plan = audit.plan_comparison("Muthanna", reported, audit.seat_assertions(
        "Muthanna", totals(reported), wrong, series=IRAQ), ALPHA)
    rng = np.random.default_rng(2025)
    codes = [b.station for b in reported]
    orders = [[codes[i] for i in rng.permutation(len(codes))] for _ in range(1000)]
    used = audit.rehearse(plan, {b.station: b for b in truth}, orders)
    confirmed = int((used < plan.stations).sum())
    print(f"Muthanna, a seat moved: {confirmed} of 1000 audits confirmed it; mean stations "
          f"hand-counted {used.mean():.0f} of {plan.stations}")
    assert confirmed <= 50
    right = audit.plan_comparison("Muthanna", truth, audit.seat_assertions(
        "Muthanna", totals(truth), seats, series=IRAQ), ALPHA)
    assert 0 < right.sample_size < right.stations
    order = [b.station for b in truth][::-1]
    m = audit.measure_comparison(right, order, {b.station: b for b in truth[::-1][
        :right.sample_size]})
    assert m.status is audit.Status.CONFIRMED and m.measured == right.sample_size
    # with no error every one of the 1,000 audits stops at the planned sample
    assert set(audit.rehearse(right, {b.station: b for b in truth}, orders).tolist()) == {
        right.sample_size}
    print(f"Muthanna, counted right: confirmed at {right.sample_size} of {right.stations} "
          "stations")
