"""Deegan–Packel, Holler and Johnston power, exactly, by dynamic programming in the sum of seats.

These indices share out coalitions among their critical members, those whose leaving makes the
coalition lose. With the lists in descending order of seats, a winning coalition's critical
members are its heavier ones: those weighing more than its surplus over the quota. Read from the
heaviest, a coalition is A (critical), c (its last critical member) and D (the rest, none
critical), and it has critical members exactly when

    quota + max(D) ≤ w(A) + w(c) + w(D) < quota + w(c)        (max(∅) = 0);

it is minimal winning — everyone critical — when D is empty. So each list's share is a sum over
(size, weight) of A: a forward table of the subsets before the list (kept by dividing the
list's own factor out of the product of all, going backwards) times a backward table of the
ways to complete them. O(n² · quota) work in all: never the 2^n coalitions, nor the minimal
winning ones, of which a long tail of one-seat lists makes billions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from math import lcm

import numpy as np
from numpy.typing import NDArray

from ._game import Game
from ._modular import exactly
from ._power import REDUCE_EVERY, _reduced


@dataclass(frozen=True, slots=True, kw_only=True)
class MinimalPower:
    """Indices built on minimal winning coalitions (Deegan–Packel, Holler) and on vulnerable
    winning coalitions (Johnston), exact; `minimal_winning` counts the former."""

    game: Game
    minimal_winning: int
    deegan_packel: Mapping[str, Fraction]
    holler: Mapping[str, Fraction]
    johnston: Mapping[str, Fraction]


def minimal_power(game: Game) -> MinimalPower:
    """Deegan–Packel (each minimal winning coalition shared equally among its members, then
    averaged), Holler (public good: a list's share of memberships in minimal winning
    coalitions) and Johnston (each vulnerable coalition shared among its critical members)."""
    weights, quota = _reduced(tuple(game.seats[p] for p in game.lists), game.quota)
    # lists without seats are never critical: they only double every vulnerable coalition
    order = sorted((i for i, w in enumerate(weights) if w), key=lambda i: -weights[i])
    seated = tuple(weights[i] for i in order)
    n = len(seated)
    whole = lcm(*range(1, n + 1))  # shares of 1/k, times this, are whole numbers
    flat = exactly(lambda modulus: _counts(seated, quota, whole, modulus),
                   n + whole.bit_length())
    holler, deegan, johnston = (flat[k * n:(k + 1) * n] for k in range(3))
    return MinimalPower(
        game=game,
        minimal_winning=flat[3 * n],
        deegan_packel=_normalised(game, order, deegan),
        holler=_normalised(game, order, holler),
        johnston=_normalised(game, order, johnston),
    )


def _normalised(game: Game, order: list[int], raw: list[int]) -> dict[str, Fraction]:
    total = sum(raw)
    share = dict(zip(order, raw, strict=True))
    return {p: Fraction(share.get(i, 0), total) if total else Fraction(0)
            for i, p in enumerate(game.lists)}


def _counts(weights: tuple[int, ...], quota: int, whole: int,
            modulus: int | None) -> NDArray[np.integer]:
    """Holler memberships, Deegan–Packel and Johnston shares (times `whole`) of each list —
    weights in descending order, none zero, none above the quota — then the number of minimal
    winning coalitions; modulo 2^64 (uint64) or a prime below 2^31 (int64).

    before[a, s]: subsets of the lists before the current one, by size a and weight s.
    after[k, a, s]: for index k, the completions of a critical prefix of a members weighing s,
    each counting its share of index k per critical member. suffix[x]: subsets of the lists
    after the current one by weight; tops[y]: those subsets without their heaviest member (and
    the empty set), which bound max(D) from below.
    """
    n, q = len(weights), quota
    dtype = np.uint64 if modulus is None else np.int64

    def reduced(table: NDArray[np.integer]) -> NDArray[np.integer]:
        return table if modulus is None else np.remainder(table, modulus, out=table)

    before = np.zeros((n + 1, q), dtype=dtype)
    before[0, 0] = 1
    for done, w in enumerate(weights, 1):
        before[1:, w:] += before[:-1, :q - w]
        if done % REDUCE_EVERY == 0:
            reduced(before)
    reduced(before)
    span = 1 << 64 if modulus is None else modulus
    split = np.array([whole // (a + 1) % span for a in range(n)] + [0], dtype=dtype)
    share = np.stack([np.ones(n + 1, dtype=dtype), split, split])[:, :, None]
    after = np.zeros((3, n + 1, q), dtype=dtype)
    suffix = np.zeros(q, dtype=dtype)
    suffix[0] = 1
    tops = suffix.copy()
    raw = np.zeros((3, n), dtype=dtype)
    weight = np.arange(q)
    for i in range(n - 1, -1, -1):
        w = weights[i]
        for a in range(1, n + 1):
            before[a, w:] -= before[a - 1, :q - w]
            reduced(before[a])
        # c = i closes the coalition: A weighs s, D is empty (minimal) or any that fits
        vulnerable = reduced(np.cumsum(suffix))[::-1].copy()
        vulnerable[:q - w] -= reduced(np.cumsum(tops))[:q - w][::-1]
        minimal = (weight >= q - w).astype(dtype)
        close = share * np.stack([minimal, minimal, reduced(vulnerable)])[:, None, :]
        close[:, :n, :q - w] += after[:, 1:, w:]
        reduced(close)
        raw[:, i] = reduced(before[None] * close).sum(axis=(1, 2), dtype=dtype)
        after += close  # below n·modulus: no need to reduce
        tops += suffix
        reduced(tops)
        suffix[w:] += suffix[:q - w]
        reduced(suffix)
    counts = np.append(raw.ravel(), after[0, 0, 0])
    return reduced(counts)
