"""Audits of the count: a public lot of stations to hand-count, the hand counts compared with
the machines' (and the seats they would move), and forensics calibrated on clean nights.

Risk-limiting audits of the seats: the assertions that imply a constituency's seats, each an
assorter, tested station by station against the hand counts (or ballot by ballot, polling).

The chains' check (`verify_chain`): every stored sheet version's hash recomputed, releases
against their seals, heads and digests kept outside the store, the running totals against a
recount — over what `Store.chain()` streams; and reconciliation with another source's figures.

Pure: plain values and NumPy in, reports out. The tally store feeds it through the command
line (`majlis audit select | compare | rla plan | rla measure | forensics`, `majlis
verify-chain`); nothing here reads a database or changes a figure. docs/audit.md writes the
maths out.
"""

from majlis._chain import ElectionChain, StoredChain, StoredRelease, StoredVersion

from ._assertions import Assertion, Kind, plurality_assertions, seat_assertions
from ._candidates import candidate_assertions, candidate_key, pooled_key, region_assertions
from ._chain import ChainCheck, Links, Recount, check_links, totals_differ, verify_chain
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
    "ChainCheck",
    "CleanModel",
    "Comparison",
    "Difference",
    "Drawn",
    "ElectionChain",
    "Finding",
    "Fingerprint",
    "Flag",
    "Forensics",
    "HandCount",
    "Kind",
    "Links",
    "Measurement",
    "Place",
    "PollingMeasure",
    "PollingPlan",
    "Recount",
    "SeatChange",
    "Selection",
    "StationComparison",
    "StationResult",
    "Status",
    "StoredChain",
    "StoredRelease",
    "StoredVersion",
    "Stratum",
    "TestSummary",
    "Tolerance",
    "candidate_assertions",
    "candidate_key",
    "check_links",
    "compare",
    "comparison_value",
    "forensics",
    "lot_digest",
    "measure_comparison",
    "measure_polling",
    "plan_comparison",
    "plan_polling",
    "plurality_assertions",
    "pooled_key",
    "reconcile",
    "region_assertions",
    "rehearse",
    "seat_assertions",
    "select",
    "totals_differ",
    "verify_chain",
]
