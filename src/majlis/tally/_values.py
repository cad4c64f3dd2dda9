"""Plain values of the count: what a tally sheet says, before and after it is stored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class VotingType(StrEnum):
    """Where a station's ballots come from; results are broken down by it."""

    GENERAL = "general"
    SPECIAL_SECURITY = "special-security"
    SPECIAL_IDP = "special-idp"
    PRISON_HOSPITAL = "prison-hospital"
    OUT_OF_COUNTRY = "out-of-country"
    ADVANCE = "advance"  # cast before election day, counted apart (Norway's advance votes)
    ELECTION_DAY = "election-day"  # cast on the day where the law counts them apart from advance


class Source(StrEnum):
    """Who produced a sheet. Hand-counted sheets are typed twice, by clerks A and B."""

    MACHINE = "machine"
    MANUAL = "manual"
    ENTRY_A = "entry-a"
    ENTRY_B = "entry-b"


class Level(StrEnum):
    """The level a table of results is read at (the service offers all but `candidate`)."""

    CONSTITUENCY = "constituency"
    CENTRE = "centre"
    NATIONAL = "national"
    CANDIDATE = "candidate"


class Format(StrEnum):
    """How a table of results is written: CSV, JSON, or a table for the terminal (the service
    answers only the first two)."""

    CSV = "csv"
    JSON = "json"
    TABLE = "table"


# When a station has sheets from several sources, results take the most trustworthy accepted one.
PRIORITY = {Source.MANUAL: 3, Source.MACHINE: 2, Source.ENTRY_A: 1, Source.ENTRY_B: 1}
RANKS = {s.value: p for s, p in PRIORITY.items()}  # the same, by the source's stored name

@dataclass(frozen=True, slots=True, kw_only=True)
class Station:
    """A polling station, with the centre and constituency it belongs to."""

    code: str
    centre: str
    constituency: str
    voting_type: VotingType
    registered: int


@dataclass(frozen=True, slots=True, kw_only=True)
class TallySheet:
    """One result form: the station's ballot accounting, its votes per list and, on open-list
    ballots, per candidate (keyed by list and candidate)."""

    station: str
    source: Source
    received_at: str
    received_by: str
    ballots_received: int
    cast: int
    valid: int
    invalid: int
    spoiled: int
    unused: int
    votes: Mapping[str, int]
    candidate_votes: Mapping[tuple[str, str], int] = field(default_factory=dict)
    # The counting device that signed it (its key id) and the Ed25519 signature, hexadecimal;
    # empty when unsigned. What is signed: `signed_bytes` (docs/tally-format.md).
    key_id: str = ""
    signature: str = ""
    # The SHA-256 (hexadecimal) of the sheet's scan or photo, uploaded first (`Store.keep_photo`);
    # chained with the version, so the figures and the paper they were keyed from stay together.
    photo: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Failure:
    """A named rule a sheet breaks, and how."""

    rule: str
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SheetVersion:
    """One stored version of a station's sheet from one source, as the trail keeps it: what the
    sheet said, what the checks made of it, and — for a correction — why and by whom."""

    sheet: TallySheet
    version: int
    status: str  # accepted, quarantined or awaiting-second-entry
    failures: tuple[Failure, ...] = ()
    reason: str = ""
    author: str = ""
