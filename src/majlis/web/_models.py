"""The API's edge: what goes in (checked by pydantic, then turned into tally values) and out."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from majlis.tally import Release, Source, TallySheet

__all__ = [
    "CentreResultRow",
    "ConstituencyOut",
    "CorrectionIn",
    "CountOut",
    "CountedRow",
    "ElectionOut",
    "ErrorOut",
    "IngestOut",
    "ProblemOut",
    "QuarantineRow",
    "ReleaseFigures",
    "ReleaseIn",
    "ReleaseOut",
    "ResultRow",
    "SeatRow",
    "SheetIn",
    "TokenIn",
    "TokenOut",
    "percent",
    "release_out",
]

# Names are data (often Arabic): any printable text, but never a NUL, which PostgreSQL refuses.
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f]+$")]
Code = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f]+$")]
Count = Annotated[int, Field(ge=0, le=1_000_000_000)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SheetIn(_In):
    """One tally sheet as a clerk enters it; who received it is the signed-in user."""

    station: Code
    source: Source
    received_at: Annotated[str, StringConstraints(max_length=40, pattern=r"^[^\x00-\x1f]*$")] = ""
    ballots_received: Count
    cast: Count
    valid: Count
    invalid: Count
    spoiled: Count
    unused: Count
    votes: Annotated[dict[Name, Count], Field(min_length=1, description="list → votes")]
    candidate_votes: dict[Name, dict[Name, Count]] = Field(
        default_factory=dict, description="list → candidate → votes, on open-list ballots")

    def sheet(self, received_by: str) -> TallySheet:
        return TallySheet(
            station=self.station, source=self.source,
            received_at=self.received_at or datetime.now(UTC).isoformat(timespec="seconds"),
            received_by=received_by, ballots_received=self.ballots_received, cast=self.cast,
            valid=self.valid, invalid=self.invalid, spoiled=self.spoiled, unused=self.unused,
            votes=dict(self.votes),
            candidate_votes={(party, person): n for party, people in self.candidate_votes.items()
                             for person, n in people.items()})


class CorrectionIn(_In):
    sheet: SheetIn
    reason: Name


class ReleaseIn(_In):
    name: Name


class TokenIn(_In):
    username: Annotated[str, StringConstraints(max_length=200)]
    password: Annotated[str, StringConstraints(max_length=1000)]


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    role: str


class IngestOut(BaseModel):
    accepted: int
    quarantined: int
    awaiting_second_entry: int
    duplicates: int


class ProblemOut(BaseModel):
    """One problem, with the fields the CLI prints as `FILE:LINE: field: message`."""

    file: str
    line: int | None
    field: str
    message: str


class ErrorOut(BaseModel):
    """Every error answer has this one shape."""

    detail: str
    problems: list[ProblemOut] = []


class ReleaseOut(BaseModel):
    number: int
    name: str
    created_at: str
    digest: str
    stations: int
    counted: int
    percent_counted: float


class CountOut(BaseModel):
    constituency: str
    stations: int
    counted: int
    percent_counted: float
    votes: dict[str, int]
    by_voting_type: dict[str, dict[str, int]]
    stations_by_type: dict[str, int]
    counted_by_type: dict[str, int]


class ReleaseFigures(ReleaseOut):
    results: list[CountOut]


class ElectionOut(BaseModel):
    name: str
    law: str | None
    releases: int
    latest: ReleaseOut | None


class ConstituencyOut(BaseModel):
    name: str
    magnitude: int | None
    stations: int
    counted: int
    percent_counted: float


class CountedRow(BaseModel):
    constituency: str
    voting_type: str
    stations: int
    counted: int
    percent_counted: float


class ResultRow(BaseModel):
    constituency: str
    list: str
    votes: int
    stations_counted: int
    stations: int
    percent_counted: float


class CentreResultRow(BaseModel):
    constituency: str
    centre: str
    list: str
    votes: int
    stations_counted: int
    stations: int


class SeatRow(BaseModel):
    constituency: str
    list: str
    votes: int
    seats: int


class QuarantineRow(BaseModel):
    station: str
    source: str
    version: int
    rule: str
    message: str


def percent(counted: int, stations: int) -> float:
    return round(100.0 * counted / stations, 2) if stations else 0.0


def release_out(r: Release) -> ReleaseOut:
    counted, stations = sum(c.counted for c in r.results), sum(c.stations for c in r.results)
    return ReleaseOut(number=r.number, name=r.name, created_at=r.created_at, digest=r.digest,
                      stations=stations, counted=counted,
                      percent_counted=percent(counted, stations))
