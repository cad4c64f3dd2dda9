"""Official results, preset laws and their sources, bundled with the package.

Read through this module, never from `../shared`: the package carries what it needs. Every file's
source is named in the README beside it.
"""

from ._bundle import (
    DATASETS,
    ELECTIONS,
    BundledElection,
    election,
    law,
    law_text,
    laws,
    load,
)
from ._files import path, rows
from ._names import ALIAS_TABLES, OTHER_LISTS, ListName, ListNames, list_names
from ._seat_tables import SEAT_TABLE_HOUSES, SEAT_TABLES, seat_table_text
from ._stages import CERTIFIED, BundledStage, certification

__all__ = [
    "ALIAS_TABLES",
    "CERTIFIED",
    "DATASETS",
    "ELECTIONS",
    "OTHER_LISTS",
    "SEAT_TABLES",
    "SEAT_TABLE_HOUSES",
    "BundledElection",
    "BundledStage",
    "ListName",
    "ListNames",
    "certification",
    "election",
    "law",
    "law_text",
    "laws",
    "list_names",
    "load",
    "path",
    "rows",
    "seat_table_text",
]
