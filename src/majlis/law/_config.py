"""Reading a law from TOML: pydantic checks the shape at the edge, then core values are built.

Every unknown key, bad value or impossible combination is reported at once, each with the line
of the TOML file it sits on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from majlis._cells import toml_table
from majlis.errors import InputError, Problem

from ._agreements import Agreements
from ._allocate import Law, Mention, ReservedSeats
from ._apportionment import Apportionment, ApportionmentBasis, MinimumRule
from ._biproportional import Biproportional, UpperBasis, VoterRounding
from ._bonus import MajorityBonus
from ._bounds import MAX_HOUSE, MAX_MAGNITUDE
from ._candidates import (
    ConstituencyWoman,
    EveryNth,
    MinimumWomen,
    QuarterByList,
    Ranking,
    WomenRule,
)
from ._divisors import DIVISOR_SERIES, DivisorSeries
from ._mixed import MixedMember, Overhang
from ._pool import RemainderPool
from ._quotas import QUOTAS, QuotaRule, Remainder, RemainderLimits, Rounding
from ._rules import DivisorRule, Rule, SntvRule
from ._threshold import (
    WINS,
    Base,
    Condition,
    ConstituencySeats,
    ConstituencyWins,
    ListCondition,
    ListMatch,
    Scope,
    Threshold,
    VoteShare,
)
from ._tiers import CompensatoryTier, LevellingTier
from ._ties import TieRule

METHODS = (*DIVISOR_SERIES, *QUOTAS, "sntv")
Number = int | float
Percent = Annotated[float, Field(ge=0, le=100)]
Magnitude = Annotated[int, Field(ge=1, le=MAX_MAGNITUDE)]  # seats of one constituency
HouseSeats = Annotated[int, Field(ge=1, le=MAX_HOUSE)]  # seats across the house
_SHARE = re.compile(r"\s*\d+(\.\d+)?\s*(/\s*[1-9]\d*\s*)?")


def _quota_share(value: object) -> Fraction:
    """A share of a quota as written: a number (0.75) or a fraction as text ("3/4"), exactly."""
    if isinstance(value, bool) or not isinstance(value, int | float | str) or (
            isinstance(value, str) and not _SHARE.fullmatch(value)):
        raise ValueError('a share of the quota: a number ≥ 0, or a fraction such as "3/4"')
    share = _exact(value)
    if share < 0:
        raise ValueError("a share of the quota cannot be negative")
    return share


QuotaShare = Annotated[Fraction, BeforeValidator(_quota_share)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleConfig(_Strict):
    method: str
    first_divisor: Annotated[float, Field(ge=0)] | None = None
    divisors: list[Annotated[float, Field(ge=0)]] | None = None
    remainder: Remainder | None = None
    quota_rounding: Rounding | None = None

    @model_validator(mode="after")
    def _fits_method(self) -> RuleConfig:
        if self.method not in METHODS:
            raise ValueError(f"unknown method {self.method!r}; one of: {', '.join(METHODS)}")
        divisor = self.method in DIVISOR_SERIES
        if not divisor and (self.first_divisor is not None or self.divisors is not None):
            raise ValueError("first_divisor and divisors apply to divisor methods only")
        if self.method not in QUOTAS and (self.remainder or self.quota_rounding) is not None:
            raise ValueError("remainder and quota_rounding apply to quota methods only")
        if self.divisors is not None and len(self.divisors) < 2:
            raise ValueError("divisors needs at least two terms (the step continues them)")
        return self

    def build(self) -> Rule:
        if self.method == "sntv":
            return SntvRule()
        if self.method in QUOTAS:
            return QuotaRule(self.method, self.remainder or Remainder.LARGEST,
                             self.quota_rounding)
        series = DIVISOR_SERIES[self.method]
        if self.divisors is not None:
            series = DivisorSeries.of(tuple(_exact(d) for d in self.divisors))
        if self.first_divisor is not None:
            if not isinstance(series, DivisorSeries):
                raise ValueError("first_divisor does not apply to huntington-hill")
            series = series.with_first(_exact(self.first_divisor))
        return DivisorRule(series)


_LIMITS = ("remainder_cap", "remainder_min_quota", "then", "then_cap", "then_min_quota")


class AllocationConfig(RuleConfig):
    tie: TieRule = TieRule.VOTES
    remainder_cap: Annotated[int, Field(ge=0, le=MAX_MAGNITUDE)] | None = None
    remainder_min_quota: QuotaShare | None = None
    then: str | None = None
    then_cap: Annotated[int, Field(ge=1, le=MAX_MAGNITUDE)] | None = None
    then_min_quota: QuotaShare | None = None

    @model_validator(mode="after")
    def _limits_fit(self) -> AllocationConfig:
        given = [k for k in _LIMITS if getattr(self, k) is not None]
        if not given:
            return self
        if self.method not in QUOTAS or self.remainder not in (None, Remainder.LARGEST):
            raise ValueError(f"{', '.join(given)} apply to a quota method with remainder = "
                             '"largest"')
        if self.then is not None and (self.then not in DIVISOR_SERIES
                                      or self.then == "huntington-hill"):
            raise ValueError("then must name a divisor method, one of: "
                             f"{', '.join(m for m in DIVISOR_SERIES if m != 'huntington-hill')}")
        if self.then is None and {"remainder_cap", "then_cap", "then_min_quota"} & set(given):
            raise ValueError("remainder_cap, then_cap and then_min_quota need then: the stage "
                             "that gives the seats the capped remainders leave")
        return self

    def build(self) -> Rule:
        rule = super().build()
        if not isinstance(rule, QuotaRule) or all(getattr(self, k) is None for k in _LIMITS):
            return rule
        return replace(rule, limits=RemainderLimits(
            cap=self.remainder_cap,
            min_quota=self.remainder_min_quota or Fraction(0),
            then=None if self.then is None else DIVISOR_SERIES[self.then],
            then_cap=self.then_cap,
            then_min_quota=self.then_min_quota or Fraction(0)))


class ConditionConfig(_Strict):
    percent: Percent | None = None
    natural_quota: bool = False
    seats: Magnitude | None = None
    wins_at_least: Magnitude | None = None
    scope: Scope = Scope.CONSTITUENCY
    base: Base = Base.VALID

    @model_validator(mode="after")
    def _one_kind(self) -> ConditionConfig:
        kinds = ((self.percent is not None) + self.natural_quota + (self.seats is not None)
                 + (self.wins_at_least is not None))
        if kinds != 1:
            raise ValueError("give exactly one of percent, natural_quota = true, seats or "
                             "wins_at_least")
        return self

    def build(self) -> Condition:
        if self.wins_at_least is not None:
            return ConstituencyWins(wins=self.wins_at_least)
        if self.seats is not None:
            return ConstituencySeats(seats=self.seats)
        share = None if self.natural_quota else _exact(self.percent or 0) / 100
        return VoteShare(share=share, scope=self.scope, base=self.base)


class ListConditionConfig(ConditionConfig):
    attribute: str
    equals: str | int | None = None
    at_least: int | None = None
    at_most: int | None = None

    @model_validator(mode="after")
    def _selects(self) -> ListConditionConfig:
        if self.equals is None and self.at_least is None and self.at_most is None:
            raise ValueError("give equals, at_least or at_most: which lists this applies to")
        return self

    def build_for_lists(self, threshold: ConditionConfig) -> ListCondition:
        """The condition, measured as the threshold measures it unless it says otherwise."""
        match = ListMatch(attribute=self.attribute,
                          equals=None if self.equals is None else str(self.equals),
                          at_least=self.at_least, at_most=self.at_most)
        inherited = {k: getattr(threshold, k) for k in ("scope", "base")
                     if k not in self.model_fields_set}
        return ListCondition(match=match, condition=self.model_copy(update=inherited).build())


class ThresholdConfig(ConditionConfig):
    percent: Percent | None = None
    exempt: list[str] = []
    alternatives: list[ConditionConfig] = []
    by_list: list[ListConditionConfig] = []
    fallback_percent: Percent | None = None

    def build_threshold(self) -> Threshold:
        conditions = (ConditionConfig.build(self), *(a.build() for a in self.alternatives))
        return Threshold(
            conditions=conditions, exempt=frozenset(self.exempt),
            by_list=tuple(b.build_for_lists(self) for b in self.by_list),
            fallback=None if self.fallback_percent is None
            else _exact(self.fallback_percent) / 100,
        )

    def mentions(self, text: str, source: str, table: tuple[str, ...]) -> list[Mention]:
        """The lists and list attributes this threshold names, each with its line."""
        named = [Mention(name=n, source=source, line=_line_of(text, (*table, "exempt")),
                         field=".".join((*table, "exempt"))) for n in self.exempt]
        named.extend(
            Mention(name=b.attribute, source=source,
                    line=_line_of(text, (*table, "by_list", i, "attribute")),
                    field=f"{'.'.join(table)}.by_list.{i}.attribute", attribute=True,
                    numeric=b.at_least is not None or b.at_most is not None)
            for i, b in enumerate(self.by_list))
        conditions: list[tuple[tuple[str | int, ...], ConditionConfig]] = [
            ((), self), *((("alternatives", i), a) for i, a in enumerate(self.alternatives)),
            *((("by_list", i), b) for i, b in enumerate(self.by_list))]
        named.extend(
            Mention(name=WINS, source=source, line=_line_of(text, (*table, *at, "wins_at_least")),
                    field=".".join(str(k) for k in (*table, *at, "wins_at_least")),
                    attribute=True, numeric=True)
            for at, c in conditions if c.wins_at_least is not None)
        return named


class ReservedConfig(RuleConfig):
    community: str
    seats: Magnitude


_NOT_POOL = {"seats", "quota_seats", "seats_per_district", "threshold", "placement",
             "placement_first_divisor", "relative"}


class TierConfig(RuleConfig):
    kind: Literal["compensatory", "levelling", "pool"]
    name: str | None = None
    seats: HouseSeats | None = None
    quota_seats: HouseSeats | None = None
    seats_per_district: Annotated[int, Field(ge=0, le=MAX_MAGNITUDE)] | None = None
    threshold: ThresholdConfig | None = None
    placement: str = "sainte-lague"
    placement_first_divisor: Annotated[float, Field(ge=0)] | None = None
    relative: bool = True

    @model_validator(mode="before")
    @classmethod
    def _hare_by_default(cls, data: Any) -> Any:
        """A compensatory tier shares its seats by Hare unless the law names another rule."""
        if isinstance(data, dict) and data.get("kind") == "compensatory":
            return {"method": "hare", **data}
        return data

    @model_validator(mode="after")
    def _fits_kind(self) -> TierConfig:
        if self.kind == "compensatory" and (self.seats is None or self.quota_seats is None):
            raise ValueError("a compensatory tier needs seats and quota_seats")
        if self.kind == "levelling" and (self.seats_per_district is None or not self.threshold):
            raise ValueError("a levelling tier needs seats_per_district and a [tier.threshold]")
        if self.method == "sntv":
            raise ValueError("an upper tier shares seats among lists, not candidates")
        if self.kind == "pool" and (extra := self.model_fields_set & _NOT_POOL):
            raise ValueError(f"a pool of remainders takes no {', '.join(sorted(extra))}: it "
                             "shares the seats the constituencies left")
        return self

    def build_tier(self) -> CompensatoryTier | LevellingTier | RemainderPool:
        rule = self.build()
        assert not isinstance(rule, SntvRule)
        if self.kind == "pool":
            return RemainderPool(name=self.name or "pool", rule=rule)
        if self.kind == "compensatory":
            assert self.seats is not None and self.quota_seats is not None
            return CompensatoryTier(name=self.name or "national", seats=self.seats,
                                    quota_seats=self.quota_seats, rule=rule)
        assert self.threshold is not None and self.seats_per_district is not None
        placement = RuleConfig(method=self.placement,
                               first_divisor=self.placement_first_divisor).build()
        if not isinstance(placement, DivisorRule):
            raise ValueError("placement must name a divisor method")
        return LevellingTier(
            name=self.name or "levelling",
            seats_per_constituency=self.seats_per_district,
            threshold=self.threshold.build_threshold(),
            national_rule=rule,
            placement=placement.series,
            relative=self.relative,
        )


class AgreementsConfig(_Strict):
    attribute: str = "agreement"

    def mention(self, text: str, source: str) -> Mention:
        """The lists file's column the agreements are read from, at its line."""
        return Mention(name=self.attribute, source=source,
                       line=_line_of(text, ("agreements", "attribute")),
                       field="agreements.attribute", attribute=True)


class MixedConfig(_Strict):
    """`[mixed]`: the count is the list tier of a mixed-member system (docs/law-format.md)."""

    overhang: Overhang

    def mention(self, text: str, source: str) -> Mention:
        """The lists file's `wins` column, which the entitlement is reduced by."""
        return Mention(name=WINS, source=source, line=_line_of(text, ("mixed", "overhang")),
                       field="mixed", attribute=True, numeric=True)


class ApportionmentConfig(RuleConfig):
    basis: ApportionmentBasis
    seats: HouseSeats
    minimum: Annotated[int, Field(ge=0, le=MAX_MAGNITUDE)] = 0
    minimum_rule: MinimumRule = MinimumRule.FIRST
    fixed: dict[str, Magnitude] = {}

    @model_validator(mode="after")
    def _fits(self) -> ApportionmentConfig:
        if self.method == "sntv":
            raise ValueError("constituencies are apportioned seats by a divisor or quota method")
        if sum(self.fixed.values()) > self.seats:
            raise ValueError(f"the fixed seats ({sum(self.fixed.values())}) exceed seats "
                             f"({self.seats})")
        return self

    def build_apportionment(self) -> Apportionment:
        rule = self.build()
        assert not isinstance(rule, SntvRule)
        return Apportionment(rule=rule, basis=self.basis, seats=self.seats,
                             minimum=self.minimum, minimum_rule=self.minimum_rule,
                             fixed=dict(self.fixed))


class BiproportionalConfig(_Strict):
    upper: str | None = None
    upper_first_divisor: Annotated[float, Field(gt=0)] | None = None
    basis: UpperBasis = UpperBasis.VOTES
    voter_rounding: VoterRounding = VoterRounding.NEAREST
    strongest_list_seat: bool = False

    @model_validator(mode="after")
    def _divisor_upper(self) -> BiproportionalConfig:
        if self.upper is not None and self.upper not in DIVISOR_SERIES:
            raise ValueError(f"upper must name a divisor method, one of: "
                             f"{', '.join(DIVISOR_SERIES)}")
        if self.upper_first_divisor is not None and self.upper in (None, "huntington-hill"):
            raise ValueError("upper_first_divisor needs upper to name a divisor series")
        return self

    def build(self, allocation: AllocationConfig) -> Biproportional:
        """The upper rule (the allocation's method unless named) and its basis."""
        if allocation.method not in DIVISOR_SERIES or allocation.method == "huntington-hill":
            raise ValueError("[biproportional] needs a divisor method with rational divisors "
                             "in [allocation] (the lower apportionment)")
        lower = allocation.build()
        assert isinstance(lower, DivisorRule) and isinstance(lower.series, DivisorSeries)
        if lower.series.divisor(0) <= 0:
            raise ValueError("the lower apportionment needs a first divisor above 0: a list "
                             "with votes in a constituency would be owed a seat there")
        upper = lower if self.upper is None else RuleConfig(
            method=self.upper, first_divisor=self.upper_first_divisor).build()
        assert isinstance(upper, DivisorRule)
        return Biproportional(upper=upper, basis=self.basis, rounding=self.voter_rounding,
                              strongest_list_seat=self.strongest_list_seat)


class CandidatesConfig(_Strict):
    ranking: Ranking = Ranking.OPEN


class WomenConfig(_Strict):
    rule: Literal["quarter-by-list", "every-nth", "district-woman", "minimum"]
    share: Annotated[float, Field(gt=0, le=100)] = 25.0
    every: Annotated[int, Field(ge=2)] = 4
    seats: Annotated[int, Field(ge=0, le=MAX_MAGNITUDE)] | None = None
    rounding: Rounding = Rounding.NEAREST
    constituencies: dict[str, Annotated[int, Field(ge=0, le=MAX_MAGNITUDE)]] = {}

    @model_validator(mode="after")
    def _minimum_keys(self) -> WomenConfig:
        given = self.model_fields_set
        if self.rule != "minimum" and given & {"seats", "rounding", "constituencies"}:
            raise ValueError("seats, rounding and constituencies apply to rule = \"minimum\"")
        if self.rule == "minimum" and not given & {"seats", "share", "constituencies"}:
            raise ValueError("rule = \"minimum\" needs seats, share or constituencies")
        if self.rule == "minimum" and {"seats", "share"} <= given:
            raise ValueError("give seats or share, not both")
        return self

    def build(self) -> WomenRule:
        if self.rule == "minimum":
            return MinimumWomen(
                seats=self.seats,
                share=_exact(self.share) / 100 if "share" in self.model_fields_set else None,
                rounding=self.rounding, constituencies=dict(self.constituencies))
        if self.rule == "quarter-by-list":
            return QuarterByList(share=_exact(self.share) / 100)
        if self.rule == "every-nth":
            return EveryNth(every=self.every)
        return ConstituencyWoman()


# --- [bonus]: a majority bonus to the first list (issue #15, point 9) ---


class BonusConfig(_Strict):
    seats: Annotated[int, Field(ge=0, le=MAX_MAGNITUDE)]
    percent: Percent = 0
    step_percent: Annotated[float, Field(gt=0, le=100)] | None = None
    step_seats: Annotated[int, Field(ge=1, le=MAX_MAGNITUDE)] = 1
    max_seats: Annotated[int, Field(ge=0, le=MAX_MAGNITUDE)] | None = None
    base: Base = Base.VALID

    @model_validator(mode="after")
    def _caps(self) -> BonusConfig:
        if self.max_seats is not None and self.max_seats < self.seats:
            raise ValueError(f"max_seats ({self.max_seats}) is below seats ({self.seats})")
        return self

    def build(self) -> MajorityBonus:
        return MajorityBonus(
            seats=self.seats, share=_exact(self.percent) / 100,
            step=None if self.step_percent is None else _exact(self.step_percent) / 100,
            step_seats=self.step_seats, max_seats=self.max_seats, base=self.base)


class LawConfig(_Strict):
    allocation: AllocationConfig
    threshold: ThresholdConfig | None = None
    agreements: AgreementsConfig | None = None
    apportionment: ApportionmentConfig | None = None
    districts: dict[str, Magnitude] = {}
    reserved: dict[str, ReservedConfig] = {}
    tier: TierConfig | None = None
    candidates: CandidatesConfig = CandidatesConfig()
    women: WomenConfig | None = None
    mixed: MixedConfig | None = None
    biproportional: BiproportionalConfig | None = None
    bonus: BonusConfig | None = None

    @model_validator(mode="after")
    def _house_within_bound(self) -> LawConfig:
        apportioned = self.apportionment.seats if self.apportionment else 0
        house = (apportioned + sum(self.districts.values())
                 + sum(r.seats for r in self.reserved.values())
                 + (self.tier.seats or 0 if self.tier else 0))
        if house > MAX_HOUSE:
            raise ValueError(f"the house has {house:,} seats; majlis allocates at most "
                             f"{MAX_HOUSE:,}")
        if self.apportionment is not None and self.districts:
            raise ValueError("[apportionment] computes the seats per constituency: give fixed "
                             "seats in its `fixed` table, not in [districts]")
        if self.agreements is not None and self.allocation.method == "sntv":
            raise ValueError("agreements pool the votes of lists; SNTV elects candidates")
        if self.mixed is not None and (self.allocation.method == "sntv" or self.tier
                                       or self.biproportional):
            raise ValueError("[mixed] shares the house on party votes by a list method, with "
                             "no [tier] or [biproportional] above it")
        if self.biproportional is not None and (self.tier or self.agreements):
            raise ValueError("[biproportional] apportions every seat over the whole election: "
                             "it takes no [tier] or [agreements]")
        if self.bonus is not None and (self.allocation.method == "sntv" or self.tier):
            raise ValueError("[bonus] goes to a list in a list count without an upper [tier]")
        if self.bonus is not None and (self.mixed or self.biproportional):
            raise ValueError("[bonus] goes to a list in a constituency's own count: not with "
                             "[mixed] or [biproportional]")
        self._pool_fits()
        return self

    def _pool_fits(self) -> None:
        """`remainder = "pooled"` (whole quotas only) and a `kind = "pool"` tier go together."""
        pooled = self.allocation.remainder is Remainder.POOLED
        if pooled != (self.tier is not None and self.tier.kind == "pool"):
            raise ValueError('[allocation] remainder = "pooled" and [tier] kind = "pool" go '
                             "together: the pool shares the seats whole quotas leave")
        others = [*self.reserved.values(), *(t for t in (self.tier, self.apportionment) if t)]
        if any(o.remainder is Remainder.POOLED for o in others):
            raise ValueError('remainder = "pooled" applies to [allocation] only')

    def build(self) -> Law:
        """The law's parts; `mentions` are filled in by `parse_law`, which knows the lines."""
        return Law(
            rule=self.allocation.build(),
            threshold=self.threshold.build_threshold() if self.threshold else None,
            agreements=Agreements(attribute=self.agreements.attribute)
            if self.agreements else None,
            tier=self.tier.build_tier() if self.tier else None,
            reserved={name: ReservedSeats(community=r.community, rule=r.build())
                      for name, r in self.reserved.items()},
            tie=self.allocation.tie,
            magnitudes={**self.districts, **{n: r.seats for n, r in self.reserved.items()}},
            ranking=self.candidates.ranking,
            women=self.women.build() if self.women else None,
            apportionment=self.apportionment.build_apportionment()
            if self.apportionment else None,
            mixed=MixedMember(overhang=self.mixed.overhang) if self.mixed else None,
            biproportional=self.biproportional.build(self.allocation)
            if self.biproportional else None,
            bonus=self.bonus.build() if self.bonus else None,
        )


def parse_law(text: str, source: str, *, presets: Callable[[str], str] | None = None) -> Law:
    """A `Law` from the text of a LAW.toml; `source` names the file in error messages.

    A law may start from another (`extends = "iraq-2010"`): `presets` gives the named law's
    text (an InputError when there is none, reported at the `extends` line), and each table
    the extending file writes replaces the base's table of that name.
    """
    raw = _extended(text, source, presets, ())
    try:
        config = LawConfig.model_validate(raw)
        mentions = [*(config.threshold.mentions(text, source, ("threshold",))
                      if config.threshold else ()),
                    *(config.tier.threshold.mentions(text, source, ("tier", "threshold"))
                      if config.tier and config.tier.threshold else ()),
                    *((config.agreements.mention(text, source),) if config.agreements else ()),
                    *((config.mixed.mention(text, source),) if config.mixed else ())]
        return replace(config.build(), mentions=tuple(mentions))
    except ValidationError as exc:
        raise InputError(
            Problem(source=source, line=_line_of(text, e["loc"]), field=_dotted(e["loc"]),
                    message=_message(e))
            for e in exc.errors()
        ) from None
    except ValueError as exc:
        raise InputError(
            [Problem(source=source, line=None, field="law", message=str(exc))]
        ) from None


def _extended(
    text: str, source: str, presets: Callable[[str], str] | None, seen: tuple[str, ...]
) -> dict[str, Any]:
    """The law's tables over its base's; a base may extend a further base."""
    raw = toml_table(text, source)
    name = raw.pop("extends", None)
    if name is None:
        return raw
    problem = None
    if not isinstance(name, str) or presets is None:
        problem = "names a preset law, and presets are not available here"
    elif name in seen:
        problem = f"{name!r} extends itself through {' → '.join(seen)}"
    if problem is None:
        assert isinstance(name, str) and presets is not None
        try:
            base_text = presets(name)
        except InputError:
            problem = f"no preset law named {name!r}"
        else:
            return {**_extended(base_text, name, presets, (*seen, name)), **raw}
    raise InputError([Problem(source=source, line=_line_of(text, ("extends",)),
                              field="extends", message=problem)])


def _exact(x: Number | str) -> Fraction:
    """The number as written in the TOML (1.7 is 17/10, "3/4" is 3/4), not its binary float."""
    return Fraction(str(x).replace(" ", ""))


def _dotted(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) or "law"


def _message(error: Any) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown key"
    return str(error["msg"]).removeprefix("Value error, ")


def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """The line where a key of `loc` is written: its table header (the n-th of an array of
    tables `[[…]]` when `loc` gives an index), then the key under it."""
    lines = text.splitlines()
    start = 0
    keys = [str(p) for p in loc if not isinstance(p, int)]
    index = next((p for p in loc if isinstance(p, int)), 0)
    for depth in range(len(keys), 0, -1):
        header = re.compile(r"^\s*\[+\s*" + r"\s*\.\s*".join(
            rf"(\"{re.escape(k)}\"|{re.escape(k)})" for k in keys[:depth]) + r"\s*\]+")
        found = [i for i, s in enumerate(lines) if header.match(s)]
        if found:
            start = found[min(index, len(found) - 1)]
            break
    if not keys:
        return None
    key = re.compile(rf"^\s*(\"{re.escape(keys[-1])}\"|{re.escape(keys[-1])})\s*=")
    for i in range(start, len(lines)):
        if key.match(lines[i]) or (i == start and start and keys[-1] in lines[i]):
            return i + 1
    return start + 1 if start else None
