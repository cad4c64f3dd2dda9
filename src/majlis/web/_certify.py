"""The certification timeline over HTTP: every stage of the seat table and what changed between
stages, for everyone; a new stage entered by a publisher (`majlis certify` does the same)."""

from __future__ import annotations

import builtins
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from majlis.tally import (
    LIST_LENGTH,
    NAME_LENGTH,
    NATION,
    TEXT_LENGTH,
    NameChange,
    SeatMove,
    Stage,
    stage_changes,
    stage_rows,
)

from ._models import ErrorOut
from ._service import Service
from ._write import Publisher

__all__ = ["router"]

router = APIRouter(prefix="/api/certification", tags=["certification"], responses={
    code: {"model": ErrorOut} for code in (404, 422, 503)})


class StageSeatsIO(BaseModel):
    """One row of a stage's table: `constituency` `*` is the whole house; `seats` null when
    the stage did not publish them; `elected` the members it names (perhaps only some)."""

    model_config = ConfigDict(extra="forbid")
    constituency: Annotated[str, Field(max_length=NAME_LENGTH)]
    list: Annotated[str, Field(max_length=LIST_LENGTH)]
    seats: Annotated[int | None, Field(ge=0)] = None
    elected: Annotated[builtins.list[Annotated[str, Field(max_length=LIST_LENGTH)]],
                       Field(max_length=1000)] = []  # builtins: `list` is a field here


class StageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Annotated[str, Field(description=(
        "preliminary, final, appeals, ruling or ratification"), max_length=20)]
    name: Annotated[str, Field(max_length=NAME_LENGTH)]
    published_on: Annotated[str, Field(description="YYYY-MM-DD", max_length=10)]
    source: Annotated[str, Field(max_length=TEXT_LENGTH)]
    rows: Annotated[list[StageSeatsIO], Field(max_length=20_000)]


class MemberOut(BaseModel):
    list: str
    name: str


class SeatMoveOut(BaseModel):
    constituency: str
    list: str
    before: int | None
    after: int | None


class NameChangeOut(BaseModel):
    constituency: str
    left: MemberOut | None
    entered: MemberOut | None


class ChangesOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    from_: Annotated[int, Field(alias="from")]
    to: int
    constituencies: list[str]
    seat_moves: list[SeatMoveOut]
    name_changes: list[NameChangeOut]


class StageOut(BaseModel):
    number: int
    kind: str
    name: str
    published_on: str
    source: str
    author: str
    created_at: str
    digest: str
    rows: int
    house_seats: int | None
    changes: ChangesOut | None = Field(description="from the stage before, if any")


class StageTableOut(StageOut):
    table: list[StageSeatsIO]


def _member(side: tuple[str, str] | None) -> MemberOut | None:
    return MemberOut(list=side[0], name=side[1]) if side else None


def _changes(before: Stage, after: Stage) -> ChangesOut:
    moves, names = stage_changes(before, after)
    return ChangesOut(
        from_=before.number, to=after.number,
        constituencies=sorted(before.constituencies & after.constituencies),
        seat_moves=[_move(m) for m in moves], name_changes=[_named(n) for n in names])


def _move(m: SeatMove) -> SeatMoveOut:
    return SeatMoveOut(constituency=m.constituency, list=m.list, before=m.before,
                       after=m.after)


def _named(n: NameChange) -> NameChangeOut:
    return NameChangeOut(constituency=n.constituency, left=_member(n.left),
                         entered=_member(n.entered))


def _out(stage: Stage, before: Stage | None) -> StageOut:
    house = [r.seats for r in stage.rows if r.constituency == NATION and r.seats]
    return StageOut(number=stage.number, kind=stage.kind.value, name=stage.name,
                    published_on=stage.published_on, source=stage.source, author=stage.author,
                    created_at=stage.created_at, digest=stage.digest, rows=len(stage.rows),
                    house_seats=sum(house) if house else None,
                    changes=_changes(before, stage) if before else None)


async def _stages(service: Service) -> list[Stage]:
    return await run_in_threadpool(service.store.stages)


def _numbered(stages: list[Stage], number: int) -> Stage:
    if not 1 <= number <= len(stages):
        raise HTTPException(404, f"there is no certification stage {number}"
                            + (f": there are stages 1 to {len(stages)}" if stages else
                               ": no stage has been entered"))
    return stages[number - 1]


@router.get("", response_model=list[StageOut])
async def timeline(service: Service) -> list[StageOut]:
    """Every stage, first first, each with what changed since the stage before it."""
    stages = await _stages(service)
    return [_out(s, stages[k - 1] if k else None) for k, s in enumerate(stages)]


@router.get("/changes", response_model=ChangesOut)
async def changes(service: Service,
                  first: Annotated[int, Query(alias="from", ge=1)],
                  second: Annotated[int, Query(alias="to", ge=1)]) -> ChangesOut:
    """What changed between two stages, in the constituencies both cover: seats moved and
    members replaced."""
    stages = await _stages(service)
    return _changes(_numbered(stages, first), _numbered(stages, second))


@router.get("/{number}", response_model=StageTableOut)
async def one_stage(service: Service, number: int) -> StageTableOut:
    """A stage with its whole table."""
    stages = await _stages(service)
    stage = _numbered(stages, number)
    return StageTableOut(
        **_out(stage, stages[number - 2] if number > 1 else None).model_dump(by_alias=False),
        table=[StageSeatsIO(constituency=r.constituency, list=r.list, seats=r.seats,
                            elected=list(r.elected)) for r in stage.rows])


@router.post("", response_model=StageOut, status_code=201, responses={
    code: {"model": ErrorOut} for code in (401, 403)})
async def add_stage(service: Service, stage: StageIn, user: Publisher) -> StageOut:
    """Enter the next stage (a publisher): numbered, sealed with the stage before it, never
    changed. 422 with the row and field for a bad row, a kind that comes before the last
    stage's (or any after ratification), or a day before the last stage's."""
    table = stage_rows(((k, r.model_dump()) for k, r in enumerate(stage.rows, start=1)),
                       "request › rows")
    added = await run_in_threadpool(lambda: service.store.add_stage(
        table, kind=stage.kind, name=stage.name, published_on=stage.published_on,
        source=stage.source, author=user.name))
    stages = await _stages(service)
    return _out(added, stages[added.number - 2] if added.number > 1 else None)
