"""The tally store: tally sheets in — checked, corrected with a trail, hash-chained — results out.

The only package that talks to a database (SQLAlchemy; SQLite by default, PostgreSQL by URL).
"""

from ._checks import check
from ._files import TallyFile, read_tally_file
from ._releases import Change, Difference, Release, changes, reconcile
from ._results import CandidateCount, CentreCount, ConstituencyCount, national, seats
from ._store import ChainCheck, IngestReport, Quarantined, Store
from ._values import Failure, SheetVersion, Source, Station, TallySheet, VotingType

DEFAULT_URL = "sqlite:///majlis.db"

__all__ = [
    "DEFAULT_URL",
    "CandidateCount",
    "CentreCount",
    "ChainCheck",
    "Change",
    "ConstituencyCount",
    "Difference",
    "Failure",
    "IngestReport",
    "Quarantined",
    "Release",
    "SheetVersion",
    "Source",
    "Station",
    "Store",
    "TallyFile",
    "TallySheet",
    "VotingType",
    "changes",
    "check",
    "national",
    "read_tally_file",
    "reconcile",
    "seats",
]
