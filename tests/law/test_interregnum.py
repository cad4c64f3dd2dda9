"""Cross-check against interregnum, an independent exact implementation of multi-tier systems,
on generated elections: every law both can write (tests/law/peer_interregnum.py says how).

Where the two differ by a documented rule the data are restricted, never the assertion:
- ties: interregnum breaks a tie by more votes, then at random (its own generator); majlis by
  the law's rule and a seeded lot. Any tie met by either library discards the example.
- whole quotas beyond the seats (Imperiali quota): interregnum raises the quota until they fit,
  majlis takes back the seats of the smallest remainders (docs/law-format.md). Discarded, as are
  counts with more seats left after whole quotas than lists (tiny votes): majlis gives the
  remainders round again, interregnum stops.
- mixed-member counts: interregnum's absorbing mode (levelling) counts the wins of a list
  outside the share as overhang it never absorbs, so levelling is compared only where no such
  list won; a house wholly taken by lists outside the share (nothing to share) is discarded;
  quota methods there are Hare and Droop, whose whole quotas fit every enlarged house.
- Huntington–Hill (interregnum's divisors are floats) and Adams (it divides by the zero first
  divisor) are not compared; nor a quota method's minimum as a floor (majlis re-counts without
  the constituencies raised to it, interregnum has no such count).
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from majlis.errors import AllocationError
from majlis.law import (
    DIVISOR_SERIES,
    QUOTAS,
    Allocation,
    Apportionment,
    ApportionmentBasis,
    Constituency,
    ConstituencyWins,
    DivisorRule,
    DivisorSeries,
    Election,
    Law,
    LevellingTier,
    MinimumRule,
    MixedMember,
    Overhang,
    QuotaRule,
    Scope,
    Threshold,
    TieRule,
    VoteShare,
    allocate,
)
from tests.law.peer_interregnum import apportion, run
from tests.strategies import constituencies, elections, mixed_counts, sainte_lague_variants

DIVISORS = st.sampled_from(["dhondt", "sainte-lague", "danish", "imperiali"]).map(
    lambda n: DivisorRule(DIVISOR_SERIES[n]))
QUOTA_RULES = st.sampled_from(["hare", "droop", "droop-exact", "hagenbach-bischoff",
                               "imperiali-quota"]).map(QuotaRule)
RULES = st.one_of(DIVISORS, sainte_lague_variants().map(DivisorRule), QUOTA_RULES)
SAINTE_LAGUE = DIVISOR_SERIES["sainte-lague"]
assert isinstance(SAINTE_LAGUE, DivisorSeries)
ListRule = DivisorRule | QuotaRule
SHARES = st.integers(1, 12).map(lambda p: Fraction(p, 100))


def seats_by_majlis(election: Election, law: Law) -> Allocation:
    """majlis's seats, the example discarded where the two libraries' documented rules part."""
    try:
        result = allocate(election, law)
    except AllocationError:  # no list qualifies in a constituency: nothing to compare
        assume(False)
        raise
    assume(not result.ties)
    if isinstance(law.rule, QuotaRule):
        for c in result.constituencies:
            quotas_fit(law.rule, [v for p, v in c.votes.items() if p in c.qualified],
                       c.magnitude)
    return result


def quotas_fit(rule: QuotaRule, votes: list[int], seats: int) -> None:
    """Discard a count whose whole quotas exceed the seats, or whose remainders must go round
    more than once (more seats left than lists): the libraries' documented rules part there."""
    if seats:
        quota = QUOTAS[rule.quota](sum(votes), seats)
        whole = sum(int(v // quota) for v in votes)
        assume(whole <= seats <= whole + len(votes))


def held(result: Allocation, constituency: str) -> dict[str, int]:
    """The constituency's own seats, levelling seats placed there apart."""
    (c,) = (c for c in result.constituencies if c.name == constituency)
    return {p: s for p, s in c.seats.items() if s}


@given(constituencies(min_lists=2, max_votes=200_000), RULES)
def test_one_constituency_same_seats_as_interregnum(c: Constituency, rule: ListRule) -> None:
    election = Election(constituencies=(replace(c, name="C"),))
    law = Law(rule=rule)
    ours = seats_by_majlis(election, law)
    theirs = run(election, law)
    assume(not theirs.tied)
    assert held(ours, "C") == theirs.constituencies["C"]


@given(elections(), RULES, SHARES, st.sampled_from(Scope), st.booleans())
def test_constituencies_under_a_threshold_same_seats_as_interregnum(
        election: Election, rule: ListRule, share: Fraction, scope: Scope, exempt: bool) -> None:
    """A threshold measured in each constituency or nationally, the last list exempt or not."""
    last = sorted(election.constituencies[0].votes)[-1]
    threshold = Threshold(conditions=(VoteShare(share=share, scope=scope),),
                          exempt=frozenset({last} if exempt else ()))
    law = Law(rule=rule, threshold=threshold)
    ours = seats_by_majlis(election, law)
    theirs = run(election, law)
    assume(not theirs.tied)
    for c in election.constituencies:
        assert held(ours, c.name) == theirs.constituencies[c.name], c.name


@given(elections(max_constituencies=8, max_seats=10), st.sampled_from([
    Fraction(1), Fraction(7, 5)]), st.sampled_from([Fraction(1), Fraction(7, 5)]),
    st.integers(1, 8).map(lambda p: Fraction(p, 100)), st.integers(1, 2))
def test_levelling_tier_same_seats_as_interregnum(
        election: Election, first: Fraction, national_first: Fraction, share: Fraction,
        per_constituency: int) -> None:
    """Norway's two tiers: constituency seats, the national share of the whole house among lists
    over the tier threshold (lists over their share out, the share recomputed), and levelling
    seats placed by Sainte-Laguë quotients relative to the constituency's votes per seat."""
    law = Law(
        rule=DivisorRule(SAINTE_LAGUE.with_first(first)),
        tier=LevellingTier(
            seats_per_constituency=per_constituency,
            threshold=Threshold(conditions=(VoteShare(share=share, scope=Scope.NATIONAL),)),
            national_rule=DivisorRule(SAINTE_LAGUE.with_first(national_first)),
            placement=SAINTE_LAGUE))
    ours = seats_by_majlis(election, law)
    theirs = run(election, law)
    assume(not theirs.tied)
    assert ours.tier is not None
    for c in election.constituencies:
        assert held(ours, c.name) == theirs.constituencies[c.name], c.name
        placed = {p: s for p, s in ours.tier.placed[c.name].items() if s}
        assert placed == theirs.levelling[c.name], c.name


@given(elections(max_constituencies=1, max_lists=10, max_seats=120, max_votes=2_000_000),
       st.lists(st.integers(0, 3), min_size=10, max_size=10), SHARES)
def test_share_with_an_electorate_alternative_same_seats_as_interregnum(
        election: Election, wins: list[int], share: Fraction) -> None:
    """New Zealand's party vote: Sainte-Laguë among lists with the threshold's share of the
    national vote or one electorate won (the wins given as the lists file's `wins` column)."""
    (c,) = election.constituencies
    lists = {p: {"wins": str(w)} for p, w in zip(sorted(c.votes), wins, strict=False) if w}
    election = replace(election, lists=lists)
    law = Law(rule=DivisorRule(SAINTE_LAGUE), threshold=Threshold(conditions=(
        VoteShare(share=share, scope=Scope.NATIONAL), ConstituencyWins(wins=1))))
    ours = seats_by_majlis(election, law)
    theirs = run(election, law)
    assume(not theirs.tied)
    assert held(ours, c.name) == theirs.constituencies[c.name]


@given(st.dictionaries(st.sampled_from([f"C{i:02d}" for i in range(30)]),
                       st.integers(1, 40_000_000), min_size=2, max_size=30),
       RULES, st.integers(0, 3), st.sampled_from(MinimumRule), st.integers(0, 200),
       st.booleans())
def test_apportionment_same_magnitudes_as_interregnum(
        basis: dict[str, int], rule: ListRule, minimum: int, minimum_rule: MinimumRule,
        extra: int, fixed: bool) -> None:
    """Seats apportioned to constituencies by population, with a minimum given first or as a
    floor (a divisor series continued from the minimum: interregnum's initial seats) and one
    constituency's seats fixed."""
    assume(not (minimum_rule is MinimumRule.FLOOR and isinstance(rule, QuotaRule)))
    pinned = {min(basis): 1} if fixed else {}
    seats = minimum * (len(basis) - len(pinned)) + sum(pinned.values()) + extra
    assume(seats >= 1)
    ours = Apportionment(rule=rule, basis=ApportionmentBasis.POPULATION, seats=seats,
                         minimum=minimum, minimum_rule=minimum_rule, fixed=pinned)
    result = ours.apportion(basis, TieRule.VOTES)
    assume(not result.ties)
    shared = {n: b for n, b in basis.items() if n not in pinned}
    counted = seats - sum(pinned.values()) - minimum * len(shared)
    if isinstance(rule, QuotaRule):
        quotas_fit(rule, list(shared.values()), counted)
    theirs = apportion(ours, basis)
    assume(not theirs.tied)
    assert dict(result.magnitudes) == theirs.constituencies[""]


MIXED_RULES = st.one_of(DIVISORS, sainte_lague_variants().map(DivisorRule),
                        st.sampled_from(["hare", "droop"]).map(QuotaRule))


@settings(max_examples=60)
@given(mixed_counts(), MIXED_RULES, st.sampled_from(Overhang),
       st.sampled_from([0, 5, 12]).map(lambda p: Fraction(p, 100)), st.booleans())
def test_mixed_member_same_seats_as_interregnum(
        count: tuple[Constituency, dict[str, int]], rule: ListRule, overhang: Overhang,
        share: Fraction, alternative: bool) -> None:
    """A mixed-member count on party votes (`[mixed]`), wins given as the lists file's `wins`:
    interregnum's compensatory node in its mixed-member mode (wins kept, or only the entitlement
    awarded) or its absorbing mode (the house grown until every win is covered), lists outside
    the share excluded and their wins taken out of the house."""
    c, wins = count
    conditions: tuple[VoteShare | ConstituencyWins, ...] = (
        (VoteShare(share=share, scope=Scope.NATIONAL),
         *((ConstituencyWins(wins=2),) if alternative else ())) if share else ())
    law = Law(rule=rule, mixed=MixedMember(overhang=overhang),
              threshold=Threshold(conditions=conditions) if conditions else None)
    election = Election(constituencies=(c,), lists={p: {"wins": str(w)} for p, w in wins.items()})
    ours = seats_by_majlis(election, law)
    (nation,) = ours.constituencies
    assert nation.mixed is not None
    assume(nation.mixed.seats > nation.mixed.outside)  # interregnum shares no empty house
    if overhang is Overhang.LEVELLING:
        # interregnum's absorbing mode counts an excluded list's wins as overhang it never
        # absorbs (the house grows without end): no list outside the share may have won.
        assume(not any(wins.get(p) for p in c.votes if p not in nation.qualified
                       or not c.votes[p]))
    if isinstance(rule, QuotaRule):
        quotas_fit(rule, [v for p, v in c.votes.items() if p in nation.qualified and v],
                   nation.mixed.shared)
    theirs = run(election, law)
    assume(not theirs.tied)
    assert held(ours, c.name) == theirs.constituencies[c.name]
    assert nation.mixed.shared == theirs.shared
