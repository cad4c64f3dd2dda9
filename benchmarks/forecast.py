"""Projection speed and honesty: 100,000 draws of a whole 2025-sized election, a naive votelib
loop beside it, and the backtests over the 2025 and 2010 replays' nights.

Speed: a synthetic release of Iraq 2025's 18 governorates (320 general seats, 30 lists each,
half the general stations counted, the special vote all counted), fixed seed. The naive peer
draws the same kind of election with plain NumPy and allocates each constituency with votelib,
draw by draw. Then every Iraqi preset in turn, 100,000 draws on a synthetic release of its own
districts, and each Norwegian preset the same way (19 counties, a levelling tier). Then the
example laws with agreements, a bonus, mixed-member, biproportional and pooled counts, on their
bundled elections, beside `allocate` draw by draw.

Backtest: every release of the replayed night (three made-up elections), each projected with
20,000 draws and scored against the seats finally won — with the default model and with its
systematic errors switched off (station sampling only). 2010: every release of
the replayed night, whose releases 2 and 4 hold IHEC's published partial counts (18–63 %, 90–98 %)
and 1 and 3 are the waves halfway before them; the law (Hare quotas, an upper tier), 5,000
draws a release; with the default model and with the
former default's constituency error of 0.05 (a nearly random order of counting). Releases 1
and 2 leave most governorates uncounted: only the counted ones are projected and only their
seats scored. Prints `name: value unit`.
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import numpy as np

from majlis import backtest, data, forecast, replay
from majlis.law import Law, allocate, allocate_draws, parse_law, read_election

SEED = 2025
LISTS = 30
DRAWS = 100_000
PEER_DRAWS = 100
BACKTEST_DRAWS = 20_000
BACKTEST_2010_DRAWS = 5_000
LAW = data.law("iraq-2025")
LAW_2010 = data.law("iraq-2010")
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "laws"


def line(name: str, value: float, unit: str) -> None:
    print(f"{name}: {value:.4g} {unit}", flush=True)


def synthetic(rng: np.random.Generator, law: Law = LAW, *, leading: bool = False
              ) -> forecast.ReleaseCount:
    """Half the general stations counted in every governorate, 30 lists with skewed support;
    `leading`: three lists share 60 % of it, so that some list passes a natural quota
    (2005 and 2010 exclude lists below one) in every governorate."""
    out = []
    for name, seats in law.magnitudes.items():
        if name in law.reserved:
            continue
        stations = 130 * seats
        shares = rng.dirichlet(np.full(LISTS, 0.6))
        if leading:
            shares = np.concatenate([0.6 * rng.dirichlet(np.full(3, 5.0)), 0.4 * shares[3:]
                                     / shares[3:].sum()])
        lists = [f"{name} list {j:02d}" if j >= 8 else f"National {j}" for j in range(LISTS)]
        general = rng.multinomial(stations // 2 * 250, shares)
        special = rng.multinomial(stations // 10 * 150, rng.dirichlet(30 * shares))
        out.append(forecast.PartialCount(name=name, groups=(
            forecast.GroupCount(voting_type="general", stations=stations,
                                counted=stations // 2, registered=stations * 500,
                                registered_uncounted=(stations - stations // 2) * 500,
                                votes=dict(zip(lists, map(int, general), strict=True))),
            forecast.GroupCount(voting_type="special-security", stations=stations // 10,
                                counted=stations // 10,
                                votes=dict(zip(lists, map(int, special), strict=True))))))
    return forecast.ReleaseCount(number=4, name="50 % of stations", constituencies=tuple(out))


def naive(count: forecast.ReleaseCount, draws: int, rng: np.random.Generator) -> float | None:
    """Draws per second of the obvious loop: per draw and constituency, the uncounted votes by a
    multinomial around the counted shares, then votelib's highest averages; None without votelib
    (a test dependency), so that the benchmark also runs where only majlis is installed."""
    try:
        from votelib.component.divisor import modified_first_coef, sainte_lague
        from votelib.evaluate.proportional import HighestAverages
    except ImportError:
        return None

    peer = HighestAverages(modified_first_coef(sainte_lague, Fraction(17, 10)))
    started = time.perf_counter()
    for _ in range(draws):
        for c in count.constituencies:
            general = c.groups[0]
            lists = list(general.votes)
            counted = np.array([sum(g.votes.get(p, 0) for g in c.groups) for p in lists])
            share = np.array([general.votes[p] for p in lists]) / general.counted_votes
            more = general.counted_votes * general.uncounted // general.counted
            votes = counted + rng.multinomial(more, rng.dirichlet(200 * share + 1e-9))
            peer.evaluate(dict(zip(lists, map(int, votes), strict=True)),
                          LAW.magnitudes[c.name])
    return draws / (time.perf_counter() - started)


def reference() -> float:
    """Seconds for ten million additions in a plain Python loop: how fast this machine is, so
    figures from two machines can be set side by side."""
    started = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - started


def speed() -> None:
    count = synthetic(np.random.default_rng(SEED))
    line("load_average_1min_before", os.getloadavg()[0], "processes")
    line("reference_python_loop_10M_additions", reference(), "s")
    line("constituencies", len(count.constituencies), "constituencies")
    line("general_seats", sum(LAW.magnitudes[c.name] for c in count.constituencies), "seats")
    started = time.perf_counter()
    forecast.project(count, LAW, draws=DRAWS, seed=SEED)
    line("project_100k_draws_first_call", time.perf_counter() - started, "s")
    times = []
    for _ in range(3):
        started = time.perf_counter()
        p = forecast.project(count, LAW, draws=DRAWS, seed=SEED)
        times.append(time.perf_counter() - started)
    best = min(times)
    line("project_100k_draws_2_threads", best, "s")
    line("project_100k_draws_2_threads_median", sorted(times)[1], "s")
    started = time.perf_counter()
    forecast.project(count, LAW, draws=DRAWS, seed=SEED, workers=1)
    line("project_100k_draws_1_thread", time.perf_counter() - started, "s")
    line("project_exact_path_rows", p.exact_rows, "constituency draws")
    line("peak_rss", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "MiB")
    ours = DRAWS / best
    line("project_throughput", ours, "draws/s")
    theirs = naive(count, PEER_DRAWS, np.random.default_rng(SEED))
    if theirs is not None:
        line("votelib_naive_loop_throughput", theirs, "draws/s")
        line("speedup_vs_votelib_naive_loop", ours / theirs, "x")
    started = time.perf_counter()
    forecast.project(count, LAW, draws=PEER_DRAWS, seed=SEED, exact=True)
    exact = PEER_DRAWS / (time.perf_counter() - started)
    line("exact_path_throughput", exact, "draws/s")
    line("speedup_vs_exact_path", ours / exact, "x")


def presets() -> None:
    """100,000 draws under every Iraqi and Norwegian preset (Norway's levelling tier), each on a
    synthetic release of its own districts (after a first call of 1,000 draws that compiles and
    warms up), with the counts the exact path made (ties) and the machine's load beside each."""
    for name in (n for n in data.laws() if n.startswith(("iraq-", "norway-"))):
        law = data.law(name)
        if not set(law.magnitudes) - set(law.reserved):  # 2021: its districts come with the votes
            continue
        count = synthetic(np.random.default_rng(SEED), law, leading=True)
        tag = name.replace("-", "_").replace(".", "_")
        forecast.project(count, law, draws=1000, seed=SEED)
        started = time.perf_counter()
        p = forecast.project(count, law, draws=DRAWS, seed=SEED)
        line(f"preset_{tag}_100k_draws", time.perf_counter() - started, "s")
        line(f"preset_{tag}_exact_path_rows", p.exact_rows, "constituency draws")
        line(f"preset_{tag}_load_average_1min", os.getloadavg()[0], "processes")


def agreements_and_bonus() -> None:
    """Israel 2022 (surplus-vote agreements) and Greece 2023 (a majority bonus): 10,000 and
    100,000 draws near the official votes (±2 % a list) through `allocate_draws`, the vector
    path, and 2,000 through `allocate` draw by draw, the path every draw of these laws took
    before (its 100,000 extrapolated), in the same run."""
    for tag, law_file, name, lists in (("israel_2022", "israel-knesset.toml", "israel2022", True),
                                       ("greece_2023", "greece-bonus.toml", "greece2023jun",
                                        False)):
        law = parse_law((EXAMPLES / law_file).read_text(encoding="utf-8"), law_file)
        files = [f"world/{name}_{part}.csv" for part in ("votes", "districts", "lists")]
        election = read_election(
            data.path(files[0]).read_text(encoding="utf-8"), files[0], law,
            data.path(files[1]).read_text(encoding="utf-8"), files[1],
            data.path(files[2]).read_text(encoding="utf-8") if lists else None,
            files[2] if lists else "")
        (c,) = election.constituencies
        official = np.array(list(c.votes.values()), dtype=np.int64)
        rng = np.random.default_rng(SEED)
        votes = np.rint(official * rng.uniform(0.98, 1.02, (DRAWS, official.size))
                        ).astype(np.int64)[None]
        allocate_draws(votes[:, :1000], election, law, seed=SEED)  # compiles, warms up
        for n in (10_000, DRAWS):
            started = time.perf_counter()
            result = allocate_draws(votes[:, :n], election, law, seed=SEED, workers=2)
            line(f"{tag}_{n // 1000}k_draws_vector_path", time.perf_counter() - started, "s")
            line(f"{tag}_{n // 1000}k_draws_exact_path_rows", result.exact_rows,
                 "constituency draws")
        started = time.perf_counter()
        for i in range(2000):
            allocate(replace(election, constituencies=(replace(c, votes=dict(zip(
                c.votes, votes[0, i].tolist(), strict=True))),)), law, seed=SEED + i)
        each = (time.perf_counter() - started) / 2000
        line(f"{tag}_exact_path_throughput", 1 / each, "draws/s")
        line(f"{tag}_100k_draws_exact_path_extrapolated", each * DRAWS, "s")
        line(f"{tag}_load_average_1min", os.getloadavg()[0], "processes")


TIERED = (("newzealand2017", "new-zealand-mmp.toml", 10_000),
          ("germany2025", "germany-bundestag.toml", 10_000),
          ("hesse2018", "hesse-landtag.toml", 10_000), ("zurich2018", "zurich-city-council.toml",
                                                        1_000),
          ("czechia2021", "czechia-2021.toml", 1_000))


def tiered_laws() -> None:
    """The mixed-member, biproportional and pooled-remainder example laws on their bundled
    elections (New Zealand 2017: kept overhang; Germany 2025: capped; Hesse 2018: levelled from
    110 seats by Hare quotas; Zurich 2018: 125 seats in 9 constituencies; Czechia 2021: whole
    quotas in 14 regions, a national pool of their remainders): 100,000 draws (each list's
    official votes times a uniform factor in 0.9–1.1, Poisson noise) through `allocate_draws`,
    and the first 10,000 (Zurich, Czechia: 1,000) through `allocate` one by one, the path every
    draw of these laws took before the vector path counted them."""
    for name, law_file, exact_draws in TIERED:
        law = parse_law((EXAMPLES / law_file).read_text(encoding="utf-8"), law_file)
        paths = [data.path(f"world/{name}_{part}.csv") for part in ("votes", "districts",
                                                                      "lists")]
        texts = [(path.read_text(encoding="utf-8"), path.name) if path.exists() else (None, "")
                 for path in paths]
        votes_text, votes_name = texts[0]
        assert votes_text is not None
        election = read_election(votes_text, votes_name, law, *texts[1], *texts[2])
        cs = election.constituencies
        width = max(len(c.votes) for c in cs)
        official = np.zeros((len(cs), 1, width))
        for k, c in enumerate(cs):
            official[k, 0, : len(c.votes)] = list(c.votes.values())
        rng = np.random.default_rng(SEED)
        votes = rng.poisson(official * rng.uniform(0.9, 1.1, (1, DRAWS, width)))
        allocate_draws(votes[:, :1000], election, law, seed=SEED)  # compiles, warms up
        started = time.perf_counter()
        result = allocate_draws(votes, election, law, seed=SEED)
        vector = time.perf_counter() - started
        line(f"tiered_{name}_100k_draws_vector_path", vector, "s")
        line(f"tiered_{name}_exact_path_rows", result.exact_rows, "counts")
        line(f"tiered_{name}_draws_left_to_allocate", int(result.exact.sum()), "draws")
        started = time.perf_counter()
        for i in range(exact_draws):
            allocate(replace(election, constituencies=tuple(
                replace(c, votes=dict(zip(c.votes, votes[k, i, : len(c.votes)].tolist(),
                                          strict=True))) for k, c in enumerate(cs))), law,
                seed=SEED + i)
        exact = time.perf_counter() - started
        line(f"tiered_{name}_{exact_draws // 1000}k_draws_exact_path", exact, "s")
        line(f"tiered_{name}_speedup_vs_exact_path", exact * DRAWS / exact_draws / vector, "x")
        line(f"tiered_{name}_load_average_1min", os.getloadavg()[0], "processes")


def backtest_2025() -> None:
    models = {"default": forecast.Settings(),
              "sampling_only": forecast.Settings(constituency_error=0.0, national_error=0.0,
                                                 turnout_error=0.0)}
    found: dict[str, list[forecast.Assessment]] = {k: [] for k in models}
    for replay_seed in (2025, 1, 2):
        made = replay.build(replay.plan("iraq-2025"), replay_seed)
        counts = backtest.release_counts(made, replay.script(made))
        final = backtest.seats(counts[-1], LAW)
        for c in counts[:-1]:
            # a constituency with nothing counted yet is left out, as `majlis project` leaves it
            c = replace(c, constituencies=tuple(x for x in c.constituencies
                                                if any(g.counted_votes for g in x.groups)))
            for k, settings in models.items():
                found[k].append(forecast.assess(forecast.project(
                    c, LAW, draws=BACKTEST_DRAWS, seed=c.number, settings=settings), final))
    for k, scores in found.items():
        lists, pairs = sum(a.lists for a in scores), sum(a.seats for a in scores)
        line(f"backtest_{k}_lists_in_play", lists, "list-releases")
        line(f"backtest_{k}_lists_coverage80", sum(a.lists_covered80 for a in scores) / lists,
             "share")
        line(f"backtest_{k}_lists_claimed80", sum(a.lists_claimed80 for a in scores) / lists,
             "share")
        line(f"backtest_{k}_lists_coverage95", sum(a.lists_covered95 for a in scores) / lists,
             "share")
        line(f"backtest_{k}_lists_claimed95", sum(a.lists_claimed95 for a in scores) / lists,
             "share")
        line(f"backtest_{k}_seats_in_play", pairs, "constituency-list-releases")
        line(f"backtest_{k}_seats_coverage80", sum(a.seats_covered80 for a in scores) / pairs,
             "share")
        line(f"backtest_{k}_seats_coverage95", sum(a.seats_covered95 for a in scores) / pairs,
             "share")
        line(f"backtest_{k}_brier_largest", float(np.mean([a.brier for a in scores])),
             "score")
        line(f"backtest_{k}_brier_largest_first_release",
             float(np.mean([a.brier for a in scores if a.release == 1])), "score")


def backtest_2010() -> None:
    made = replay.build(replay.plan("iraq-2010"))
    counts = backtest.release_counts(made, replay.script(made))
    final = backtest.seats(counts[-1], LAW_2010)
    started = time.perf_counter()
    forecast.project(counts[3], LAW_2010, draws=1000, seed=1, workers=1)
    line("project_2010_1000_draws_1_thread", time.perf_counter() - started, "s")
    started = time.perf_counter()
    forecast.project(counts[3], LAW_2010, draws=1000, seed=1)
    line("project_2010_1000_draws_2_threads", time.perf_counter() - started, "s")
    models = {"default": forecast.Settings(),
              "former_default": forecast.Settings(constituency_error=0.05)}
    for k, settings in models.items():
        for c in counts[:-1]:
            counted = replace(c, constituencies=tuple(
                x for x in c.constituencies if any(g.counted for g in x.groups)))
            a = forecast.assess(forecast.project(counted, LAW_2010, draws=BACKTEST_2010_DRAWS,
                                                 seed=c.number, settings=settings), final)
            tag = f"backtest_2010_{k}_release{c.number}"
            line(f"{tag}_governorates_projected", len(counted.constituencies), "governorates")
            if len(counted.constituencies) == len(c.constituencies):
                line(f"{tag}_lists_in_play", a.lists, "lists")
                line(f"{tag}_lists_coverage80", a.lists_covered80 / a.lists, "share")
                line(f"{tag}_lists_claimed80", a.lists_claimed80 / a.lists, "share")
                line(f"{tag}_lists_coverage95", a.lists_covered95 / a.lists, "share")
                line(f"{tag}_lists_claimed95", a.lists_claimed95 / a.lists, "share")
                line(f"{tag}_brier_largest", a.brier, "score")
            line(f"{tag}_seats_in_play", a.seats, "constituency-lists")
            line(f"{tag}_seats_coverage80", a.seats_covered80 / max(a.seats, 1), "share")
            line(f"{tag}_seats_coverage95", a.seats_covered95 / max(a.seats, 1), "share")


if __name__ == "__main__":
    speed()
    presets()
    agreements_and_bonus()
    tiered_laws()
    backtest_2025()
    backtest_2010()
    line("load_average_1min_after", os.getloadavg()[0], "processes")
