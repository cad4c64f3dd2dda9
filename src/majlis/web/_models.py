"""The API's edge: what goes in (checked by pydantic, then turned into tally values) and out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from majlis.errors import InputError, Problem
from majlis.tally import (
    CODE_LENGTH,
    LIST_LENGTH,
    MAX_COUNT,
    NAME_LENGTH,
    TEXT_LENGTH,
    TIME_LENGTH,
    Release,
    SheetVersion,
    Source,
    TallySheet,
    text_problem,
)

__all__ = [
    "MAX_CANDIDATES",
    "MAX_CANDIDATES_FILE",
    "MAX_LISTS",
    "MAX_SHEETS",
    "AuditLineOut",
    "AuditMeasureIn",
    "AuditPlanIn",
    "CandidateRow",
    "CentreResultRow",
    "ConstituencyOut",
    "CorrectionIn",
    "CountOut",
    "CountedRow",
    "ElectionOut",
    "ErrorOut",
    "FailureOut",
    "HistoryRow",
    "IngestOut",
    "ListOut",
    "PollingIn",
    "PowerOut",
    "PowerRow",
    "ProblemOut",
    "ProjectionOut",
    "ProjectionRow",
    "QuarantineRow",
    "ReleaseFigures",
    "ReleaseIn",
    "ReleaseOut",
    "ResultRow",
    "RevocationIn",
    "RevocationOut",
    "SeatRow",
    "SheetIn",
    "SheetVersionOut",
    "TokenIn",
    "TokenOut",
    "percent",
    "release_out",
    "version_out",
]

MAX_SHEETS = 1_000  # sheets in one request: a few hundred KB of JSON without candidates
MAX_LISTS = 1_000  # lists on one sheet (Baghdad had fewer than 100 in 2025)
MAX_CANDIDATES = 1_000  # candidates of one list on one sheet (at most twice its seats, 2025)
MAX_BALLOTS = 200_000  # ballots drawn in one polling audit: a few MB of JSON at most
# Characters of a candidates file sent with an audit: 2025's 7,743 candidates are about half a
# million at 60 a row; four times that is 4 MB of Arabic as UTF-8, within the service's limit
# of 8 MB on a body (escaped as \uXXXX, as json.dumps does by default, it is past it: 413).
MAX_CANDIDATES_FILE = 2_000_000


def _printable(*, blank: bool) -> AfterValidator:
    """Text as the store keeps it, the same on SQLite and PostgreSQL — no NUL (which PostgreSQL
    refuses), no other control character (it would break a CSV or a log line) — and, unless
    `blank`, not blank. The lengths are the store's columns', checked by the field."""

    def check(value: str) -> str:
        problem = text_problem(value, len(value))
        if problem is None and any(c < " " for c in value):
            problem = "contains a control character (a tab or a line break)"
        if problem is None and not blank and not value.strip():
            problem = "is blank"
        if problem is not None:
            raise PydanticCustomError("stored_text", problem)
        return value
    return AfterValidator(check)


# Names are data (often Arabic): any printable text, as long as the store's columns.
Code = Annotated[str, Field(max_length=CODE_LENGTH), _printable(blank=False)]
Name = Annotated[str, Field(max_length=NAME_LENGTH), _printable(blank=False)]
ListName = Annotated[str, Field(max_length=LIST_LENGTH), _printable(blank=False)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SheetIn(_In):
    """One tally sheet as a clerk enters it; who received it is the signed-in user."""

    station: Code
    source: Source
    received_at: Annotated[str, Field(max_length=TIME_LENGTH), _printable(blank=True)] = ""
    ballots_received: Count
    cast: Count
    valid: Count
    invalid: Count
    spoiled: Count
    unused: Count
    votes: Annotated[dict[ListName, Count], Field(min_length=1, max_length=MAX_LISTS,
                                                  description="list → votes")]
    candidate_votes: dict[ListName, Annotated[dict[ListName, Count],
                                              Field(max_length=MAX_CANDIDATES)]] = Field(
        default_factory=dict, max_length=MAX_LISTS,
        description="list → candidate → votes, on open-list ballots")
    photo: Annotated[str, Field(pattern=r"^([0-9a-f]{64})?$", description=(
        "the SHA-256 of the sheet's photo, uploaded first (`POST /api/desk/photos`)"))] = ""

    def sheet(self, received_by: str, rename: Callable[[str], str]) -> TallySheet:
        """The sheet as the store takes it, every list under the one name `rename` gives it (the
        election's alias table): two spellings of one list on a sheet are refused, not added."""
        votes: dict[str, int] = {}
        twice = []
        for given, n in self.votes.items():
            name = rename(given)
            if name in votes:
                twice.append(Problem(source="request", line=None, field=f"votes › {given}",
                                     message=f"spells {name!r}, which this sheet already has"))
            votes[name] = n
        if twice:
            raise InputError(twice)
        return TallySheet(
            station=self.station, source=self.source,
            received_at=self.received_at or datetime.now(UTC).isoformat(timespec="seconds"),
            received_by=received_by, ballots_received=self.ballots_received, cast=self.cast,
            valid=self.valid, invalid=self.invalid, spoiled=self.spoiled, unused=self.unused,
            votes=votes, photo=self.photo,
            candidate_votes={(rename(list_name), person): n
                             for list_name, people in self.candidate_votes.items()
                             for person, n in people.items()})


CandidatesText = Annotated[str, Field(min_length=1, max_length=MAX_CANDIDATES_FILE, description=(
    "A candidates file, as `majlis audit rla … --candidates FILE` reads it: CSV with the "
    "columns constituency,list,candidate,gender (F or M) and, where a woman per constituency "
    "is counted over a region (Iraq 2021), region; one candidate a row"))]
RiskLimit = Annotated[str, Field(max_length=20, description=(
    "The largest chance of confirming a wrong outcome: 0.05 or 5%"))]
LawName = Annotated[str | None, Field(max_length=100, description=(
    "A preset law by name; the service's by default"))]


class AuditPlanIn(_In):
    """A risk-limiting audit's plan asked for with a candidates file of the caller's, as `majlis
    audit rla plan --candidates FILE` reads it: who sits audited too."""

    candidates: CandidatesText
    law: LawName = None
    risk_limit: RiskLimit = "5%"
    constituency: Annotated[Name | None, Field(description=(
        "Audit only this constituency; all by default"))] = None


class AuditMeasureIn(AuditPlanIn):
    """The sequential test over the hand counts in the order of the lot of `seed`, with a
    candidates file of the caller's, as `majlis audit rla measure --candidates FILE` gives it."""

    seed: Annotated[str, Field(max_length=200, description=(
        "The seed announced in public for the lot of stations")), _printable(blank=False)]


class PollingIn(_In):
    """A ballot-polling audit asked for with the ballots drawn so far, as `majlis audit rla
    polling --ballots FILE` reads them: each the list or candidate it is for, null if invalid."""

    constituency: Name
    law: LawName = None
    risk_limit: RiskLimit = "5%"
    seed: Annotated[int, Field(ge=0, le=2**32 - 1, description=(
        "Seed of the simulated draws behind the sample sizes"))] = 0
    ballots: Annotated[list[Annotated[ListName | None, Field(description=(
        "the list or candidate the ballot is for; null for an invalid ballot"))]],
        Field(max_length=MAX_BALLOTS, description="the ballots drawn so far, in the order "
                                                  "drawn")]
    candidates: Annotated[CandidatesText | None, Field(description=(
        "Under SNTV, a candidates file: the assertions are who sits, the women's rule "
        "included"))] = None


class CorrectionIn(_In):
    sheet: SheetIn
    reason: Annotated[str, Field(max_length=TEXT_LENGTH), _printable(blank=False)]


class ReleaseIn(_In):
    name: Name


class TokenIn(_In):
    username: Annotated[str, Field(max_length=NAME_LENGTH)]
    password: Annotated[str, Field(max_length=1000)]


class RevocationIn(_In):
    """Whose tokens an administrator revokes: every one issued to them until now."""

    user: Name


class RevocationOut(BaseModel):
    user: str
    revoked: str = "every token issued until now"


class AuditLineOut(BaseModel):
    """One line of the audit log: who did what, when (UTC), from where, and how it ended."""

    id: int
    at: datetime
    user: str
    role: str
    address: str
    action: str
    kind: str
    subject: str
    outcome: str
    detail: str


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
    author: str
    stations: int
    counted: int
    percent_counted: float
    # the sheet chain's head the release was sealed over: published beside the digest, an
    # observer proves the store against it later (`majlis verify-chain --head`)
    sheet_head: str


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


class CandidateRow(BaseModel):
    constituency: str
    list: str
    candidate: str
    votes: int


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


class FailureOut(BaseModel):
    rule: str
    message: str


class _Version(BaseModel):
    """Which stored version of a station's sheet; `received_by` is blank for the public."""

    station: str
    source: str
    version: int
    status: str
    received_at: str
    received_by: str


class SheetVersionOut(_Version):
    """One stored version of a station's sheet; staff names are blank for the public."""

    ballots_received: int
    cast: int
    valid: int
    invalid: int
    spoiled: int
    unused: int
    votes: dict[str, int]
    candidate_votes: dict[str, dict[str, int]]
    failures: list[FailureOut]
    reason: str
    author: str
    photo: str  # the SHA-256 of the sheet's photo (`GET /api/photos/{sha256}`), or ""


class HistoryRow(_Version):
    """A station's history as CSV: a row per version and list."""

    valid: int
    failures: str
    reason: str
    author: str
    photo: str
    list: str
    votes: int


class ListOut(BaseModel):
    """A list as the dashboard shows it: its names in Arabic and English where the bundled party
    table knows them, and one colour everywhere."""

    name: str
    name_ar: str | None
    name_en: str | None
    colour: str
    votes: int


class ProjectionRow(BaseModel):
    list: str
    expected: float
    low80: int
    high80: int
    low95: int
    high95: int
    largest: float
    majority: float


class ProjectionOut(BaseModel):
    """Seat probabilities from one release (`majority`: P(reaching it) in each row)."""

    release: int
    release_name: str
    law: str
    draws: int
    seed: int
    house: int
    majority: int
    not_projected: list[str]
    lists: list[ProjectionRow]


class PowerRow(BaseModel):
    list: str
    seats: int
    banzhaf: float
    shapley_shubik: float
    banzhaf_exact: str
    shapley_shubik_exact: str
    swings: int


class PowerOut(BaseModel):
    """Power in the house as a release's seats fill it: the quota is counted from the whole
    house, so on a partial count no coalition may reach it yet."""

    release: int
    law: str
    house: int
    quota: int
    seats_allocated: int
    lists: list[PowerRow]


def version_out(v: SheetVersion, *, names: bool) -> SheetVersionOut:
    """A stored version for the API; without `names`, the staff's names are left out."""
    s = v.sheet
    people: dict[str, dict[str, int]] = {}
    for (list_name, person), n in s.candidate_votes.items():
        people.setdefault(list_name, {})[person] = n
    return SheetVersionOut(
        station=s.station, source=s.source.value, version=v.version, status=v.status,
        received_at=s.received_at, received_by=s.received_by if names else "",
        ballots_received=s.ballots_received, cast=s.cast, valid=s.valid, invalid=s.invalid,
        spoiled=s.spoiled, unused=s.unused, candidate_votes=people,
        votes=dict(sorted(s.votes.items(), key=lambda x: (-x[1], x[0]))),
        failures=[FailureOut(rule=f.rule, message=f.message) for f in v.failures],
        reason=v.reason, author=v.author if names else "", photo=s.photo)


def percent(counted: int, stations: int) -> float:
    return round(100.0 * counted / stations, 2) if stations else 0.0


def release_out(r: Release) -> ReleaseOut:
    counted, stations = sum(c.counted for c in r.results), sum(c.stations for c in r.results)
    return ReleaseOut(number=r.number, name=r.name, created_at=r.created_at, digest=r.digest,
                      author=r.author, stations=stations, counted=counted,
                      percent_counted=percent(counted, stations), sheet_head=r.sheet_head)
