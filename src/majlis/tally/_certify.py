"""The certification timeline in the store: stages of the seat table entered by a publisher,
append-only — a stage is never rewritten, a new one follows it — each sealed with the one before
it, so the trail read back is the trail entered."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from majlis._chain import GENESIS
from majlis.errors import InputError, Problem, StoreError

from ._base import StoreBase, _audited, _guarded
from ._limits import NAME_LENGTH, refuse, text_problems
from ._schema import ElectionRow, StageRow
from ._stages import Stage, StageKind, StageSeats, StageTable, check_meta, stage_payload

__all__ = ["Certification"]


def _seal(election: str, number: int, kind: str, name: str, published_on: str, source: str,
          author: str, created_at: str, previous: str, payload: str) -> str:
    head = json.dumps([election, number, kind, name, published_on, source, author, created_at,
                       previous], ensure_ascii=False)
    return hashlib.sha256(f"{head}\n{payload}".encode()).hexdigest()


def _stage(row: StageRow) -> Stage:
    rows = tuple(StageSeats(constituency=c, list=p, seats=s, elected=tuple(e))
                 for c, p, s, e in json.loads(row.payload))
    return Stage(number=row.number, kind=StageKind(row.kind), name=row.name,
                 published_on=row.published_on, source=row.source, author=row.author,
                 created_at=row.created_at, rows=rows, digest=row.digest)


class Certification(StoreBase):
    """Adding a stage of the certification timeline; reading the stages back, checked."""

    @_audited("certification")
    @_guarded
    def add_stage(self, table: StageTable, *, kind: str, name: str, published_on: str,
                  source: str, author: str) -> Stage:
        """Store `table` as the next stage (numbered after the last), by `author`. Refused,
        with nothing written, when its kind comes before the last stage's (certification runs
        preliminary → final → appeals → ruling → ratification; nothing follows ratification),
        its day is before the last stage's, or a field is empty or too long."""
        self._check_ready()
        refuse(text_problems("stage", (("author", author, NAME_LENGTH),)))
        created_at = datetime.now(UTC).isoformat(timespec="seconds")
        text = stage_payload(table.rows)
        with Session(self.writer) as session, session.begin():
            election = self._scope(session, create=True)
            last_row = session.scalars(
                select(StageRow).where(StageRow.election_id == election)
                .order_by(StageRow.number.desc()).limit(1).with_for_update()).first()
            last = _stage(last_row) if last_row is not None else None
            the_kind = check_meta(kind, name, published_on, source, last)
            number = (last.number if last else 0) + 1
            previous = last.digest if last else GENESIS
            sealed = _seal(self.election, number, the_kind.value, name, published_on, source,
                           author, created_at, previous, text)
            session.add(StageRow(election_id=election, number=number, kind=the_kind.value,
                                 name=name, published_on=published_on, source=source,
                                 author=author, created_at=created_at, payload=text,
                                 digest=sealed, prev_digest=previous))
            self._log(session, "certification", f"stage {number} {the_kind.value} {name!r}",
                      f"digest {sealed}")
        return Stage(number=number, kind=the_kind, name=name, published_on=published_on,
                     source=source, author=author, created_at=created_at, rows=table.rows,
                     digest=sealed)

    @_guarded
    def stages(self) -> list[Stage]:
        """Every stage, first first; refused when one was altered, removed or put out of order
        outside majlis (each must be sealed over what it says and the stage before it)."""
        self._check_ready()
        with Session(self.engine) as session:
            election = session.scalar(select(ElectionRow.id)
                                      .where(ElectionRow.name == self.election))
            rows = session.scalars(select(StageRow).where(StageRow.election_id == election)
                                   .order_by(StageRow.number)).all() if election else []
        previous = GENESIS
        for at, row in enumerate(rows, start=1):
            expected = _seal(self.election, row.number, row.kind, row.name, row.published_on,
                             row.source, row.author, row.created_at, row.prev_digest,
                             row.payload)
            if row.number != at or row.prev_digest != previous or row.digest != expected:
                raise StoreError(
                    f"certification stage {row.number} of {self.election!r} in {self.location} "
                    "does not match its seal: a stage was altered, removed or reordered outside "
                    "majlis; the trail cannot be trusted")
            previous = row.digest
        return [_stage(row) for row in rows]

    def stage(self, number: int) -> Stage:
        """Stage `number`; an InputError naming the stages there are when there is none."""
        found = self.stages()
        if not 1 <= number <= len(found):
            raise InputError([Problem(source="stage", line=None, field="number", message=(
                f"there is no stage {number} of {self.election!r}: "
                + (f"there are stages 1 to {len(found)}" if found
                   else "no stage has been entered (`majlis certify add`)")))])
        return found[number - 1]
