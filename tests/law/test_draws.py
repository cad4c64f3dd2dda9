"""The vector path for a whole law (`allocate_draws`) against the exact path (`allocate`), draw by
draw, on generated elections under every preset and every example law."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from majlis import data
from majlis.errors import AllocationError, InputError
from majlis.law import (
    DIVISOR_SERIES,
    Base,
    CompensatoryTier,
    Constituency,
    ConstituencySeats,
    ConstituencyWins,
    DivisorRule,
    DrawAllocation,
    Election,
    Law,
    LevellingTier,
    QuotaRule,
    Remainder,
    RemainderPool,
    ReservedSeats,
    Rounding,
    Scope,
    SntvRule,
    Threshold,
    TieRule,
    UpperBasis,
    VoterRounding,
    VoteShare,
    allocate,
    allocate_draws,
    parse_law,
)
from tests.strategies import mixed_draws

EXAMPLES = Path(__file__).parents[2] / "examples" / "laws"
LAWS = {f"preset {name}": data.law(name) for name in data.laws()} | {
    path.name: parse_law(path.read_text(encoding="utf-8"), path.name)
    for path in sorted(EXAMPLES.glob("*.toml"))}
# Parts the presets leave out: a national natural quota, a tier by divisors, a reserved contest
# under a quota rule beside SNTV ones.
LAWS["2005-jan, national natural quota"] = replace(
    data.law("iraq-2005-jan"),
    threshold=Threshold(conditions=(VoteShare(share=None, scope=Scope.NATIONAL),)))
LAWS["2010, tier by Sainte-Laguë"] = replace(
    data.law("iraq-2010"), tier=CompensatoryTier(
        name="compensatory", seats=7, quota_seats=325,
        rule=DivisorRule(DIVISOR_SERIES["sainte-lague"])))
NORWAY = data.law("norway-2025")
assert isinstance(NORWAY.tier, LevellingTier)
LAWS["norway-2025, levelling share by Hare, placement by plain D'Hondt quotients, lot"] = replace(
    NORWAY, tie=TieRule.LOT, tier=replace(NORWAY.tier, national_rule=QuotaRule("hare"),
                                          placement=DIVISOR_SERIES["dhondt"], relative=False))
LAWS["norway-2025, levelling for 4 % nationally or 2 constituency seats, two a county"] = replace(
    NORWAY, tier=replace(NORWAY.tier, seats_per_constituency=2, threshold=Threshold(conditions=(
        VoteShare(share=Fraction(4, 100), scope=Scope.NATIONAL), ConstituencySeats(seats=2)))))
# Pools of remainders (czechia-2021.toml is one above): regions' exact quotas of different
# denominators, a pool by divisors or by a quota the scale would change (Droop's, a rounded one),
# beside reserved contests, drawn by lot.
HARE_POOLED = QuotaRule("hare", Remainder.POOLED)
LAWS["pool of Hare remainders by D'Hondt, lot"] = Law(
    rule=HARE_POOLED, tier=RemainderPool(rule=DivisorRule(DIVISOR_SERIES["dhondt"])),
    tie=TieRule.LOT)
LAWS["pool of exact Droop remainders by Droop, 5 % nationally"] = Law(
    rule=QuotaRule("droop-exact", Remainder.POOLED), tier=RemainderPool(rule=QuotaRule("droop")),
    threshold=Threshold(conditions=(VoteShare(share=Fraction(5, 100), scope=Scope.NATIONAL),)))
LAWS["pool of Imperiali remainders by Hare rounded up"] = Law(
    rule=QuotaRule("imperiali-quota", Remainder.POOLED),
    tier=RemainderPool(rule=QuotaRule("hare", rounding=Rounding.UP)))
LAWS["2010, Hare remainders pooled by Sainte-Laguë beside reserved contests"] = replace(
    data.law("iraq-2010"), rule=HARE_POOLED,
    tier=RemainderPool(rule=DivisorRule(DIVISOR_SERIES["sainte-lague"])))
# A fallback: too few votes over the threshold admit the next lists by votes, nationally or in
# each constituency, for a levelling tier's threshold too.
LAWS["2025 at 20 % nationally, the next lists while those hold half the votes or less"] = replace(
    data.law("iraq-2025"), threshold=Threshold(conditions=(
        VoteShare(share=Fraction(20, 100), scope=Scope.NATIONAL),), fallback=Fraction(1, 2)))
LAWS["2010 at 25 % in each governorate, the next lists while those hold 60 % or less, lot"] = (
    replace(data.law("iraq-2010"), tie=TieRule.LOT, threshold=Threshold(
        conditions=(VoteShare(share=Fraction(25, 100)),), fallback=Fraction(3, 5))))
LAWS["norway-2025, levelling for 12 % nationally, fallback at 70 %"] = replace(
    NORWAY, tier=replace(NORWAY.tier, threshold=Threshold(conditions=(
        VoteShare(share=Fraction(12, 100), scope=Scope.NATIONAL),), fallback=Fraction(7, 10))))
# Huntington–Hill: in the constituencies (a first seat to every list with votes), a levelling
# tier's national share, a pool's count.
HUNTINGTON_HILL = DivisorRule(DIVISOR_SERIES["huntington-hill"])
LAWS["2025 under Huntington–Hill"] = replace(data.law("iraq-2025"), rule=HUNTINGTON_HILL)
LAWS["norway-2025, levelling share by Huntington–Hill"] = replace(
    NORWAY, tier=replace(NORWAY.tier, national_rule=HUNTINGTON_HILL))
LAWS["pool of Hare remainders by Huntington–Hill"] = Law(
    rule=HARE_POOLED, tier=RemainderPool(rule=HUNTINGTON_HILL))
LAWS["2014, quota for the reserved seats"] = replace(data.law("iraq-2014"), reserved={
    **data.law("iraq-2014").reserved,
    "Christian (national)": replace(data.law("iraq-2014").reserved["Christian (national)"],
                                    rule=QuotaRule("droop"))})

# Mixed-member counts the examples leave out: levelling by divisors (a bisection of the house),
# overhang capped under a quota rule, ties by lot, a natural-quota threshold, a reserved contest.
MIXED = {name: parse_law((EXAMPLES / f"{name}.toml").read_text(encoding="utf-8"), name)
         for name in ("new-zealand-mmp", "germany-bundestag", "hesse-landtag")}
LAWS["hesse-landtag, levelling by D'Hondt"] = replace(
    MIXED["hesse-landtag"], rule=DivisorRule(DIVISOR_SERIES["dhondt"]))
LAWS["germany-bundestag, capped, Droop quotas with D'Hondt remainders, lot"] = replace(
    MIXED["germany-bundestag"], tie=TieRule.LOT,
    rule=QuotaRule("droop", remainder=Remainder.HIGHEST_AVERAGE))
LAWS["new-zealand-mmp, kept, a natural quota or one electorate, lot"] = replace(
    MIXED["new-zealand-mmp"], tie=TieRule.LOT, threshold=Threshold(conditions=(
        VoteShare(share=None, scope=Scope.NATIONAL), ConstituencyWins(wins=1))))
LAWS["new-zealand-mmp, a reserved contest by SNTV"] = replace(
    MIXED["new-zealand-mmp"], reserved={"Reserved": ReservedSeats(community="Reserved",
                                                                   rule=SntvRule())})

# Biproportional counts the example leaves out: the upper apportionment on votes by D'Hondt,
# voter numbers rounded down or kept exact, ties by lot.
ZURICH = parse_law((EXAMPLES / "zurich-city-council.toml").read_text(encoding="utf-8"), "zh")
assert ZURICH.biproportional is not None
LAWS["zurich-city-council, upper on votes by D'Hondt, lower by D'Hondt, lot"] = replace(
    ZURICH, tie=TieRule.LOT, rule=DivisorRule(DIVISOR_SERIES["dhondt"]),
    biproportional=replace(ZURICH.biproportional, basis=UpperBasis.VOTES,
                           upper=DivisorRule(DIVISOR_SERIES["dhondt"])))
LAWS["zurich-city-council, voter numbers rounded down, no threshold"] = replace(
    ZURICH, threshold=None,
    biproportional=replace(ZURICH.biproportional, rounding=VoterRounding.DOWN))
LAWS["zurich-city-council, exact voter numbers"] = replace(
    ZURICH, biproportional=replace(ZURICH.biproportional, rounding=VoterRounding.NONE))
LAWS["2018, 3.25 % of ballots cast nationally or a natural quota of list votes"] = replace(
    data.law("iraq-2018"), threshold=Threshold(conditions=(
        VoteShare(share=Fraction(13, 400), scope=Scope.NATIONAL, base=Base.CAST),
        VoteShare(share=None, base=Base.LIST_VOTES))))


@st.composite
def draws(draw: st.DrawFn, law: Law) -> tuple[Election, np.ndarray]:
    """`elections` — or under a mixed-member law, mostly its one national count with the
    constituencies won elsewhere (`mixed_draws`) — and, under a law without a tier, now and
    then valid, blank and invalid votes declared by each constituency (the same in every
    draw, as thresholds read them)."""
    mixed = law.mixed is not None and draw(st.integers(0, 4))
    election, votes = draw(mixed_draws(tuple(law.reserved)) if mixed else elections(law))
    if law.tier is not None or not draw(st.booleans()):
        return election, votes
    most = int(votes.sum(axis=2).max()) + 1
    return replace(election, constituencies=tuple(
        replace(c, valid=draw(st.none() | st.integers(0, 2 * most)),
                blank=draw(st.integers(0, most)), invalid=draw(st.integers(0, most)))
        for c in election.constituencies)), votes


@st.composite
def elections(draw: st.DrawFn, law: Law) -> tuple[Election, np.ndarray]:
    """A few of the law's constituencies (its reserved contests too), or made-up ones, lists
    standing nationally and locally, and 1–4 draws of their votes: tiny counts (ties
    everywhere), or large ones."""
    general = [n for n in law.magnitudes if n not in law.reserved]
    if general:
        names = draw(st.lists(st.sampled_from(general), min_size=1, max_size=4, unique=True))
        chosen = {n: law.magnitudes[n] for n in names} | {
            n: law.magnitudes[n] for n in law.reserved if n in law.magnitudes}
    else:
        chosen = {f"D{i}": draw(st.integers(1, 12)) for i in range(draw(st.integers(1, 3)))}
    nationwide = draw(st.integers(0, 4))
    constituencies = []
    for name, seats in chosen.items():
        local = draw(st.integers(0 if nationwide else 1, 5))
        lists = [f"N{j}" for j in range(nationwide)] + [f"{name} {j}" for j in range(local)]
        constituencies.append(Constituency(name=name, magnitude=seats,
                                           votes=dict.fromkeys(lists, 0)))
    n = draw(st.integers(1, 4))
    width = max(len(c.votes) for c in constituencies)
    top = draw(st.sampled_from([4, 300, 50_000, 3_000_000]))
    votes = np.zeros((len(constituencies), n, width), dtype=np.int64)
    for k, c in enumerate(constituencies):
        cells = draw(st.lists(st.integers(0, top), min_size=n * len(c.votes),
                              max_size=n * len(c.votes)))
        votes[k, :, : len(c.votes)] = np.array(cells).reshape(n, len(c.votes))
    return Election(constituencies=tuple(constituencies)), votes


@pytest.mark.parametrize("name", sorted(LAWS))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_draw_has_the_exact_paths_seats(name: str, data: st.DataObject) -> None:
    law = LAWS[name]
    election, votes = data.draw(draws(law))
    agrees(election, votes, law)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), basis=st.sampled_from(list(Base)), scope=st.sampled_from(list(Scope)))
def test_a_fallback_measures_the_base_allocate_reads(data: st.DataObject, basis: Base,
                                                      scope: Scope) -> None:
    """The fallback's share is of the first condition's base as `allocate` reads it: declared
    valid votes (fixed, whatever the draw), blank and invalid ones beside the lists'."""
    law = replace(data.draw(st.sampled_from([LAWS["preset iraq-2025"],
                                             LAWS["preset iraq-2010"]])),
                  threshold=Threshold(conditions=(VoteShare(share=Fraction(15, 100), base=basis,
                                                            scope=scope),),
                                      fallback=Fraction(1, 2)), tier=None)
    election, votes = data.draw(draws(law))
    election = replace(election, constituencies=tuple(
        replace(c, valid=int(votes[k].sum(axis=1).max()) + data.draw(st.integers(0, 3_000)),
                blank=data.draw(st.integers(0, 3_000)), invalid=data.draw(st.integers(0, 3_000)))
        for k, c in enumerate(election.constituencies)))
    result = agrees(election, votes, law)
    assert result is None or not result.exact.any()


def agrees(election: Election, votes: np.ndarray, law: Law) -> DrawAllocation | None:
    """`allocate_draws` gives every draw `allocate`'s seats, tier seats and their placement
    (with seed 5 + i), or refuses as `allocate` refuses the first draw it refuses (None)."""
    truths = []
    refused: type[Exception] | None = None
    for i in range(votes.shape[1]):
        drawn = replace(election, constituencies=tuple(
            replace(c, votes=dict(zip(c.votes, votes[k, i, : len(c.votes)].tolist(),
                                      strict=True)))
            for k, c in enumerate(election.constituencies)))
        try:
            truths.append(allocate(drawn, law, seed=5 + i))
        except (AllocationError, InputError) as error:
            refused = type(error)
            break
    if refused is not None:  # the draw the exact path refuses is counted by it, and refused
        with pytest.raises(refused):
            allocate_draws(votes, election, law, seed=5)
        return None
    result = allocate_draws(votes, election, law, seed=5)
    for i, truth in enumerate(truths):
        placed = truth.tier.placed if truth.tier is not None else {}
        for k, (c, r) in enumerate(zip(election.constituencies, truth.constituencies,
                                       strict=True)):
            assert result.seats[k, i, : len(c.votes)].tolist() == [r.seats[p] for p in c.votes], (
                i, c.name)
            there = placed.get(c.name, {})
            assert result.placed[k, i, : len(c.votes)].tolist() == [there.get(p, 0)
                                                                    for p in c.votes], (i, c.name)
        tier = dict(truth.tier.seats) if truth.tier is not None else {}
        assert result.tier[i].tolist() == [tier.get(p, 0) for p in result.lists], i
    if isinstance(law.tier, LevellingTier | RemainderPool) or (  # counted here: a tied
            law.mixed is not None and len(law.general(election)) == 1):  # draw's count alone
        assert not result.exact.any()
    return result


def test_the_presets_go_through_the_vector_path() -> None:
    """Every preset with its districts in the law (Iraq's, Norway's levelling tier), on a count
    without ties: no draw is left to `allocate` whole, and the seats, tier seats and where
    they are placed are the exact path's."""
    rng = np.random.default_rng(7)
    for name in data.laws():
        law = data.law(name)
        election = Election(constituencies=tuple(
            Constituency(name=n, magnitude=m, votes={f"L{j}": 0 for j in range(12)})
            for n, m in law.magnitudes.items()))
        if not election.constituencies:
            continue
        shares = rng.dirichlet(np.full(12, 0.8), size=(len(election.constituencies), 20))
        votes = (shares * 400_000).astype(np.int64) + rng.integers(0, 1000, shares.shape)
        result = allocate_draws(votes, election, law, seed=1)
        assert not result.exact.any(), name
        assert result.exact_rows < 20, name  # a tied row now and then, counted alone
        for i in (0, 19):
            truth = allocate(replace(election, constituencies=tuple(
                replace(c, votes={f"L{j}": int(votes[k, i, j]) for j in range(12)})
                for k, c in enumerate(election.constituencies))), law, seed=1 + i)
            assert result.seats[:, i].tolist() == [
                [r.seats[f"L{j}"] for j in range(12)] for r in truth.constituencies], name
            tier = dict(truth.tier.seats) if truth.tier is not None else {}
            assert result.tier[i].tolist() == [tier.get(p, 0) for p in result.lists], name
            placed = truth.tier.placed if truth.tier is not None else {}
            assert result.placed[:, i].tolist() == [
                [placed.get(c.name, {}).get(f"L{j}", 0) for j in range(12)]
                for c in election.constituencies], name
        if isinstance(law.tier, LevellingTier):  # one levelling seat a county, every draw
            assert result.tier.sum(axis=1).tolist() == [len(law.magnitudes)] * 20, name
            assert (result.placed.sum(axis=2) == 1).all(), name


def test_bad_votes_are_refused_clearly() -> None:
    election = Election(constituencies=(Constituency(name="A", magnitude=3,
                                                     votes={"X": 0, "Y": 0}),))
    law = data.law("iraq-2025")
    for votes, message in ((np.zeros((2, 1, 2), dtype=np.int64), "constituency × draw × list"),
                           (np.zeros((1, 1, 1), dtype=np.int64), "the election has 2 lists"),
                           (np.full((1, 1, 2), -1), "non-negative"),
                           (np.zeros((1, 1, 2)), "integers")):
        with pytest.raises(ValueError, match=message):
            allocate_draws(votes, election, law)


def test_a_list_exactly_at_the_national_natural_quota_is_a_newcomer_to_the_tier() -> None:
    """B holds exactly valid ÷ 275 votes and wins no constituency seat: one tier seat, first;
    the other two by Hare among the lists that won constituency seats."""
    law = replace(data.law("iraq-2005-dec"), tier=CompensatoryTier(
        name="compensatory", seats=3, quota_seats=275, rule=QuotaRule("hare")))
    election = Election(constituencies=(Constituency(
        name="Baghdad", magnitude=2, votes={"A": 0, "B": 0, "C": 0}),))
    votes = np.array([[[150_000, 1_000, 124_000], [150_000, 999, 124_001]]])
    result = allocate_draws(votes, election, law)
    assert result.seats[0].tolist() == [[1, 0, 1], [1, 0, 1]]
    assert result.tier.tolist() == [[1, 1, 1], [2, 0, 1]]
    assert not result.exact.any()
