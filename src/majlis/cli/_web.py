"""`majlis serve` and `majlis users`: the results service and its staff accounts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from majlis import tally, web
from majlis.web import Role, Users

from ._allocate import stdout
from ._tally import Database, ElectionName

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
        "--law", help="The preset law seats follow by default, e.g. iraq-2025")] = None,
    redis: Annotated[str | None, typer.Option(
        "--redis", help="Redis URL shared by several workers (default: $MAJLIS_REDIS_URL)")]
    = None,
    users: UsersFile = None,
) -> None:
    """Serve the results API and the live dashboard (until Ctrl-C)."""
    import uvicorn  # the server, only when serving: every other command starts without it

    app = web.create_app(db or os.environ.get("MAJLIS_DATABASE_URL", tally.DEFAULT_URL),
                         election or os.environ.get("MAJLIS_ELECTION", "default"),
                         redis_url=redis, law=law, users=_users_file(users))
    stdout.print(f"majlis results service: http://{host}:{port}/ (API: /docs)")
    # open dashboards hold their event streams: give them a moment, then stop anyway
    uvicorn.run(app, host=host, port=port, log_level="info", timeout_graceful_shutdown=3)


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="The account's name, as written in the trail")],
    role: Annotated[Role, typer.Option("--role", help="clerk, supervisor or publisher")],
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
