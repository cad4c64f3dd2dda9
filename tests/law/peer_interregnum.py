"""A majlis law written as an interregnum electoral system, the test-only oracle beside votelib.

interregnum (PyPI, LGPL) describes a system as a tree of districts: the lists' votes at the
leaves, a method inherited down the tree, thresholds as `exclude`/`include` expressions over a
node's tallies, `compensatory` nodes for a national share and `reapportionment` nodes that place
levelling seats back in districts; a `compensatory` node with a first vote is a mixed-member
count (wins kept, entitlement only, or the house grown to absorb overhang). `system` writes the
parts of a majlis `Law` that interregnum can say exactly; anything else raises `Unsupported`, so
a comparison never runs on a law the two would read differently. `run` computes it and reads
back the seats as majlis reports them.

The benchmarks borrow this module when the tests are importable (benchmarks/allocate.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from interregnum.district import unserialize_node
from interregnum.divisors import DivisorIterator
from interregnum.methods import allocators
from interregnum.methods.events import IneligibleEvent, TieEvent

from majlis.law import (
    DIVISOR_SERIES,
    MAX_HOUSE,
    Apportionment,
    Base,
    ConstituencyWins,
    DivisorRule,
    DivisorSeries,
    Election,
    Law,
    LevellingTier,
    MinimumRule,
    Overhang,
    QuotaRule,
    Remainder,
    Scope,
    Threshold,
    VoteShare,
)

# majlis's method names → interregnum's, for the divisor series and quotas both libraries name.
# (Adams is left out: interregnum divides by its zero first divisor.)
DIVISORS = {"dhondt": "dhondt", "sainte-lague": "sainte_lague", "danish": "danish",
            "imperiali": "imperiali"}
_SL = DIVISOR_SERIES["sainte-lague"]
assert isinstance(_SL, DivisorSeries)
NAMED = {DIVISOR_SERIES[ours]: theirs for ours, theirs in DIVISORS.items()} | {
    _SL.with_first(Fraction(7, 5)): "sainte_lague_1.4"}
QUOTAS = {"hare": "hare", "droop": "droop", "hagenbach-bischoff": "hagenbach_bischoff",
          "droop-exact": "hagenbach_bischoff", "imperiali-quota": "imperiali"}
ROOT = "country"
DISTRICTS = "constituencies"
ELECTORATES = "electorates"
EXEMPT = "exempt"  # the group of lists a threshold exempts
# majlis's overhang rule → interregnum's compensatory mode, and whether its answer is the list
# seats (added to the wins) or the entitlement.
MODES = {Overhang.KEPT: ("mixed_member", True), Overhang.CAPPED: ("mixed_member", False),
         Overhang.LEVELLING: ("absorb_overhang", False)}


class Unsupported(ValueError):
    """A part of the law that interregnum cannot say exactly as majlis means it."""


@dataclass(frozen=True, slots=True)
class Seats:
    """interregnum's answer in majlis's terms."""

    constituencies: dict[str, dict[str, int]]
    levelling: dict[str, dict[str, int]]  # placed levelling seats by constituency
    tied: bool  # interregnum met a tie anywhere (it breaks ties by its own rule)
    shared: int | None = None  # a mixed-member count's seats shared on party votes


def method(rule: DivisorRule | QuotaRule) -> dict[str, Any]:
    """The node fields that name the rule's method."""
    if isinstance(rule, QuotaRule):
        if rule.remainder is not Remainder.LARGEST or rule.rounding is not None:
            raise Unsupported("interregnum's quotas are exact, remainders largest")
        return {"method": "largest_remainder", "method_params": {"quota_f": QUOTAS[rule.quota]}}
    series = rule.series
    if not isinstance(series, DivisorSeries):
        raise Unsupported("interregnum's Huntington–Hill divisors are floats")
    if series.start[0] == 0:
        raise Unsupported("interregnum divides by a zero first divisor")
    named = next((theirs for ours, theirs in NAMED.items() if ours == series), None)
    divisor: str | DivisorIterator[Fraction] = named or DivisorIterator(_terms(series))
    return {"method": "highest_averages", "method_params": {"divisor_f": divisor}}


def _terms(series: DivisorSeries) -> Any:
    """The law's divisors as written (a modified first divisor and the series' step)."""
    def d(seats: int) -> Fraction:
        if seats < len(series.start):
            return series.start[seats]
        return series.start[-1] + series.step * (seats - len(series.start) + 1)
    return d


def _condition(threshold: Threshold, where: str) -> dict[str, str]:
    """`exclude`/`include` for a threshold of one vote share (on valid votes), with exempt lists
    and constituencies won elsewhere as alternatives."""
    first, *others = threshold.conditions
    if threshold.by_list or threshold.fallback is not None or not isinstance(first, VoteShare):
        raise Unsupported("only a vote-share threshold, with exemptions and wins")
    if first.base is not Base.VALID or first.share is None:
        raise Unsupported("interregnum's percentages are of valid votes here")
    percent = first.share * 100
    if percent.denominator != 1:
        raise Unsupported("a whole percentage")
    tally = "valid_votes" if first.scope is Scope.CONSTITUENCY else f"{where}.alliance_valid_votes"
    out = {"exclude": f"{tally} < {percent}% => id"}
    admitted = [f"{ELECTORATES}.alliance_seats >= {c.wins} => alliance" for c in others
                if isinstance(c, ConstituencyWins)]
    if len(admitted) != len(others):
        raise Unsupported("alternatives other than constituencies won")
    if threshold.exempt:
        admitted.append(f"group = {EXEMPT}")
    if admitted:
        out["include"] = admitted[0] if len(admitted) == 1 else f"any{{ {' | '.join(admitted)} }}"
    return out


def _leaves(election: Election, exempt: frozenset[str]) -> list[dict[str, Any]]:
    return [{"name": c.name, "seats": c.magnitude,
             "candidates": [{"name": p, "votes": v, **({"group": EXEMPT} if p in exempt else {})}
                            for p, v in c.votes.items()]}
            for c in election.constituencies]


def system(election: Election, law: Law) -> dict[str, Any]:
    """The interregnum document of `law` applied to `election`.

    Constituencies share their seats by the law's rule, each list's threshold measured in its
    constituency or over the country. A levelling tier is Norway's structure: a compensatory
    node sharing the whole house among lists over the tier threshold, lists over their share
    excluded and the share recomputed, and a reapportionment node placing the levelling seats
    by relative quotients. Wins (`wins_at_least`) are the lists file's `wins`, given as input.
    """
    if law.agreements or law.reserved or law.women or law.apportionment:
        raise Unsupported("agreements, reserved seats, women's rule, apportionment")
    if law.rule.__class__ not in (DivisorRule, QuotaRule):
        raise Unsupported("SNTV elects candidates")
    assert isinstance(law.rule, DivisorRule | QuotaRule)
    tier = law.tier
    if tier is not None and not isinstance(tier, LevellingTier):
        raise Unsupported("Iraq 2005's compensatory tier")
    exempt = law.threshold.exempt if law.threshold else frozenset()
    if law.mixed is not None:
        if tier is not None or len(election.constituencies) != 1:
            raise Unsupported("a mixed-member law counts one national constituency")
        return _mixed(election, law)
    districts = {"name": DISTRICTS, "type": "group", "aggregate": True,
                 "divisions": _leaves(election, exempt), **method(law.rule)}
    if law.threshold is not None:
        districts |= _condition(law.threshold, ROOT)
    if tier is None:
        root: dict[str, Any] = {"name": ROOT, "type": "group", "divisions": [districts]}
    else:
        root = _levelling(election, tier, districts)
    if electorates := _electorates(election):
        root["divisions"].append(electorates)
    return root


def _electorates(election: Election) -> dict[str, Any] | None:
    """Wins counted elsewhere, as input: one district of as many seats as wins, shared by
    D'Hondt on votes equal to the wins, gives each list exactly its wins (its quotients reach 1
    that many times, and no further)."""
    wins = {p: int(a.get("wins", 0)) for p, a in election.lists.items()}
    if not any(wins.values()):
        return None
    return {"name": ELECTORATES, "seats": sum(wins.values()), "method": "highest_averages",
            "method_params": {"divisor_f": "dhondt"},
            "candidates": [{"name": p, "votes": n} for p, n in sorted(wins.items()) if n]}


def _mixed(election: Election, law: Law) -> dict[str, Any]:
    """A mixed-member count: a compensatory node sharing the house on party votes, the
    electorates' wins as its first vote, lists outside the share (below the threshold, or
    without a party vote) excluded and their wins taken out of the house first."""
    assert law.mixed is not None and isinstance(law.rule, DivisorRule | QuotaRule)
    (c,) = election.constituencies
    mode, _ = MODES[law.mixed.overhang]
    exempt = law.threshold.exempt if law.threshold else frozenset()
    national = {"name": c.name, "type": "compensatory", "mode": mode, "seats": c.magnitude,
                "subtract_excluded_candidates": True, "skip_initial_seats": MODES[
                    law.mixed.overhang][1],
                "candidates": _leaves(election, exempt)[0]["candidates"],
                **method(law.rule),
                **(_condition(law.threshold, c.name) if law.threshold is not None
                   else {"exclude": "votes < 1 => id"})}
    if include := national.get("include"):  # a list without a party vote stays out
        national["include"] = f"all{{ {include} | votes >= 1 => id }}"
    if law.mixed.overhang is Overhang.LEVELLING:  # it grows to ten times the house, else
        national["max_seats"] = MAX_HOUSE
    national["exclude"] = national["exclude"].replace(f"{c.name}.alliance_valid_votes",
                                                      "valid_votes")
    electorates = _electorates(election)
    if electorates is not None:
        national["first_vote"] = ELECTORATES
    else:  # nothing won elsewhere: a plain count of the house
        for key in ("type", "mode", "subtract_excluded_candidates", "skip_initial_seats",
                    "max_seats"):
            national.pop(key, None)
    return {"name": ROOT, "type": "group",
            "divisions": [national, *((electorates,) if electorates else ())]}


def _levelling(election: Election, tier: LevellingTier, districts: dict[str, Any]
               ) -> dict[str, Any]:
    if tier.placement != DIVISOR_SERIES["sainte-lague"] or not tier.relative:
        raise Unsupported("Norway's placement: Sainte-Laguë quotients relative to a seat's votes")
    if tier.threshold.exempt or any(c.tier_seats is not None for c in election.constituencies):
        raise Unsupported("levelling seats given per district, lists exempt from the tier's "
                          "threshold")
    for leaf in districts["divisions"]:
        leaf["max_adjustment_seats"] = tier.seats_per_constituency
    house = sum(c.magnitude for c in election.constituencies) + (
        tier.seats_per_constituency * len(election.constituencies))
    national = {"name": "national", "type": "compensatory", "mode": "exclude_overhang_parties",
                "first_vote": f"id[{DISTRICTS}:-1]", "candidates": f"id[{DISTRICTS}:-1]",
                "seats": house, "skip_initial_seats": True,
                "subtract_excluded_candidates": True,
                **method(tier.national_rule), **_condition(tier.threshold, "national")}
    national["exclude"] = national["exclude"].replace("national.alliance_valid_votes",
                                                      "valid_votes")
    placement = {"name": "placement", "type": "reapportionment", "relative": "quota",
                 "total_votes": "valid_votes", "adjustment": "national",
                 "candidates": DISTRICTS, "first_vote": DISTRICTS,
                 "method": "highest_averages", "method_params": {"divisor_f": "sainte_lague"}}
    return {"name": ROOT, "type": "group", "divisions": [national, placement, districts]}


def run(election: Election, law: Law) -> Seats:
    """Seats by interregnum for `law` applied to `election`, as majlis reports them."""
    node = unserialize_node(system(election, law), cwd=None)
    node.build()()
    if law.mixed is not None:
        return _mixed_seats(node, election, law)
    seats = {c.name: _seats(node, c.name) for c in election.constituencies}
    placed: dict[str, dict[str, int]] = {c.name: {} for c in election.constituencies}
    tied = any(_tied(node, c.name) for c in election.constituencies)
    if law.tier is not None:
        result = node.find_district("placement").result
        for x in result.allocation if result else ():
            if x.seats:
                placed[x.name.district][x.name.name] = x.seats
        tied = tied or _tied(node, "national") or _tied(node, "placement")
    return Seats(constituencies=seats, levelling=placed, tied=tied)


def _mixed_seats(node: Any, election: Election, law: Law) -> Seats:
    """Each list's seats: its wins and list seats, or its entitlement; an excluded list keeps
    its wins."""
    assert law.mixed is not None
    (c,) = election.constituencies
    result = node.find_district(c.name).result
    wins = {p: int(a.get("wins", 0)) for p, a in election.lists.items()}
    excluded = {e.target.name for e in _events(result) if isinstance(e, IneligibleEvent)}
    electorates = any(wins.values())
    added = MODES[law.mixed.overhang][1] and electorates
    seats = {p: wins.get(p, 0) for p in excluded}
    for x in result.allocation if result.allocation else ():
        if x.name.name not in excluded:
            seats[x.name.name] = x.seats + (wins.get(x.name.name, 0) if added else 0)
    shared = result.data.levelling_seats if electorates else c.magnitude - sum(
        wins.get(p, 0) for p in excluded)
    return Seats(constituencies={c.name: {p: s for p, s in seats.items() if s}}, levelling={},
                 tied=_tied(node, c.name), shared=shared)


def _seats(node: Any, name: str) -> dict[str, int]:
    result = node.find_district(name).result
    return {x.name.name: x.seats for x in result.allocation if x.seats}


def _tied(node: Any, name: str) -> bool:
    found = node.find_district(name)
    return found is not None and any(isinstance(e, TieEvent) for e in _events(found.result))


def _events(result: Any) -> Iterator[Any]:
    """Every event of a result, the inner allocations' of an adapter (overhang steps, the final
    share) and of each step of a reapportionment included."""
    if result is None:
        return
    yield from getattr(result, "log", ())
    for inner in (getattr(result, "data", None), getattr(result, "result", None),
                  *(getattr(result, "steps", None) or ())):
        yield from _events(inner)


def apportion(apportionment: Apportionment, basis: Mapping[str, int]) -> Seats:
    """Magnitudes by interregnum's allocator on its own, the constituencies standing as lists:
    `first`, the minimum given and the rest shared as a count of their own; `floor` (divisor
    methods), the series continued from the minimum — interregnum's initial seats."""
    rule = apportionment.rule
    shared = {n: b for n, b in basis.items() if n not in apportionment.fixed}
    floor = apportionment.minimum_rule is MinimumRule.FLOOR
    if floor and isinstance(rule, QuotaRule):
        raise Unsupported("a quota method's floor: interregnum has no re-count without them")
    fields = method(rule)
    allocator = allocators.get(fields["method"])(**fields["method_params"])
    minimum = dict.fromkeys(shared, apportionment.minimum)
    left = apportionment.seats - sum(apportionment.fixed.values()) - sum(minimum.values())
    if not left:
        return Seats(constituencies={"": {**apportionment.fixed, **minimum}}, levelling={},
                     tied=False)
    if floor:
        result = allocator(candidates=list(shared.items()), seats=left,
                           initial_seats=list(minimum.items()), skip_initial_seats=False)
        seats = {x.name: x.seats for x in result.allocation}
    else:
        result = allocator(candidates=list(shared.items()), seats=left)
        seats = {x.name: x.seats + minimum[x.name] for x in result.allocation}
    return Seats(constituencies={"": {**apportionment.fixed, **seats}}, levelling={},
                 tied=any(isinstance(e, TieEvent) for e in _events(result)))
