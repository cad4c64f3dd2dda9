"""Forensics on the count: digit tests, fingerprints, round-percentage spikes and outlier
stations, each calibrated on simulated clean nights at the same stations, so its false-positive
rate is measured, not assumed. Flagged stations make a review queue; nothing is changed.

Calibration (docs/audit.md): the clean nights are split in two. On the first half a constituency
test's statistic is standardised per constituency (leave-one-night-out mean and sd) and its
threshold set at the (1 − alpha) quantile over constituencies and nights; a station test's
threshold at the (1 − station_rate) quantile over stations and nights. The second half, never
used to set anything, measures each test's false-positive rate as stated.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from majlis.errors import InputError, Problem

from ._measures import BINS, Bools, Measures, measure
from ._simulate import CLEAN, Block, CleanModel, Floats, simulate

CONSTITUENCY_TESTS = {
    "last-digit": "last digits of list votes (10 and more) against uniform, χ²",
    "second-digit": "second digits of list votes (10 and more) against Benford's law (2BL), χ²",
    "round-percentages": "share of stations whose turnout or leading list's share is a round "
                         "5 % step",
    "fingerprint": "share of stations with both turnout and the leading list's share above "
                   "robust z 2 (the fingerprint's upper-right smear)",
}
STATION_TESTS = {
    "outlier": "largest robust z-score of turnout, invalid share and each list's share among "
               "the stations of its voting type and constituency",
    "round": "turnout and leading list's share both round, in a constituency whose "
             "round-percentages test fires",
    "corner": "in the fingerprint's upper-right smear, in a constituency whose fingerprint "
              "test fires",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class StationResult:
    """One station's counted figures, as forensics reads them."""

    station: str
    centre: str
    constituency: str
    voting_type: str
    registered: int
    cast: int
    invalid: int
    votes: Mapping[str, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class TestSummary:
    """One test: what it measures, its threshold, and its false-positive rate measured on
    held-out clean nights (per constituency and night, or per station), with how many units
    that rate was measured on, its one-sided 95 % upper bound (Wilson) and how many units it
    flags in the night audited."""

    name: str
    unit: str  # "constituency" or "station"
    measures: str
    threshold: float
    false_positive_rate: float
    bound: float
    held_out: int
    flagged: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """A constituency test's result in one constituency: the statistic, its z against clean
    nights there, and whether it passes the threshold."""

    test: str
    constituency: str
    statistic: float
    z: float
    flagged: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Flag:
    """A station in the review queue: the tests that flag it and its outlier score."""

    station: str
    centre: str
    constituency: str
    voting_type: str
    tests: tuple[str, ...]
    score: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Fingerprint:
    """The night's turnout × leading-list-share histogram (BINS × BINS bins of 10 %, turnout by
    row), observed and the clean nights' mean, every constituency added up."""

    observed: tuple[tuple[int, ...], ...]
    clean: tuple[tuple[float, ...], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Forensics:
    """Every test, its findings and the review queue, with the seed and nights behind them."""

    seed: int
    nights: int
    alpha: float
    station_rate: float
    model: CleanModel
    stations: int
    tests: tuple[TestSummary, ...]
    findings: tuple[Finding, ...]
    queue: tuple[Flag, ...]
    fingerprint: Fingerprint


def forensics(stations: Iterable[StationResult], *, seed: int = 0, nights: int = 20,
              alpha: float = 0.05, station_rate: float = 0.001,
              model: CleanModel = CLEAN) -> Forensics:
    """Run every test on `stations` against `nights` clean nights drawn with `seed`."""
    blocks = _blocks(stations)
    problems = [Problem(source="forensics", line=None, field=f, message=m) for f, bad, m in (
        ("stations", not blocks, "no counted station to test"),
        ("nights", nights < 6, f"{nights} clean nights: at least 6 (half set, half measure)"),
        ("alpha", not 0 < alpha < 1, f"{alpha}: a rate between 0 and 1"),
        ("station-rate", not 0 < station_rate < 1, f"{station_rate}: a rate between 0 and 1"))
        if bad]
    if problems:
        raise InputError(problems)
    streams = np.random.SeedSequence(seed).spawn(len(blocks))  # one per constituency, in order

    def night(i: int) -> tuple[Measures, Measures]:
        rng = np.random.default_rng(streams[i])
        return measure(blocks[i]), measure(simulate(blocks[i], nights, rng, model))

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # NumPy frees the GIL
        measured = list(pool.map(night, range(len(blocks))))
    observed, clean = [m for m, _ in measured], [m for _, m in measured]
    half = nights // 2
    findings: list[Finding] = []
    tests: list[TestSummary] = []
    fired: dict[str, dict[str, bool]] = {}
    fired_clean: dict[str, Bools] = {}
    sizes = np.array([1 / len(b.codes) for b in blocks])  # a share's least spread: one station
    for name, field in zip(CONSTITUENCY_TESTS, ("last_digit", "second_digit", "round_share",
                                                "corner_share"), strict=True):
        seen = np.array([getattr(m, field)[0] for m in observed])
        sims = np.array([getattr(m, field) for m in clean])  # constituencies × nights
        floor = sizes if field.endswith("share") else np.ones(len(blocks))  # χ²: one unit
        z_seen, z_held, threshold = _standardised(seen, sims[:, :half], sims[:, half:], alpha,
                                                  floor)
        fired[name] = {b.name: bool(z > threshold) for b, z in zip(blocks, z_seen, strict=True)}
        fired_clean[name] = z_held > threshold
        findings += [Finding(test=name, constituency=b.name, statistic=float(s), z=float(z),
                             flagged=bool(z > threshold))
                     for b, s, z in zip(blocks, seen, z_seen, strict=True)]
        tests.append(TestSummary(name=name, unit="constituency", measures=CONSTITUENCY_TESTS[name],
                                 threshold=threshold,
                                 false_positive_rate=float(fired_clean[name].mean()),
                                 bound=upper_bound(int(fired_clean[name].sum()),
                                                   fired_clean[name].size),
                                 held_out=fired_clean[name].size,
                                 flagged=sum(fired[name].values())))
    scores = np.concatenate([m.outlier[:half].ravel() for m in clean])
    cut = float(np.quantile(scores, 1 - station_rate, method="higher"))
    flags: dict[str, dict[tuple[int, int], None]] = {}
    held_flags: dict[str, list[Bools]] = {t: [] for t in STATION_TESTS}
    for i, (b, seen_m, clean_m) in enumerate(zip(blocks, observed, clean, strict=True)):
        rules = {"outlier": (seen_m.outlier[0] > cut, clean_m.outlier[half:] > cut),
                 "round": _gated(seen_m, clean_m, "both_round", fired["round-percentages"][b.name],
                                 fired_clean["round-percentages"][i], half),
                 "corner": _gated(seen_m, clean_m, "corner", fired["fingerprint"][b.name],
                                  fired_clean["fingerprint"][i], half)}
        for test, (now, held) in rules.items():
            held_flags[test].append(held.ravel())
            for row in np.flatnonzero(now):
                flags.setdefault(test, {})[(i, int(row))] = None
    for test, parts in held_flags.items():
        rate = np.concatenate(parts)
        tests.append(TestSummary(name=test, unit="station", measures=STATION_TESTS[test],
                                 threshold=cut if test == "outlier" else 0.5,
                                 false_positive_rate=float(rate.mean()),
                                 bound=upper_bound(int(rate.sum()), rate.size), held_out=rate.size,
                                 flagged=len(flags.get(test, {}))))
    return Forensics(seed=seed, nights=nights, alpha=alpha, station_rate=station_rate,
                     model=model, stations=sum(len(b.codes) for b in blocks), tests=tuple(tests),
                     findings=tuple(findings), queue=_queue(blocks, observed, flags),
                     fingerprint=_fingerprint(observed, clean))


def upper_bound(flagged: int, units: int, z: float = 1.6449) -> float:
    """Wilson's one-sided upper confidence bound (95 % at the default z) for a rate seen as
    `flagged` of `units`: what the false-positive rate may be at most, given the held-out sample."""
    p = flagged / units
    centre = p + z * z / (2 * units)
    spread = z * math.sqrt(p * (1 - p) / units + z * z / (4 * units * units))
    return min(1.0, (centre + spread) / (1 + z * z / units))


def _blocks(stations: Iterable[StationResult]) -> list[Block]:
    """The stations as one array block per constituency (in name order, stations in code
    order); every list any station of the constituency reports is a column."""
    grouped: dict[str, list[StationResult]] = {}
    for s in stations:
        grouped.setdefault(s.constituency, []).append(s)
    blocks = []
    for name, members in sorted(grouped.items()):
        members.sort(key=lambda s: s.station)
        lists = tuple(sorted({p for s in members for p in s.votes}))
        types = tuple(sorted({s.voting_type for s in members}))
        blocks.append(Block(
            name=name, codes=tuple(s.station for s in members),
            centres=tuple(s.centre for s in members), types=types, lists=lists,
            general=types.index("general") if "general" in types else -1,
            group=np.array([types.index(s.voting_type) for s in members], dtype=np.int64),
            registered=np.array([s.registered for s in members], dtype=np.int64),
            cast=np.array([[s.cast for s in members]], dtype=np.int64),
            invalid=np.array([[s.invalid for s in members]], dtype=np.int64),
            votes=np.array([[[s.votes.get(p, 0) for p in lists] for s in members]],
                           dtype=np.int64).reshape(1, len(members), len(lists))))
    return blocks


def _standardised(seen: Floats, setting: Floats, held: Floats, alpha: float, floor: Floats
                  ) -> tuple[Floats, Floats, float]:
    """z of the observed and held-out statistics against the setting nights' mean and sd per
    constituency, and the threshold: the (1 − alpha) quantile of the setting nights' own z, each
    night left out of the mean and sd it is measured against (as a new night would be). An sd
    below `floor` (a share's is one station, a χ²'s one unit) counts as `floor`: a statistic
    every clean night gives alike must not make one station more a finding."""
    k = setting.shape[1]
    mean, sd = setting.mean(axis=1), np.maximum(setting.std(axis=1, ddof=1), floor)
    loo_mean = (setting.sum(axis=1, keepdims=True) - setting) / (k - 1)
    loo_sd = np.maximum(np.sqrt(np.maximum(
        ((setting**2).sum(axis=1, keepdims=True) - setting**2 - (k - 1) * loo_mean**2)
        / (k - 2), 0.0)), floor[:, None])
    threshold = float(np.quantile((setting - loo_mean) / loo_sd, 1 - alpha, method="higher"))
    return (seen - mean) / sd, (held - mean[:, None]) / sd[:, None], threshold


def _gated(seen: Measures, clean: Measures, field: str, fires: bool, fires_clean: Bools,
           half: int) -> tuple[Bools, Bools]:
    """A station test that counts only where its constituency's test fires, observed and on
    the held-out clean nights."""
    now: Bools = getattr(seen, field)[0] & fires
    held: Bools = getattr(clean, field)[half:] & fires_clean[:, None]
    return now, held


def _queue(blocks: list[Block], observed: list[Measures],
           flags: Mapping[str, Mapping[tuple[int, int], None]]) -> tuple[Flag, ...]:
    """Flagged stations, highest outlier score first, then by code."""
    tests: dict[tuple[int, int], list[str]] = {}
    for test in STATION_TESTS:
        for at in flags.get(test, {}):
            tests.setdefault(at, []).append(test)
    queue = [Flag(station=blocks[i].codes[row], centre=blocks[i].centres[row],
                  constituency=blocks[i].name,
                  voting_type=blocks[i].types[int(blocks[i].group[row])], tests=tuple(names),
                  score=float(observed[i].outlier[0, row]))
             for (i, row), names in tests.items()]
    return tuple(sorted(queue, key=lambda f: (-f.score, f.station)))


def _fingerprint(observed: list[Measures], clean: list[Measures]) -> Fingerprint:
    seen = sum((m.histogram[0] for m in observed), np.zeros((BINS, BINS), dtype=np.int64))
    mean = sum((m.histogram.mean(axis=0) for m in clean), np.zeros((BINS, BINS)))
    return Fingerprint(observed=tuple(tuple(int(x) for x in row) for row in seen),
                       clean=tuple(tuple(round(float(x), 1) for x in row) for row in mean))
