"""What a replay is built from: each constituency's totals, and where every figure came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ._synthesis import Totals

OTHER_LISTS = "Other lists (not published)"


@dataclass(frozen=True, slots=True, kw_only=True)
class Provenance:
    """One figure of the plan: official (with its source) or synthesised (with how)."""

    constituency: str
    figure: str
    value: int
    status: str  # "official", "derived" (arithmetic on official figures) or "synthesised"
    how: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """An election to replay: the law it is counted under, each constituency's totals, the
    candidates' rules, and the provenance of every figure."""

    name: str
    law: str
    day: str
    constituencies: tuple[Totals, ...]
    magnitudes: Mapping[str, int]
    centre_size: float
    women_share: float
    provenance: tuple[Provenance, ...]


def largest_remainder(total: int, weights: Mapping[str, float], *, at_least_one: bool = False
                      ) -> dict[str, int]:
    """`total` units over the keys in proportion to the weights (Hamilton's method, ties by key
    order) — how stations are shared out in proportion to registration. With `at_least_one`,
    every key of positive weight gets one unit first (a camp of five voters still has a
    station)."""
    keys = list(weights)
    w = np.array([weights[k] for k in keys], dtype=np.float64)
    base = (w > 0).astype(np.int64) if at_least_one else np.zeros(len(keys), dtype=np.int64)
    rest = total - int(base.sum())
    if rest < 0 or w.sum() <= 0:
        raise ValueError(f"cannot share {total} units over {keys}")
    exact = rest * w / w.sum()
    floor = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - floor), kind="stable")
    floor[order[:rest - int(floor.sum())]] += 1
    return {k: int(n) for k, n in zip(keys, base + floor, strict=True)}
