"""How fast the audits are on the 2025 night's 43,883 stations: the public lot, a comparison
with its seats re-allocated twice, and forensics with its clean nights (goal: under 5 s on two
cores)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from majlis import audit, data, replay


def timed(run: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    out = run()
    return time.perf_counter() - start, out


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
                          machine=s.votes, hand=s.votes) for s in stations if s.station in drawn]
seconds, _ = timed(lambda: audit.compare(counts, totals, data.law("iraq-2025")))
print(f"compare {len(counts)} hand counts and re-allocate: {seconds * 1000:.0f} ms")

runs = []
for _ in range(2):
    cpu = time.process_time()
    seconds, _ = timed(lambda: audit.forensics(stations, seed=1, nights=20))
    runs.append((seconds, time.process_time() - cpu))
wall, cpu = min(runs)
print(f"forensics {len(stations)} stations, 20 clean nights: {wall:.2f} s")
print(f"forensics processor time (all threads): {cpu:.2f} s")
print(f"machine load (1 min): {os.getloadavg()[0]:.1f} runnable")
