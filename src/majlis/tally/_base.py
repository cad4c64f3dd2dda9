"""The store's footing: the database it opens, the schema it checks, the election it works on,
and the guard that turns a database's refusal into a StoreError.

SQLite by default (a file, no server), PostgreSQL by URL: the same code and the same tests run on
both. The store's rooms (`_register`, `_intake`, `_chain`, `_published`) build on this class.
"""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Callable
from functools import wraps
from importlib import resources
from pathlib import Path
from typing import Concatenate, ParamSpec, Self, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from majlis._chain import GENESIS
from majlis.errors import InputError, Problem, StoreError

from ._checks import UNREGISTERED_CEILING
from ._engine import open_engine
from ._limits import NAME_LENGTH, text_problem
from ._log import Caller, write_line
from ._schema import ChainHeadRow, ElectionRow

Params = ParamSpec("Params")
Result = TypeVar("Result")
Opened = TypeVar("Opened", bound="StoreBase")


def _guarded(method: Callable[Concatenate[Opened, Params], Result]
             ) -> Callable[Concatenate[Opened, Params], Result]:
    """A database's refusal (locked, gone, out of range, a broken constraint) as a StoreError
    naming the store without its password: no front end shows a driver's traceback."""
    @wraps(method)
    def guarded(store: Opened, /, *args: Params.args, **kwargs: Params.kwargs) -> Result:
        try:
            return method(store, *args, **kwargs)
        except DBAPIError as error:
            raise refused(store, error) from error
    return guarded


def refused(store: StoreBase, error: DBAPIError) -> StoreError:
    """`_guarded`'s StoreError for a refusal; also for a snapshot streamed outside a method."""
    said = str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else (
        type(error.orig).__name__)
    if "database or disk is full" in said or "No space left on device" in said:
        return StoreError(
            f"the tally store at {store.location} is full: the disk (or its size limit) "
            "has no room; the transaction under way was rolled back and what was stored "
            "before it stands: free space, then run it again (sheets already stored are "
            "skipped)")
    if "database is locked" in said:
        return StoreError(
            f"the tally store at {store.location} is busy: another writer held it for "
            f"more than {store.busy_timeout:g} s; try again")
    return StoreError(f"the tally store at {store.location} refused: {said}")


def _audited(kind: str) -> Callable[[Callable[Concatenate[Opened, Params], Result]],
                                    Callable[Concatenate[Opened, Params], Result]]:
    """A write whose refusal (InputError: `refused`) or failure (StoreError: `failed`) gets a
    line of its own in the audit log, after its transaction was rolled back; its success is
    logged by the write itself, inside its transaction (`StoreBase._log`)."""
    def decorate(method: Callable[Concatenate[Opened, Params], Result]
                 ) -> Callable[Concatenate[Opened, Params], Result]:
        @wraps(method)
        def audited(store: Opened, /, *args: Params.args, **kwargs: Params.kwargs) -> Result:
            try:
                return method(store, *args, **kwargs)
            except InputError as error:
                store._log_apart(kind, error.problems, "refused")
                raise
            except StoreError as error:
                store._log_apart(kind, (), "failed", str(error))
                raise
        return audited
    return decorate


def _dropped(error: DBAPIError) -> bool:
    """The server cut the connection (a restart, a failover: the transaction died with it) or
    does not take new ones yet, as opposed to refusing what was asked of it."""
    return error.connection_invalidated or (
        isinstance(error, OperationalError) and error.statement is None)


class StoreBase:
    """What every room of the store stands on: its engines, its election's id, the schema check
    (`Store` documents the arguments)."""

    def __init__(self, url: str, election: str = "default", *,
                 unregistered_ceiling: int = UNREGISTERED_CEILING,
                 busy_timeout: float = 30.0) -> None:
        self.url = url
        self.election = election
        self.unregistered_ceiling = unregistered_ceiling
        self.busy_timeout = busy_timeout
        self._election_id: int | None = None
        self.engine: Engine = open_engine(url, busy_timeout)
        # What messages show: the URL without its password.
        self.location = self.engine.url.render_as_string(hide_password=True)
        named = text_problem(election, NAME_LENGTH) or (
            "is empty: name the election" if not election.strip() else None)
        if named:
            raise InputError([Problem(source="election", line=None, field="--election",
                                      message=named)])
        self.writer: Engine = self.engine.execution_options(writer=True)  # see _engine
        self._ready = False
        self.caller = Caller.local()

    def by(self, caller: Caller) -> Self:
        """This store acting for `caller`: every write it makes is logged under their name,
        address and action. The engines are shared; the store itself is not changed."""
        acting = copy.copy(self)
        acting.caller = caller
        return acting

    def _log(self, session: Session, kind: str, subject: str, detail: str = "", *,
             outcome: str = "success") -> None:
        """A line of the audit log for the write under way, in its transaction."""
        write_line(session, self.caller, election=self.election, kind=kind, subject=subject,
                   outcome=outcome, detail=detail)

    def _log_apart(self, kind: str, problems: tuple[Problem, ...] | list[Problem],
                   outcome: str, detail: str = "") -> None:
        """A line of its own for a write refused or failed (its transaction rolled back): what
        it was about and why, as far as the store can still be written; never for a store not
        ready (that would create its SQLite file)."""
        if not self._ready:
            return
        subject = ", ".join(dict.fromkeys(p.source for p in problems))
        if problems:
            first = problems[0]
            detail = f"{first.field}: {first.message}" + (
                f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
        try:
            with Session(self.writer) as session, session.begin():
                self._log(session, kind, subject, detail, outcome=outcome)
        except Exception:  # the store itself is failing: the process log says so, once
            logging.getLogger("majlis.tally").warning(
                "the audit log could not record a %s %s write to %s", outcome, kind,
                self.location, exc_info=True)

    def _through_drops(self, work: Callable[[], Result]) -> Result:
        """`work` — one whole transaction — run again when a database server drops the
        connection under it, as soon as the server answers, for up to `busy_timeout` seconds: the
        server rolled the transaction back, so nothing of it stands and nothing is lost by
        retrying. (A SQLite file has no connection to lose; its errors go straight up.)"""
        deadline, pause = time.monotonic() + self.busy_timeout, 0.1
        while True:
            try:
                return work()
            except DBAPIError as error:
                if (self.engine.dialect.name == "sqlite" or not _dropped(error)
                        or time.monotonic() + pause > deadline):
                    raise
            time.sleep(pause)
            pause = min(2 * pause, 2.0)

    def close(self) -> None:
        """Release the store's database connections."""
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _check_ready(self) -> None:
        """Refuse to work on a store that is not initialised or has an older schema."""
        if self._ready:
            return
        if (file := self._file()) is not None and not file.exists():
            raise StoreError(f"no tally store at {self.location}: run `majlis db init`")
        current, head = self.revisions()
        if current != head:
            state = "is not initialised" if current is None else (
                f"has schema {current}, this majlis needs {head}")
            raise StoreError(f"the tally store at {self.location} {state}: run `majlis db init`")
        self._ready = True

    @_guarded
    def revisions(self) -> tuple[str | None, str]:
        """The schema revision the database is at (None before `majlis db init`) and the one this
        majlis needs, read afresh at every call: a readiness probe asks whether the database is
        reachable and migrated now, not whether it was when the store was first used."""
        head = ScriptDirectory.from_config(self._migrations()).get_current_head()
        assert head is not None  # the migrations ship with majlis
        if (file := self._file()) is not None and not file.exists():
            return None, head  # connecting would create the file
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision(), head

    def _file(self) -> Path | None:
        """The SQLite file of the store, if it is one (opening it would create it)."""
        database = self.engine.url.database
        if self.engine.dialect.name != "sqlite" or database in (None, "", ":memory:") or (
                str(database).startswith("file:")):
            return None
        return Path(str(database))

    def _migrations(self) -> Config:
        config = Config()
        config.set_main_option("script_location",
                               str(resources.files("majlis.tally").joinpath("migrations")))
        config.attributes["engine"] = self.engine
        return config

    @_guarded
    def init(self) -> None:
        """Create or upgrade the schema (Alembic migrations), and the chain's head; a new SQLite
        file (and its folder) is made only here."""
        if (file := self._file()) is not None:
            file.parent.mkdir(parents=True, exist_ok=True)
        before, head = self.revisions()
        command.upgrade(self._migrations(), "head")
        self._ready = True
        with Session(self.writer) as session, session.begin():
            if session.get(ChainHeadRow, 1) is None:
                session.add(ChainHeadRow(id=1, hash=GENESIS))
            self._scope(session, create=True)
            self._log(session, "schema", f"election {self.election!r}", (
                f"schema at {head}" if before == head else f"schema {before or 'none'} → {head}"))

    def _scope(self, session: Session, *, create: bool = False) -> int:
        """The id of this store's election (created by `init` and `register` when new)."""
        if self._election_id is None:
            found = session.scalar(select(ElectionRow.id).where(ElectionRow.name == self.election))
            if found is None and not create:
                raise StoreError(f"no election named {self.election!r} in {self.location}: "
                                 "register its stations first (`majlis ingest`)")
            if found is None:
                row = ElectionRow(name=self.election)
                session.add(row)
                session.flush()
                found = row.id
            self._election_id = found
        return self._election_id

