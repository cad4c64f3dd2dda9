"""Power read from the coalitions themselves: Deegan–Packel, Holler and Johnston.

These indices need the minimal winning coalitions (every member needed) or the vulnerable ones
(some member needed), so they are enumerated — a depth-first search over parties from the
largest, cut as soon as the quota is passed or out of reach. Its cost grows with the number of
such coalitions, not with 2^n, and stays small for parliaments of a few dozen lists; a house of
many equal small parties has exponentially many and is out of reach by any method of this kind.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from ._game import Game


@dataclass(frozen=True, slots=True, kw_only=True)
class MinimalPower:
    """Indices built on minimal winning coalitions (Deegan–Packel, Holler) and on vulnerable
    winning coalitions (Johnston), exact; `minimal_winning` counts the former."""

    game: Game
    minimal_winning: int
    deegan_packel: Mapping[str, Fraction]
    holler: Mapping[str, Fraction]
    johnston: Mapping[str, Fraction]


def minimal_winning(game: Game) -> tuple[frozenset[str], ...]:
    """Every minimal winning coalition: it reaches the quota and loses if any member leaves."""
    order = _by_weight(game)
    return tuple(frozenset(order[i] for i in _indices(mask))
                 for mask, _ in _minimal_masks([game.seats[p] for p in order], game.quota))


def minimal_power(game: Game) -> MinimalPower:
    """Deegan–Packel (each minimal winning coalition shared equally among its members, then
    averaged), Holler (public good: a party's share of memberships in minimal winning
    coalitions) and Johnston (each vulnerable coalition shared among its pivotal members)."""
    order = _by_weight(game)
    weights = [game.seats[p] for p in order]
    n = len(order)
    minimal = list(_minimal_masks(weights, game.quota))
    deegan = _shared(minimal, n, split=True)
    memberships = _shared(minimal, n, split=False)
    johnston = _shared(list(_vulnerable_masks(weights, game.quota)), n, split=True)
    return MinimalPower(
        game=game,
        minimal_winning=len(minimal),
        deegan_packel=_normalised(order, game, deegan),
        holler=_normalised(order, game, memberships),
        johnston=_normalised(order, game, johnston),
    )


def _by_weight(game: Game) -> list[str]:
    return sorted(game.parties, key=lambda p: -game.seats[p])


def _normalised(order: list[str], game: Game, raw: list[Fraction]) -> dict[str, Fraction]:
    total = sum(raw)
    share = dict(zip(order, raw, strict=True))
    return {p: share[p] / total if total else Fraction(0) for p in game.parties}


def _shared(coalitions: list[tuple[int, int]], n: int, *, split: bool) -> list[Fraction]:
    """Each coalition's point to its sharers, split equally among them or one each; grouped by
    divisor so the sums stay whole numbers until the last step."""
    by_divisor: dict[int, list[int]] = {}
    for _, sharers in coalitions:
        by_divisor.setdefault(sharers.bit_count() if split else 1, []).append(sharers)
    totals = [Fraction(0)] * n
    for d, masks in by_divisor.items():
        counts = _bits(masks, n).sum(axis=0, dtype=np.int64).tolist()
        totals = [t + Fraction(c, d) for t, c in zip(totals, counts, strict=True)]
    return totals


def _bits(masks: list[int], n: int) -> NDArray[np.uint8]:
    """Coalitions × parties membership matrix of bit masks, for any number of parties."""
    width = (n + 7) // 8
    raw = b"".join(m.to_bytes(width, "little") for m in masks)
    bits = np.unpackbits(np.frombuffer(raw, dtype=np.uint8), bitorder="little")
    return bits.reshape(len(masks), width * 8)[:, :n]


def _indices(mask: int) -> Iterator[int]:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def _minimal_masks(weights: list[int], quota: int) -> Iterator[tuple[int, int]]:
    """(members, members) of each minimal winning coalition; `weights` in descending order.

    A coalition built from the largest down wins minimally exactly when it reaches the quota
    with its last (lightest) member: then every heavier member is needed too.
    """
    n = len(weights)
    rest = [sum(weights[i:]) for i in range(n + 1)]
    stack = [(0, 0, 0)]
    while stack:
        mask, weight, start = stack.pop()
        for i in range(start, n):
            if weight + rest[i] < quota:
                break
            total = weight + weights[i]
            if total >= quota:
                yield mask | 1 << i, mask | 1 << i
            else:
                stack.append((mask | 1 << i, total, i + 1))


def _vulnerable_masks(weights: list[int], quota: int) -> Iterator[tuple[int, int]]:
    """(members, pivotal members) of each winning coalition with a pivotal member: its
    heaviest member is pivotal, so the others weigh in [quota - heaviest, quota)."""
    n = len(weights)
    rest = [sum(weights[i:]) for i in range(n + 1)]
    for head in range(n):
        if weights[head] == 0:
            break
        floor = quota - weights[head]
        stack = [(1 << head, 0, head + 1)]
        while stack:
            mask, weight, start = stack.pop()
            if weight >= floor:
                excess = weights[head] + weight - quota
                yield mask, sum(1 << i for i in _indices(mask) if weights[i] > excess)
            for i in range(start, n):
                if weight + rest[i] < floor:
                    break
                if weight + weights[i] < quota:
                    stack.append((mask | 1 << i, weight + weights[i], i + 1))
