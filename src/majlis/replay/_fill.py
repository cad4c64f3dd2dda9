"""The votes nobody published, made up so that the law gives the seats that were published.

A divisor method gives a list `s` seats exactly when its votes lie between the last winning
quotient's `cut` × d(s−1) and `cut` × d(s). So, per constituency: the published lists' votes are
kept as they are; a `cut` is chosen between their quotients so that each published list wins its
published seats (or at least its "won at least N"), near the cut its valid votes suggest
(valid ÷ 2 × magnitude, Webster's divisor); the lists whose seats are known but whose votes are
not are given votes inside their seat's band around the cut; the seats still open in each
constituency go to the lists whose national seats are not yet all located, where no published
vote pins them; and the valid votes left over become minor lists, each below the first seat's
quotient. Every choice is a rule or a draw of the seeded generator: the same inputs give the
same votes. docs/replay-model.md gives the procedure with Iraq 2025's figures.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise

import numpy as np

from majlis.law import DivisorSeries

# An option's distance from the suggested cut, plus this many times the share of valid votes its
# open seats' lists would lack at their bands' middles: a cut is not raised where it cannot be paid.
SHORT_WEIGHT = 4


@dataclass(frozen=True, slots=True, kw_only=True)
class Published:
    """What is known of one constituency: magnitude, published votes, valid votes (to fill),
    published seats (`fixed`, zeros included) and "won at least N" (`minimum`)."""

    name: str
    magnitude: int
    votes: Mapping[str, int]
    valid: int
    fixed: Mapping[str, int]
    minimum: Mapping[str, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class Filled:
    """One constituency filled: the votes made up for named lists, the seats each list will
    win (published ones too), and the cut (the last winning quotient lies just above it)."""

    name: str
    votes: dict[str, int]
    seats: dict[str, int]
    cut: Fraction


@dataclass(frozen=True, slots=True)
class _Option:
    cut: Fraction
    seats: dict[str, int]  # the published lists' seats at this cut
    distance: float  # from the cut the valid votes suggest


def _options(c: Published, series: DivisorSeries) -> list[_Option]:
    """Every cut between two of the published lists' quotients that gives each of them its
    published seats, with room for the seats known to go to lists without published votes;
    nearest the suggested cut first."""
    quotients = sorted({Fraction(v) / series.divisor(k) for v in c.votes.values() if v
                        for k in range(c.magnitude + 1)}, reverse=True)
    target = Fraction(c.valid, 2 * c.magnitude)
    if not quotients:
        return [_Option(cut=target, seats={}, distance=0.0)]
    bounds = [2 * max(quotients[0], target), *quotients]
    reserved = sum(n for p, n in {**c.minimum, **c.fixed}.items() if p not in c.votes)
    out = []
    own = {p: sorted(Fraction(v) / series.divisor(k) for k in range(c.magnitude + 1))
           for p, v in c.votes.items()}  # each list's quotients, rising
    for hi, lo in pairwise(bounds):
        cut = target if lo < target < hi else (lo + hi) / 2
        seats = {p: len(qs) - bisect_left(qs, hi) for p, qs in own.items()}
        if any(seats[p] != n for p, n in c.fixed.items() if p in seats) \
                or any(seats[p] < n for p, n in c.minimum.items() if p in seats) \
                or sum(seats.values()) + reserved > c.magnitude:
            continue
        open_seats = c.magnitude - sum(seats.values())
        band = (series.divisor(0) + series.divisor(1)) / 2
        need = sum(c.votes.values()) + open_seats * cut * band
        short = max(need - c.valid, Fraction(0)) / c.valid
        out.append(_Option(cut=cut, seats=seats,
                           distance=abs(math.log(cut / target)) + SHORT_WEIGHT * float(short)))
    if not out:
        raise ValueError(f"{c.name}: no cut gives the published lists their published seats")
    return sorted(out, key=lambda o: (o.distance, o.cut))


def fill(constituencies: Sequence[Published], national: Mapping[str, int], series: DivisorSeries,
         rng: np.random.Generator, *, prefer: Mapping[str, Sequence[str]] | None = None
         ) -> list[Filled]:
    """Votes for every list the published figures leave out, so that the divisor `series`
    gives each constituency's published seats and each list its `national` seats.

    `prefer` names, per list, constituencies where a source places it (a top-three rank, its
    name): its open seats go there first. The valid votes left are `minor_lists`' to share."""
    prefer = prefer or {}
    options = {c.name: _options(c, series) for c in constituencies}
    chosen = dict.fromkeys(options, 0)
    by_name = {c.name: c for c in constituencies}

    def located() -> dict[str, int]:
        out: dict[str, int] = {}
        for c in constituencies:
            seats = options[c.name][chosen[c.name]].seats
            for p, n in {**c.minimum, **seats, **c.fixed}.items():
                out[p] = out.get(p, 0) + n
        return out

    while over := sorted((n - national.get(p, 0), p) for p, n in located().items()
                         if n > national.get(p, 0)):
        _, list_name = over[-1]
        moves = []  # (added distance, constituency, option) taking a seat from `list_name`
        for name, i in chosen.items():
            now = options[name][i]
            if now.seats.get(list_name, 0) == 0 or list_name in by_name[name].fixed:
                continue
            fewer = [j for j, o in enumerate(options[name])
                     if o.cut > now.cut and o.seats[list_name] < now.seats[list_name]]
            if fewer:
                j = min(fewer, key=lambda j: (options[name][j].distance, options[name][j].cut))
                moves.append((options[name][j].distance - now.distance, name, j))
        if not moves:
            raise ValueError(f"{list_name}: more seats located than its national "
                             f"{national.get(list_name, 0)}, and no published vote can give one up")
        _, name, j = min(moves)
        chosen[name] = j
    while more := _more(options, chosen, national, located(), by_name):
        name, j = more
        chosen[name] = j
    placed = _place(constituencies, {c.name: options[c.name][chosen[c.name]].seats
                                     for c in constituencies},
                    {p: national[p] - located().get(p, 0) for p in national}, prefer)
    return [_votes(by_name[name], options[name][i], placed[name], series, rng)
            for name, i in chosen.items()]


def _more(options: Mapping[str, list[_Option]], chosen: Mapping[str, int],
          national: Mapping[str, int], located: Mapping[str, int],
          by_name: Mapping[str, Published]) -> tuple[str, int] | None:
    """The cheapest lower cut giving a list still short of its national seats one more where
    its votes were published, taking no list over its national seats."""
    moves = []
    for name, i in chosen.items():
        now = options[name][i]
        for j, o in enumerate(options[name]):
            gained = {p: o.seats[p] - now.seats[p] for p in o.seats}
            if o.cut < now.cut and any(
                    n > 0 and located.get(p, 0) < national.get(p, 0) for p, n in gained.items()
                    if p not in by_name[name].fixed) and all(
                    located.get(p, 0) + n <= national.get(p, 0) for p, n in gained.items()):
                moves.append((o.distance - now.distance, name, j))
    if not moves:
        return None
    _, name, j = min(moves)
    return name, j


def _place(constituencies: Sequence[Published], published: Mapping[str, Mapping[str, int]],
           demand: Mapping[str, int], prefer: Mapping[str, Sequence[str]]
           ) -> dict[str, dict[str, int]]:
    """The seats not yet located, one at a time, to constituencies with room where the list
    has no published vote or seat: a preferred one first, else the one with most room; a seat
    with nowhere to go moves an earlier one along an augmenting path."""
    room = {c.name: c.magnitude - sum(published[c.name].values())
            - sum(n for p, n in {**c.minimum, **c.fixed}.items() if p not in c.votes)
            for c in constituencies}
    closed = {c.name: set(c.votes) | set(c.fixed) for c in constituencies}
    if sum(room.values()) != sum(n for n in demand.values() if n > 0):
        raise ValueError(f"{sum(room.values())} open seats for "
                         f"{sum(n for n in demand.values() if n > 0)} seats not located")
    units: list[tuple[str, str]] = []  # (list, constituency), one per seat placed
    order = sorted((p for p in demand if demand[p] > 0),
                   key=lambda p: (sum(p not in closed[c] for c in room), p))
    left = {p: demand[p] for p in order}
    for list_name in order:  # first where a source places the list
        for where in prefer.get(list_name, ()):
            while left[list_name] and room.get(where, 0) > 0 and list_name not in closed[where]:
                units.append((list_name, where))
                room[where] -= 1
                left[list_name] -= 1
    for list_name in order:
        for _ in range(left[list_name]):
            spare = sorted((c for c in room if room[c] > 0 and list_name not in closed[c]),
                           key=lambda c: (-room[c], c))
            if spare:
                units.append((list_name, spare[0]))
                room[spare[0]] -= 1
            elif not _augment(list_name, units, room, closed):
                raise ValueError(f"{list_name}: no constituency with an open seat can take it")
    out: dict[str, dict[str, int]] = {c.name: {} for c in constituencies}
    for list_name, where in units:
        out[where][list_name] = out[where].get(list_name, 0) + 1
    return out


def _augment(list_name: str, units: list[tuple[str, str]], room: dict[str, int],
             closed: Mapping[str, set[str]]) -> bool:
    """Place one seat of `list_name` by moving placed seats along a path to a constituency with
    room (breadth first, so the fewest seats move)."""
    start = [c for c in room if list_name not in closed[c]]
    parent: dict[str, tuple[str, int] | None] = dict.fromkeys(start)
    queue = list(start)
    while queue:
        at = queue.pop(0)
        if room[at] > 0:
            step: str | None = at
            while step is not None and parent[step] is not None:
                via = parent[step]
                assert via is not None
                previous, unit = via
                units[unit] = (units[unit][0], step)
                step = previous
            units.append((list_name, step or at))
            room[at] -= 1
            return True
        for i, (other, where) in enumerate(units):
            if where != at:
                continue
            for nxt in room:
                if nxt not in parent and other not in closed[nxt]:
                    parent[nxt] = (at, i)
                    queue.append(nxt)
    return False


def _votes(c: Published, option: _Option, placed: Mapping[str, int], series: DivisorSeries,
           rng: np.random.Generator) -> Filled:
    """Votes inside each winner's band around the cut: a seeded point between a tenth and
    six tenths of the band (the lower part: unpublished lists are the smaller ones)."""
    cut = option.cut
    wins = {p: n for p, n in {**c.minimum, **c.fixed}.items() if p not in c.votes and n}
    for p, n in placed.items():
        wins[p] = wins.get(p, 0) + n
    made: dict[str, int] = {}
    for list_name, s in wins.items():
        lo, hi = cut * series.divisor(s - 1), cut * series.divisor(s)
        made[list_name] = math.floor(lo + (hi - lo) * Fraction(0.1 + 0.5 * rng.random()))
    return Filled(name=c.name, votes=made, seats={**wins, **option.seats}, cut=cut)


def minor_lists(filled: Filled, left: int, series: DivisorSeries, rng: np.random.Generator,
                name: str = "Minor list {k} ({constituency})") -> dict[str, int]:
    """The valid votes no list was given (`left`) as minor lists, each below nine tenths of the
    first seat's quotient at the cut, about two thirds of that on average, largest first."""
    if left <= 0:
        return {}
    cap = math.floor(filled.cut * series.divisor(0) * Fraction(9, 10))
    sizes = capped(left, rng.dirichlet(np.full(math.ceil(3 * left / (2 * cap)) + 2, 2.0)),
                    cap)
    return {name.format(k=k, constituency=filled.name): n
            for k, n in enumerate(sorted(sizes, reverse=True), 1) if n}


def capped(total: int, weights: np.ndarray, cap: int) -> list[int]:
    """`total` in proportion to `weights` (floors, then the largest remainders), none above
    `cap`: the excess moved to the others in proportion to their room."""
    sizes = np.zeros(len(weights), dtype=np.int64)
    left, w = total, np.asarray(weights, dtype=np.float64)
    while left:
        share = left * w / w.sum()
        add = np.floor(share).astype(np.int64)
        rest = left - int(add.sum())
        add[np.argsort(-(share - add), kind="stable")[:rest]] += 1
        sizes += add
        over = np.maximum(sizes - cap, 0)
        sizes -= over
        left = int(over.sum())
        w = (cap - sizes).astype(np.float64)
        if left and not w.sum():
            raise ValueError(f"{total} votes do not fit {len(sizes)} lists below {cap}")
    return sizes.tolist()
