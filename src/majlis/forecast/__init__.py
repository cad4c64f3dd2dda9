"""Projections from partial results: seat probabilities with honest uncertainty.

Pure functions over plain values, like the law it calls: a release's partial count goes in as a
`ReleaseCount`, complete results are drawn from a model of the uncounted stations, and the law
engine's vectorised path turns every draw into seats. docs/forecast.md gives the model.
"""

from ._assess import Assessment, assess, count_order_error
from ._count import (
    GroupCount,
    Late,
    PartialCount,
    ReleaseCount,
    Spread,
    count_stations,
    spread,
)
from ._model import Settings
from ._project import ConstituencyOutlook, ListOutlook, Projection, project

__all__ = [
    "Assessment",
    "ConstituencyOutlook",
    "GroupCount",
    "Late",
    "ListOutlook",
    "PartialCount",
    "Projection",
    "ReleaseCount",
    "Settings",
    "Spread",
    "assess",
    "count_order_error",
    "count_stations",
    "project",
    "spread",
]
