"""Electoral rules → seats: pure, exact functions over plain values.

A law is composed of small parts — a constituency rule (divisor series, quota, SNTV), a
threshold, surplus-vote agreements, a majority bonus, seats apportioned to constituencies,
reserved seats, an upper tier, a tie rule — and applied by one verb, `allocate`.
Every quotient is a `Fraction`; `allocate_batch` is the vectorised twin for projections.
"""

from ._agreements import Agreements
from ._allocate import Law, Mention, ReservedSeats, allocate
from ._apportionment import Apportionment, ApportionmentBasis, MinimumRule
from ._batch import BatchAllocation, allocate_batch
from ._bonus import MajorityBonus
from ._bounds import MAX_HOUSE, MAX_MAGNITUDE
from ._candidates import DistrictWoman, EveryNth, QuarterByList, Ranking, WomenRule
from ._config import METHODS, parse_law
from ._csv import read_election
from ._divisors import DIVISOR_SERIES, DivisorSeries, HuntingtonHill
from ._explain import Margin, margins
from ._pool import RemainderPool
from ._quotas import QUOTAS, QuotaRule, Remainder, Rounding
from ._rules import DivisorRule, SntvRule
from ._threshold import (
    Base,
    ConstituencyWins,
    DistrictSeats,
    ListCondition,
    ListMatch,
    Scope,
    Threshold,
    VoteShare,
)
from ._tiers import CompensatoryTier, LevellingTier
from ._ties import Precedence, TieRule
from ._values import (
    AgreementSplit,
    Allocation,
    Apportioned,
    Award,
    BonusAward,
    CandidateVotes,
    Constituency,
    ConstituencyResult,
    Elected,
    Election,
    Tie,
    TierResult,
)

__all__ = [
    "DIVISOR_SERIES",
    "MAX_HOUSE",
    "MAX_MAGNITUDE",
    "METHODS",
    "QUOTAS",
    "AgreementSplit",
    "Agreements",
    "Allocation",
    "Apportioned",
    "Apportionment",
    "ApportionmentBasis",
    "Award",
    "Base",
    "BatchAllocation",
    "BonusAward",
    "CandidateVotes",
    "CompensatoryTier",
    "Constituency",
    "ConstituencyResult",
    "ConstituencyWins",
    "DistrictSeats",
    "DistrictWoman",
    "DivisorRule",
    "DivisorSeries",
    "Elected",
    "Election",
    "EveryNth",
    "HuntingtonHill",
    "Law",
    "LevellingTier",
    "ListCondition",
    "ListMatch",
    "MajorityBonus",
    "Margin",
    "Mention",
    "MinimumRule",
    "Precedence",
    "QuarterByList",
    "QuotaRule",
    "Ranking",
    "Remainder",
    "RemainderPool",
    "ReservedSeats",
    "Rounding",
    "Scope",
    "SntvRule",
    "Threshold",
    "Tie",
    "TieRule",
    "TierResult",
    "VoteShare",
    "WomenRule",
    "allocate",
    "allocate_batch",
    "margins",
    "parse_law",
    "read_election",
]
