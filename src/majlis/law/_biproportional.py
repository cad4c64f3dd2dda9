"""Biproportional apportionment (Pukelsheim's double proportionality, Zurich since 2006).

Seats go first to lists over the whole election (the upper apportionment), then to every list
in every constituency (the lower apportionment) so that each list gets its upper seats and each
constituency its magnitude. The lower apportionment is a divisor method applied twice: a seat
matrix is biproportional when there are list divisors and constituency divisors such that each
list's votes in a constituency, divided by both, fall between the series' divisors for its last
seat won and its next seat.

Such a matrix minimises the product over cells of d(0)/v · d(1)/v · … (one factor per seat held;
Gaffke and Pukelsheim 2008) under the two sets of sums, a convex transportation problem. It is
solved here exactly by successive shortest paths in which a path's length is the product of its
factors (Fractions), so the answer never depends on floating point, and the search always ends:
either every sum is met, or a set of lists is shown to be owed more seats than the constituencies
where they have votes can give (an InputError naming them). The final potentials are the
divisors; cells exactly on their rounding boundaries mean that another matrix meets the sums
equally well: those seats are ties, decided by the law's tie rule and the seeded lot, and
recorded.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from math import floor, lcm

from majlis.errors import InputError, Problem

from ._divisors import DivisorSeries, highest_averages
from ._rules import DivisorRule
from ._ties import Precedence, TieRule, _permutation
from ._values import BiproportionalResult, Constituency, Tie, frozen_mapping

UPPER = "upper apportionment"
LOWER = "lower apportionment"  # where the lot for the lower apportionment's ties is drawn
Node = tuple[str, str]  # ("list", name), ("constituency", name), the source or the sink


class UpperBasis(StrEnum):
    """What the upper apportionment shares seats by.

    `votes`: each list's votes summed over the constituencies. `voter-numbers`: each list's
    votes in a constituency divided by that constituency's magnitude, then summed — so that a
    vote weighs the same whatever the size of its constituency, where voters cast one vote per
    seat (Zurich's "Wählerzahl").
    """

    VOTES = "votes"
    VOTER_NUMBERS = "voter-numbers"


class VoterRounding(StrEnum):
    """How each constituency's voter number is rounded before the sum: `nearest` whole number
    (a half up, Zurich), `down`, or `none` (kept exact)."""

    NEAREST = "nearest"
    DOWN = "down"
    NONE = "none"


@dataclass(frozen=True, slots=True, kw_only=True)
class Biproportional:
    """The law's biproportional part: the upper rule and its basis; the lower apportionment
    uses the law's own divisor series (`[allocation] method`)."""

    upper: DivisorRule
    basis: UpperBasis = UpperBasis.VOTES
    rounding: VoterRounding = VoterRounding.NEAREST
    strongest_list_seat: bool = False

    def strongest(self, constituencies: Sequence[Constituency], upper: Mapping[str, int]
                  ) -> frozenset[tuple[str, str]]:
        """(list, constituency) cells owed a seat by the strongest-list condition
        (Majorzbedingung): in each constituency with seats, the one qualifying list with most
        votes there, if the upper apportionment gave it any seat (with equal most votes the
        condition does not apply there). A list owed more such seats than it won is refused."""
        if not self.strongest_list_seat:
            return frozenset()
        cells = set()
        for c in constituencies:
            votes = {p: c.votes.get(p, 0) for p in upper}
            top = max(votes.values(), default=0)
            leaders = [p for p, v in votes.items() if v == top]
            if c.magnitude and top and len(leaders) == 1 and upper[leaders[0]]:
                cells.add((leaders[0], c.name))
        problems = [Problem(source="votes", line=None, field="biproportional",
                            message=f"{p} has the most votes in {led} constituencies but won "
                                    f"{upper[p]} seats: the strongest-list condition cannot hold")
                    for p in upper
                    for led in (sum(1 for q, _ in cells if q == p),) if led > upper[p]]
        if problems:
            raise InputError(problems)
        return frozenset(cells)

    def weights(self, constituencies: Sequence[Constituency], lists: Sequence[str]
                ) -> dict[str, Fraction]:
        """Each list's upper-apportionment basis (votes or voter numbers)."""
        out: dict[str, Fraction] = {}
        for p in lists:
            total = Fraction(0)
            for c in constituencies:
                v = c.votes.get(p, 0)
                if self.basis is UpperBasis.VOTES:
                    total += v
                elif self.rounding is VoterRounding.NONE:
                    total += Fraction(v, c.magnitude)
                elif self.rounding is VoterRounding.DOWN:
                    total += v // c.magnitude
                else:
                    total += floor(Fraction(v, c.magnitude) + Fraction(1, 2))
            out[p] = total
        return out

    def apportion(
        self,
        constituencies: Sequence[Constituency],
        qualified: frozenset[str],
        lower: DivisorSeries,
        tie: TieRule,
        seed: int,
    ) -> BiproportionalResult:
        """Seats per list and per list × constituency for the `qualified` lists (a
        constituency without seats adds nothing to a voter number)."""
        counted = [c for c in constituencies if c.magnitude]
        lists = sorted(qualified, key=lambda p: min(
            (i for i, c in enumerate(constituencies) if p in c.votes), default=0))
        weights = self.weights(counted, lists)
        scale = lcm(*(w.denominator for w in weights.values()), 1)
        scaled = {p: int(w * scale) for p, w in weights.items()}
        house = sum(c.magnitude for c in counted)
        precedence = Precedence.draw(UPPER, scaled, tie, seed)
        if not any(scaled.values()):
            raise InputError([Problem(source="votes", line=None, field="biproportional",
                                      message="no qualifying list has a vote")])
        upper = self.upper.apportion(scaled, house, precedence)
        rows = {p: upper.seats[p] for p in lists}
        seats = _lower(constituencies, rows, lower, precedence, seed,
                       self.strongest(constituencies, rows))
        return BiproportionalResult(
            weights=frozen_mapping(weights),
            upper=frozen_mapping({p: upper.seats[p] for p in lists}),
            awards=upper.awards, runner_up=upper.runner_up,
            list_divisors=frozen_mapping(seats.list_divisors),
            constituency_divisors=frozen_mapping(seats.constituency_divisors),
            seats=frozen_mapping({c.name: frozen_mapping(seats.matrix[c.name])
                                  for c in constituencies}),
            ties=(*upper.ties, *seats.ties),
        )


@dataclass(frozen=True, slots=True)
class _Lower:
    matrix: dict[str, dict[str, int]]
    list_divisors: dict[str, Fraction]
    constituency_divisors: dict[str, Fraction]
    ties: tuple[Tie, ...]


def _lower(
    constituencies: Sequence[Constituency],
    rows: Mapping[str, int],
    series: DivisorSeries,
    precedence: Precedence,
    seed: int,
    locked: frozenset[tuple[str, str]] = frozenset(),
) -> _Lower:
    """Seats per list × constituency meeting `rows` (list seats) and the magnitudes exactly.

    It starts from each constituency counted alone by the series — a biproportional matrix for
    its own list sums, proven by constituency divisors alone — and moves seats from lists above
    their upper seats to lists below them along cheapest paths. Nodes: the source, one per
    list, one per constituency, the sink. A path source → list below its seats → constituency
    (→ list → constituency …) → list above its seats (or a constituency with seats left) → sink
    moves one seat: each list → constituency step adds the cell's next seat (factor d(x) / v),
    each constituency → list step takes one back (factor v / d(x − 1)). Dijkstra on potentials
    keeps every factor ≥ 1, so products compare like sums of logarithms; equal paths are taken
    in a fixed order (lists by the tie rule's precedence, constituencies in input order); where
    that order chose between matrices that meet the sums equally well, `_lot` decides again by
    the law's tie rule and `seed`, so the search order never decides a seat. A `locked` cell
    keeps its first seat: that seat can never be taken back (the strongest-list condition; the
    list with most votes always wins a constituency's first seat when it is counted alone).
    """
    lists = sorted(rows, key=precedence.rank.__getitem__)
    names = [c.name for c in constituencies]
    votes = {(p, c.name): c.votes.get(p, 0) for p in lists for c in constituencies}
    columns = {c.name: c.magnitude for c in constituencies}
    x = dict.fromkeys(votes, 0)
    for c in constituencies:
        standing = {p: votes[p, c.name] for p in lists if votes[p, c.name] > 0}
        if standing and c.magnitude:
            alone = highest_averages(standing, c.magnitude, series, precedence).seats
            x.update({(p, c.name): s for p, s in alone.items()})
    row_left = {p: rows[p] - sum(x[p, n] for n in names) for p in lists}
    col_left = {n: columns[n] - sum(x[p, n] for p in lists) for n in names}
    source, sink = ("source", ""), ("sink", "")
    nodes: list[Node] = [source, *(("list", p) for p in lists),
                         *(("constituency", n) for n in names), sink]
    order = {n: i for i, n in enumerate(nodes)}

    def edges(u: Node) -> list[tuple[Node, Fraction]]:
        if u == source:
            return [(("list", p), Fraction(1)) for p in lists if row_left[p] > 0]
        if u[0] == "list":
            out = [(("constituency", n), Fraction(series.divisor(x[u[1], n]), votes[u[1], n]))
                   for n in names if votes[u[1], n] > 0]
            return [*out, (sink, Fraction(1))] if row_left[u[1]] < 0 else out
        if u[0] == "constituency":
            out = [(("list", p), Fraction(votes[p, u[1]], series.divisor(x[p, u[1]] - 1)))
                   for p in lists if x[p, u[1]] > ((p, u[1]) in locked)]
            return [*out, (sink, Fraction(1))] if col_left[u[1]] > 0 else out
        return []

    potential = {n: Fraction(1) for n in nodes}
    for n in names:
        factors = [Fraction(series.divisor(x[p, n]), votes[p, n])
                   for p in lists if votes[p, n] > 0]
        potential["constituency", n] = min(factors, default=Fraction(1))
    potential[sink] = min((Fraction(1), *(potential["constituency", n] for n in names)))
    while any(left > 0 for left in row_left.values()):
        dist, parent = _shortest(source, edges, potential, order)
        if sink not in dist:
            _refuse(dist, rows, columns, {cell: x[cell] for cell in locked})
        far = max(dist.values())
        potential = {n: potential[n] * dist.get(n, far) for n in nodes}
        node = sink
        while node != source:
            prev = parent[node]
            if prev[0] == "list" and node[0] == "constituency":
                x[prev[1], node[1]] += 1
            elif prev[0] == "constituency" and node[0] == "list":
                x[node[1], prev[1]] -= 1
            elif prev == source:
                row_left[node[1]] -= 1
            elif prev[0] == "list":
                row_left[prev[1]] += 1
            else:
                col_left[prev[1]] -= 1
            node = prev
    # votes ÷ (list divisor × constituency divisor) lies between d(x − 1) and d(x), counted in
    # steps of the series (Sainte-Laguë's x − ½ and x + ½: standard rounding); the first list's
    # divisor is 1.
    base = potential["list", lists[0]] if lists else Fraction(1)
    list_divisors = {p: potential["list", p] / base for p in lists}
    constituency_divisors = {n: base * series.step / potential["constituency", n]
                             for n in names}

    def on(p: str, n: str, k: int) -> bool:
        return k >= 0 and votes[p, n] > 0 and Fraction(votes[p, n]) == series.divisor(k) / (
            series.step) * list_divisors[p] * constituency_divisors[n]

    ties = _lot(lists, names, votes, x, on, locked, precedence.rule, seed)
    matrix = {n: {p: x[p, n] for p in lists} for n in names}
    return _Lower(matrix, list_divisors, constituency_divisors, ties)


def _shortest(
    start: Node,
    edges: Callable[[Node], list[tuple[Node, Fraction]]],
    potential: dict[Node, Fraction],
    order: dict[Node, int],
) -> tuple[dict[Node, Fraction], dict[Node, Node]]:
    """Dijkstra with multiplicative reduced factors (each ≥ 1); ties popped in `order`."""
    dist = {start: Fraction(1)}
    parent: dict[Node, Node] = {}
    done: set[Node] = set()
    heap = [(Fraction(1), order[start], start)]
    while heap:
        d, _, u = heapq.heappop(heap)
        if u in done:
            continue
        done.add(u)
        for v, factor in edges(u):
            reduced = d * factor * potential[u] / potential[v]
            if v not in done and (v not in dist or reduced < dist[v]):
                dist[v] = reduced
                parent[v] = u
                heapq.heappush(heap, (reduced, order[v], v))
    return dist, parent


def _refuse(dist: Mapping[Node, Fraction], rows: Mapping[str, int],
            columns: Mapping[str, int], locked: Mapping[tuple[str, str], int]) -> None:
    """No seat can move: the lists reached are owed more than the constituencies they reach
    can give them (their seats less those locked to other lists)."""
    owed = [n[1] for n in dist if n[0] == "list"]
    where = [n[1] for n in dist if n[0] == "constituency"]
    held = sum(s for (p, n), s in locked.items() if n in where and p not in owed)
    raise InputError([Problem(
        source="votes", line=None, field="biproportional",
        message=f"the list and constituency seats cannot both be met: {', '.join(owed)} "
                f"won {sum(rows[p] for p in owed)} seats in the upper apportionment but have "
                f"votes only in {', '.join(where) or 'no constituency'}, which fill "
                f"{sum(columns[n] for n in where) - held}"
                + (f" beside {held} held by their strongest lists" if held else ""))])


def _lot(
    lists: Sequence[str],
    names: Sequence[str],
    votes: Mapping[tuple[str, str], int],
    x: dict[tuple[str, str], int],
    on: Callable[[str, str, int], bool],
    locked: frozenset[tuple[str, str]],
    rule: TieRule,
    seed: int,
) -> tuple[Tie, ...]:
    """Seats another matrix would place elsewhere equally well, decided as the law decides a tie.

    With the divisors fixed, a cell whose quotient lies exactly on a rounding boundary (`on`)
    may hold either of the two seat numbers beside it: it is open, and every matrix meeting the
    sums equally well differs from `x` only in open cells. They are taken in the order of the
    law's tie rule — more votes in the cell first (`votes`), then a lot drawn from the seed —
    and each takes its higher number if some matrix still allows it once the cells before it
    are fixed: `x` then moves along an alternating cycle of open cells not yet fixed (two such
    matrices differ by such cycles). A cell whose number could have gone either way is a tie,
    recorded with the list that would have held the seat in its place.
    """
    high: dict[tuple[str, str], int] = {}
    for p in lists:
        for n in names:
            if on(p, n, x[p, n]):
                high[p, n] = x[p, n] + 1
            elif x[p, n] > ((p, n) in locked) and on(p, n, x[p, n] - 1):
                high[p, n] = x[p, n]
    cells = sorted(high)
    lot = {cells[i]: rank for rank, i in enumerate(_permutation(seed, LOWER, len(cells)))}
    order = sorted(cells, key=lambda c: (-votes[c] if rule is TieRule.VOTES else 0, lot[c]))
    unfixed = set(cells)
    ties: list[Tie] = []
    for cell in order:
        unfixed.discard(cell)
        raising = x[cell] < high[cell]
        cycle = _cycle(cell, 1 if raising else -1, lists, names, x, high, unfixed)
        if cycle is None:
            continue  # no matrix gives this cell its other number
        if raising:
            for c, change in cycle:
                x[c] += change
        p, n = cell
        rival = cycle[1][0][0]
        by_votes = rule is TieRule.VOTES and votes[cell] > votes[rival, n]
        ties.append(Tie(constituency=n, seat=high[cell], lists=(p, rival), winner=p,
                        decided_by="votes" if by_votes else "lot"))
    return tuple(ties)


def _cycle(
    cell: tuple[str, str],
    change: int,
    lists: Sequence[str],
    names: Sequence[str],
    x: Mapping[tuple[str, str], int],
    high: Mapping[tuple[str, str], int],
    unfixed: set[tuple[str, str]],
) -> list[tuple[tuple[str, str], int]] | None:
    """Cells (with +1 or −1) that change `cell` by `change` and keep every sum: in its
    constituency another list's cell moves the other way, that list's cell in another
    constituency moves the same way, … until a cell of `cell`'s own list moves the other way.
    Only unfixed open cells move, each within its two numbers. A depth-first search: every
    constituency needs −change from some list, every list +change from some constituency."""
    start, first = cell
    path: list[tuple[tuple[str, str], int]] = [(cell, change)]
    seen_lists, seen_names = {start}, {first}

    def movable(c: tuple[str, str], by: int) -> bool:
        return c in unfixed and x[c] + by in (high[c] - 1, high[c])

    def from_constituency(n: str) -> bool:
        for p in lists:
            if movable((p, n), -change):
                path.append(((p, n), -change))
                if p == start:
                    return True
                if p not in seen_lists:
                    seen_lists.add(p)
                    if from_list(p):
                        return True
                path.pop()
        return False

    def from_list(p: str) -> bool:
        for n in names:
            if n not in seen_names and movable((p, n), change):
                seen_names.add(n)
                path.append(((p, n), change))
                if from_constituency(n):
                    return True
                path.pop()
        return False

    return path if from_constituency(first) else None
