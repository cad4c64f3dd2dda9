"""Who sits under Iraq 2021's rule — a woman's seat per constituency, counted over the
governorate — audited over the region together: the assertions checked against the elected
recomputed by the law's own code on small generated regions, and on a region where a woman of
another constituency would take the quota seat."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from majlis import audit
from majlis.law import (
    CandidateVotes,
    Constituency,
    ConstituencyWoman,
    Election,
    Law,
    SntvRule,
    allocate,
)

LAW = Law(rule=SntvRule(), women=ConstituencyWoman())
Region = list[tuple[int, list[CandidateVotes]]]  # (magnitude, candidates) per constituency


def seat(region: Region) -> tuple[dict[str, frozenset[str]],
                                  dict[tuple[str, ...], tuple[audit.Assertion, ...]]]:
    """The law's elected (by key) in each constituency of the region `R`, and the assertions
    for them."""
    constituencies = []
    for i, (magnitude, people) in enumerate(region):
        votes: dict[str, int] = {}
        for x in people:
            votes[x.list] = votes.get(x.list, 0) + x.votes
        constituencies.append(Constituency(name=f"D{i}", magnitude=magnitude, votes=votes,
                                           candidates=tuple(people), region="R"))
    results = allocate(Election(constituencies=tuple(constituencies)), LAW).constituencies
    found = audit.region_assertions(results, {c.name: c.candidates for c in constituencies})
    return ({r.name: frozenset(audit.candidate_key(e.candidate) for e in r.elected)
             for r in results}, found)


def counts(region: Region, among: Sequence[str]) -> dict[str, int]:
    """The votes the assertions over the ballots of `among` read: one constituency's by
    candidate, several constituencies' by pooled key."""
    by_name = {f"D{i}": people for i, (_, people) in enumerate(region)}
    if len(among) == 1:
        return {audit.candidate_key(x): x.votes for x in by_name[among[0]]}
    return {audit.pooled_key(c, audit.candidate_key(x)): x.votes
            for c in among for x in by_name[c]}


def hold(region: Region, found: dict[tuple[str, ...], tuple[audit.Assertion, ...]]) -> bool:
    return all(a.holds(counts(region, among)) for among, xs in found.items() for a in xs)


@st.composite
def regions(draw: st.DrawFn) -> tuple[Region, Region]:
    """Two to four constituencies of one to three seats, each with its seats to three more
    candidates in two lists, votes distinct over the region; reported, then true with one to
    three candidates' votes moved next to another's (still distinct). Each constituency's genders
    are drawn at random, or with women first in its vote order, or men in its seats and a woman
    after them — so regions short of women by less than the constituencies left with men alone
    (where a quota woman is compared with other constituencies' women) are common."""
    shape = draw(st.lists(st.tuples(st.integers(1, 3), st.integers(0, 3),
                                    st.sampled_from(["random", "women first", "men first"])),
                          min_size=2, max_size=4))
    n = sum(m + extra for m, extra, _ in shape)
    votes = draw(st.lists(st.integers(0, 999), min_size=n, max_size=n, unique=True))
    women = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    at = 0
    for m, extra, kind in shape:
        ranks = sorted(range(at, at + m + extra), key=lambda i: -votes[i])
        if kind == "women first":
            for i in ranks[:2]:
                women[i] = True
        elif kind == "men first":
            for r, i in enumerate(ranks[:m + 1]):
                women[i] = r == m
        at += m + extra
    anyone = st.integers(0, n - 1)
    woman = st.sampled_from([i for i in range(n) if women[i]] or list(range(n)))
    moved = list(votes)  # a candidate's votes set next to another's (often a woman's)
    for i, j in draw(st.lists(st.tuples(anyone, anyone) | st.tuples(woman, woman)
                              | st.tuples(woman, anyone), min_size=1, max_size=3)):
        moved[i] = votes[j] + draw(st.sampled_from([-1, 1]))
    assume(len(set(moved)) == n)

    def make(vs: list[int]) -> Region:
        out, at = [], 0
        for i, (m, extra, _) in enumerate(shape):
            out.append((m, [CandidateVotes(list=f"L{j % 2}", candidate=f"c{i}{j}",
                                           votes=vs[at + j],
                                           gender="F" if women[at + j] else "M")
                             for j in range(m + extra)]))
            at += m + extra
        return out
    return make(votes), make(moved)


@settings(max_examples=600, deadline=None)
@given(regions())
def test_the_region_seats_the_reported_wherever_the_assertions_hold(
        drawn: tuple[Region, Region]) -> None:
    """The assertions hold on the reported votes, and wherever they hold on other votes the
    law seats the same candidates in every constituency of the region."""
    reported, true = drawn
    seated, found = seat(reported)
    assert hold(reported, found)
    truly, _ = seat(true)
    if hold(true, found):
        assert truly == seated


def candidates(*people: tuple[str, int, str]) -> list[CandidateVotes]:
    return [CandidateVotes(list=name, candidate=name, votes=v, gender=g) for name, v, g in people]


def test_a_woman_of_another_constituency_is_held_below_the_quota_woman() -> None:
    """Three constituencies of two seats need three women; D0 elects two on their votes, so
    one quota seat is left for D1 or D2, both electing men only: D1's best woman (300) takes it
    over D2's (200) — the one assertion over both constituencies' ballots. Were D2's woman 350,
    she would sit instead, and nothing else of the region would change: that assertion alone
    fails. The quota woman is never compared with the man she displaced (800)."""
    def region(d2_woman: int) -> Region:
        return [(2, candidates(("a", 900, "F"), ("b", 850, "F"), ("c", 100, "M"))),
                (2, candidates(("d", 900, "M"), ("e", 800, "M"), ("f", 300, "F"),
                               ("g", 50, "F"))),
                (2, candidates(("h", 700, "M"), ("i", 600, "M"), ("j", d2_woman, "F")))]
    seated, found = seat(region(200))
    assert seated == {"D0": {"a", "b"}, "D1": {"d", "f"}, "D2": {"h", "i"}}
    (joint,) = found["D1", "D2"]
    assert (joint.winner, joint.loser) == ("D1 › f", "D2 › j")
    assert joint.excess(counts(region(200), ["D1", "D2"])) == Fraction(300 - 200)
    assert set(found) == {("D0",), ("D1",), ("D2",), ("D1", "D2")}
    assert {(a.winner, a.loser) for a in found["D1",]} == {
        ("d", "e"), ("d", "g"), ("f", "g")}
    truly, _ = seat(region(350))
    assert truly == {**seated, "D1": {"d", "e"}, "D2": {"h", "j"}}
    assert [(among, a.winner) for among, xs in found.items() for a in xs
            if not a.holds(counts(region(350), among))] == [(("D1", "D2"), "D1 › f")]


def test_a_region_short_of_women_in_every_open_constituency_compares_none_across() -> None:
    """Two constituencies of two seats, men elected on votes in both: the region needs two
    women and each gives its best woman the seat of its lowest-voted man; no constituency is
    left waiting, so nothing is compared across them."""
    region = [(2, candidates(("a", 900, "M"), ("b", 800, "M"), ("c", 100, "F"))),
              (2, candidates(("d", 700, "M"), ("e", 600, "M"), ("f", 50, "F")))]
    seated, found = seat(region)
    assert seated == {"D0": {"a", "c"}, "D1": {"d", "f"}}
    assert set(found) == {("D0",), ("D1",)}


def test_two_women_above_the_seated_man_would_both_sit() -> None:
    """Two constituencies, two women needed, one elected on her votes (a): D1's quota woman f
    (300) sits beside d (900) in place of e (800). Were f and g (50)
    both above d, the votes alone would seat them both: the seated man is held above every
    unseated woman (d > g fails), as she is above the other women (f > g still holds)."""
    def region(f: int, g: int) -> Region:
        return [(2, candidates(("a", 900, "F"), ("b", 850, "M"), ("c", 100, "M"))),
                (2, candidates(("d", 900, "M"), ("e", 800, "M"), ("f", f, "F"),
                               ("g", g, "F")))]
    seated, found = seat(region(300, 50))
    assert seated == {"D0": {"a", "b"}, "D1": {"d", "f"}}
    truly, _ = seat(region(960, 950))
    assert truly == {**seated, "D1": {"f", "g"}}
    assert [(a.winner, a.loser) for a in found["D1",]
            if not a.holds(counts(region(960, 950), ["D1"]))] == [("d", "g")]
