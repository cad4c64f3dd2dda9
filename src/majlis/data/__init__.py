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
    path,
    rows,
)
from ._parties import PARTY_HOUSES, PARTY_TABLES, parties_text

__all__ = [
    "DATASETS",
    "ELECTIONS",
    "PARTY_HOUSES",
    "PARTY_TABLES",
    "BundledElection",
    "election",
    "law",
    "law_text",
    "laws",
    "load",
    "parties_text",
    "path",
    "rows",
]
