"""Electoral rules → seats: pure, exact functions over plain values.

A law is composed of small parts — a constituency rule (divisor series, quota, SNTV), a
threshold, surplus-vote agreements, a majority bonus, seats apportioned to constituencies, a
biproportional apportionment, reserved seats, an upper tier, a mixed-member list tier, a tie rule
— and applied by one verb, `allocate`.
Every quotient is a `Fraction`; `allocate_batch` (one constituency rule) and `allocate_draws`
(a whole law, many drawn elections) are the vectorised twins for projections.
"""

from ._agreements import Agreements
from ._allocate import Law, Mention, ReservedSeats, allocate
from ._apportionment import Apportionment, ApportionmentBasis, MinimumRule
from ._batch import BatchAllocation, allocate_batch
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
from ._config import METHODS, parse_law
from ._csv import read_election
from ._divisors import DIVISOR_SERIES, DivisorSeries, HuntingtonHill
from ._draws import DrawAllocation, allocate_draws
from ._explain import Margin, margins
from ._mixed import MixedMember, Overhang
from ._pool import RemainderPool
from ._quotas import QUOTAS, QuotaRule, Remainder, RemainderLimits, Rounding
from ._rules import DivisorRule, SntvRule
from ._table import SeatCount, seat_table
from ._threshold import (
    Base,
    ConstituencySeats,
    ConstituencyWins,
    ListCondition,
    ListMatch,
    Scope,
    Threshold,
    VoteShare,
)
from ._tiers import CompensatoryTier, LevellingTier
from ._ties import Precedence, TieRule
from ._values import (
    Admission,
    AgreementSplit,
    Allocation,
    Apportioned,
    Award,
    BiproportionalResult,
    BonusAward,
    CandidateVotes,
    Constituency,
    ConstituencyResult,
    Elected,
    Election,
    MixedCount,
    Tie,
    TierResult,
)

__all__ = [
    "DIVISOR_SERIES",
    "MAX_HOUSE",
    "MAX_MAGNITUDE",
    "METHODS",
    "QUOTAS",
    "Admission",
    "AgreementSplit",
    "Agreements",
    "Allocation",
    "Apportioned",
    "Apportionment",
    "ApportionmentBasis",
    "Award",
    "Base",
    "BatchAllocation",
    "Biproportional",
    "BiproportionalResult",
    "BonusAward",
    "CandidateVotes",
    "CompensatoryTier",
    "Constituency",
    "ConstituencyResult",
    "ConstituencySeats",
    "ConstituencyWins",
    "ConstituencyWoman",
    "DivisorRule",
    "DivisorSeries",
    "DrawAllocation",
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
    "MinimumWomen",
    "MixedCount",
    "MixedMember",
    "Overhang",
    "Precedence",
    "QuarterByList",
    "QuotaRule",
    "Ranking",
    "Remainder",
    "RemainderLimits",
    "RemainderPool",
    "ReservedSeats",
    "Rounding",
    "Scope",
    "SeatCount",
    "SntvRule",
    "Threshold",
    "Tie",
    "TieRule",
    "TierResult",
    "UpperBasis",
    "VoteShare",
    "VoterRounding",
    "WomenRule",
    "allocate",
    "allocate_batch",
    "allocate_draws",
    "margins",
    "parse_law",
    "read_election",
    "seat_table",
]
