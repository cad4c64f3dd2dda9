"""Sharing the cabinet: Gamson's law, and the points systems of Iraqi government formation.

Gamson's law gives each list of the coalition ministries in proportion to the seats it brings — here
Hare quota and largest remainders over the coalition's seats, majlis's own law engine. Iraq's
blocs bargained with prices instead: a list earns points by its seats and spends them on posts.
The sources (see `docs/iraq-electoral-system.md` §8.2) give the prices, not the order in which
lists choose, so majlis deals the posts from the dearest down, each to the list with most
points left (more seats, then name, break ties); a list may end in debt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from math import floor

from majlis.errors import InputError, Problem
from majlis.law import Constituency, Election, Law, QuotaRule, allocate


def gamson(seats: Mapping[str, int], ministries: int) -> tuple[dict[str, Fraction],
                                                               dict[str, int]]:
    """Each list's exact proportional share of `ministries`, and whole ministries from it."""
    total = sum(seats.values())
    shares = {p: Fraction(s * ministries, total) for p, s in seats.items()}
    cabinet = Constituency(name="cabinet", magnitude=ministries, votes=dict(seats))
    whole = allocate(Election(constituencies=(cabinet,)), Law(rule=QuotaRule("hare"))).totals()
    return shares, {p: whole.get(p, 0) for p in seats}


@dataclass(frozen=True, slots=True, kw_only=True)
class Seat:
    """One post of the cabinet and the kind that prices it (`top`, `sovereign`, `ministry`…)."""

    post: str
    kind: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PointsSystem:
    """Points per seat (rounded down when `whole`), the price of each kind of post, and the
    posts the source names for a kind (the top posts, the sovereign ministries)."""

    name: str
    per_seat: Fraction
    whole: bool
    prices: Mapping[str, int]
    named: Mapping[str, tuple[str, ...]]
    source: str

    def points(self, seats: int) -> Fraction:
        earned = self.per_seat * seats
        return Fraction(floor(earned)) if self.whole else earned

    def posts(self, ministries: int) -> tuple[Seat, ...]:
        """The named posts, then numbered ordinary ministries up to `ministries` in all (top
        posts aside) when the system prices them."""
        named = tuple(Seat(post=p, kind=k) for k, posts in self.named.items() for p in posts)
        count = sum(1 for s in named if s.kind != "top")
        ordinary = max(0, ministries - count) if "ministry" in self.prices else 0
        return (*named, *(Seat(post=f"Ministry {i}", kind="ministry")
                          for i in range(1, ordinary + 1)))


TOP = ("Prime Minister", "President", "Speaker")
POINTS_SYSTEMS: Mapping[str, PointsSystem] = {
    s.name: s for s in (
        PointsSystem(
            name="iraq-2010-doubled", per_seat=Fraction(2), whole=False,
            prices={"top": 15}, named={"top": TOP},
            source="2010, first version: points = seats × 2 (Iraqiya's 91 seats → 182); Prime "
                   "Minister, President and Speaker 15 points each; other prices not reported "
                   "(musingsoniraq, December 2010)"),
        PointsSystem(
            name="iraq-2010-2.44", per_seat=Fraction(100, 244), whole=True,
            prices={"top": 10, "sovereign": 4, "ministry": 3, "without portfolio": 1},
            named={"top": TOP, "sovereign": ("Foreign Affairs", "Defence", "Oil", "Finance")},
            source="2010, second version: points = seats ÷ 2.44 (Iraqiya → 37); President, "
                   "Prime Minister, Speaker 10; Foreign, Defence, Oil, Finance 4; other "
                   "ministries 2–3 (3 here); ministers without portfolio 1 (musingsoniraq, "
                   "December 2010)"),
        PointsSystem(
            name="iraq-2022", per_seat=Fraction(1), whole=False,
            prices={"sovereign": 15, "ministry": 5},
            named={"sovereign": ("Defence", "Interior", "Oil", "Finance", "Foreign Affairs")},
            source="2022: five lawmakers to a seat in the cabinet, 15 to a sovereign portfolio "
                   "(Shafaq); the sovereign ministries are Defence, Interior, Oil, Finance and "
                   "Foreign Affairs (Washington Institute)"),
    )
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Share:
    """One list's line of the cabinet table."""

    list: str
    seats: int
    points: Fraction
    posts: tuple[str, ...]
    spent: int

    @property
    def left(self) -> Fraction:
        return self.points - self.spent


def cabinet(seats: Mapping[str, int], system: PointsSystem, posts: tuple[Seat, ...]
            ) -> tuple[Share, ...]:
    """Deal the posts, dearest first, each to the list with most points left."""
    unpriced = sorted({p.kind for p in posts} - system.prices.keys())
    if unpriced:
        raise InputError([Problem(source=system.name, line=None, field="posts",
                                  message=f"no price for a post of kind {kind!r}")
                          for kind in unpriced])
    points = {p: system.points(s) for p, s in seats.items()}
    spent = dict.fromkeys(seats, 0)
    held: dict[str, list[str]] = {p: [] for p in seats}
    for seat in sorted(posts, key=lambda s: -system.prices[s.kind]):
        taker = min(seats, key=lambda p: (spent[p] - points[p], -seats[p], p))
        held[taker].append(seat.post)
        spent[taker] += system.prices[seat.kind]
    return tuple(Share(list=p, seats=seats[p], points=points[p], posts=tuple(held[p]),
                       spent=spent[p]) for p in sorted(seats, key=lambda p: (-seats[p], p)))
