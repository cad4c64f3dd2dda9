"""Station-level results made up from constituency totals — exactly to those totals.

No station-level Iraqi result is public, so the replay builds them. The model, per constituency:

- registered voters are split over its stations by a multinomial draw around equal sizes;
- each station's turnout varies around the constituency's (a Beta draw, sd `turnout_sd`), and the
  constituency's ballots cast are split over stations in proportion to registered × turnout;
- each station's list shares are a Dirichlet draw around the constituency's shares
  (concentration `cohesion`: lower means more local variation, as between urban and rural
  areas), and the station × list table is fitted to both margins (iterative proportional fitting)
  and rounded so that every station's valid votes and every list's total are exact.

Every random draw comes from one generator seeded by the caller, so a replay is reproducible.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Ints = NDArray[np.int64]


@dataclass(frozen=True, slots=True, kw_only=True)
class Totals:
    """What is known (or assumed) of one constituency, and how many stations it has."""

    name: str
    stations: int
    registered: int
    votes: Mapping[str, int]
    invalid: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Stations:
    """Made-up stations of one constituency: registered, cast, invalid and votes per list."""

    name: str
    lists: tuple[str, ...]
    registered: Ints
    cast: Ints
    invalid: Ints
    votes: Ints  # stations × lists


def split(total: int, weights: NDArray[np.float64], rng: np.random.Generator) -> Ints:
    """`total` over the weights' entries, as integers that add up exactly (a multinomial draw)."""
    p = weights / weights.sum()
    return rng.multinomial(total, p).astype(np.int64)


def fit(rows: Ints, columns: Ints, seed: NDArray[np.float64], rounds: int = 50) -> Ints:
    """An integer table with exactly these row and column sums, close to `seed`'s pattern.

    Iterative proportional fitting gives a real table with both margins; it is floored, and the
    units still missing go one at a time to the cells with the largest fractional parts whose row
    and column both still lack units — every row and column can take one from any other, so this
    always completes.
    """
    table = seed.astype(np.float64).copy() + 1e-12
    for _ in range(rounds):
        table *= _ratio(rows, table.sum(axis=1))[:, None]
        table *= _ratio(columns, table.sum(axis=0))[None, :]
    out = np.floor(table).astype(np.int64)
    row_left = rows - out.sum(axis=1)
    column_left = columns - out.sum(axis=0)
    order = np.argsort(-(table - out), axis=None, kind="stable")
    left = int(row_left.sum())
    while left:
        for cell in order:
            i, j = divmod(int(cell), table.shape[1])
            if row_left[i] > 0 and column_left[j] > 0:
                out[i, j] += 1
                row_left[i] -= 1
                column_left[j] -= 1
                left -= 1
                if not left:
                    break
    return out


def _ratio(want: Ints, have: NDArray[np.float64]) -> NDArray[np.float64]:
    """want ÷ have, 0 where nothing is had (an empty row or column stays empty)."""
    return np.divide(want, have, out=np.zeros_like(have), where=have > 0)


def synthesise(totals: Totals, rng: np.random.Generator, *, cohesion: float = 60.0,
               turnout_sd: float = 0.08) -> Stations:
    """Stations whose figures add up exactly to `totals`."""
    lists = tuple(totals.votes)
    valid = np.array([totals.votes[p] for p in lists], dtype=np.int64)
    cast_total = int(valid.sum()) + totals.invalid
    if cast_total > totals.registered:
        raise ValueError(f"{totals.name}: {cast_total} ballots cast but {totals.registered} "
                         "registered")
    n = totals.stations
    registered = split(totals.registered, rng.gamma(20.0, 1.0, n), rng)
    mean = cast_total / totals.registered
    k = max(mean * (1 - mean) / turnout_sd**2 - 1, 1.0)
    turnout = rng.beta(mean * k, (1 - mean) * k)
    cast = _capped(cast_total, np.asarray(registered * turnout, dtype=np.float64), registered,
                   rng)
    invalid = _capped(totals.invalid, cast.astype(np.float64), cast, rng)
    shares = valid / valid.sum() if valid.sum() else np.full(len(lists), 1 / len(lists))
    pattern = rng.dirichlet(cohesion * shares + 1e-3, size=n) * (cast - invalid)[:, None]
    votes = fit(cast - invalid, valid, pattern)
    return Stations(name=totals.name, lists=lists, registered=registered, cast=cast,
                    invalid=invalid, votes=votes)


def _capped(total: int, weights: NDArray[np.float64], cap: Ints,
            rng: np.random.Generator) -> Ints:
    """`total` split in proportion to `weights`, no entry above its cap (the excess moved on)."""
    out = split(total, np.maximum(weights, 1e-9), rng)
    over = np.maximum(out - cap, 0)
    while over.any():
        out -= over
        room = cap - out
        out += split(int(over.sum()), room.astype(np.float64) + 1e-9 * (room > 0), rng)
        over = np.maximum(out - cap, 0)
    return out
