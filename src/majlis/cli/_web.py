"""`majlis serve` and `majlis users`: the results service and its staff accounts."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from majlis import tally, web
from majlis.web import Role, Users

from ._allocate import stdout
from ._tally import Database, ElectionName, open_store

MULTIPROCESS = "PROMETHEUS_MULTIPROC_DIR"  # prometheus-client reads it in every worker
UsersFile = Annotated[Path | None, typer.Option(
    "--users", help="The staff's users file (default: $MAJLIS_USERS, else users.json)")]
users_app = typer.Typer(help="The results staff's accounts for the API.", no_args_is_help=True)


def _users_file(path: Path | None) -> Path:
    return path or Path(os.environ.get("MAJLIS_USERS") or "users.json")


def serve_command(
    db: Database = None,
    election: ElectionName = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535,
                                      help="Port to listen on (1–65535)")] = 8000,
    law: Annotated[str | None, typer.Option(
        "--law", help="The preset law seats follow by default, e.g. iraq-2025 "
        "(default: $MAJLIS_LAW)")] = None,
    redis: Annotated[str | None, typer.Option(
        "--redis", help="Redis URL shared by several workers (default: $MAJLIS_REDIS_URL)")]
    = None,
    users: UsersFile = None,
    candidates: Annotated[Path | None, typer.Option(
        "--candidates", help="The candidates file (constituency,list,candidate,gender) the "
                             "audits of who sits read (default: $MAJLIS_CANDIDATES)")] = None,
    workers: Annotated[int, typer.Option(
        "--workers", min=1, max=64, envvar="MAJLIS_WORKERS",
        help="Worker processes sharing the address (1–64; about one per core)")] = 1,
) -> None:
    """Serve the results API and the live dashboard (until Ctrl-C)."""
    import uvicorn  # the server, only when serving: every other command starts without it

    settings = {
        "MAJLIS_DATABASE_URL": db or os.environ.get("MAJLIS_DATABASE_URL") or tally.DEFAULT_URL,
        "MAJLIS_ELECTION": election or os.environ.get("MAJLIS_ELECTION") or "default",
        "MAJLIS_LAW": law or os.environ.get("MAJLIS_LAW") or "",
        "MAJLIS_REDIS_URL": redis or os.environ.get("MAJLIS_REDIS_URL") or "",
        "MAJLIS_USERS": str(_users_file(users)),
        "MAJLIS_CANDIDATES": str(candidates or os.environ.get("MAJLIS_CANDIDATES") or ""),
    }
    os.environ.update(settings)
    # a bad law, URL, users or candidates file fails here, once, and not in every worker
    app = web.create_app_from_environment()
    stdout.print(f"majlis results service: http://{host}:{port}/ (API: /docs)"
                 + (f", {workers} workers" if workers > 1 else ""))
    # open dashboards hold their event streams: give them a moment, then stop anyway
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="info", timeout_graceful_shutdown=3)
        return
    # Tokens signed by one worker must be accepted by the others: one secret for all of them.
    os.environ.setdefault("MAJLIS_SECRET", secrets.token_hex(32))
    with _metrics_folder():
        uvicorn.run("majlis.web:create_app_from_environment", factory=True, workers=workers,
                    host=host, port=port, log_level="info", timeout_graceful_shutdown=3)


@contextmanager
def _metrics_folder() -> Iterator[None]:
    """The folder where the workers keep their metrics for each other (prometheus-client's
    multiprocess mode): `$PROMETHEUS_MULTIPROC_DIR` emptied of a previous run's files, else a
    temporary one removed at the end."""
    given = os.environ.get(MULTIPROCESS)
    if given:
        folder = Path(given)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):
            stale.unlink()
        yield
        return
    with tempfile.TemporaryDirectory(prefix="majlis-metrics-") as made:
        os.environ[MULTIPROCESS] = made
        try:
            yield
        finally:
            del os.environ[MULTIPROCESS]


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="The account's name, as written in the trail")],
    role: Annotated[Role, typer.Option("--role", help="clerk, supervisor, publisher or admin")],
    password: Annotated[str, typer.Option(
        "--password", prompt=True, hide_input=True, confirmation_prompt=True,
        envvar="MAJLIS_PASSWORD", help="Asked for when not given (at least 8 characters)")],
    users: UsersFile = None,
) -> None:
    """Add a staff account (or replace its role and password); stores only an argon2 hash."""
    path = _users_file(users)
    accounts = Users.load(path)
    accounts.add(name, role, password)
    accounts.save(path)
    stdout.print(f"{name} is a {role.value} in {path}")


@users_app.command("revoke")
def users_revoke(
    name: Annotated[str, typer.Argument(help="The account whose tokens are revoked")],
    db: Database = None,
    election: ElectionName = None,
    users: UsersFile = None,
) -> None:
    """Revoke every token the account was issued until now: every worker of the service
    answers them 401 at once (the account may sign in again: take it out of the users file to
    stop that). A name neither in the users file nor in the audit log is refused, so a typo
    does not report a revocation that stops nobody."""
    store = open_store(db, election)
    path = _users_file(users)
    if Users.load(path).role(name) is None and not store.audit_log(user=name, limit=1):
        raise typer.BadParameter(f"no account named {name!r} in {path}, and no line of the "
                                 "audit log names it", param_hint="NAME")
    store.revoke(name)
    stdout.print(f"every token of {name} issued until now is revoked")
