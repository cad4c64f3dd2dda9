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
wrong one) and, under a levelling tier (Norway), of the levelling seats' placement (`placement`:
per county, the list its levelling seat goes to) beside the count so far's placement (and the
directorate's) as a sure forecast; then, over the releases from 80 % of the count, how often
the projection is at least as close as each baseline. Parameters are the forecast's
defaults, fitted on no real night. The one thing measured on a night is optional: Norway's late
advance votes (`late_votes`: their share and each list's lean, counted after the night and
shown by no count status), expected until the morning after in every advance group — measured
on the other Norwegian night (BENCH_LATE=other: leave one night out) or on the night scored
(BENCH_LATE=same: in sample); BENCH_LATE=none,other,same scores all three in one run. Prints
`name: value unit`; DRAWS per release (BENCH_DRAWS), seed the release number; BENCH_NIGHTS
names some nights only (comma-separated).
"""

from __future__ import annotations

import math
import os
import statistics
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from majlis import data, forecast, publish, replay
from majlis.tally import Store, VotingType, national

DRAWS = int(os.environ.get("BENCH_DRAWS", "2000"))
STEP = 0.01  # more of the counting units counted than at the last release scored
# Norway's late advance votes, one run each (comma-separated): not modelled ("none"), measured
# on the other Norwegian night ("other", out of sample) or on the night scored ("same", in sample).
LATE = os.environ.get("BENCH_LATE", "none").split(",")
NORWAY = ("norway-2021", "norway-2025")


def line(name: str, value: float, unit: str) -> None:
    print(f"{name}: {value:.4g} {unit}", flush=True)


@dataclass(frozen=True)
class Prognosis:
    """The authority's own prognosis at one report time: seats per list nationally, and where
    it placed each county's levelling seat."""

    seats: dict[str, int]
    placed: dict[str, dict[str, int]]


def prognosis(night: replay.Night) -> dict[str, Prognosis]:
    """The authority's own prognosis at each report time: each district's last projected seats
    (levelling seats included) summed, and its last projected levelling seats (Norway 2021's
    feed; none elsewhere)."""
    if night.name != "norway-2021":
        return {}
    county = {r["district_nr"]: r["district_name"]
              for r in data.rows("nights/norway2021/final_official_seats.csv")}
    by_time: dict[str, dict[str, dict[str, tuple[int, int]]]] = {}
    for r in data.rows("nights/norway2021/party_snapshots.csv"):
        if r["party_code"] != "BLANKE":  # seats with the levelling seat, and that seat
            moment = by_time.setdefault(r["rapport_generert"], {})
            moment.setdefault(county[r["district_nr"]], {})[r["party_code"]] = (
                int(r["projected_seats"]), int(r["projected_levelling_seats"]))
    out: dict[str, Prognosis] = {}
    latest: dict[str, dict[str, tuple[int, int]]] = {}
    for at in sorted(by_time):
        latest |= by_time[at]
        totals: Counter[str] = Counter()
        for seats in latest.values():
            totals.update({p: n for p, (n, _) in seats.items()})
        out[at] = Prognosis(seats=dict(totals), placed={
            c: {p: k for p, (_, k) in seats.items() if k} for c, seats in latest.items()})
    return out


def morning(night: replay.Night) -> datetime:
    """06:00 the morning after the first release: the end of the night's count."""
    first = night.snapshots[0].at
    return (first + timedelta(days=1)).replace(hour=6, minute=0, second=0, microsecond=0)


def late_votes(night: replay.Night) -> forecast.Late:
    """The advance votes a Norwegian night added after its morning (`morning`: the late
    advance votes counted the next day, which no count status of the night shows): their
    share of the advance votes published by then (its log-scale sd over the counties), and
    each list's lean, the log of its share among them over its share before (lists with 1 %
    of the advance votes and some added)."""
    before: dict[str, replay.Snapshot] = {}
    last: dict[str, replay.Snapshot] = {}
    for s in night.snapshots:
        last[s.area] = s
        if s.at <= morning(night):
            before[s.area] = s
    then: Counter[str] = Counter()
    now: Counter[str] = Counter()
    by_county: dict[str, list[int]] = {}
    for area, s in last.items():
        earlier = before[area].votes.get(VotingType.ADVANCE, {}) if area in before else {}
        latest = s.votes.get(VotingType.ADVANCE, {})
        then.update(earlier)
        now.update(latest)
        county = by_county.setdefault(s.constituency, [0, 0])
        county[0] += sum(earlier.values())
        county[1] += sum(latest.values())
    added = {p: now[p] - then[p] for p in now}
    had, gained = sum(then.values()), sum(added.values())
    lean = {p: math.log(added[p] / gained / (then[p] / had)) for p in then
            if then[p] >= 0.01 * had and added[p] > 0}
    spread = statistics.stdev(math.log((b - a) / a) for a, b in by_county.values() if b > a > 0)
    return forecast.Late(share=gained / had, lean=lean, share_sd=spread)


def with_late(count: forecast.ReleaseCount, late: forecast.Late) -> forecast.ReleaseCount:
    """The count with the late advance votes still to come in every advance group."""
    return replace(count, constituencies=tuple(replace(c, groups=tuple(
        replace(g, late=late) if g.voting_type == VotingType.ADVANCE.value else g
        for g in c.groups)) for c in count.constituencies))


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


def placement(placed: Mapping[str, Mapping[str, float]],
              final: Mapping[str, Mapping[str, int]]) -> float:
    """The Brier score of the levelling seats' placement: per county, summed over lists,
    (the forecast's chance that the county's levelling seat goes to the list − 1 if it went
    there, else 0)², averaged over the counties (0: every seat surely placed right, 2: every
    one surely wrong). A sure forecast (the count so far's) scores 2 per seat misplaced."""
    return sum(sum((placed.get(c, {}).get(p, 0) - truth.get(p, 0)) ** 2
                   for p in {*placed.get(c, {}), *truth}) for c, truth in final.items()
               ) / len(final)


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
    placement: float = 0.0  # summed over the releases from 80 %
    best_placement: int = 0  # from 80 %, releases at least as well placed as the count so far

    def add(self, projection: forecast.Projection, final: Mapping[str, int], tag: str,
            share: float, baselines: Sequence[float],
            placed: tuple[Mapping[str, Mapping[str, int]], float] | None = None) -> float:
        """Score one release's projection; returns its mean absolute error. `placed`, under a
        levelling tier: the final placement of the levelling seats, and the count so far's
        placement Brier score."""
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
        where = None
        if placed is not None:
            where = placement({c.name: c.placed for c in projection.constituencies}, placed[0])
            line(f"{tag}_brier_placement", where, "score")
        if share >= 0.8:
            self.late += 1
            self.best_counted += ours <= baselines[0]
            self.best_authority += all(ours <= b for b in baselines[1:])
            if placed is not None and where is not None:
                self.placement += where
                self.best_placement += where <= placed[1]
        return ours

    def report(self, name: str, authority: bool, placed: bool) -> None:
        line(f"{name}_releases_scored", self.releases, "releases")
        line(f"{name}_lists_coverage80", self.covered80 / max(self.in_play, 1), "share")
        line(f"{name}_lists_coverage95", self.covered95 / max(self.in_play, 1), "share")
        line(f"{name}_brier_largest_mean", self.brier / max(self.releases, 1), "score")
        line(f"{name}_releases_from_80pct", self.late, "releases")
        line(f"{name}_from_80pct_at_least_as_close_as_counted", self.best_counted, "releases")
        if authority:
            line(f"{name}_from_80pct_at_least_as_close_as_authority", self.best_authority,
                 "releases")
        if placed:
            line(f"{name}_from_80pct_brier_placement_mean", self.placement / max(self.late, 1),
                 "score")
            line(f"{name}_from_80pct_placement_at_least_as_good_as_counted", self.best_placement,
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
    levelling = bool(night.placed)
    variants: dict[str, forecast.Late | None] = {}  # name suffix → late votes expected
    for way in LATE if name in NORWAY else ["none"]:
        if way == "none":
            variants[""] = None
            continue
        other = name if way == "same" else next(n for n in NORWAY if n != name)
        measured = variants[f"_late_{way}"] = late_votes(replay.real(other))
        line(f"{name}_late_votes_from_{other}_share", measured.share, "of advance votes")
        line(f"{name}_late_votes_from_{other}_share_sd", measured.share_sd, "log")
        for p, x in sorted(measured.lean.items()):
            line(f"{name}_late_votes_from_{other}_lean_{p}", x, "log")
    scores = {v: (Score(), Score()) for v in variants}  # by voting type, by area
    counted_placement: list[float] = []  # the count so far's placement Brier, from 80 %
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
            baselines.append(error(theirs.seats, final))
            line(f"{tag}_mae_authority_prognosis", baselines[-1], "seats/list")
        placed = None
        if levelling and report.allocation.tier is not None:
            placed = (night.placed, placement(report.allocation.tier.placed, night.placed))
            line(f"{tag}_brier_placement_counted_so_far", placed[1], "score")
            if theirs is not None:
                line(f"{tag}_brier_placement_authority_prognosis",
                     placement(theirs.placed, night.placed), "score")
            if share >= 0.8:
                counted_placement.append(placed[1])
        for suffix, late in variants.items():
            count = publish.release_count(report.release, stations)
            area = replay.by_area(night, report.wave.at, number) if areas else None
            if late is not None and report.wave.at < morning(night):  # still to come
                count = with_late(count, late)
                area = with_late(area, late) if area is not None else None
            by_type, by_area = scores[suffix]
            by_type.add(forecast.project(count, law, draws=DRAWS, seed=number), final,
                        f"{tag}_projection{suffix}", share, baselines, placed)
            if area is not None:
                by_area.add(forecast.project(area, law, draws=DRAWS, seed=number), final,
                            f"{tag}_projection_by_area{suffix}", share, baselines, placed)
    line(f"{name}_projection_time", time.perf_counter() - started, "s")
    if counted_placement:
        line(f"{name}_from_80pct_brier_placement_counted_so_far_mean",
             sum(counted_placement) / len(counted_placement), "score")
    for suffix, (by_type, by_area) in scores.items():
        by_type.report(f"{name}{suffix}", bool(authority), levelling)
        if areas:
            by_area.report(f"{name}_by_area{suffix}", bool(authority), levelling)


def main() -> None:
    line("cores", os.cpu_count() or 1, "cores")
    line("draws_per_release", DRAWS, "draws")
    chosen = os.environ.get("BENCH_NIGHTS")
    for name in chosen.split(",") if chosen else replay.NIGHTS:
        backtest(name)


if __name__ == "__main__":
    main()
