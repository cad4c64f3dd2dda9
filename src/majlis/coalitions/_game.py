"""A weighted voting game: who sits, with how many seats, and how many seats carry a vote."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from math import ceil
from typing import Literal

from majlis.errors import InputError, Problem

QuotaRule = Literal["majority", "two-thirds"]
Quota = int | Fraction | QuotaRule


def quota_of(rule: Quota, total: int) -> int:
    """The seats a coalition needs: `majority` (more than half, the default), `two-thirds` (the
    Council's vote for a president), a share of the house as a Fraction, or a number of seats."""
    if rule == "majority":
        return total // 2 + 1
    if rule == "two-thirds":
        return ceil(Fraction(2, 3) * total)
    if isinstance(rule, Fraction):
        if not 0 < rule <= 1:
            raise _refused("quota", f"a share of the house is in (0, 1], not {rule}")
        return ceil(rule * total)
    if isinstance(rule, bool) or not isinstance(rule, int):
        raise _refused("quota", f"unknown quota {rule!r}: majority, two-thirds, a share or seats")
    return rule


@dataclass(frozen=True, slots=True, kw_only=True)
class Game:
    """Lists with whole-number weights (seats) and the quota a coalition must reach.

    A coalition is a frozenset of list names; it wins when its seats reach the quota. Lists with
    no seats may sit in the table: they are dummies and hold no power.
    """

    seats: Mapping[str, int]
    quota: int

    def __post_init__(self) -> None:
        if any(s < 0 for s in self.seats.values()):
            raise _refused("seats", "seats cannot be negative")
        if self.quota < 1:
            raise _refused("quota", f"the quota must be at least one seat, not {self.quota}")

    @classmethod
    def of(cls, seats: Mapping[str, int], quota: Quota = "majority") -> Game:
        """The game of a seat table, the quota given as a rule or a number of seats."""
        table = dict(seats)
        return cls(seats=table, quota=quota_of(quota, sum(table.values())))

    @property
    def lists(self) -> tuple[str, ...]:
        return tuple(self.seats)

    @property
    def total(self) -> int:
        return sum(self.seats.values())

    def weight(self, coalition: Iterable[str]) -> int:
        return sum(self.seats[p] for p in coalition)

    def wins(self, coalition: Iterable[str]) -> bool:
        return self.weight(coalition) >= self.quota

    def pivots(self, coalition: Iterable[str]) -> frozenset[str]:
        """The members whose leaving turns this winning coalition into a losing one."""
        members = frozenset(coalition)
        weight = self.weight(members)
        if weight < self.quota:
            return frozenset()
        return frozenset(p for p in members if weight - self.seats[p] < self.quota)

    def without(self, *names: str) -> Game:
        """What if these lists stay out (boycott, walk-out): same quota, fewer players — so
        the quota may now be out of reach, and no one holds power."""
        unknown = [p for p in names if p not in self.seats]
        if unknown:
            raise InputError(Problem(source="game", line=None, field="without",
                                     message=f"no party {p!r} in this game") for p in unknown)
        return Game(seats={p: s for p, s in self.seats.items() if p not in names},
                    quota=self.quota)


def _refused(field: str, message: str) -> InputError:
    """A game the caller got wrong: its seats or its quota."""
    return InputError([Problem(source="game", line=None, field=field, message=message)])
