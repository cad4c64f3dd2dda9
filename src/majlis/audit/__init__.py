"""Audits of the count: a public lot of stations to hand-count, the hand counts compared with
the machines' (and the seats they would move), and forensics calibrated on clean nights.

Pure: plain values and NumPy in, reports out. The tally store feeds it through the command
line (`majlis audit select | compare | forensics`); nothing here reads a database or changes a
figure. docs/audit.md writes the maths out.
"""

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
from ._simulate import CleanModel

__all__ = [
    "CONSTITUENCY_TESTS",
    "STATION_TESTS",
    "AreaComparison",
    "CleanModel",
    "Comparison",
    "Drawn",
    "Finding",
    "Fingerprint",
    "Flag",
    "Forensics",
    "HandCount",
    "Place",
    "SeatChange",
    "Selection",
    "StationComparison",
    "StationResult",
    "Stratum",
    "TestSummary",
    "Tolerance",
    "compare",
    "forensics",
    "lot_digest",
    "select",
]
