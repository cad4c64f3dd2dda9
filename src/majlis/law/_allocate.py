"""A law as a composition of small parts, and the one verb that applies it: `allocate`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from majlis.errors import AllocationError, InputError, Problem

from ._agreements import Agreements
from ._apportionment import Apportionment
from ._biproportional import Biproportional
from ._bonus import MajorityBonus, with_bonus
from ._bounds import check_seats
from ._candidates import ConstituencyWoman, MinimumWomen, Ranking, WomenRule, elect
from ._divisors import DivisorSeries, Outcome
from ._mixed import MixedMember, quota_ceiling, wins_of
from ._pool import RemainderPool
from ._quotas import QuotaRule, Remainder
from ._rules import DivisorRule, Rule, SntvRule
from ._threshold import NO_LISTS, ConstituencySeats, Threshold
from ._tiers import CompensatoryTier, LevellingTier
from ._ties import Precedence, TieRule
from ._values import (
    Admission,
    Allocation,
    BiproportionalResult,
    CandidateVotes,
    Constituency,
    ConstituencyResult,
    Elected,
    Election,
    Tie,
    TierResult,
    add_up,
    frozen_mapping,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReservedSeats:
    """Seats of a constituency reserved for a community, filled from its own contest.

    The contest is its own constituency (Iraq's Christian seat in Erbil, the Sabean seat in
    Baghdad): exempt from the general threshold and outside any upper tier.
    """

    community: str
    rule: Rule


@dataclass(frozen=True, slots=True, kw_only=True)
class Mention:
    """Where a law file names a list (`[threshold] exempt`) or a list attribute
    (`[[threshold.by_list]] attribute`), so that a name the votes or the lists file lack is
    reported at its line instead of silently matching nothing."""

    name: str
    source: str
    line: int | None
    field: str
    attribute: bool = False
    numeric: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Law:
    """An electoral law: the constituency rule and the parts around it.

    `magnitudes` are seats per constituency when the law fixes them (a `[districts]` table);
    a districts file given with the votes takes precedence. `mentions` are the list names and
    attributes the law file wrote, checked against the votes when they are read. `agreements`
    pool the votes of lists that signed one in each general constituency. `apportionment`
    computes the magnitudes from population, registered voters or votes when they are read.
    `mixed` makes each general count the list tier of a mixed-member system: an entitlement on
    party votes less the constituencies each list won elsewhere.
    `biproportional` shares the general constituencies' seats among lists over the whole
    election first, then among lists in each constituency (the rule's series is the lower
    apportionment's).
    `bonus` gives the first list of each general constituency's count its majority bonus.
    """

    rule: Rule
    threshold: Threshold | None = None
    agreements: Agreements | None = None
    tier: CompensatoryTier | LevellingTier | RemainderPool | None = None
    reserved: Mapping[str, ReservedSeats] = field(default_factory=dict)
    tie: TieRule = TieRule.VOTES
    magnitudes: Mapping[str, int] = field(default_factory=dict)
    ranking: Ranking = Ranking.OPEN
    women: WomenRule | None = None
    mentions: tuple[Mention, ...] = ()
    apportionment: Apportionment | None = None
    mixed: MixedMember | None = None
    biproportional: Biproportional | None = None
    bonus: MajorityBonus | None = None

    @property
    def house(self) -> int:
        """Seats in the whole house when the law fixes the magnitudes — constituency and
        reserved seats and a compensatory tier's — the number a majority is counted from.
        Levelling seats count for the constituencies the law names (Norway's preset); with
        constituencies given only with the votes they follow those and are not counted."""
        extra = (self.tier.seats if isinstance(self.tier, CompensatoryTier) else
                 self.tier.seats_per_constituency * sum(n not in self.reserved
                                                        for n in self.magnitudes)
                 if isinstance(self.tier, LevellingTier) else 0)
        return sum(self.magnitudes.values()) + extra

    def rule_for(self, constituency: str) -> Rule:
        reserved = self.reserved.get(constituency)
        return self.rule if reserved is None else reserved.rule

    def general(self, election: Election) -> tuple[Constituency, ...]:
        """The constituencies that are not reserved contests."""
        return tuple(c for c in election.constituencies if c.name not in self.reserved)

    def election(self, votes: Mapping[str, Mapping[str, int]]) -> Election:
        """The election a count so far is allocated on: the constituencies this law gives seats
        to that have any votes yet, with the law's magnitudes (a store may count places the
        law does not name). Votes by entry alone carry no candidates' genders nor regions:
        `check_genders` refuses them where the women's rule would need those."""
        return Election(constituencies=tuple(
            Constituency(name=name, magnitude=self.magnitudes[name], votes=dict(per_list))
            for name, per_list in votes.items() if per_list and name in self.magnitudes))


def allocate(election: Election, law: Law, *, seed: int = 0) -> Allocation:
    """Seats for every list in every constituency, and in the upper tier, exactly as `law` says.

    `seed` draws the lot for any tie the law leaves to lot; it is recorded in the result so that
    the same call always gives the same seats. An election asking for more seats than
    MAX_MAGNITUDE in a constituency or MAX_HOUSE in all is refused (InputError) before any work.
    """
    check_seats(election, law)
    check_genders(election, law)
    general = law.general(election)
    if law.mixed is not None and len(general) != 1:
        raise AllocationError(
            f"a mixed-member law counts the party votes in one national constituency, with the "
            f"lists file's wins; this election has {len(general)} general constituencies")
    admitted = admissions(law, general, seed, election.lists)
    qualified = _qualified(admitted)
    double = _biproportional(law, general, qualified, seed)
    results: list[ConstituencyResult] = []
    ties: list[Tie] = list(double.ties) if double else []
    for c in election.constituencies:
        admission = admitted.get(c.name, {})
        allowed = qualified.get(c.name, frozenset(c.votes))
        if double is not None and c.name in double.seats:
            allowed = frozenset(double.upper)
            outcome = Outcome({p: double.seats[c.name].get(p, 0) for p in c.votes}, (), None, ())
        else:
            outcome = apportion(c, law, allowed, seed, election.lists)
        if (outcome.mixed is None and sum(outcome.seats.values()) < c.magnitude
                and not _pools(law.rule_for(c.name))):
            raise AllocationError(
                f"{c.name}: only {sum(outcome.seats.values())} of {c.magnitude} seats can be "
                "filled from these votes (too few qualifying lists or candidates)"
            )
        reserved = law.reserved.get(c.name)
        results.append(
            ConstituencyResult(
                name=c.name,
                magnitude=c.magnitude,
                votes=c.votes,
                seats=frozen_mapping(outcome.seats if list(outcome.seats) == list(c.votes)
                                     else {p: outcome.seats.get(p, 0) for p in c.votes}),
                qualified=frozenset(allowed),
                awards=outcome.awards,
                runner_up=outcome.runner_up,
                elected=tuple(Elected(candidate=x, via="votes") for x in outcome.elected),
                community=reserved.community if reserved else None,
                agreements=outcome.agreements,
                mixed=outcome.mixed,
                admission=frozen_mapping(admission),
                lapsed=law.agreements.lapsed(c.votes, allowed, election.lists)
                if law.agreements is not None and reserved is None else (),
                bonus=outcome.bonus,
                taken_back=outcome.taken_back,
            )
        )
        ties.extend(outcome.ties)
    if any(c.candidates for c in election.constituencies):
        results = elect(election.constituencies, results, law.ranking, law.women, seed)
    tier = _upper_tier(election, law, general, results, seed)
    return Allocation(constituencies=tuple(results), tier=tier, seed=seed, ties=tuple(ties),
                      biproportional=double)


def check_genders(election: Election, law: Law) -> None:
    """An InputError where the law's women's rule may give a man's seat to a woman but the
    genders it needs are not given: an SNTV constituency's votes by entry alone (a tally
    store's release), or candidates without a gender. Counted so, every candidate would be
    taken for a man, and the men the rule displaces would keep their seats."""
    women = law.women
    if women is None:
        return
    by_entry, ungendered = [], []
    for c in law.general(election):
        if not c.magnitude or (isinstance(women, MinimumWomen)
                               and not women.required(c.name, c.magnitude)):
            continue
        sntv = isinstance(law.rule_for(c.name), SntvRule)
        if not c.candidates and sntv and isinstance(women, ConstituencyWoman | MinimumWomen):
            by_entry.append(c.name)
        elif any(x.gender is None for x in c.candidates):
            ungendered.append(c.name)
    why = {"these votes by entry give no genders (a tally store keeps none): give the "
           "candidates' genders (a votes file's gender column, or `audit rla --candidates`)":
           by_entry,
           "some of their candidates have no gender: give each one's F or M in the votes "
           "file's gender column": ungendered}
    problems = [Problem(source="law", line=None, field="women", message=(
        f"{_some(names)}: the women's rule may give a man's seat to a woman, and {reason}"))
        for reason, names in why.items() if names]
    if problems:
        raise InputError(problems)


def _some(names: list[str]) -> str:
    """Up to five names, and an ellipsis for the rest."""
    return f"{', '.join(names[:5])}{' …' if len(names) > 5 else ''}"


def _biproportional(
    law: Law, general: tuple[Constituency, ...], qualified: Mapping[str, frozenset[str]],
    seed: int,
) -> BiproportionalResult | None:
    """The law's biproportional apportionment of the general constituencies, if it has one: a
    list the threshold admits in any constituency takes part in all of them."""
    if law.biproportional is None:
        return None
    if not isinstance(law.rule, DivisorRule) or not isinstance(law.rule.series, DivisorSeries):
        raise ValueError("a biproportional lower apportionment needs a divisor series")
    lists = frozenset(p for c in general for p in qualified.get(c.name, frozenset(c.votes)))
    return law.biproportional.apportion(general, lists, law.rule.series, law.tie, seed)


def _pools(rule: Rule) -> bool:
    """Whether the rule leaves its remainders to a national pool (whole quotas only here)."""
    return isinstance(rule, QuotaRule) and rule.remainder is Remainder.POOLED


def qualifying(
    law: Law,
    general: tuple[Constituency, ...],
    seed: int,
    lists: Mapping[str, Mapping[str, str]],
) -> dict[str, frozenset[str]]:
    """The lists the threshold lets into each general constituency's count (no threshold:
    none recorded, every list counts)."""
    if law.threshold is None:
        return {}
    return law.threshold.qualifying(general, _won(law.threshold, law, general, seed, lists),
                                    lists)


def _qualified(admitted: Mapping[str, Mapping[str, Admission]]) -> dict[str, frozenset[str]]:
    """Each constituency's lists in the count, from their admissions."""
    return {name: frozenset(p for p, a in by_list.items() if a.qualified)
            for name, by_list in admitted.items()}


def admissions(
    law: Law,
    general: tuple[Constituency, ...],
    seed: int,
    lists: Mapping[str, Mapping[str, str]],
) -> dict[str, dict[str, Admission]]:
    """Each list's admission to each general constituency's count, and why (no threshold:
    none recorded, every list counts).

    A condition on constituency seats ("or Y seats") counts the seats each list wins with the
    threshold disregarded — the seats a list earns before any threshold applies.
    """
    if law.threshold is None:
        return {}
    return law.threshold.admissions(general, _won(law.threshold, law, general, seed, lists),
                                    lists)


def _won(
    threshold: Threshold,
    law: Law,
    general: tuple[Constituency, ...],
    seed: int,
    lists: Mapping[str, Mapping[str, str]],
) -> dict[str, int] | None:
    """The constituency seats each list wins with the threshold disregarded, where a
    condition on seats needs them."""
    if not any(isinstance(cond, ConstituencySeats) for cond in threshold.conditions):
        return None
    return add_up(apportion(c, law, frozenset(c.votes), seed, lists).seats for c in general)


def apportion(
    c: Constituency,
    law: Law,
    allowed: frozenset[str],
    seed: int,
    lists: Mapping[str, Mapping[str, str]] = NO_LISTS,
) -> Outcome:
    """One constituency's seats among the lists `allowed` to take part, lists that signed an
    agreement counted as one (`lists` gives who signed), after any majority bonus."""
    rule = law.rule_for(c.name)
    if isinstance(rule, SntvRule):  # votes by entry alone (a tally's sheets): each a candidate
        candidates = tuple(x for x in c.candidates or (
            CandidateVotes(list=p, candidate=p, votes=v) for p, v in c.votes.items())
            if x.list in allowed)
        return rule.elect(c.name, candidates, c.magnitude, law.tie, seed)
    counting: DivisorRule | QuotaRule = rule
    general = c.name not in law.reserved

    def share(votes: Mapping[str, int], seats: int) -> Outcome:
        blocs = law.agreements.blocs(votes, lists) if law.agreements and general else ()
        if blocs and law.agreements is not None:
            return law.agreements.apportion(c.name, votes, seats, counting, blocs, law.tie,
                                            seed)
        return counting.apportion(votes, seats, Precedence.draw(c.name, c.votes, law.tie, seed))

    if law.mixed is not None and general:
        return law.mixed.count(c, allowed, wins_of(lists), share,
                               monotone=isinstance(rule, DivisorRule),
                               ceiling=None if law.agreements else quota_ceiling(counting))
    votes = (dict(c.votes) if allowed.issuperset(c.votes) else
             {p: v for p, v in c.votes.items() if p in allowed})
    if not votes and c.magnitude:
        raise AllocationError(f"{c.name}: no list qualifies for a seat")
    if not any(votes.values()) and c.magnitude:
        raise AllocationError(f"{c.name}: no qualifying list has a vote")
    bonus = None
    if law.bonus is not None and general:
        bonus = law.bonus.award(c, votes, Precedence.draw(c.name, c.votes, law.tie, seed))
    if bonus is None:
        return share(votes, c.magnitude)
    shared = c.magnitude - bonus.seats
    return with_bonus(share(votes, shared) if shared else None, bonus, votes,
                      Precedence.draw(c.name, c.votes, law.tie, seed))


def _upper_tier(
    election: Election,
    law: Law,
    general: tuple[Constituency, ...],
    results: list[ConstituencyResult],
    seed: int,
) -> TierResult | None:
    if law.tier is None:
        return None
    national = election.national_votes(frozenset(c.name for c in general))
    precedence = Precedence.draw(law.tier.name, national, law.tie, seed)
    by_name = {r.name: r.seats for r in results}
    if isinstance(law.tier, RemainderPool):
        assert isinstance(law.rule, QuotaRule)
        names = {c.name for c in general}
        return law.tier.apportion(tuple(r for r in results if r.name in names), law.rule,
                                  precedence)
    if isinstance(law.tier, CompensatoryTier):
        won = add_up(by_name[c.name] for c in general)
        valid = sum(c.valid_votes for c in general)
        return law.tier.apportion(national, valid, won, precedence)
    return law.tier.apportion(general, by_name, precedence, election.lists)
