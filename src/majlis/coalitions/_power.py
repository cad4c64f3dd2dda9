"""Banzhaf and Shapley–Shubik power, exactly, by generating functions in the sum of seats.

The coalitions of a game are counted by size and weight with one polynomial,
∏ (1 + y·x^w) truncated below the quota: a table of (lists + 1) × quota whole numbers. A
list's swings — coalitions of the others that lose without it and win with it — are read from
that table after dividing out the list's own factor, which reduces to an alternating sum of
prefix sums: O(n² · quota) work in all, never 2^n. Counts stay whole numbers: in NumPy's uint64
(exact modulo 2^64, enough below 65 lists) and, for larger games, also modulo primes below
2^31, joined by the Chinese remainder theorem.

The work is pseudo-polynomial: the table grows with the quota, so a seat table of 4·10⁸ seats
per list once took 24 GB. A game whose tables would pass MAX_TABLE_BYTES is refused
(InputError) before any is made; every real house (a few hundred seats, a few dozen lists)
needs a few kilobytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import reduce
from math import ceil, factorial, gcd

import numpy as np
from numpy.typing import NDArray

from majlis.errors import InputError, Problem

from ._game import Game, Quota, quota_of
from ._modular import exactly

REDUCE_EVERY = 30  # counts below 2^31 may double 30 times within int64
MAX_TABLE_BYTES = 2**30  # about 1 GB: the tables of one game, largest at once


@dataclass(frozen=True, slots=True, kw_only=True)
class Power:
    """Each list's power in one game, exact.

    `swings` is the raw Banzhaf count: the coalitions of the other lists that the list turns
    from losing into winning — how often it is the kingmaker. The indices are shares that sum to 1
    (or are all 0 when no coalition can reach the quota).
    """

    game: Game
    swings: Mapping[str, int]
    banzhaf: Mapping[str, Fraction]
    shapley_shubik: Mapping[str, Fraction]


def power(game: Game) -> Power:
    """Normalised Banzhaf and Shapley–Shubik indices of every list, as exact fractions."""
    names = game.lists
    weights, quota = _reduced(tuple(game.seats[p] for p in names), game.quota)
    n = len(weights)
    by_size = _swings_by_size(weights, quota)
    swings = {p: sum(by_size[w]) for p, w in zip(names, weights, strict=True)}
    orders = [factorial(k) * factorial(n - 1 - k) for k in range(n)]
    shapley = {w: Fraction(sum(c * o for c, o in zip(counts, orders, strict=True)), factorial(n))
               for w, counts in by_size.items()}
    total = sum(swings.values())
    return Power(
        game=game,
        swings=swings,
        banzhaf={p: Fraction(s, total) if total else Fraction(0) for p, s in swings.items()},
        shapley_shubik={p: shapley[w] for p, w in zip(names, weights, strict=True)},
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpectedPower:
    """Indices averaged over seat draws (a projection): estimates, hence floats.

    `distinct` counts the different seat tables among the draws: each is computed once.
    """

    lists: tuple[str, ...]
    draws: int
    distinct: int
    banzhaf: Mapping[str, float]
    shapley_shubik: Mapping[str, float]


def expected_power(lists: tuple[str, ...], draws: NDArray[np.integer],
                   quota: Quota = "majority") -> ExpectedPower:
    """Mean indices over an array of seat draws (draws × lists); the quota is applied to each
    draw's house."""
    table = np.asarray(draws, dtype=np.int64)
    if table.ndim != 2 or table.shape[1] != len(lists):
        raise InputError([Problem(source="draws", line=None, field="shape",
                                  message=f"draws must be an array of draws × {len(lists)} lists,"
                                  f" not {' × '.join(map(str, table.shape))}")])
    if (table < 0).any():
        raise InputError([Problem(source="draws", line=None, field="seats",
                                  message="seats cannot be negative")])
    unique, counts = np.unique(table, axis=0, return_counts=True)
    banzhaf = np.zeros(len(lists))
    shapley = np.zeros(len(lists))
    for row, count in zip(unique.tolist(), counts.tolist(), strict=True):
        b, s = _float_indices(tuple(row), quota_of(quota, sum(row)))
        banzhaf += count * b
        shapley += count * s
    n_draws = len(table)
    return ExpectedPower(
        lists=lists, draws=n_draws, distinct=len(unique),
        banzhaf=dict(zip(lists, (banzhaf / n_draws).tolist(), strict=True)),
        shapley_shubik=dict(zip(lists, (shapley / n_draws).tolist(), strict=True)),
    )


def _float_indices(seats: tuple[int, ...], quota: int) -> tuple[NDArray[np.float64],
                                                                NDArray[np.float64]]:
    """One draw's indices as floats from exact counts — the projection's inner loop."""
    weights, quota = _reduced(seats, quota)
    n = len(weights)
    by_size = _swings_by_size(weights, quota)
    counts = np.array([by_size[w] for w in weights], dtype=np.float64)
    orders = np.array([factorial(k) * factorial(n - 1 - k) / factorial(n) for k in range(n)])
    raw = counts.sum(axis=1)
    total = raw.sum()
    banzhaf = raw / total if total else raw
    return banzhaf, counts @ orders


def _reduced(weights: tuple[int, ...], quota: int) -> tuple[tuple[int, ...], int]:
    """The same game with smaller numbers: weights over their common divisor, none above the
    quota (a list that wins alone is the same player at any larger weight)."""
    divisor = reduce(gcd, weights, 0) or 1
    quota = ceil(Fraction(quota, divisor))
    return tuple(min(w // divisor, quota) for w in weights), quota


def _swings_by_size(weights: tuple[int, ...], quota: int) -> dict[int, list[int]]:
    """For each distinct weight, the swings of a list of that weight by the number of other
    lists in the coalition it joins (0 … n-1)."""
    n = len(weights)
    values = sorted(set(weights))
    if quota > sum(weights):
        return {v: [0] * n for v in values}
    _check_size(n, quota, values)
    flat = exactly(lambda modulus: _band_counts(weights, quota, values, modulus), n)
    return {v: flat[i * n:(i + 1) * n] for i, v in enumerate(values)}


def _check_size(n: int, quota: int, values: list[int]) -> None:
    """Refuse a game whose counting tables would not fit in MAX_TABLE_BYTES: `_band_counts`
    holds about three (lists + 1) × quota tables at once, then about five of
    weights × lists × shifts for the alternating sums."""
    shifts = min(n, max(ceil(quota / v) for v in values if v))
    needed = 8 * max(3 * (n + 1) * (quota + 1), 5 * len(values) * n * shifts)
    if needed > MAX_TABLE_BYTES:
        raise InputError([Problem(
            source="game", line=None, field="seats",
            message=f"{n:,} parties and a quota of {quota:,} seats (after dividing out the "
            f"seats' common factor) need about {needed / 2**20:,.0f} MB to count exactly; "
            f"at most {MAX_TABLE_BYTES / 2**20:,.0f} MB are allowed")])


def _band_counts(weights: tuple[int, ...], quota: int, values: list[int],
                 modulus: int | None) -> NDArray[np.integer]:
    """Swings by size for each weight in `values`, modulo 2^64 (uint64) or a prime < 2^31.

    table[k, t] counts coalitions of k lists and weight t < quota. Without one list of
    weight v the table is table / (1 + y·x^v) = Σ_j (-1)^j y^j x^(jv) · table, and its swings
    are the coalitions of weight in [quota - v, quota): differences of prefix sums.
    """
    n = len(weights)
    dtype = np.uint64 if modulus is None else np.int64
    table = np.zeros((n + 1, quota), dtype=dtype)
    table[0, 0] = 1
    for done, w in enumerate(weights, 1):
        table[1:, w:] += table[:-1, :quota - w]
        if modulus is not None and done % REDUCE_EVERY == 0:
            table %= modulus
    prefix = np.zeros((n + 1, quota + 1), dtype=dtype)
    if modulus is None:
        np.cumsum(table, axis=1, out=prefix[:, 1:])
    else:
        np.cumsum(table % modulus, axis=1, out=prefix[:, 1:])
        prefix %= modulus
    value = np.array(values, dtype=np.int64)[:, None]
    shifts = min(n, max(ceil(quota / v) for v in values if v))
    j = np.arange(shifts)[None, :]
    high = np.clip(quota - j * value, 0, quota)[:, None, :]
    low = np.clip(quota - (j + 1) * value, 0, quota)[:, None, :]
    rows = np.arange(n)[:, None] - j
    valid = rows >= 0
    row = np.where(valid, rows, 0)[None, :, :]
    terms = prefix[row, high] - prefix[row, low]
    zero = np.zeros((), dtype=dtype)
    even = np.where(valid & (j % 2 == 0), terms, zero).sum(axis=2, dtype=dtype)
    odd = np.where(valid & (j % 2 == 1), terms, zero).sum(axis=2, dtype=dtype)
    swings: NDArray[np.integer] = even - odd
    return swings if modulus is None else np.remainder(swings, modulus)
