"""The tally store: tally sheets in — checked, corrected with a trail, hash-chained — results out.

The only package that talks to a database (SQLAlchemy; SQLite by default, PostgreSQL by URL).
"""

from ._cases import CASE_KINDS, DECISIONS, Case, CaseStep
from ._checks import UNREGISTERED_CEILING, check
from ._desk import Entry, Form, Keyed
from ._devices import Device, signed_bytes
from ._files import TallyFile, read_tally_file
from ._intake import IngestReport
from ._limits import (
    CODE_LENGTH,
    LIST_LENGTH,
    MAX_COUNT,
    NAME_LENGTH,
    TEXT_LENGTH,
    TIME_LENGTH,
    count_problem,
    text_problem,
)
from ._log import OUTCOMES, AuditLine, Caller
from ._photos import MAX_PHOTO, Photo, photo_problems
from ._protocols import Signatories, StoredProtocol
from ._published import Quarantined
from ._releases import Change, Release, changes
from ._results import CandidateCount, CentreCount, ConstituencyCount, national
from ._sheets import station_sheets
from ._stages import (
    NATION,
    SEPARATOR,
    NameChange,
    SeatMove,
    Stage,
    StageKind,
    StageSeats,
    StageTable,
    read_stage_file,
    stage_changes,
    stage_rows,
)
from ._store import Store
from ._supervision import Cell, Disagreement, Held
from ._values import (
    Failure,
    Format,
    Level,
    SheetVersion,
    Source,
    Station,
    TallySheet,
    VotingType,
)

DEFAULT_URL = "sqlite:///majlis.db"

__all__ = [
    "CASE_KINDS",
    "CODE_LENGTH",
    "DECISIONS",
    "DEFAULT_URL",
    "LIST_LENGTH",
    "MAX_COUNT",
    "MAX_PHOTO",
    "NAME_LENGTH",
    "NATION",
    "OUTCOMES",
    "SEPARATOR",
    "TEXT_LENGTH",
    "TIME_LENGTH",
    "UNREGISTERED_CEILING",
    "AuditLine",
    "Caller",
    "CandidateCount",
    "Case",
    "CaseStep",
    "Cell",
    "CentreCount",
    "Change",
    "ConstituencyCount",
    "Device",
    "Disagreement",
    "Entry",
    "Failure",
    "Form",
    "Format",
    "Held",
    "IngestReport",
    "Keyed",
    "Level",
    "NameChange",
    "Photo",
    "Quarantined",
    "Release",
    "SeatMove",
    "SheetVersion",
    "Signatories",
    "Source",
    "Stage",
    "StageKind",
    "StageSeats",
    "StageTable",
    "Station",
    "Store",
    "StoredProtocol",
    "TallyFile",
    "TallySheet",
    "VotingType",
    "changes",
    "check",
    "count_problem",
    "national",
    "photo_problems",
    "read_stage_file",
    "read_tally_file",
    "signed_bytes",
    "stage_changes",
    "stage_rows",
    "station_sheets",
    "text_problem",
]
