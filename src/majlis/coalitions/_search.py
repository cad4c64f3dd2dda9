"""Which coalitions can govern: minimal winning coalitions under the constraints of real talks.

Constraints: pairs that never sit together, lists every coalition must hold, blocs that move
as one (a pre-electoral alliance, the Kurdish lists), and connectedness on ideological axes —
no list outside the coalition placed strictly between two of its members. A coalition is
*minimal* when no unit can leave with the rest still allowed and winning: without axes this is
the classic minimal winning coalition; with them, Axelrod's minimal connected winning coalition.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations
from typing import Literal

from majlis.errors import InputError, Problem

from ._game import Game

CoalitionOrder = Literal["seats", "surplus", "size"]


def minimal_winning(game: Game) -> tuple[frozenset[str], ...]:
    """Every minimal winning coalition: it reaches the quota and loses if any member leaves."""
    order = sorted(game.lists, key=lambda p: -game.seats[p])
    return tuple(frozenset(order[i] for i in _indices(mask))
                 for mask in _minimal_masks([game.seats[p] for p in order], game.quota))


@dataclass(frozen=True, slots=True, kw_only=True)
class Constraints:
    """What talks rule in or out; `positions` places lists on named axes (a list missing
    from an axis it must be connected on cannot join)."""

    incompatible: frozenset[frozenset[str]] = frozenset()
    required: frozenset[str] = frozenset()
    blocs: tuple[frozenset[str], ...] = ()
    positions: Mapping[str, Mapping[str, Fraction]] = field(default_factory=dict)
    connected: tuple[str, ...] = ()

    def problems(self, game: Game) -> list[tuple[str, str]]:
        """(field, message) for every name or axis that does not fit the game."""
        found: list[tuple[str, str]] = []
        named = [("incompatible", p) for pair in self.incompatible for p in pair]
        named += [("required", p) for p in self.required]
        named += [("blocs", p) for bloc in self.blocs for p in bloc]
        found += [(f, f"no party {p!r} in the seat table") for f, p in sorted(named)
                  if p not in game.seats]
        seen: set[str] = set()
        for bloc in self.blocs:
            found += [("blocs", f"{p!r} is in two blocs") for p in sorted(bloc & seen)]
            seen |= bloc
        found += [("connected", f"no positions on axis {a!r}") for a in self.connected
                  if a not in self.positions]
        return found


@dataclass(frozen=True, slots=True, kw_only=True)
class Coalition:
    """A coalition that can govern, with what ranks it: seats, surplus over the quota, size (the
    number of its lists)."""

    members: frozenset[str]
    seats: int
    surplus: int
    pivots: frozenset[str]

    @property
    def size(self) -> int:
        return len(self.members)


def coalitions(game: Game, constraints: Constraints | None = None, *,
               by: CoalitionOrder = "seats") -> tuple[Coalition, ...]:
    """Every minimal coalition allowed by the constraints, ranked (smallest first) by seats,
    surplus or size (number of lists); ties by the other measures, then by name."""
    rules = constraints or Constraints()
    problems = rules.problems(game)
    if problems:
        raise InputError(Problem(source="constraints", line=None, field=f, message=m)
                         for f, m in problems)
    search = _Search(game, rules)
    found = [Coalition(members=m, seats=game.weight(m), surplus=game.weight(m) - game.quota,
                       pivots=game.pivots(m)) for m in search.minimal()]
    return rank(found, by=by)


def rank(found: list[Coalition] | tuple[Coalition, ...], *, by: CoalitionOrder = "seats"
         ) -> tuple[Coalition, ...]:
    """Smallest first by the chosen measure (seats and surplus order alike; surplus is the one
    shown when the quota is the point), then the others, then names."""
    def key(c: Coalition) -> tuple[int, int, list[str]]:
        first = c.seats if by != "size" else c.size
        then = c.size if by != "size" else c.seats
        return first, then, sorted(c.members)
    return tuple(sorted(found, key=key))


class _Search:
    """Units are lists or whole blocs; coalitions are bit masks over units."""

    def __init__(self, game: Game, rules: Constraints) -> None:
        in_bloc = {p for bloc in rules.blocs for p in bloc}
        groups = [sorted(b) for b in rules.blocs] + [[p] for p in game.lists
                                                      if p not in in_bloc]
        groups.sort(key=lambda g: (-game.weight(g), g))
        self.game, self.rules = game, rules
        self.units = [frozenset(g) for g in groups]
        self.weights = [game.weight(g) for g in groups]
        unit_of = {p: i for i, g in enumerate(groups) for p in g}
        self.clash = [0] * len(groups)
        for pair in rules.incompatible:
            a, b = sorted(pair)
            self.clash[unit_of[a]] |= 1 << unit_of[b]
            self.clash[unit_of[b]] |= 1 << unit_of[a]
        self.required = sum({1 << unit_of[p] for p in rules.required})

    def members(self, mask: int) -> frozenset[str]:
        return frozenset().union(*(self.units[i] for i in _indices(mask)))

    def allowed(self, mask: int) -> bool:
        if mask & self.required != self.required:
            return False
        if any(self.clash[i] & mask for i in _indices(mask)):
            return False
        members = self.members(mask)
        return all(self._connected(members, axis) for axis in self.rules.connected)

    def _connected(self, members: frozenset[str], axis: str) -> bool:
        placed = self.rules.positions[axis]
        if not members <= placed.keys():
            return False
        low = min(placed[p] for p in members)
        high = max(placed[p] for p in members)
        return not any(low < x < high for p, x in placed.items() if p not in members)

    def weight(self, mask: int) -> int:
        return sum(self.weights[i] for i in _indices(mask))

    def minimal(self) -> Iterator[frozenset[str]]:
        seen: set[int] = set()
        for mask in self._candidates():
            if mask in seen:
                continue
            seen.add(mask)
            if self.allowed(mask) and self.weight(mask) >= self.game.quota and not any(
                    self.allowed(mask ^ 1 << i) and self.weight(mask ^ 1 << i) >= self.game.quota
                    for i in _indices(mask)):
                yield self.members(mask)

    def _candidates(self) -> Iterator[int]:
        """Supersets of every minimal allowed coalition: minimal winning ones among the units
        beside the required, or intervals of the first axis that must be connected."""
        if self.rules.connected:
            yield from self._intervals(self.rules.connected[0])
            return
        base = self.required
        free = [i for i in range(len(self.units)) if not base >> i & 1
                and not self.clash[i] & base]
        need = self.game.quota - self.weight(base)
        if need <= 0:
            yield base
            return
        for mask in _minimal_masks([self.weights[i] for i in free], need):
            yield base | sum(1 << free[i] for i in _indices(mask))

    def _intervals(self, axis: str) -> Iterator[int]:
        placed = self.rules.positions[axis]
        unit_at: dict[Fraction, list[int]] = {}
        for i, unit in enumerate(self.units):
            if unit <= placed.keys():
                for x in {placed[p] for p in unit}:
                    unit_at.setdefault(x, []).append(i)
        points = sorted(unit_at)
        for a, low in enumerate(points):
            for high in points[a:]:
                inside = {i for x in points if low < x < high for i in unit_at[x]}
                for ends in _nonempty_subsets(unit_at[low], unit_at[high], low == high):
                    yield sum({1 << i for i in inside | ends})


def _nonempty_subsets(low: list[int], high: list[int], same: bool) -> Iterator[set[int]]:
    """Choices of the units at the two ends of an interval, at least one at each end."""
    def subsets(units: list[int]) -> Iterator[set[int]]:
        for r in range(1, len(units) + 1):
            yield from (set(c) for c in combinations(units, r))
    if same:
        yield from subsets(low)
        return
    for left in subsets(low):
        for right in subsets(high):
            yield left | right


def _indices(mask: int) -> Iterator[int]:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def _minimal_masks(weights: list[int], quota: int) -> Iterator[int]:
    """Each minimal winning coalition as a bit mask; `weights` in descending order.

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
                yield mask | 1 << i
            else:
                stack.append((mask | 1 << i, total, i + 1))
