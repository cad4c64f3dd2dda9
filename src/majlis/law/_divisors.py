"""Divisor (highest-averages) methods: a list's k-th seat is won at votes / d(k).

Every divisor is a `Fraction` (1.7 is 17/10, not a binary float), so two quotients are equal
exactly when the law says they are, and ties go to the tie rule rather than to rounding noise.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import partial
from itertools import pairwise

from ._ties import Precedence
from ._values import AgreementSplit, Award, Awards, BonusAward, CandidateVotes, MixedCount, Tie

Key = Fraction | float  # a float only for +inf: a zero divisor puts a list first


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one method gives in one constituency, before the law wraps it."""

    seats: dict[str, int]
    awards: Sequence[Award]
    runner_up: Award | None
    ties: tuple[Tie, ...]
    elected: tuple[CandidateVotes, ...] = ()
    agreements: tuple[AgreementSplit, ...] = ()
    mixed: MixedCount | None = None
    bonus: BonusAward | None = None
    taken_back: tuple[str, ...] = ()  # lists that gave back a whole-quota seat, in order


class Quotient:
    """votes ÷ divisor as a pair of integers, ordered by exact cross-multiplication.

    Cheaper than `Fraction` on the hot path (no gcd, no normalisation) and just as exact. A zero
    denominator is an infinite quotient (a zero first divisor), unless there are no votes. In a
    heap the larger quotient comes first.
    """

    __slots__ = ("den", "num")

    def __init__(self, num: int, den: int) -> None:
        self.num, self.den = (num, den) if num or den else (0, 1)

    def __lt__(self, other: Quotient) -> bool:
        return self.num * other.den > other.num * self.den

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Quotient) and self.num * other.den == other.num * self.den

    __hash__ = None  # type: ignore[assignment]

    def value(self) -> Fraction | None:
        """As results carry it: a Fraction, or None for infinite."""
        return Fraction(self.num, self.den) if self.den else None

    def key(self) -> Key:
        return Fraction(self.num, self.den) if self.den else math.inf


@dataclass(frozen=True, slots=True)
class DivisorSeries:
    """d(0), d(1), … : the given start, then continued in the step between its last two terms.

    A one-term start needs an explicit `step`. D'Hondt is (1, 2), Sainte-Laguë (1, 3), Iraq
    2025's modified Sainte-Laguë (1.7, 3), Danish (1, 4), Imperiali (2, 3), Adams (0, 1).
    """

    start: tuple[Fraction, ...]
    step: Fraction
    _scale: int = field(init=False, repr=False, compare=False)
    _scaled: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _scaled_step: int = field(init=False, repr=False, compare=False)
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Divisors as integers over one common denominator: quotients then need no Fractions.
        scale = math.lcm(*(d.denominator for d in (*self.start, self.step)))
        object.__setattr__(self, "_scale", scale)
        object.__setattr__(self, "_scaled", tuple(int(d * scale) for d in self.start))
        object.__setattr__(self, "_scaled_step", int(self.step * scale))
        object.__setattr__(self, "_hash", hash((self.start, self.step)))

    def __hash__(self) -> int:
        """Hashed once: a count finds its series' divisors by it, and a Fraction's hash is slow."""
        return self._hash

    @classmethod
    def of(cls, start: tuple[Fraction, ...], step: Fraction | None = None) -> DivisorSeries:
        if step is None:
            if len(start) < 2:
                raise ValueError("a divisor series needs two terms or an explicit step")
            step = start[-1] - start[-2]
        if step <= 0 or any(d < 0 for d in start):
            raise ValueError("divisors must be non-negative and increase")
        if any(b <= a for a, b in pairwise(start)):
            raise ValueError("divisors must increase")
        return cls(tuple(start), step)

    def with_first(self, first: Fraction) -> DivisorSeries:
        """The same series with its first divisor replaced (Norway 1.4, Iraq 1.7)."""
        rest = self.start[1:] or (self.start[0] + self.step,)
        return DivisorSeries.of((first, *rest), self.step)

    def divisor(self, k: int) -> Fraction:
        if k < len(self.start):
            return self.start[k]
        return self.start[-1] + self.step * (k - len(self.start) + 1)

    def quotient(self, votes: int, k: int) -> Quotient:
        """The exact value compared for a list's (k+1)-th seat."""
        last = len(self._scaled) - 1
        scaled = self._scaled[k] if k <= last else self._scaled[last] + self._scaled_step * (
            k - last)
        return Quotient(votes * self._scale, scaled)

    def key(self, votes: int, k: int) -> Key:
        return self.quotient(votes, k).key()

    @property
    def scale(self) -> int:
        """What every divisor is multiplied by to make it whole: a quotient's numerator is
        votes times this."""
        return self._scale

    def numerators(self, votes: Mapping[str, int]) -> dict[str, int]:
        """The numerator of every quotient of each list: its votes times the scale."""
        scale = self._scale
        return {p: v * scale for p, v in votes.items()}

    def denominators(self, first: int, count: int) -> list[int]:
        """d(first), …, d(first + count - 1) times the scale, as integers."""
        scaled, step = self._scaled, self._scaled_step
        last = len(scaled) - 1
        out = list(scaled[first:first + count])
        k = first + len(out)
        if len(out) < count:
            tail = scaled[last] + step * (k - last)
            out.extend(range(tail, tail + step * (count - len(out)), step))
        return out


@dataclass(frozen=True, slots=True)
class HuntingtonHill:
    """Divisors sqrt(k(k+1)); compared exactly through squared quotients v² / (k(k+1))."""

    def quotient(self, votes: int, k: int) -> Quotient:
        return Quotient(votes * votes, k * (k + 1))

    def key(self, votes: int, k: int) -> Key:
        return self.quotient(votes, k).key()

    def numerators(self, votes: Mapping[str, int]) -> dict[str, int]:
        """Quotients are compared squared: votes² over k(k+1)."""
        return {p: v * v for p, v in votes.items()}

    def denominators(self, first: int, count: int) -> list[int]:
        return [k * (k + 1) for k in range(first, first + count)]


Series = DivisorSeries | HuntingtonHill

_F = Fraction
DIVISOR_SERIES: Mapping[str, Series] = {
    "dhondt": DivisorSeries.of((_F(1), _F(2))),
    "sainte-lague": DivisorSeries.of((_F(1), _F(3))),
    "danish": DivisorSeries.of((_F(1), _F(4))),
    "imperiali": DivisorSeries.of((_F(2), _F(3))),
    "adams": DivisorSeries.of((_F(0), _F(1))),
    "huntington-hill": HuntingtonHill(),
}


def highest_averages(
    votes: Mapping[str, int],
    seats: int,
    series: Series,
    precedence: Precedence,
    *,
    initial: Mapping[str, int] | None = None,
    stage: str = "quotient",
) -> Outcome:
    """Award `seats` one at a time to the highest next quotient, from `initial` seats on.

    Each list waits in a heap at its next quotient as a correctly rounded float (Python divides
    integers exactly, then rounds once), so the heap compares in C. Rounding is monotone:
    distinct floats are ordered as the exact quotients are. The first count orders lists with
    equal floats by their place in `votes`; when every float it took, and the runner-up's, are
    distinct, nothing was equal and that order never decided anything — the usual case, and
    the law's precedence is never drawn. Otherwise the count is done again in the law's
    precedence, and where floats are equal while their quotients, compared by integer
    cross-multiplication, are not, on exact quotients. The awards' `Fraction`s are written out
    when the awards are first read.
    """
    table = _table(series, max(initial.values(), default=0) + seats + 2 if initial else seats + 2)
    nums = series.numerators(votes)
    won, taken, heap = _float_count(votes, seats, nums, table, initial, None)
    if not _distinct(taken, heap):
        won, taken, heap = _float_count(votes, seats, nums, table, initial, precedence.rank)
        if not _certain(taken, heap, nums, table):
            return _exact_count(votes, seats, series, precedence, initial, stage)
    awards = Awards(partial(_awards, taken, nums, table, stage))
    runner_up = None
    ties: tuple[Tie, ...] = ()
    if heap:
        top, _, k, list_name = heap[0]
        runner_up = Award(seat=seats + 1, list=list_name, value=_value(nums[list_name],
                                                                        table[k]), stage=stage)
        if taken and taken[-1][0] == top:  # equal floats: perhaps equal quotients
            ties = _float_tie(taken, heap, nums, table, runner_up, precedence)
    return Outcome(won, awards, runner_up, ties)


# (-quotient as a float, order among equal floats, seats the list held, list)
Entry = tuple[float, int, int, str]
Taken = list[Entry]  # the seats in the order given
Waiting = list[Entry]  # the heap left: each list at its next quotient


def _float_count(
    votes: Mapping[str, int], seats: int, nums: Mapping[str, int], table: list[int],
    initial: Mapping[str, int] | None, rank: Mapping[str, int] | None,
) -> tuple[dict[str, int], Taken, Waiting]:
    """The count on floats, lists with equal floats in order of `rank` (None: of `votes`):
    each list's seats, the seats taken in order, and the heap left waiting."""
    won = dict.fromkeys(votes, 0) if initial is None else {p: initial.get(p, 0) for p in votes}
    order = range(len(votes)) if rank is None else [rank[p] for p in votes]
    if initial is None and table[0]:
        first = table[0]
        heap = [(-(n / first), r, 0, p) for (p, n), r in zip(nums.items(), order, strict=True)]
    else:
        heap = [(_float(nums[p], table[k]), r, k, p)
                for (p, k), r in zip(won.items(), order, strict=True)]
    heapq.heapify(heap)
    taken: Taken = []
    take, replace_top = taken.append, heapq.heapreplace
    if heap:
        for _ in range(seats):
            top = heap[0]
            take(top)
            _, r, k, p = top
            # d(k + 1) > d(k) >= 0: _float's division, without its zero cases
            replace_top(heap, (-(nums[p] / table[k + 1]), r, k + 1, p))
    for _, _, k, p in taken:  # a list's last seat taken comes last
        won[p] = k + 1
    return won, taken, heap


def _distinct(taken: Taken, heap: Waiting) -> bool:
    """Whether every float the count took is distinct, and the runner-up's from all others:
    then each seat went to a quotient strictly above all others left, exactly, and no order of
    equal values decided a seat or the runner-up. (A float equal to the heap's top has only
    equal floats above it in the heap, so the top's children would show one.)"""
    floats = {t[0] for t in taken}
    if len(floats) < len(taken):
        return False
    if not heap:
        return True
    top = heap[0][0]
    return top not in floats and all(w[0] != top for w in heap[1:3])


def _awards(taken: Taken, nums: Mapping[str, int], table: list[int],
            stage: str) -> tuple[Award, ...]:
    """The seats taken, in order, with the exact quotient each was won at (`Awards` writes
    them when first read)."""
    return tuple(Award(seat=seat, list=list_name, value=_value(nums[list_name], table[k]),
                       stage=stage) for seat, (_, _, k, list_name) in enumerate(taken, 1))


def _float_tie(taken: Taken, heap: Waiting, nums: Mapping[str, int], table: list[int],
               runner_up: Award, precedence: Precedence) -> tuple[Tie, ...]:
    """`_boundary_tie` of the float count, read from its entries: only quotients with the
    runner-up's float can have its value, so no other award's Fraction is written."""
    _, _, k, last = taken[-1]
    value = runner_up.value
    if _value(nums[last], table[k]) != value:
        return ()
    top = heap[0][0]
    winners = [p for f, _, k, p in taken if f == top and _value(nums[p], table[k]) == value]
    losers = [p for f, _, k, p in heap
              if f == top and p not in winners and _value(nums[p], table[k]) == value]
    return (precedence.tie(len(taken), winners + losers, last),)


def _certain(taken: Taken, heap: Waiting, nums: Mapping[str, int], table: list[int]) -> bool:
    """Whether the count on floats was the exact count: every comparison the heap made was one
    of the quotients taken or still waiting, so it was exact unless two of those have equal
    floats and unequal quotients (inf and 0 are exact)."""
    quotients = [(f, nums[p], table[k]) for f, _, k, p in (*taken, *heap)]
    if len({f for f, _, _ in quotients}) == len(quotients):
        return True
    seen: dict[float, tuple[int, int]] = {}
    for f, num, den in quotients:
        if f and not math.isinf(f):
            first_num, first_den = seen.setdefault(f, (num, den))
            if first_num * den != num * first_den:
                return False
    return True


def _exact_count(
    votes: Mapping[str, int],
    seats: int,
    series: Series,
    precedence: Precedence,
    initial: Mapping[str, int] | None,
    stage: str,
) -> Outcome:
    """The count on exact quotients: the heap compares integer cross-products."""
    won = {p: (initial or {}).get(p, 0) for p in votes}
    heap = [(series.quotient(v, won[p]), precedence.rank[p], p) for p, v in votes.items()]
    heapq.heapify(heap)
    awards: list[Award] = []
    for seat in range(1, seats + 1):
        if not heap:
            break
        quotient, rank, list_name = heapq.heappop(heap)
        awards.append(Award(seat=seat, list=list_name, value=quotient.value(), stage=stage))
        won[list_name] += 1
        heapq.heappush(heap, (series.quotient(votes[list_name], won[list_name]), rank, list_name))
    runner_up = None
    ties: tuple[Tie, ...] = ()
    if heap:
        quotient, _, list_name = heap[0]
        runner_up = Award(seat=seats + 1, list=list_name, value=quotient.value(), stage=stage)
        if awards and awards[-1].value == runner_up.value:
            waiting = [(q.value(), p) for q, _, p in heap]
            ties = _boundary_tie(awards, runner_up, waiting, precedence)
    return Outcome(won, tuple(awards), runner_up, ties)


_TABLES: dict[Series, list[int]] = {}


def _table(series: Series, length: int) -> list[int]:
    """The series' integer denominators d(0), d(1), … (at least `length` of them), kept per
    series: a law's series is built once and counted again and again."""
    table = _TABLES.get(series)
    if table is None or len(table) < length:
        if len(_TABLES) > 64:
            _TABLES.clear()
        table = series.denominators(0, max(length, 2 * len(table or ()), 64))
        _TABLES[series] = table
    return table


def _float(num: int, den: int) -> float:
    """-num/den correctly rounded; -inf for a zero denominator, 0 for no votes."""
    if den:
        return -(num / den)
    return -math.inf if num else 0.0


def _value(num: int, den: int) -> Fraction | None:
    """A quotient as results carry it: a Fraction, or None if infinite."""
    if den:
        return Fraction(num, den)
    return None if num else Fraction(0)


def _boundary_tie(
    awards: list[Award],
    runner_up: Award | None,
    waiting: list[tuple[Fraction | None, str]],
    precedence: Precedence,
) -> tuple[Tie, ...]:
    """A tie that decided the last seat: equal values on both sides of the boundary."""
    if not awards or runner_up is None or awards[-1].value != runner_up.value:
        return ()
    value = awards[-1].value
    winners = [a.list for a in awards if a.value == value]
    losers = [p for v, p in waiting if v == value and p not in winners]
    return (precedence.tie(awards[-1].seat, winners + losers, awards[-1].list),)
