"""Who sits, audited: the candidate assertions (the women's rule included) checked against the
elected recomputed by the law's own code, on small generated counts and on Tainan 2022."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from majlis import audit, data
from majlis.law import (
    DIVISOR_SERIES,
    CandidateVotes,
    Constituency,
    DivisorRule,
    Election,
    EveryNth,
    Law,
    MinimumWomen,
    QuarterByList,
    Ranking,
    SntvRule,
    WomenRule,
    allocate,
    parse_law,
    read_election,
)

LAWS = Path(__file__).resolve().parents[2] / "examples" / "laws"
LIST_RULES: list[WomenRule | None] = [
    None, QuarterByList(), QuarterByList(share=Fraction(1, 2)), MinimumWomen(seats=1),
    MinimumWomen(seats=2), MinimumWomen(share=Fraction(1, 2)), EveryNth(every=2),
    EveryNth(every=3)]


def elected(law: Law, magnitude: int, candidates: list[CandidateVotes],
            list_votes: dict[str, int] | None = None
            ) -> tuple[frozenset[str], tuple[audit.Assertion, ...]]:
    """The law's elected (by key) in one constituency, then the assertions for them."""
    votes = list_votes or {}
    if list_votes is None:
        for x in candidates:
            votes[x.list] = votes.get(x.list, 0) + x.votes
    (result,) = allocate(Election(constituencies=(Constituency(
        name="C", magnitude=magnitude, votes=votes, candidates=tuple(candidates)),)),
        law).constituencies
    assertions = audit.candidate_assertions(result, candidates, law.women,
                                            sntv=isinstance(law.rule, SntvRule))
    return frozenset(audit.candidate_key(e.candidate) for e in result.elected), assertions


@st.composite
def pools(draw: st.DrawFn, lists: int, size: int
          ) -> tuple[list[CandidateVotes], list[CandidateVotes]]:
    """Candidates of `lists` lists (`size` to `size` + 3 each) with distinct votes, and the
    same candidates with one or two of them given other votes (still distinct): reported, then
    true."""
    sizes = [draw(st.integers(size, size + 3)) for _ in range(lists)]
    n = sum(sizes)
    votes = draw(st.lists(st.integers(0, 999), min_size=n, max_size=n, unique=True))
    moved = list(votes)  # one or two candidates' votes moved, so the rest keep their order
    for i in draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=2)):
        moved[i] = draw(st.integers(0, 999))
    assume(len(set(moved)) == n)
    women = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    names = [(f"L{i}", f"c{i}{j}") for i, k in enumerate(sizes) for j in range(k)]

    def make(vs: list[int]) -> list[CandidateVotes]:
        return [CandidateVotes(list=p, candidate=c, votes=v, gender="F" if w else "M")
                for (p, c), v, w in zip(names, vs, women, strict=True)]
    return make(votes), make(moved)


@settings(max_examples=400, deadline=None)
@given(st.integers(1, 5), st.integers(0, 5), st.data())
def test_sntv_with_a_minimum_of_women_holds_exactly_the_elected(
        magnitude: int, minimum: int, data_: st.DataObject) -> None:
    """SNTV with at least `minimum` women: every assertion holds on the true votes exactly when
    the law seats the reported candidates from them (both ways: none is superfluous)."""
    reported, true = data_.draw(pools(2, (magnitude + 1) // 2))
    law = Law(rule=SntvRule(), women=MinimumWomen(seats=minimum))
    seated, assertions = elected(law, magnitude, reported)
    assert all(a.holds({audit.candidate_key(x): x.votes for x in reported})
               for a in assertions)
    truly, _ = elected(law, magnitude, true)
    holds = all(a.holds({audit.candidate_key(x): x.votes for x in true}) for a in assertions)
    assert holds == (truly == seated)


@settings(max_examples=400, deadline=None)
@given(st.integers(1, 5), st.integers(1, 3), st.sampled_from(LIST_RULES), st.data())
def test_open_lists_with_each_womens_rule_seat_the_reported_when_the_assertions_hold(
        magnitude: int, lists: int, rule: WomenRule | None, data_: st.DataObject) -> None:
    """Open lists (the lists' seats fixed by their own votes, held by the seat assertions), each
    women's rule: the assertions hold on the reported votes, and wherever they hold on other
    votes the law seats the same candidates (without a rule, exactly there)."""
    reported, true = data_.draw(pools(lists, magnitude))
    list_votes = {f"L{i}": data_.draw(st.integers(1, 100)) for i in range(lists)}
    law = Law(rule=DivisorRule(DIVISOR_SERIES["sainte-lague"]), ranking=Ranking.OPEN,
              women=rule)
    seated, assertions = elected(law, magnitude, reported, list_votes)
    assert all(a.holds({audit.candidate_key(x): x.votes for x in reported})
               for a in assertions)
    truly, _ = elected(law, magnitude, true, list_votes)
    holds = all(a.holds({audit.candidate_key(x): x.votes for x in true}) for a in assertions)
    if holds:
        assert truly == seated
    if rule is None:
        assert holds == (truly == seated)


def test_tainan_01_2022_the_womens_seat_is_audited_without_the_man_it_displaced() -> None:
    """Tainan 01 (6 seats, SNTV, one woman in four seats): its six best-voted are men, so 沈家鳳
    (9,055) sits in place of 劉米山 (9,446). Plain SNTV assertions would need her above him and
    fail; the quota's assertions need each seated man above each unseated candidate and her
    above the other woman, 姚正玉 (5,986) — the tightest 李宗翰 11,597 over 劉米山 9,446."""
    law = parse_law((LAWS / "taiwan-council.toml").read_text(encoding="utf-8"),
                    "taiwan-council.toml")
    votes, districts = "world/taiwan2022_tainan_votes.csv", "world/taiwan2022_tainan_districts.csv"
    election = read_election(data.path(votes).read_text(encoding="utf-8"), votes, law,
                             data.path(districts).read_text(encoding="utf-8"), districts)
    (c,) = [c for c in election.constituencies if c.name == "Tainan 01"]
    (result,) = [r for r in allocate(election, law).constituencies if r.name == "Tainan 01"]
    assertions = audit.candidate_assertions(result, c.candidates, law.women, sntv=True)
    counts = {audit.candidate_key(x): x.votes for x in c.candidates}
    assert all(a.holds(counts) for a in assertions)
    pairs = {(a.winner, a.loser): a.excess(counts) for a in assertions}
    she, him, other = "民主進步黨 / 沈家鳳", "民主進步黨 / 劉米山", "中國國民黨 / 姚正玉"
    assert len(pairs) == 5 * 2 + 1 * 1 + 5 * 1  # men over men, women over women, men over her
    assert (she, him) not in pairs and (him, she) not in pairs
    assert pairs[she, other] == 9_055 - 5_986
    (winner, loser), margin = min(pairs.items(), key=lambda kv: kv[1])
    assert (winner, loser, margin) == ("民主進步黨 / 李宗翰", him, Fraction(11_597 - 9_446))
    # plain SNTV would put her below him: its assertion fails on the count
    plain = audit.plurality_assertions("Tainan 01", counts, frozenset(
        audit.candidate_key(e.candidate) for e in result.elected))
    assert [(a.winner, a.loser) for a in plain if not a.holds(counts)] == [(she, him)]


def test_a_list_lifted_by_two_women_needs_its_natural_count_held_from_above() -> None:
    """Nine seats under the 2025 rule (two women): list A's 8 seats go by votes to men, B's one
    to a woman, so the lift to seats ÷ 4 seats A's two women (15, 5) for its two last men. Were
    A's first woman above its eighth man (25 > 20), the votes alone would seat two women and
    A only one: nothing but the order statistic "A's 8th man above its 1st woman" sees it."""
    law = Law(rule=DivisorRule(DIVISOR_SERIES["sainte-lague"]), ranking=Ranking.OPEN,
              women=QuarterByList())
    men = [CandidateVotes(list="A", candidate=f"a{i}", votes=100 - 10 * i, gender="M")
           for i in range(1, 10)]
    others = [CandidateVotes(list="B", candidate="bw", votes=50, gender="F"),
              CandidateVotes(list="B", candidate="bm", votes=30, gender="M")]

    def count(first: int) -> list[CandidateVotes]:
        return [*men, CandidateVotes(list="A", candidate="aw1", votes=first, gender="F"),
                CandidateVotes(list="A", candidate="aw2", votes=5, gender="F"), *others]
    seated, assertions = elected(law, 9, count(15), {"A": 800, "B": 100})
    assert seated == {"A / a1", "A / a2", "A / a3", "A / a4", "A / a5", "A / a6", "A / aw1",
                      "A / aw2", "B / bw"}
    truly, _ = elected(law, 9, count(25), {"A": 800, "B": 100})
    assert truly == seated - {"A / aw2"} | {"A / a7"}
    moved = {audit.candidate_key(x): x.votes for x in count(25)}
    assert [(a.winner, a.loser) for a in assertions if not a.holds(moved)] == [
        ("A / a8", "A / aw1")]
