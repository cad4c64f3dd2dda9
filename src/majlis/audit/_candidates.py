"""Assertions that imply which candidates sit, the women's rule included: each one candidate's
votes above another's (g = [winner] − [loser], the plurality assorter), so they are audited
like SNTV's. docs/audit.md derives them.

Every women's rule majlis applies leaves each pool (a list under open lists, the constituency
under SNTV) seating its best-voted s − f men and its best-voted f women, f at least the women
the votes alone would seat; what the rule decides is f, from counts of women and the votes of
women against other lists' women. So the assertions are: within each pool, the seated above
the unseated of their own sex and every seated man above every unseated woman; and, as the
rule needs, the order statistics that fix f (the women the votes alone seat, or each step of
a woman-every-n-th list) and, where the last seats go to the best-voted women of any list, each
such list's seated women above every other list's women still waiting.

A woman's seat per constituency counted over its region (Iraq 2021) decides one constituency's
winners from the other constituencies' women: `region_assertions` audits the region together,
comparing a quota woman with the women of another constituency over both constituencies'
ballots.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from majlis.errors import InputError, Problem
from majlis.law import (
    CandidateVotes,
    ConstituencyResult,
    ConstituencyWoman,
    EveryNth,
    MinimumWomen,
    QuarterByList,
    WomenRule,
)

from ._assertions import Assertion, Kind


def candidate_key(x: CandidateVotes) -> str:
    """The name a candidate's votes go by in the audit's counts: `list / candidate`, or the
    candidate alone when an SNTV entry is its own list (a tally's sheets)."""
    return x.candidate if x.list == x.candidate else f"{x.list} / {x.candidate}"


def _woman(x: CandidateVotes) -> bool:
    return x.gender == "F"


class _Pairs:
    """Assertions `winner above loser` by candidate, each pair once."""

    def __init__(self, constituency: str) -> None:
        self.constituency = constituency
        self.found: dict[tuple[str, str], Assertion] = {}

    def add(self, winners: Sequence[CandidateVotes], losers: Sequence[CandidateVotes]) -> None:
        for w in winners:
            for lost in losers:
                key = (candidate_key(w), candidate_key(lost))
                if key not in self.found and key[0] != key[1]:
                    self.found[key] = Assertion(
                        constituency=self.constituency, kind=Kind.CANDIDATE, winner=key[0],
                        loser=key[1], for_winner=Fraction(1), for_loser=Fraction(1))

    def order(self, above: Sequence[CandidateVotes], top: int, below: Sequence[CandidateVotes],
              rank: int) -> None:
        """The `top`-th best of `above` (ranked by the reported votes) beats the `rank`-th
        best of `below`, whatever the true order within each: every one of the reported best
        `top` beats every one from the reported `rank`-th on (the true `top`-th is at least
        the least of any `top`, the true `rank`-th at most the most of the rest)."""
        if 1 <= top <= len(above) and 1 <= rank <= len(below):
            self.add(above[:top], below[rank - 1:])


def candidate_assertions(result: ConstituencyResult, candidates: Sequence[CandidateVotes],
                         women: WomenRule | None, *, sntv: bool) -> tuple[Assertion, ...]:
    """The assertions that imply `result.elected` from the `candidates`' reported votes, the
    lists' seats taken as given (the seat assertions hold those): open lists (each list's seats
    to its best-voted candidates) or SNTV (the constituency's), then the `women`'s rule.
    Closed lists seat in the list's order: nothing of the candidates' votes to audit."""
    if result.community is not None or (not sntv and isinstance(women, ConstituencyWoman)) or (
            sntv and isinstance(women, QuarterByList | EveryNth)):
        women = None  # reserved seats have no women's rule; these rules skip this count
    if isinstance(women, ConstituencyWoman):
        raise InputError([Problem(source=result.name, line=None, field="women", message=(
            "a woman's seat per constituency counted over its region decides one "
            "constituency's winners from the others' votes: audit the region's constituencies "
            "together (region_assertions)"))])
    if not candidates:
        return ()
    seated = {candidate_key(e.candidate) for e in result.elected}
    pools: dict[str, list[CandidateVotes]] = {}
    for x in candidates:
        pools.setdefault("" if sntv else x.list, []).append(x)
    seats = ({"": result.magnitude} if sntv
             else {p: n for p, n in result.seats.items() if n and p in pools})
    pairs = _Pairs(result.name)
    split: dict[str, tuple[list[CandidateVotes], list[CandidateVotes]]] = {}
    for p in seats:
        ranked = sorted(pools[p], key=lambda x: -x.votes)
        men = [x for x in ranked if not _woman(x)]
        fem = [x for x in ranked if _woman(x)]
        split[p] = men, fem
        won = [x for x in ranked if candidate_key(x) in seated]
        lost = [x for x in ranked if candidate_key(x) not in seated]
        if women is None:
            pairs.add(won, lost)
            continue
        pairs.add([x for x in won if not _woman(x)], [x for x in lost if not _woman(x)])
        pairs.add([x for x in won if _woman(x)], [x for x in lost if _woman(x)])
        if not isinstance(women, EveryNth):
            pairs.add([x for x in won if not _woman(x)], [x for x in lost if _woman(x)])
    if isinstance(women, EveryNth):
        for p, (men, fem) in split.items():
            _every_nth(pairs, men, fem, seats[p], women.every)
    elif isinstance(women, MinimumWomen) and sntv:
        (men, fem), = split.values()
        f = sum(candidate_key(x) in seated for x in fem)
        if f > women.required(result.name, result.magnitude):  # the votes alone seat them
            pairs.add(fem[:f], men[result.magnitude - f:])
    elif isinstance(women, MinimumWomen | QuarterByList):
        _by_lists(pairs, result, women, split, seats,
                  {p: sum(candidate_key(x) in seated for x in fem)
                   for p, (_, fem) in split.items()})
    return tuple(pairs.found.values())


def pooled_key(constituency: str, key: str) -> str:
    """A candidate's key among several constituencies' ballots, `constituency › key`: two
    constituencies may each have a candidate of the same name."""
    return f"{constituency} › {key}"


def region_assertions(results: Sequence[ConstituencyResult],
                      candidates: Mapping[str, Sequence[CandidateVotes]]
                      ) -> dict[tuple[str, ...], tuple[Assertion, ...]]:
    """The assertions that imply who sits in every constituency of one region (SNTV, a
    woman's seat per constituency counted over the region: `ConstituencyWoman`, Iraq 2021),
    from the `candidates`' reported votes by constituency; `results` are the region's, as
    `allocate` gave them. Keyed by the constituencies whose ballots they are over: one
    constituency's own (its candidates by `candidate_key`), or two — a quota woman above each
    woman of a constituency left without one (keys `pooled_key`). docs/audit.md derives them.
    """
    general = [r for r in results if r.community is None and candidates.get(r.name)]
    quota = {r.name for r in general if any(e.displaced is not None for e in r.elected)}
    out: dict[tuple[str, ...], tuple[Assertion, ...]] = {}
    waiting: dict[str, list[CandidateVotes]] = {}  # unseated women where only men sit
    for r in general:
        seated = {candidate_key(e.candidate) for e in r.elected}
        ranked = sorted(candidates[r.name], key=lambda x: -x.votes)
        won = [x for x in ranked if candidate_key(x) in seated]
        lost = [x for x in ranked if candidate_key(x) not in seated]
        pairs = _Pairs(r.name)
        if r.name in quota:  # her seat holds whether the votes or the quota gave it
            pairs.add([x for x in won if not _woman(x)], lost)
            pairs.add([x for x in won if _woman(x)], [x for x in lost if _woman(x)])
        else:
            pairs.add(won, lost)
            if not any(map(_woman, won)):
                waiting[r.name] = [x for x in lost if _woman(x)]
        out[(r.name,)] = tuple(pairs.found.values())
    for r in general:
        if r.name not in quota:
            continue
        (woman,) = [e.candidate for e in r.elected if e.displaced is not None]
        for other, women in waiting.items():
            if women:
                out[(r.name, other)] = tuple(
                    Assertion(constituency=f"{r.name} & {other}", kind=Kind.CANDIDATE,
                              winner=pooled_key(r.name, candidate_key(woman)),
                              loser=pooled_key(other, candidate_key(w)),
                              for_winner=Fraction(1), for_loser=Fraction(1))
                    for w in women)
    return out


def _natural(men: Sequence[CandidateVotes], fem: Sequence[CandidateVotes], s: int) -> int:
    """Women among a list's `s` best-voted, as reported."""
    return sum(map(_woman, sorted([*men, *fem], key=lambda x: -x.votes)[:s]))


def _by_lists(pairs: _Pairs, result: ConstituencyResult, women: MinimumWomen | QuarterByList,
              split: Mapping[str, tuple[list[CandidateVotes], list[CandidateVotes]]],
              seats: Mapping[str, int], seated: Mapping[str, int]) -> None:
    """A constituency's minimum of women over its lists: each list's women seated by votes alone
    (w, held by two order statistics: its w-th best woman above its (s − w + 1)-th best man, its
    (s − w)-th best man above its (w + 1)-th best woman), which fix every count the rule
    compares; then each list given women at the last, best-voted-first step: its seated women
    above every unseated woman of a list that still seats a man."""
    natural = {p: _natural(men, fem, seats[p]) for p, (men, fem) in split.items()}
    for p, (men, fem) in split.items():
        w, s = natural[p], seats[p]
        pairs.order(fem, w, men, s - w + 1)
        pairs.order(men, s - w, fem, w + 1)
    before = _before_last_step(women, result, natural, split, seats)
    for p, (_, fem) in split.items():
        if seated[p] <= before[p]:
            continue
        for q, (_, others) in split.items():
            if q != p and seats[q] > seated[q]:  # a man still seated there: its women wait
                pairs.add(fem[:seated[p]], others[seated[q]:])


def _before_last_step(women: MinimumWomen | QuarterByList, result: ConstituencyResult,
                      natural: Mapping[str, int],
                      split: Mapping[str, tuple[list[CandidateVotes], list[CandidateVotes]]],
                      seats: Mapping[str, int]) -> dict[str, int]:
    """Women per list before the rule's last step (the best-voted woman of any list, one at a
    time), as the rule counts them: QuarterByList first lifts each list to its seats ÷ 4, then
    ÷ 3, while the constituency is short."""
    counts = dict(natural)
    if isinstance(women, MinimumWomen):
        return counts
    goal = women.required(result.magnitude)
    if sum(counts.values()) >= goal:
        return {p: seats[p] + 1 for p in counts}  # no step at all: no list is given a woman
    for divisor in women.divisors:
        for p, (_, fem) in split.items():
            counts[p] = max(counts[p], min(seats[p] // divisor, len(fem)))
        if sum(counts.values()) >= goal:
            return {p: seats[p] + 1 for p in counts}
    return counts


def _every_nth(pairs: _Pairs, men: Sequence[CandidateVotes], fem: Sequence[CandidateVotes],
               s: int, every: int) -> None:
    """A woman after every `every − 1` men, in order of votes: each seat not forced to a woman
    goes to the better of the next man and the next woman — that comparison, as order
    statistics, is what the votes decide."""
    m = f = run = 0
    for _ in range(s):
        forced = run == every - 1 and f < len(fem)
        if forced or m >= len(men):
            f, run = f + 1, 0
            continue
        if f >= len(fem):
            m, run = m + 1, run + 1
            continue
        if men[m].votes > fem[f].votes:
            pairs.order(men, m + 1, fem, f + 1)
            m, run = m + 1, run + 1
        else:
            pairs.order(fem, f + 1, men, m + 1)
            f, run = f + 1, 0
