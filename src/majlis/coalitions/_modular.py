"""Exact whole-number counts from fixed-width NumPy arithmetic.

The power indices count coalitions, and the counts outgrow 64 bits beyond about 64 lists. A
count is computed in uint64 (exact modulo 2^64, wrapping for free) and, when that is too few
bits, again in int64 modulo primes below 2^31 (products of two residues fit), and the residues
are joined by the Chinese remainder theorem into Python ints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from math import ceil

import numpy as np
from numpy.typing import NDArray

WRAP_BITS = 64  # uint64 arithmetic is exact modulo 2^64
PRIME_BITS = 30  # each prime below 2^31 carries at least 30 more bits

Count = Callable[[int | None], NDArray[np.integer]]


def exactly(count: Count, bits: int) -> list[int]:
    """The entries of `count`'s array, known to lie in [0, 2^bits), as Python ints.

    `count(None)` computes them in uint64; `count(p)` in int64 modulo the prime p, every entry
    reduced into [0, p).
    """
    first = count(None)
    if bits <= WRAP_BITS:
        return [int(x) for x in first.ravel().tolist()]
    moduli = [1 << WRAP_BITS, *_primes(ceil((bits - WRAP_BITS) / PRIME_BITS))]
    residues = [first.ravel().tolist(), *(count(p).ravel().tolist() for p in moduli[1:])]
    return [_chinese(list(r), moduli) for r in zip(*residues, strict=True)]


def _chinese(residues: list[int], moduli: list[int]) -> int:
    """The number below the product of the moduli with these residues."""
    value, span = residues[0], moduli[0]
    for r, m in zip(residues[1:], moduli[1:], strict=True):
        value += span * ((r - value) * pow(span, -1, m) % m)
        span *= m
    return value


def _primes(count: int) -> Iterator[int]:
    """The `count` largest primes below 2^31 (Miller–Rabin, exact for 32-bit numbers)."""
    candidate = (1 << 31) - 1
    while count:
        if _is_prime(candidate):
            yield candidate
            count -= 1
        candidate -= 2


def _is_prime(n: int) -> bool:
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for a in (2, 7, 61):
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True
