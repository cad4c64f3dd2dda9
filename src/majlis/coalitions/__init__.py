"""Coalition arithmetic: who can govern, who holds the balance, and who gets which ministry.

Pure and exact: a seat table becomes a weighted voting `Game`; `power` gives Banzhaf and
Shapley–Shubik indices as fractions by generating functions, `minimal_power` the indices built on
minimal winning coalitions, `coalitions` the minimal coalitions allowed by the constraints of
real talks, and `cabinet`/`gamson` turn a coalition into ministries.
"""

from ._cabinet import POINTS_SYSTEMS, PointsSystem, Seat, Share, cabinet, gamson
from ._files import CoalitionRules, ListSeats, read_constraints, read_seat_table
from ._formation import IRAQ_POSTS, LargestBloc, Post, PostCheck, check_posts, largest_bloc
from ._game import Game, Quota, quota_of
from ._minimal import MinimalPower, minimal_power
from ._power import ExpectedPower, Power, expected_power, power
from ._search import Coalition, CoalitionOrder, Constraints, coalitions, minimal_winning, rank

__all__ = [
    "IRAQ_POSTS",
    "POINTS_SYSTEMS",
    "Coalition",
    "CoalitionOrder",
    "CoalitionRules",
    "Constraints",
    "ExpectedPower",
    "Game",
    "LargestBloc",
    "ListSeats",
    "MinimalPower",
    "PointsSystem",
    "Post",
    "PostCheck",
    "Power",
    "Quota",
    "Seat",
    "Share",
    "cabinet",
    "check_posts",
    "coalitions",
    "expected_power",
    "gamson",
    "largest_bloc",
    "minimal_power",
    "minimal_winning",
    "power",
    "quota_of",
    "rank",
    "read_constraints",
    "read_seat_table",
]
