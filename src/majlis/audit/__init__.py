"""Audits of the count: a public lot of stations to hand-count, the hand counts compared with
the machines' (and the seats they would move), and forensics calibrated on clean nights.

Risk-limiting audits of the seats: the assertions that imply a constituency's seats, each an
assorter, tested station by station against the hand counts (or ballot by ballot, polling).

Pure: plain values and NumPy in, reports out. The tally store feeds it through the command
line (`majlis audit select | compare | rla plan | rla measure | forensics`); nothing here
reads a database or changes a figure. docs/audit.md writes the maths out.
"""

from ._assertions import Assertion, Kind, plurality_assertions, seat_assertions
from ._candidates import candidate_assertions, candidate_key
from ._compare import (
    AreaComparison,
    Comparison,
    HandCount,
    SeatChange,
    StationComparison,
    Tolerance,
    compare,
)
from ._forensics import (
    CONSTITUENCY_TESTS,
    STATION_TESTS,
    Finding,
    Fingerprint,
    Flag,
    Forensics,
    StationResult,
    TestSummary,
    forensics,
)
from ._lot import Drawn, Place, Selection, Stratum, lot_digest, select
from ._polling import PollingMeasure, PollingPlan, measure_polling, plan_polling
from ._reconcile import Difference, reconcile
from ._rla import (
    AssertionMeasure,
    AssertionPlan,
    AuditPlan,
    Batch,
    Measurement,
    Status,
    comparison_value,
    measure_comparison,
    plan_comparison,
    rehearse,
)
from ._simulate import CleanModel

__all__ = [
    "CONSTITUENCY_TESTS",
    "STATION_TESTS",
    "AreaComparison",
    "Assertion",
    "AssertionMeasure",
    "AssertionPlan",
    "AuditPlan",
    "Batch",
    "CleanModel",
    "Comparison",
    "Difference",
    "Drawn",
    "Finding",
    "Fingerprint",
    "Flag",
    "Forensics",
    "HandCount",
    "Kind",
    "Measurement",
    "Place",
    "PollingMeasure",
    "PollingPlan",
    "SeatChange",
    "Selection",
    "StationComparison",
    "StationResult",
    "Status",
    "Stratum",
    "TestSummary",
    "Tolerance",
    "candidate_assertions",
    "candidate_key",
    "compare",
    "comparison_value",
    "forensics",
    "lot_digest",
    "measure_comparison",
    "measure_polling",
    "plan_comparison",
    "plan_polling",
    "plurality_assertions",
    "reconcile",
    "rehearse",
    "seat_assertions",
    "select",
]
