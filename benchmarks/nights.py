"""Projections on real nights: every bundled published night (`replay.NIGHTS`) played into a
store release by release, each release projected and scored against the official final seats —
beside the baselines a newsroom would otherwise read: the seats the votes counted so far give
(what the authority's site shows) and, where the feed carried one, the authority's own
prognosis (Norway 2021: Valgdirektoratet's projected seats, constituency and levelling).

Scored are the releases in which every constituency has votes counted (before that the
national totals are not comparable). Per release: the mean absolute error of each list's seats
(lists that won a seat or that the projection or a baseline gives one), and whether the
projection's 80 % and 95 % intervals hold the final seats; then, over the releases from 80 %
of the count, how often the projection is at least as close as each baseline. Parameters are
the forecast's defaults, fitted on no real night: every figure here is out of sample.
Prints `name: value unit`; DRAWS per release, seed the release number.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Mapping

from majlis import data, forecast, publish, replay
from majlis.tally import Store, national

DRAWS = 2_000


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


def backtest(name: str) -> None:
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
    scored = late = model_best_counted = model_best_authority = 0
    covered80 = covered95 = in_play = 0
    started = time.perf_counter()
    for report in reports:
        results = report.release.results
        if any(not any(c.votes.values()) for c in results if c.name in law.magnitudes):
            continue
        count = publish.release_count(report.release, stations)
        projection = forecast.project(count, law, draws=DRAWS, seed=report.release.number)
        share = national(results).counted / national(results).stations
        ours = error({x.name: x.expected for x in projection.lists}, final)
        counted = error(report.allocation.totals(), final)
        stamp = report.wave.at.replace(tzinfo=None).isoformat()
        theirs = authority.get(max((t for t in authority if t <= stamp), default=""))
        for x in projection.lists:
            truth = final.get(x.name, 0)
            if truth or x.interval95 != (0, 0):
                in_play += 1
                covered80 += x.interval80[0] <= truth <= x.interval80[1]
                covered95 += x.interval95[0] <= truth <= x.interval95[1]
        scored += 1
        tag = f"{name}_release{report.release.number:02d}"
        line(f"{tag}_counted", share, "share")
        line(f"{tag}_mae_projection", ours, "seats/list")
        line(f"{tag}_mae_counted_so_far", counted, "seats/list")
        if theirs is not None:
            line(f"{tag}_mae_authority_prognosis", error(theirs, final), "seats/list")
        if share >= 0.8:
            late += 1
            model_best_counted += ours <= counted
            model_best_authority += theirs is None or ours <= error(theirs, final)
    line(f"{name}_projection_time", time.perf_counter() - started, "s")
    line(f"{name}_releases_scored", scored, "releases")
    line(f"{name}_lists_coverage80", covered80 / max(in_play, 1), "share")
    line(f"{name}_lists_coverage95", covered95 / max(in_play, 1), "share")
    line(f"{name}_releases_from_80pct", late, "releases")
    line(f"{name}_from_80pct_projection_at_least_as_close_as_counted", model_best_counted,
         "releases")
    if authority:
        line(f"{name}_from_80pct_projection_at_least_as_close_as_authority",
             model_best_authority, "releases")


def main() -> None:
    line("cores", os.cpu_count() or 1, "cores")
    line("draws_per_release", DRAWS, "draws")
    for name in replay.NIGHTS:
        backtest(name)


if __name__ == "__main__":
    main()
