"""How fast the audits are on the 2025 night's 43,883 stations: the public lot, a comparison
with its seats re-allocated twice, the risk-limiting audit's assertions and first samples for
every constituency, forensics with its clean nights (goal: under 5 s on two cores) — and the
risk limit measured: 1,000 simulated audits per constituency of machines that moved a seat (at
most α of them may confirm it), and of machines that were right (the stations hand-counted)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from fractions import Fraction

import numpy as np

from majlis import audit, data, replay
from majlis.law import Allocation, DivisorRule, DivisorSeries, Law, SntvRule, allocate

AUDITS = 1_000


def timed(run: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    out = run()
    return time.perf_counter() - start, out


def assertions(law: Law, votes: dict[str, dict[str, int]], allocation: Allocation
               ) -> dict[str, tuple[audit.Assertion, ...]]:
    """Every constituency's assertions: its SNTV winners' or its divisor seats'."""
    out = {}
    for result in allocation.constituencies:
        rule = law.rule_for(result.name)
        if isinstance(rule, SntvRule):
            out[result.name] = audit.plurality_assertions(result.name, votes[result.name],
                                                          frozenset(p for p, n in
                                                                    result.seats.items() if n))
        else:
            assert isinstance(rule, DivisorRule) and isinstance(rule.series, DivisorSeries)
            out[result.name] = audit.seat_assertions(result.name, votes[result.name],
                                                     result.seats, series=rule.series)
    return out


def seats_of(law: Law, name: str, batches: list[audit.Batch]) -> dict[str, int]:
    seats = allocate(law.election({name: seats_votes(batches)}), law).seats_in(name)
    return {p: n for p, n in seats.items() if n}


def moved(batches: list[audit.Batch], winner: str, loser: str, k: int) -> list[audit.Batch]:
    """The machines' figures with half the winner's votes read as the loser's in the first
    `k` stations."""
    return [audit.Batch(station=b.station, ballots=b.ballots, votes={
        **b.votes, winner: b.votes.get(winner, 0) - b.votes.get(winner, 0) // 2,
        loser: b.votes.get(loser, 0) + b.votes.get(winner, 0) // 2}) if i < k else b
        for i, b in enumerate(batches)]


def wrong_report(law: Law, name: str, truth: list[audit.Batch],
                 assertions: tuple[audit.Assertion, ...]) -> list[audit.Batch] | None:
    """Machines that moved a seat: along the tightest assertion between two lists, votes of
    its winner read as its loser's in as few stations as it takes (a binary search); None if
    moving half the winner's votes everywhere moves no seat."""
    right = seats_of(law, name, truth)
    counted = seats_votes(truth)
    pairs = sorted((a for a in assertions if a.winner and a.loser),
                   key=lambda a: a.excess(counted))
    for a in pairs[:3]:
        assert a.winner is not None and a.loser is not None
        if seats_of(law, name, moved(truth, a.winner, a.loser, len(truth))) == right:
            continue
        low, high = 0, len(truth)  # seats unchanged at low, changed at high
        while high - low > 1:
            mid = (low + high) // 2
            low, high = ((low, mid) if seats_of(law, name, moved(truth, a.winner, a.loser, mid))
                         != right else (mid, high))
        return moved(truth, a.winner, a.loser, high)
    return None


def seats_votes(batches: list[audit.Batch]) -> dict[str, int]:
    out: dict[str, int] = {}
    for b in batches:
        for p, n in b.votes.items():
            out[p] = out.get(p, 0) + n
    return out


def risk_limit(law: Law, batches: dict[str, list[audit.Batch]]) -> None:
    """1,000 audits of each constituency in random lot orders: with a seat moved by the
    machines (how many confirm it) and with the machines right (stations hand-counted)."""
    rng = np.random.default_rng(2025)
    alpha = Fraction(1, 20)
    started = time.perf_counter()
    confirmed_all, audited_all = 0, 0
    for name, truth in sorted(batches.items()):
        rule = law.rule_for(name)
        hand = {b.station: b for b in truth}
        orders = np.argsort(rng.random((AUDITS, len(truth))), axis=1)  # rows of `truth`

        def assertions_of(report: list[audit.Batch], name: str = name,
                          rule: object = rule) -> tuple[audit.Assertion, ...]:
            seats = seats_of(law, name, report)
            if isinstance(rule, SntvRule):
                return audit.plurality_assertions(name, seats_votes(report), frozenset(seats))
            assert isinstance(rule, DivisorRule) and isinstance(rule.series, DivisorSeries)
            return audit.seat_assertions(name, seats_votes(report), seats, series=rule.series)

        right = audit.plan_comparison(name, truth, assertions_of(truth), alpha)
        used = audit.rehearse(right, hand, orders)
        print(f"rla no error {name}: mean {used.mean():.1f} of {right.stations} stations "
              f"hand-counted over {AUDITS} audits ({int((used < right.stations).sum())} "
              "confirmed short of a full count)")
        reported = wrong_report(law, name, truth, assertions_of(truth))
        if reported is None:
            print(f"rla seat moved {name}: no error of this kind moves a seat")
            continue
        plan = audit.plan_comparison(name, reported, assertions_of(reported), alpha)
        used = audit.rehearse(plan, hand, orders)
        confirmed = int((used < plan.stations).sum())
        confirmed_all, audited_all = confirmed_all + confirmed, audited_all + AUDITS
        print(f"rla seat moved {name}: {confirmed} of {AUDITS} audits confirmed the wrong "
              f"seats ({1 - confirmed / AUDITS:.1%} did not; mean {used.mean():.0f} of "
              f"{plan.stations} stations hand-counted)")
    print(f"rla seat moved, every constituency: {confirmed_all} of {audited_all} audits "
          f"confirmed ({1 - confirmed_all / max(audited_all, 1):.2%} did not, at least "
          f"{1 - float(alpha):.0%} must)")
    print(f"rla simulated audits: {time.perf_counter() - started:.1f} s")


def main() -> None:
    night = replay.build(replay.plan("iraq-2025"), 2025)
    stations = [audit.StationResult(station=st.code, centre=st.centre, constituency=st.constituency,
                                    voting_type=st.voting_type.value, registered=st.registered,
                                    cast=sheet.cast, invalid=sheet.invalid, votes=sheet.votes)
                for st, sheet in zip(night.stations, night.sheets(), strict=True)]
    print(f"stations: {len(stations)} stations")
    print(f"cores: {os.cpu_count()} cores")

    seconds, lot = timed(lambda: audit.select(night.stations, "dice 3-1-6"))
    assert isinstance(lot, audit.Selection)
    print(f"lot one per centre: {seconds * 1000:.0f} ms ({len(lot.stations)} stations drawn)")

    totals = {t.name: dict(t.votes) for t in night.plan.constituencies}
    drawn = {d.station for d in lot.stations}
    counts = [audit.HandCount(station=s.station, centre=s.centre, constituency=s.constituency,
                              machine=s.votes, hand=s.votes)
              for s in stations if s.station in drawn]
    seconds, _ = timed(lambda: audit.compare(counts, totals, data.law("iraq-2025")))
    print(f"compare {len(counts)} hand counts and re-allocate: {seconds * 1000:.0f} ms")

    law = data.law("iraq-2025")
    batches: dict[str, list[audit.Batch]] = {}
    for st, sheet in zip(night.stations, night.sheets(), strict=True):
        batches.setdefault(st.constituency, []).append(
            audit.Batch(station=st.code, ballots=sheet.cast, votes=dict(sheet.votes)))
    votes = {name: {p: sum(b.votes.get(p, 0) for b in bs) for p in {p for b in bs for p in b.votes}}
             for name, bs in batches.items()}
    allocation = allocate(law.election(votes), law)
    seconds, made = timed(lambda: assertions(law, votes, allocation))
    assert isinstance(made, dict)
    print(f"rla assertions 2025: {seconds * 1000:.0f} ms "
          f"({sum(len(a) for a in made.values())} assertions, {len(made)} constituencies)")
    seconds, plans = timed(lambda: [audit.plan_comparison(name, batches[name], made[name],
                                                          Fraction(1, 20)) for name in made])
    assert isinstance(plans, list)
    print(f"rla plan 2025 at a 5 % risk limit: {seconds:.2f} s")
    print(f"rla first sample 2025: {sum(min(p.sample_size, p.stations) for p in plans)} of "
          f"{sum(p.stations for p in plans)} stations")
    for p in plans:
        tight = min(p.assertions, key=lambda a: a.margin)
        print(f"rla sample {p.constituency}: {p.sample_size} of {p.stations} stations "
              f"(tightest margin {float(tight.margin) * 100:.3f} %)")

    risk_limit(law, batches)

    runs = []
    for _ in range(2):
        cpu = time.process_time()
        seconds, _ = timed(lambda: audit.forensics(stations, seed=1, nights=20))
        runs.append((seconds, time.process_time() - cpu))
    wall, cpu = min(runs)
    print(f"forensics {len(stations)} stations, 20 clean nights: {wall:.2f} s")
    print(f"forensics processor time (all threads): {cpu:.2f} s")
    print(f"machine load (1 min): {os.getloadavg()[0]:.1f} runnable")


if __name__ == "__main__":
    main()
