"""How fast the audits are on the 2025 night's 43,883 stations: the public lot, a comparison
with its seats re-allocated twice, the risk-limiting audit's assertions and first samples for
every constituency, and forensics with its clean nights (goal: under 5 s on two cores)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from fractions import Fraction

from majlis import audit, data, replay
from majlis.law import Allocation, DivisorRule, DivisorSeries, Law, SntvRule, allocate


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
