"""Machine against hand: each hand-counted station's figures beside its machine's, added up by
polling centre and constituency, and the seats the law gives when the hand counts replace the
machine figures of the stations they audit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from majlis.law import Allocation, Constituency, Election, Law, allocate


@dataclass(frozen=True, slots=True, kw_only=True)
class HandCount:
    """One audited station: its machine's votes per list and the hand count's."""

    station: str
    centre: str
    constituency: str
    machine: Mapping[str, int]
    hand: Mapping[str, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class Tolerance:
    """How far a hand count may differ from the machine per list at one station and still
    match: `votes` votes, or a `share` of the machine's valid votes there, whichever is more.
    The default, zero, asks for the same figures."""

    votes: int = 0
    share: Fraction = Fraction(0)

    def allowed(self, valid: int) -> Fraction:
        """The largest difference per list allowed at a station of `valid` machine votes."""
        return max(Fraction(self.votes), self.share * valid)


EXACT = Tolerance()


@dataclass(frozen=True, slots=True, kw_only=True)
class StationComparison:
    """One station: differences per list (hand − machine, lists that differ only) and whether
    every one is within the allowance."""

    station: str
    centre: str
    constituency: str
    machine_valid: int
    hand_valid: int
    allowed: Fraction
    differences: Mapping[str, int]
    within: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class AreaComparison:
    """A polling centre or a constituency: its compared stations' differences added up per list,
    and how many stations were outside the tolerance (the area is within when none is)."""

    constituency: str
    centre: str | None  # None for the constituency as a whole
    stations: int
    outside: int
    differences: Mapping[str, int]

    @property
    def within(self) -> bool:
        return self.outside == 0


@dataclass(frozen=True, slots=True, kw_only=True)
class SeatChange:
    """A list whose seats in a constituency (or an upper tier) differ once the hand counts
    replace the machine figures."""

    constituency: str
    list: str
    machine: int
    hand: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    """The whole comparison: per station, centre and constituency, and the seats both ways."""

    tolerance: Tolerance
    stations: tuple[StationComparison, ...]
    centres: tuple[AreaComparison, ...]
    constituencies: tuple[AreaComparison, ...]
    machine_seats: Mapping[str, int]
    hand_seats: Mapping[str, int]
    changes: tuple[SeatChange, ...] = field(default_factory=tuple)

    @property
    def seats_move(self) -> bool:
        return bool(self.changes)


def compare(hand_counts: Iterable[HandCount], machine_totals: Mapping[str, Mapping[str, int]],
            law: Law, tolerance: Tolerance = EXACT) -> Comparison:
    """Compare each hand count with its machine's figures, and re-allocate every constituency
    of `machine_totals` (votes per list from the machine figures) under `law` with the audited
    stations' hand counts in place of their machine figures."""
    stations = tuple(sorted((_station(h, tolerance) for h in hand_counts),
                            key=lambda s: (s.constituency, s.centre, s.station)))
    hand_totals = {name: dict(votes) for name, votes in machine_totals.items()}
    for s in stations:
        place = hand_totals.setdefault(s.constituency, {})
        for list_name, d in s.differences.items():
            place[list_name] = place.get(list_name, 0) + d
    before, after = _seats(machine_totals, law), _seats(hand_totals, law)
    return Comparison(
        tolerance=tolerance, stations=stations,
        centres=_areas(stations, by_centre=True), constituencies=_areas(stations, by_centre=False),
        machine_seats=before.totals(), hand_seats=after.totals(), changes=_changes(before, after))


def _station(h: HandCount, tolerance: Tolerance) -> StationComparison:
    allowed = tolerance.allowed(sum(h.machine.values()))
    differences = {p: h.hand.get(p, 0) - h.machine.get(p, 0)
                   for p in sorted({*h.machine, *h.hand})
                   if h.hand.get(p, 0) != h.machine.get(p, 0)}
    return StationComparison(
        station=h.station, centre=h.centre, constituency=h.constituency,
        machine_valid=sum(h.machine.values()), hand_valid=sum(h.hand.values()), allowed=allowed,
        differences=differences, within=all(abs(d) <= allowed for d in differences.values()))


def _areas(stations: Sequence[StationComparison], *, by_centre: bool
           ) -> tuple[AreaComparison, ...]:
    grouped: dict[tuple[str, str | None], list[StationComparison]] = {}
    for s in stations:
        grouped.setdefault((s.constituency, s.centre if by_centre else None), []).append(s)
    out = []
    for (constituency, centre), members in grouped.items():
        total: dict[str, int] = {}
        for s in members:
            for list_name, d in s.differences.items():
                total[list_name] = total.get(list_name, 0) + d
        out.append(AreaComparison(constituency=constituency, centre=centre,
                                  stations=len(members),
                                  outside=sum(not s.within for s in members),
                                  differences={p: d for p, d in sorted(total.items()) if d}))
    return tuple(out)


def _seats(totals: Mapping[str, Mapping[str, int]], law: Law) -> Allocation:
    """Seats under `law` in the constituencies it names that have votes."""
    return allocate(Election(constituencies=tuple(
        Constituency(name=name, magnitude=law.magnitudes[name], votes=votes)
        for name, votes in sorted(totals.items()) if any(votes.values())
        and name in law.magnitudes)), law)


def _changes(before: Allocation, after: Allocation) -> tuple[SeatChange, ...]:
    """Every (constituency or tier, list) whose seats differ, in constituency then list order."""
    places = {c.name: c.seats for c in before.constituencies}
    later = {c.name: c.seats for c in after.constituencies}
    if before.tier is not None and after.tier is not None:
        places[before.tier.name], later[after.tier.name] = before.tier.seats, after.tier.seats
    return tuple(SeatChange(constituency=name, list=list_name,
                            machine=places[name].get(list_name, 0),
                            hand=later.get(name, {}).get(list_name, 0))
                 for name in sorted(places)
                 for list_name in sorted({*places[name], *later.get(name, {})})
                 if places[name].get(list_name, 0) != later.get(name, {}).get(list_name, 0))
