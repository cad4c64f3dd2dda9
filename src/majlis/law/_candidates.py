"""Who sits in the seats: candidates ranked within their list, then the women's rule.

A list's seats go to its candidates by personal votes (open lists) or in list order (closed
lists). A women's rule may then replace male winners by women; every replacement is recorded
with the man it displaced, because that is the question each displaced candidate asks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from fractions import Fraction
from math import floor

from majlis.errors import AllocationError, InputError, Problem

from ._quotas import Rounding
from ._ties import Precedence, TieRule
from ._values import (
    CandidateVotes,
    Constituency,
    ConstituencyResult,
    Elected,
    add_up,
    frozen_mapping,
)

Winners = dict[str, list[CandidateVotes]]  # per list, in the order they were elected


class Ranking(StrEnum):
    """How a list's seats go to its candidates."""

    OPEN = "open"  # by personal votes; equal votes by lot
    CLOSED = "closed"  # in the list's own order (the order of the votes file)


def ranked(c: Constituency, ranking: Ranking, seed: int) -> dict[str, list[CandidateVotes]]:
    """Each list's candidates in the order they take its seats."""
    by_list: dict[str, list[CandidateVotes]] = {}
    for x in c.candidates:
        by_list.setdefault(x.list, []).append(x)
    if ranking is Ranking.CLOSED:
        return by_list
    lot = Precedence.draw(f"{c.name} candidates", {_key(x): x.votes for x in c.candidates},
                          TieRule.LOT, seed)
    return {p: sorted(xs, key=lambda x: (-x.votes, lot.rank[_key(x)]))
            for p, xs in by_list.items()}


def _key(x: CandidateVotes) -> str:
    return f"{x.list}\x1f{x.candidate}"


def _woman(x: CandidateVotes) -> bool:
    return x.gender == "F"


@dataclass(frozen=True, slots=True, kw_only=True)
class QuarterByList:
    """Iraq 2023 law as IHEC applies it (2025): at least `share` of a constituency's seats.

    Required women: seats × share, rounded half up (Baghdad 69 → 17, Sulaymaniyah 18 → 5). If the
    votes already elect them, nothing changes. Otherwise each list must seat at least its seats ÷ 4
    women (fractions dropped), then, if still short, its seats ÷ 3; the last missing seats go to
    the highest-voted unelected women of winning lists, each replacing the lowest-voted man of her
    own list.
    """

    share: Fraction = Fraction(1, 4)
    divisors: tuple[int, ...] = (4, 3)

    def required(self, seats: int) -> int:
        return floor(seats * self.share + Fraction(1, 2))

    def apply(self, winners: Winners, ranking: Mapping[str, list[CandidateVotes]],
              magnitude: int) -> Winners:
        goal = self.required(magnitude)
        if _women(winners) >= goal:
            return winners
        for divisor in self.divisors:
            for list_name, seated in winners.items():
                while sum(map(_woman, seated)) < len(seated) // divisor and _swap(
                        seated, ranking[list_name]):
                    pass
            if _women(winners) >= goal:
                return winners
        while _women(winners) < goal:
            waiting = [(w, p) for p, seated in winners.items() if seated
                       for w in ranking[p] if _woman(w) and w not in seated
                       and any(not _woman(x) for x in seated)]
            if not waiting:
                break  # no list has a woman left to seat: the shortfall stands
            woman, list_name = max(waiting, key=lambda wp: wp[0].votes)
            _swap(winners[list_name], ranking[list_name], woman)
        return winners


@dataclass(frozen=True, slots=True, kw_only=True)
class EveryNth:
    """Iraq 2014 and 2018: within each list, a woman after every `every - 1` winning men."""

    every: int = 4

    def apply(self, winners: Winners, ranking: Mapping[str, list[CandidateVotes]],
              magnitude: int) -> Winners:
        for list_name, seated in winners.items():
            order = list(ranking[list_name])
            chosen: list[CandidateVotes] = []
            men = 0
            while len(chosen) < len(seated) and order:
                nxt = order[0]
                if men == self.every - 1 and not _woman(nxt):
                    nxt = next((x for x in order if _woman(x)), nxt)
                order.remove(nxt)
                chosen.append(nxt)
                men = 0 if _woman(nxt) else men + 1
            winners[list_name] = chosen
        return winners


@dataclass(frozen=True, slots=True, kw_only=True)
class ConstituencyWoman:
    """Iraq 2021 (SNTV): one seat per constituency for a woman, counted over its region.

    A region (a governorate) needs as many women as it has constituencies. Women elected on their
    own votes count; while the region falls short, a constituency without an elected woman gives
    its lowest-voted winning man's seat to its highest-voted woman — constituencies whose best
    woman has most votes first.
    """

    def apply_region(self, constituencies: list[tuple[list[CandidateVotes],
                                                       list[CandidateVotes]]]) -> None:
        """`constituencies`: (winners, all candidates by votes) per constituency, changed in
        place."""
        goal = len(constituencies)
        women = sum(_woman(x) for seated, _ in constituencies for x in seated)
        open_ = [(seated, next(w for w in everyone if _woman(w) and w not in seated))
                 for seated, everyone in constituencies
                 if not any(map(_woman, seated)) and any(not _woman(x) for x in seated)
                 and any(_woman(w) and w not in seated for w in everyone)]
        for seated, woman in sorted(open_, key=lambda sw: -sw[1].votes):
            if women >= goal:
                break
            man = min((x for x in seated if not _woman(x)), key=lambda x: x.votes)
            seated[seated.index(man)] = woman
            women += 1


@dataclass(frozen=True, slots=True, kw_only=True)
class MinimumWomen:
    """At least so many women per constituency: `seats` in every one, or `share` of its seats
    made whole by `rounding`, or the number `constituencies` gives it by name (a constituency
    not named there takes `seats` or `share`, else none). While the votes elect fewer, the
    best-placed unelected woman — of the constituency under SNTV, of a list that won a seat
    under list rules, the one with most votes among each list's best-placed — takes the seat of
    the worst-placed elected man of the same list (under SNTV, of the constituency). Afghanistan's
    Wolesi Jirga (SNTV, a minimum per province) has this shape.
    """

    seats: int | None = None
    share: Fraction | None = None
    rounding: Rounding = Rounding.NEAREST
    constituencies: Mapping[str, int] = field(default_factory=dict)

    def required(self, name: str, magnitude: int) -> int:
        """Women the constituency must seat (never more than its seats)."""
        if name in self.constituencies:
            goal = self.constituencies[name]
        elif self.seats is not None:
            goal = self.seats
        elif self.share is not None:
            goal = int(self.rounding.of(magnitude * self.share))
        else:
            goal = 0
        return min(goal, magnitude)

    def apply(self, winners: Winners, ranking: Mapping[str, list[CandidateVotes]],
              goal: int) -> Winners:
        while _women(winners) < goal:
            waiting = []
            for list_name, seated in winners.items():
                woman = next((x for x in ranking[list_name] if _woman(x) and x not in seated), None)
                if woman is not None and any(not _woman(x) for x in seated):
                    waiting.append((woman, list_name))
            if not waiting:
                break  # no woman left where a man could give way: the shortfall stands
            woman, list_name = max(waiting, key=lambda wp: wp[0].votes)
            seated = winners[list_name]
            man = max((x for x in seated if not _woman(x)), key=ranking[list_name].index)
            seated[seated.index(man)] = woman
        return winners


WomenRule = QuarterByList | EveryNth | ConstituencyWoman | MinimumWomen


def _women(winners: Winners) -> int:
    return sum(_woman(x) for seated in winners.values() for x in seated)


def _swap(seated: list[CandidateVotes], ranking: list[CandidateVotes],
          woman: CandidateVotes | None = None) -> bool:
    """Seat a woman of this list (the best-ranked unseated one, unless named) in place of its
    lowest-voted seated man. False when the list has no woman left or no man to replace."""
    woman = woman or next((x for x in ranking if _woman(x) and x not in seated), None)
    men = [x for x in seated if not _woman(x)]
    if woman is None or not men:
        return False
    man = min(men, key=lambda x: (x.votes, -ranking.index(x)))
    seated[seated.index(man)] = woman
    return True


def record(before: list[CandidateVotes], after: list[CandidateVotes],
           via: str) -> tuple[Elected, ...]:
    """The elected of one list (or SNTV constituency) with each quota woman paired to the man she
    displaced: the highest-voted newcomer with the lowest-voted man who lost his seat."""
    newcomers = sorted((x for x in after if x not in before), key=lambda x: -x.votes)
    displaced = sorted((x for x in before if x not in after), key=lambda x: x.votes)
    pairs = dict(zip(map(_key, newcomers), displaced, strict=True))
    return tuple(
        Elected(candidate=x, via="women's quota", displaced=pairs[_key(x)]) if _key(x) in pairs
        else Elected(candidate=x, via=via)
        for x in after
    )



def elect(
    constituencies: tuple[Constituency, ...],
    results: list[ConstituencyResult],
    ranking: Ranking,
    women: WomenRule | None,
    seed: int,
) -> list[ConstituencyResult]:
    """Results with their elected candidates, the women's rule applied to general seats."""
    if isinstance(women, MinimumWomen):
        unknown = sorted(set(women.constituencies) - {c.name for c in constituencies})
        if unknown:
            raise InputError([Problem(source="law", line=None, field="women.constituencies",
                                      message=f"{n!r} is not a constituency of this election")
                              for n in unknown])
    plans: list[tuple[Constituency, ConstituencyResult, Winners, Winners]] = []
    for c, r in zip(constituencies, results, strict=True):
        if not c.candidates:
            plans.append((c, r, {}, {}))
            continue
        if r.elected:  # SNTV: one pool of candidates, whatever their lists
            pool = sorted(c.candidates, key=lambda x: -x.votes)
            plans.append((c, r, {"": [e.candidate for e in r.elected]}, {"": pool}))
            continue
        order = ranked(c, ranking, seed)
        winners: Winners = {}
        for list_name, seats in r.seats.items():
            if list_name not in order:  # a list given by its total only: no names to seat
                continue
            if seats > len(order[list_name]):
                raise AllocationError(f"{c.name}: {list_name} won {seats} seats but has "
                                      f"{len(order[list_name])} candidates")
            if seats:
                winners[list_name] = order[list_name][:seats]
        plans.append((c, r, winners, order))
    before = [{p: list(w) for p, w in winners.items()} for _, _, winners, _ in plans]
    if isinstance(women, ConstituencyWoman):
        regions: dict[str, list[tuple[list[CandidateVotes], list[CandidateVotes]]]] = {}
        for c, r, winners, order in plans:
            if r.community is None and "" in winners:
                regions.setdefault(c.region or c.name, []).append((winners[""], order[""]))
        for region in regions.values():
            women.apply_region(region)
    elif isinstance(women, MinimumWomen):
        for _, r, winners, order in plans:
            if r.community is None and winners:
                women.apply(winners, order, women.required(r.name, r.magnitude))
    elif women is not None:
        for _, r, winners, order in plans:
            if r.community is None and winners and "" not in winners:
                women.apply(winners, order, r.magnitude)
    via = "votes" if ranking is Ranking.OPEN else "list order"
    out = []
    for (_, r, winners, _), old in zip(plans, before, strict=True):
        if not winners:
            out.append(r)
            continue
        sntv = "" in winners
        elected = tuple(e for p, seated in winners.items()
                        for e in record(old[p], seated, "votes" if sntv else via))
        if sntv:  # a quota woman of another list moves the seat between lists
            count = add_up([dict.fromkeys(r.seats, 0), *({e.candidate.list: 1} for e in elected)])
            r = replace(r, seats=frozen_mapping(count))
        out.append(replace(r, elected=elected))
    return out
