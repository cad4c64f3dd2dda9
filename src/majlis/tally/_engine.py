"""The store's database engine: a URL checked before it is used, SQLite set up for one writer at
a time (writers take SQLite's write lock at BEGIN, so two workers cannot interleave the chain;
readers begin plainly and, in WAL mode, never wait for a writer)."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError

from majlis.errors import InputError, Problem

__all__ = ["open_engine"]


def open_engine(url: str, busy_timeout: float) -> Engine:
    """The engine for `url`, or an InputError on `--db` that does not repeat the URL (it may
    carry a password): SQLite writers wait `busy_timeout` seconds for each other."""
    def refused(why: str) -> InputError:
        return InputError([Problem(source="database URL", line=None, field="--db", message=(
            f"{why}; expected e.g. sqlite:///majlis.db or postgresql+psycopg://user@host/db"))])

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise refused("is not a database URL") from None
    waits = {"connect_args": {"timeout": busy_timeout}} if (
        parsed.get_backend_name() == "sqlite") else {}
    try:  # a connection the server dropped (a restart, pg_terminate_backend) is replaced
        engine = create_engine(parsed, pool_pre_ping=True, **waits)
    except (ArgumentError, ValueError, ImportError):
        raise refused(f"names no database majlis can open ({parsed.drivername!r})") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_begin(conn: Connection) -> None:
    writer = conn.get_execution_options().get("writer", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


def _sqlite_pragmas(connection: object, _record: object) -> None:
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
    connection.isolation_level = None  # type: ignore[attr-defined]  # we issue BEGIN ourselves
