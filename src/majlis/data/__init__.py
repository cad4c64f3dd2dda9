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
from ._parties import PARTY_HOUSES, PARTY_TABLES, parties_text
from ._stages import CERTIFIED, BundledStage, certification

__all__ = [
    "ALIAS_TABLES",
    "CERTIFIED",
    "DATASETS",
    "ELECTIONS",
    "OTHER_LISTS",
    "PARTY_HOUSES",
    "PARTY_TABLES",
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
    "parties_text",
    "path",
    "rows",
]
