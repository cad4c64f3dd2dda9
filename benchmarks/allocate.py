"""Seat allocation speed: the exact path, and the vector path a forecast runs, against votelib.

A synthetic Iraq-like election (18 governorates, 329 seats, 30 lists each, modified
Sainte-Laguë 1.7), built from a fixed seed. Prints one `name: value unit` line per figure;
`margins_all_lists_time` is the votes to gain and to lose a seat for every list of that election.
Times are best of several runs, except `batch_time_first_call`, which also pays for the first
touch of a fresh 430 MB result array (slow in a VM whose memory is mapped in lazily).

Then two laws of more than one tier on bundled official data, timed beside interregnum (the
peer that writes multi-tier systems) on the same law: a mixed-member law (New Zealand 2017:
Sainte-Laguë on the party vote, 5 % or one electorate, the 71 electorates won given as input —
interregnum counts them as 71 single-seat districts) and a two-tier law (Norway 2021: 19
counties, then levelling seats placed back by relative quotients). interregnum is a test
dependency: its tree of the law comes from tests/law/peer_interregnum.py, when the tests are
there to import.
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from majlis import data
from majlis.law import (
    DIVISOR_SERIES,
    Allocation,
    BatchAllocation,
    Constituency,
    DivisorRule,
    DivisorSeries,
    Election,
    Law,
    QuotaRule,
    allocate,
    allocate_batch,
    margins,
    parse_law,
    read_election,
)

SEED = 2025
LISTS = 30
ELECTIONS = 100_000
PEER_SAMPLE = 200
# Iraq 2025's seats per governorate, minority seats included (329 in all), as if one contest each.
MAGNITUDES = {
    "Baghdad": 71, "Nineveh": 34, "Basra": 25, "Dhi Qar": 19, "Sulaymaniyah": 18, "Babil": 17,
    "Erbil": 16, "Anbar": 15, "Diyala": 14, "Kirkuk": 13, "Najaf": 12, "Salahuddin": 12,
    "Dohuk": 12, "Wasit": 12, "Qadisiyah": 11, "Karbala": 11, "Maysan": 10, "Muthanna": 7,
}
SERIES = DIVISOR_SERIES["sainte-lague"]
assert isinstance(SERIES, DivisorSeries)
IRAQ = SERIES.with_first(Fraction(17, 10))
ROOT = Path(__file__).resolve().parents[1]
# (figure name, law file, votes, districts, lists) for the laws of more than one tier.
TIERED = (
    ("mixed_member_nz2017", "new-zealand-mmp.toml", "world/newzealand2017_votes.csv",
     "world/newzealand2017_districts.csv", "world/newzealand2017_lists.csv"),
    ("two_tier_norway2021", "norway-2021.toml", "world/norway2021_votes.csv",
     "world/norway2021_districts.csv", None),
)


def base_votes(rng: np.random.Generator) -> np.ndarray:
    """Votes (constituency × list): a few big lists, a long tail; about 45,000 votes per seat."""
    magnitude = np.array(list(MAGNITUDES.values()))
    shares = rng.lognormal(0.0, 1.4, (len(MAGNITUDES), LISTS))
    shares /= shares.sum(axis=1, keepdims=True)
    turnout = magnitude * rng.uniform(35_000, 55_000, len(MAGNITUDES))
    return np.rint(shares * turnout[:, None]).astype(np.int64)


def perturbed(base: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """`n` simulated elections: each list's vote moved by a log-normal swing (about 15 %)."""
    out = np.empty((n, *base.shape), dtype=np.int64)
    step = 5_000
    for lo in range(0, n, step):
        k = min(step, n - lo)
        swing = rng.standard_normal((k, *base.shape), dtype=np.float32) * np.float32(0.15)
        out[lo : lo + k] = np.rint(base * np.exp(swing))
    return out


def by_list(row: np.ndarray) -> dict[str, int]:
    return {f"L{j:02d}": int(x) for j, x in enumerate(row)}


def election_of(votes: np.ndarray) -> Election:
    return Election(
        constituencies=tuple(
            Constituency(name=name, magnitude=m, votes=by_list(row))
            for (name, m), row in zip(MAGNITUDES.items(), votes, strict=True)
        )
    )


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def line(name: str, value: float, unit: str) -> None:
    print(f"{name}: {value:.6g} {unit}", flush=True)


def mismatches(batch: BatchAllocation, exact: list[Allocation]) -> int:
    """Rows of the first elections where the vector path's seats or tie flag are not the exact
    path's (a tied row's seats are left to the exact path)."""
    found = 0
    for i, a in enumerate(exact):
        tied_here = {t.constituency for t in a.ties}
        for k, c in enumerate(a.constituencies):
            row = i * len(MAGNITUDES) + k
            same = [c.seats[f"L{j:02d}"] for j in range(LISTS)] == batch.seats[row].tolist()
            found += bool(batch.tied[row]) != (c.name in tied_here)
            found += not batch.tied[row] and not same
    return found


def interregnum_peer() -> Any:
    """tests/law/peer_interregnum.py, or None where the tests or interregnum are absent."""
    sys.path.append(str(ROOT))
    try:
        from tests.law import peer_interregnum
    except ImportError:  # pragma: no cover - the tests and interregnum are for the tests only
        return None
    finally:
        sys.path.remove(str(ROOT))
    return peer_interregnum


def tiered_laws() -> None:
    """Each law of more than one tier: majlis, interregnum on the same law, their ratio, and
    whether the two give the same seats."""
    peer = interregnum_peer()
    for name, law_file, votes, districts, lists in TIERED:
        law = parse_law((ROOT / "examples" / "laws" / law_file).read_text(encoding="utf-8"),
                        law_file)
        election = read_election(
            data.path(votes).read_text(encoding="utf-8"), votes, law,
            data.path(districts).read_text(encoding="utf-8"), districts,
            data.path(lists).read_text(encoding="utf-8") if lists else None, lists or "")
        ours = best_of(15, lambda e=election, law=law: allocate(e, law))
        line(f"{name}_time", ours * 1e3, "ms")
        if peer is None:
            continue
        theirs = best_of(5, lambda e=election, law=law: peer.run(e, law))
        line(f"interregnum_{name}_time", theirs * 1e3, "ms")
        line(f"{name}_speedup_vs_interregnum", theirs / ours, "x")
        result, seats = allocate(election, law), peer.run(election, law)
        agree = all({p: s for p, s in c.seats.items() if s} == seats.constituencies[c.name]
                    for c in result.constituencies)
        if result.tier is not None:
            agree &= all({p: s for p, s in placed.items() if s} == seats.levelling[d]
                         for d, placed in result.tier.placed.items())
        line(f"{name}_agrees_with_interregnum", float(agree), "bool")


def main() -> None:
    rng = np.random.default_rng(SEED)
    magnitudes = np.array(list(MAGNITUDES.values()), dtype=np.int64)
    base = base_votes(rng)
    law = Law(rule=DivisorRule(IRAQ))

    try:
        from votelib.component.divisor import modified_first_coef, sainte_lague
        from votelib.evaluate.proportional import HighestAverages

        peer: HighestAverages | None = HighestAverages(
            modified_first_coef(sainte_lague, Fraction(17, 10))
        )
    except ImportError:  # pragma: no cover - votelib is a test dependency
        peer = None

    def peer_election(votes: np.ndarray) -> list[dict[str, int]]:
        assert peer is not None
        return [
            peer.evaluate(by_list(row), int(m))
            for row, m in zip(votes, magnitudes, strict=True)
        ]

    # One whole election, exactly.
    election = election_of(base)
    exact = allocate(election, law)
    # Best of 25 each: a run of half a millisecond is easily caught by another process's slice.
    ours = best_of(25, lambda: allocate(election, law))
    line("exact_election_time", ours * 1e3, "ms")
    if peer is not None:
        theirs = best_of(25, lambda: peer_election(base))
        line("votelib_election_time", theirs * 1e3, "ms")
        line("exact_speedup_vs_votelib", theirs / ours, "x")
        agree = all(
            {p: s for p, s in got.items() if s} == {p: s for p, s in c.seats.items() if s}
            for got, c in zip(peer_election(base), exact.constituencies, strict=True)
        )
        line("exact_agrees_with_votelib", float(agree), "bool")
    every = best_of(3, lambda: [margins(election, law, c.name)
                                for c in election.constituencies])
    line("margins_all_lists_time", every * 1e3, "ms")

    # A forecast's worth of elections through the vector path.
    draws = perturbed(base, ELECTIONS, rng)
    rows = draws.reshape(-1, LISTS)
    seats = np.tile(magnitudes, ELECTIONS)
    t0 = time.perf_counter()
    batch = allocate_batch(rows, seats, IRAQ)
    first = time.perf_counter() - t0
    line("batch_elections", ELECTIONS, "elections")
    line("batch_rows", rows.shape[0], "constituencies")
    line("batch_time_first_call", first, "s")
    timed = {}
    for w in (1, 2):
        timed[w] = best_of(3, lambda w=w: allocate_batch(rows, seats, IRAQ, workers=w))
        line(f"batch_time_{w}_thread", timed[w], "s")
        line(f"batch_throughput_{w}_thread", ELECTIONS / timed[w], "elections/s")
    line("batch_tied_rows", int(batch.tied.sum()), "constituencies")
    assert (batch.seats.sum(axis=1) == seats).all()

    sample = draws[:PEER_SAMPLE]
    t0 = time.perf_counter()
    exact_seats = [allocate(election_of(e), law) for e in sample]
    exact_rate = PEER_SAMPLE / (time.perf_counter() - t0)
    line("exact_throughput", exact_rate, "elections/s")
    for w, t in timed.items():
        line(f"batch_speedup_vs_exact_{w}_thread", ELECTIONS / t / exact_rate, "x")
    line("batch_mismatches_vs_exact_on_sample", mismatches(batch, exact_seats), "constituencies")
    if peer is not None:
        t0 = time.perf_counter()
        for e in sample:
            peer_election(e)
        peer_rate = PEER_SAMPLE / (time.perf_counter() - t0)
        line("votelib_throughput", peer_rate, "elections/s")
        for w, t in timed.items():
            line(f"batch_speedup_vs_votelib_{w}_thread", ELECTIONS / t / peer_rate, "x")

    # The same draws under Hare quotas and largest remainders, through the quota loop.
    hare = QuotaRule("hare")
    line("batch_hare_time_2_thread", best_of(3, lambda: allocate_batch(rows, seats, hare,
                                                                       workers=2)), "s")
    quotas = allocate_batch(rows, seats, hare, workers=2)
    line("batch_hare_tied_rows", int(quotas.tied.sum()), "constituencies")
    by_hare = Law(rule=hare)
    line("batch_hare_mismatches_vs_exact_on_sample",
         mismatches(quotas, [allocate(election_of(e), by_hare) for e in sample]),
         "constituencies")

    tracemalloc.start()
    result = allocate_batch(rows, seats, IRAQ, workers=2)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    output = result.seats.nbytes + result.tied.nbytes
    line("batch_output_size", output / 2**20, "MiB")
    line("batch_working_memory_beyond_output", (peak - output) / 2**20, "MiB")
    line("input_votes_size", rows.nbytes / 2**20, "MiB")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    line("process_peak_rss", rss / (2**20 if sys.platform == "darwin" else 2**10), "MiB")
    tiered_laws()


if __name__ == "__main__":
    main()
