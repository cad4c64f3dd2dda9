"""A biproportional apportionment (`Biproportional.apportion`) on many draws at once, for
`allocate_draws`.

The upper apportionment is one row of `allocate_batch` per draw, on each qualifying list's
basis (votes, or voter numbers in integers). The lower apportionment is found in floats by
alternating scaling (Balinski and Demange): each constituency counted by the series with the
list divisors fixed, then each list with the constituency divisors fixed, until the list and
constituency sums both hold. Floats only search: the matrix is taken when every cell's quotient
votes ÷ (list divisor × constituency divisor) lies strictly between the series' divisors for
its last seat and its next, by a margin far above the rounding error of one product and one
division. Such divisors prove the matrix the only biproportional one (any other meeting the
sums would have to lie on the same divisors), so it is exactly `allocate`'s, with no tie to
decide.

A draw whose upper apportionment a tie could change, whose search does not settle, or whose
matrix a quotient on (or within rounding of) a boundary leaves unproven goes through `allocate`
whole, which decides the tie by the law's rule and seed, or refuses the draw.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from numpy.typing import NDArray

from ._batch import MAX_VOTES, allocate_batch
from ._biproportional import Biproportional, UpperBasis, VoterRounding
from ._divisors import DivisorSeries
from ._rules import DivisorRule, Rule

Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]
Floats = NDArray[np.float64]

_ROUNDS = 200  # alternating steps before a draw is left to the exact path
_MARGIN = 1e-9  # relative: far above a product's and a division's rounding error


def counts_biproportional(rule: Rule, part: Biproportional, tiered: bool) -> bool:
    """Whether `biproportion` counts this law: a divisor series with a positive first divisor
    for the lower apportionment and for the upper, no strongest-list condition, no tier."""
    return (isinstance(rule, DivisorRule) and isinstance(rule.series, DivisorSeries)
            and rule.series.start[0] > 0 and isinstance(part.upper.series, DivisorSeries)
            and not part.strongest_list_seat and not tiered)


def biproportion(cells: Ints, qualified: Bools, magnitudes: Ints, part: Biproportional,
                 lower: DivisorSeries, workers: int) -> tuple[Ints, Bools]:
    """Seats of every draw (draw × list × constituency, `cells` the votes) for the lists
    `qualified` (draw × list), and the draws left to `allocate` whole."""
    n = cells.shape[0]
    counted = magnitudes > 0
    if part.basis is UpperBasis.VOTES:
        weights = cells[:, :, counted].sum(axis=2)
    elif part.rounding is VoterRounding.NEAREST:  # ⌊v ÷ m + ½⌋, a constituency with seats
        weights = ((2 * cells[:, :, counted] + magnitudes[counted])
                   // (2 * magnitudes[counted])).sum(axis=2)
    elif part.rounding is VoterRounding.DOWN:
        weights = (cells[:, :, counted] // magnitudes[counted]).sum(axis=2)
    else:  # exact voter numbers, over a common denominator
        common = math.lcm(*magnitudes[counted].tolist())
        if float(cells.max(initial=0)) * common * cells.shape[2] >= 2**62:  # past int64
            return np.zeros(cells.shape, dtype=np.int64), np.ones(n, dtype=np.bool_)
        weights = (cells[:, :, counted] * (common // magnitudes[counted])).sum(axis=2)
    weights = np.where(qualified, weights, 0)
    upper_series = part.upper.series
    assert isinstance(upper_series, DivisorSeries)  # `counts_biproportional` said so
    house = int(magnitudes.sum())
    refused = (weights.max(axis=1, initial=0) >= MAX_VOTES) | ~weights.any(axis=1)
    upper = allocate_batch(np.where(refused[:, None], 0, weights), np.where(refused, 0, house),
                           upper_series, workers=workers)
    table = np.array([float(lower.divisor(k)) for k in range(max(house, 1) + 2)])
    seats = np.zeros(cells.shape, dtype=np.int64)
    settled = np.zeros(n, dtype=np.bool_)
    _lower(cells.astype(np.float64), upper.seats, magnitudes, table, refused | upper.tied,
           seats, settled)
    return seats, ~settled


@numba.njit(nogil=True, cache=True)
def _lower(votes: Floats, rows: Ints, columns: Ints, table: Floats, skip: Bools, seats: Ints,
           settled: Bools) -> None:
    """Each draw's lower apportionment by alternating scaling, `settled` where the matrix is
    proven (see the module's docstring)."""
    n, n_lists, n_places = votes.shape
    lam = np.empty(n_lists)
    mu = np.empty(n_places)
    a = np.empty(max(n_lists, n_places))
    x = np.empty(max(n_lists, n_places), dtype=np.int64)
    for i in range(n):
        if skip[i]:
            continue
        v, s = votes[i], seats[i]
        for p in range(n_lists):
            lam[p] = 1.0 if rows[i, p] > 0 else np.inf
        done = False
        for _ in range(_ROUNDS):  # constituencies with the list divisors fixed, then lists
            if not _scale(v, lam, columns, table, mu, s, a, x):
                break
            done = _meets(s.T, rows[i])
            if done or not _scale(v.T, mu, rows[i], table, lam, s.T, a, x):
                break
            done = _meets(s, columns)
            if done:
                break
        if not done:
            continue
        proven = True
        for p in range(n_lists):
            for c in range(n_places):
                q = v[p, c] / (lam[p] * mu[c])
                k = s[p, c]
                if not (q * (1 + _MARGIN) < table[k] and (k == 0 or q * (1 - _MARGIN)
                                                          > table[k - 1])):
                    proven = False
        settled[i] = proven


@numba.njit(nogil=True, cache=True)
def _scale(v: Floats, fixed: Floats, sums: Ints, table: Floats, divisors: Floats, s: Ints,
           a: Floats, x: Ints) -> bool:
    """Each column j of `v` given its `sums[j]` seats by the series, every row's value divided
    by its `fixed` divisor (inf: no seat), into `s` and `divisors`; False where a column's seats
    cannot be fitted by a divisor."""
    rows = v.shape[0]
    for j in range(v.shape[1]):
        for p in range(rows):
            a[p] = v[p, j] / fixed[p]
        divisors[j] = _fit(a[:rows], sums[j], table, x[:rows])
        if divisors[j] == 0:
            return False
        for p in range(rows):
            s[p, j] = x[p]
    return True


@numba.njit(nogil=True, cache=True)
def _meets(s: Ints, sums: Ints) -> bool:
    """Whether every column of `s` adds up to its `sums`."""
    for j in range(s.shape[1]):  # noqa: SIM110 (Numba compiles no generator)
        if s[:, j].sum() != sums[j]:
            return False
    return True


@numba.njit(nogil=True, cache=True)
def _fit(a: Floats, seats: int, table: Floats, x: Ints) -> float:
    """Highest averages of `seats` among values `a` (the series' divisors in `table`) into
    `x`, and a divisor between the last seat's quotient and the next: inf for no seats, 0
    where no value can take the seats."""
    x[:] = 0
    if seats == 0:
        return np.inf
    total = a.sum()
    if total == 0:
        return 0.0
    guess = total / (seats * (table[-1] - table[-2]))  # the series' step: about right
    given = 0
    for c in range(a.size):
        x[c] = min(np.searchsorted(table, a[c] / guess), table.size - 2)
        given += x[c]
    while given < seats:
        best = -1
        for c in range(a.size):
            if a[c] > 0 and (best < 0 or a[c] * table[x[best]] > a[best] * table[x[c]]):
                best = c
        x[best] += 1
        given += 1
    while given > seats:
        worst = -1
        for c in range(a.size):
            if x[c] > 0 and (worst < 0 or a[c] * table[x[worst] - 1]
                             < a[worst] * table[x[c] - 1]):
                worst = c
        x[worst] -= 1
        given -= 1
    losing, winning = 0.0, np.inf
    for c in range(a.size):
        if a[c] > 0:
            losing = max(losing, a[c] / table[x[c]])
        if x[c] > 0:
            winning = min(winning, a[c] / table[x[c] - 1])
    if losing > winning:  # as highest averages go, never
        return 0.0
    return math.sqrt(losing * winning)  # on a tie, the tie's: a later step may undo it
