"""Is a projection honest? Its intervals against the seats finally won, and its Brier score.

A list the projection is sure of (its 95 % interval a single seat total) and right about says
nothing of calibration and is left out; one it is sure of and wrong about counts as a miss.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from majlis.errors import InputError, Problem

from ._project import Projection

__all__ = ["Assessment", "assess", "count_order_error"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Assessment:
    """How one projection's intervals fared: nationally per list and per constituency and list,
    the cases in play and how many each interval covered; the Brier score of "largest list"
    (summed over lists: 0 is a sure right call, 2 a sure wrong one).

    Seat totals are whole numbers, so an "80 %" interval holds at least 80 % of the draws;
    `lists_claimed80` sums the share it really holds over the lists in play — the coverage the
    projection itself expects, to set the observed coverage against.
    """

    release: int
    lists: int
    lists_covered80: int
    lists_covered95: int
    lists_claimed80: float
    lists_claimed95: float
    seats: int
    seats_covered80: int
    seats_covered95: int
    brier: float


def _in_play(interval95: tuple[int, int], truth: int) -> bool:
    """Unless the projection was sure of the seats (one total in its 95 % interval) and right."""
    return interval95[0] < interval95[1] or not interval95[0] <= truth <= interval95[1]


def _covered(cases: Iterable[tuple[tuple[int, int], tuple[int, int], int]]) -> tuple[int, ...]:
    """(in play, covered by the 80 % interval, covered by the 95 % interval)."""
    counts = [0, 0, 0]
    for i80, i95, truth in cases:
        if _in_play(i95, truth):
            counts[0] += 1
            counts[1] += i80[0] <= truth <= i80[1]
            counts[2] += i95[0] <= truth <= i95[1]
    return tuple(counts)


def assess(projection: Projection, final: Mapping[str, Mapping[str, int]]) -> Assessment:
    """Score `projection` against the final seats, per constituency and list (`final`); an
    upper tier's seats, under the tier's name, count toward the lists' national totals."""
    national: dict[str, int] = {}
    for seats in final.values():
        for p, n in seats.items():
            national[p] = national.get(p, 0) + n
    lists = _covered((x.interval80, x.interval95, national.get(x.name, 0))
                     for x in projection.lists)
    claimed = [0.0, 0.0]
    for x in projection.lists:
        if _in_play(x.interval95, national.get(x.name, 0)):
            for i, (a, b) in enumerate((x.interval80, x.interval95)):
                claimed[i] += sum(x.distribution[a:b + 1]) / projection.draws
    pairs = _covered((c.interval80[p], c.interval95[p], final.get(c.name, {}).get(p, 0))
                     for c in projection.constituencies for p in c.interval80)
    real = [x for x in projection.lists if x.name not in projection.not_lists]
    contenders = {x.name: national.get(x.name, 0) for x in real}
    top = max(contenders.values(), default=0)
    winners = [p for p, n in contenders.items() if n == top]
    brier = sum((x.largest - (1 / len(winners) if x.name in winners else 0.0)) ** 2
                for x in real)
    return Assessment(release=projection.release, lists=lists[0], lists_covered80=lists[1],
                      lists_covered95=lists[2], lists_claimed80=claimed[0],
                      lists_claimed95=claimed[1], seats=pairs[0], seats_covered80=pairs[1],
                      seats_covered95=pairs[2], brier=brier)


def count_order_error(counts: Iterable[Iterable[Mapping[str, int]]], *,
                      floor: float = 0.05) -> tuple[float, int]:
    """How unlike the votes counted before are the votes a count adds — the constituency error a
    night counted in such an order needs — and on how many cases it rests.

    `counts` holds, per constituency, its successive cumulative counts (list → votes; a list
    missing from a count has none). For each step and each list with at least `floor` of the
    votes before it, the case is the log of the list's share among the votes the step added over
    its share before (a list that gained nothing is infinitely far). The error is their median
    absolute value ÷ 0.6745: the standard deviation of a normal error centred on no drift,
    estimated so that a few lists that gained nothing cannot make it infinite."""
    cases: list[float] = []
    for steps in counts:
        for before, after in itertools.pairwise(steps):
            lists = sorted(set(before) | set(after))
            had = sum(before.values())
            added = {p: after.get(p, 0) - before.get(p, 0) for p in lists}
            gained = sum(added.values())
            if had <= 0 or gained <= 0:
                continue
            for p in lists:
                share = before.get(p, 0) / had
                if share >= floor:
                    cases.append(abs(math.log(added[p] / gained / share)) if added[p] > 0
                                 else math.inf)
    if not cases:
        raise InputError([Problem(source="counts", line=None, field="floor", message=(
            "no count adds votes to a list holding the floor's share before it"))])
    return statistics.median(cases) / 0.6745, len(cases)
