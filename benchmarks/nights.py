"""Projections on real nights: every bundled published night (`replay.NIGHTS`) played into a
store release by release, each release projected and scored against the official final seats —
beside the baselines a newsroom would otherwise read: the seats the votes counted so far give
(what the authority's site shows) and, where the feed carried one, the authority's own
prognosis (Norway 2021: Valgdirektoratet's projected seats, constituency and levelling).

Scored are the releases in which every constituency has votes counted (before that the
national totals are not comparable) and a point more of the counting units is counted than at
the last release scored (Norway 2025 made 316 releases over nine days, most of them the final
count's small steps), up to the first with every unit counted (after it only the final count's
corrections change the figures, and the projection has nothing left to project). Per release:
the mean absolute error of each list's seats (lists that won a seat or that the projection or
a baseline gives one), whether the projection's 80 % and 95 % intervals hold the final seats,
and the Brier score of the largest list (summed over lists: 0 a sure right call, 2 a sure
wrong one); then, over the releases from 80 % of the count, how often the projection is at
least as close as each baseline. Parameters are the forecast's defaults, fitted on no real
night: every figure here is out of sample (leave-one-night-out and in-sample are the same
figures). Prints `name: value unit`; DRAWS per release (BENCH_DRAWS),
seed the release number; BENCH_NIGHTS names some nights only (comma-separated).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from majlis import data, forecast, publish, replay
from majlis.tally import Store, national

DRAWS = int(os.environ.get("BENCH_DRAWS", "2000"))
STEP = 0.01  # more of the counting units counted than at the last release scored


def line(name: str, value: float, unit: str) -> None:
    print(f"{name}: {value:.4g} {unit}", flush=True)


def prognosis(night: replay.Night) -> dict[str, dict[str, int]]:
    """The authority's own seat prognosis at each report time, nationally: each district's last
    projected seats (levelling seats included) summed (Norway's feed; none elsewhere)."""
    if night.name != "norway-2021":
        return {}
    by_time: dict[str, dict[str, dict[str, int]]] = {}
    for r in data.rows("nights/norway2021/party_snapshots.csv"):
        if r["party_code"] != "BLANKE":
            by_time.setdefault(r["rapport_generert"], {}).setdefault(r["district_nr"], {})[
                r["party_code"]] = int(r["projected_seats"])  # its levelling seat included
    out: dict[str, dict[str, int]] = {}
    latest: dict[str, dict[str, int]] = {}
    for at in sorted(by_time):
        latest |= by_time[at]
        totals: Counter[str] = Counter()
        for seats in latest.values():
            totals.update(seats)
        out[at] = dict(totals)
    return out


def error(seats: Mapping[str, float], final: Mapping[str, int]) -> float:
    """Mean absolute error of seats per list, over the lists either side gives a seat."""
    lists = {p for p, n in final.items() if n} | {p for p, n in seats.items() if n >= 0.5}
    return sum(abs(seats.get(p, 0) - final.get(p, 0)) for p in lists) / len(lists)


def brier(projection: forecast.Projection, final: Mapping[str, int]) -> float:
    """The Brier score of "largest list", summed over lists; a tie for largest in the final
    seats counts for each tied list equally."""
    top = max(final.values())
    largest = [p for p, n in final.items() if n == top]
    truth = {p: 1 / len(largest) for p in largest}
    return sum((x.largest - truth.get(x.name, 0.0)) ** 2 for x in projection.lists) + sum(
        t**2 for p, t in truth.items() if p not in projection.list_names)


@dataclass
class Score:
    """One way of projecting, scored over a night's releases."""

    releases: int = 0
    late: int = 0  # releases from 80 % counted
    best_counted: int = 0  # of those, at least as close as the count so far
    best_authority: int = 0  # … and as the authority's prognosis (where there is none: all)
    covered80: int = 0
    covered95: int = 0
    in_play: int = 0
    brier: float = 0.0

    def add(self, projection: forecast.Projection, final: Mapping[str, int], tag: str,
            share: float, baselines: Sequence[float]) -> float:
        """Score one release's projection; returns its mean absolute error."""
        ours = error({x.name: x.expected for x in projection.lists}, final)
        for x in projection.lists:
            truth = final.get(x.name, 0)
            if truth or x.interval95 != (0, 0):
                self.in_play += 1
                self.covered80 += x.interval80[0] <= truth <= x.interval80[1]
                self.covered95 += x.interval95[0] <= truth <= x.interval95[1]
        self.releases += 1
        score = brier(projection, final)
        self.brier += score
        line(f"{tag}_mae", ours, "seats/list")
        line(f"{tag}_brier_largest", score, "score")
        if share >= 0.8:
            self.late += 1
            self.best_counted += ours <= baselines[0]
            self.best_authority += all(ours <= b for b in baselines[1:])
        return ours

    def report(self, name: str, authority: bool) -> None:
        line(f"{name}_releases_scored", self.releases, "releases")
        line(f"{name}_lists_coverage80", self.covered80 / max(self.in_play, 1), "share")
        line(f"{name}_lists_coverage95", self.covered95 / max(self.in_play, 1), "share")
        line(f"{name}_brier_largest_mean", self.brier / max(self.releases, 1), "score")
        line(f"{name}_releases_from_80pct", self.late, "releases")
        line(f"{name}_from_80pct_at_least_as_close_as_counted", self.best_counted, "releases")
        if authority:
            line(f"{name}_from_80pct_at_least_as_close_as_authority", self.best_authority,
                 "releases")


def backtest(name: str) -> None:
    """Replay the night, project its releases from the store (by voting type in each
    constituency) and, where it reports by areas inside constituencies, from the same
    figures by area (`replay.by_area`); score both."""
    night = replay.real(name)
    law = data.law(night.law)
    store = Store("sqlite://", election=name)
    store.init()
    started = time.perf_counter()
    reports = replay.play(replay.waves(night, replay.register_night(night, store)), store, law,
                          lists=night.lists)
    line(f"{name}_replay_releases", len(reports), "releases")
    line(f"{name}_replay_time", time.perf_counter() - started, "s")
    final: Counter[str] = Counter()
    for seats in night.seats.values():
        final.update(seats)
    stations = store.stations()
    authority = prognosis(night)
    areas = any(s.area != s.constituency for s in night.snapshots)
    by_type, by_area = Score(), Score()
    previous = -1.0  # share of units counted at the last release scored
    started = time.perf_counter()
    for report in reports:
        results = report.release.results
        if any(not any(c.votes.values()) for c in results if c.name in law.magnitudes):
            continue
        share = national(results).counted / national(results).stations
        if share < min(previous + STEP, 1.0):
            continue
        if previous == 1.0:
            break  # every unit counted since the release before: the final count's corrections
        previous = share
        number = report.release.number
        tag = f"{name}_release{number:02d}"
        baselines = [error(report.allocation.totals(), final)]
        line(f"{tag}_counted", share, "share")
        line(f"{tag}_mae_counted_so_far", baselines[0], "seats/list")
        stamp = report.wave.at.replace(tzinfo=None).isoformat()
        theirs = authority.get(max((t for t in authority if t <= stamp), default=""))
        if theirs is not None:
            baselines.append(error(theirs, final))
            line(f"{tag}_mae_authority_prognosis", baselines[-1], "seats/list")
        count = publish.release_count(report.release, stations)
        by_type.add(forecast.project(count, law, draws=DRAWS, seed=number), final,
                    f"{tag}_projection", share, baselines)
        if areas:
            by_area.add(forecast.project(replay.by_area(night, report.wave.at, number), law,
                                         draws=DRAWS, seed=number),
                        final, f"{tag}_projection_by_area", share, baselines)
    line(f"{name}_projection_time", time.perf_counter() - started, "s")
    by_type.report(name, bool(authority))
    if areas:
        by_area.report(f"{name}_by_area", bool(authority))


def main() -> None:
    line("cores", os.cpu_count() or 1, "cores")
    line("draws_per_release", DRAWS, "draws")
    chosen = os.environ.get("BENCH_NIGHTS")
    for name in chosen.split(",") if chosen else replay.NIGHTS:
        backtest(name)


if __name__ == "__main__":
    main()
