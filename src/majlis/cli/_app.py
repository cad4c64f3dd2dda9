"""The command tree; each command lives in its own module and only wraps the library."""

from __future__ import annotations

import typer

from majlis.errors import InputError, MajlisError

from ._allocate import allocate_command, file_problem, problems_exit, stderr
from ._audit import audit_app
from ._bulletin import bulletin_command
from ._bundled import compare_command, data_app, laws_command
from ._certify import certify_app
from ._chart import chart_command
from ._coalitions import cabinet_command, coalitions_command, power_command
from ._devices import devices_app
from ._forecast import project_command
from ._protocol import photo_command, protocol_command, verify_command
from ._replay import replay_app
from ._report import export_command, report_app
from ._sweep import sweep_command
from ._tally import (
    RUNNING,
    audit_log_command,
    correct_command,
    db_app,
    ingest_command,
    note_running,
    quarantine_command,
    reconcile_command,
    release_command,
    releases_command,
    results_command,
    verify_chain_command,
)
from ._web import serve_command, users_app

app = typer.Typer(
    name="majlis",
    help="From tally sheets to a governing coalition: exact seats for any list-PR or SNTV law.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("allocate")(allocate_command)
app.command("laws")(laws_command)
app.command("compare")(compare_command)
app.add_typer(data_app, name="data", callback=note_running)
app.add_typer(db_app, name="db", callback=note_running)
app.add_typer(replay_app, name="replay", callback=note_running)
app.add_typer(devices_app, name="devices", callback=note_running)
app.command("ingest")(ingest_command)
app.command("correct")(correct_command)
app.command("quarantine")(quarantine_command)
app.command("results")(results_command)
app.command("verify-chain")(verify_chain_command)
app.command("release")(release_command)
app.command("protocol")(protocol_command)
app.command("verify")(verify_command)
app.command("photo")(photo_command)
app.command("releases")(releases_command)
app.command("reconcile")(reconcile_command)
app.command("audit-log")(audit_log_command)
app.add_typer(audit_app, name="audit", callback=note_running)
app.add_typer(report_app, name="report", callback=note_running)
app.command("export")(export_command)
app.command("project")(project_command)
app.command("bulletin")(bulletin_command)
app.command("chart")(chart_command)
app.add_typer(certify_app, name="certify", callback=note_running)
app.command("power")(power_command)
app.command("coalitions")(coalitions_command)
app.command("cabinet")(cabinet_command)
app.command("sweep")(sweep_command)
app.command("serve")(serve_command)
app.add_typer(users_app, name="users", callback=note_running)


@app.callback()
def _root(context: typer.Context) -> None:
    """majlis — election results, exactly as the law says."""
    RUNNING[:] = []
    note_running(context)


def main() -> None:
    """Entry point, and the last line of defence: user errors (InputError, or a file of the
    user's that the system refuses to read or write) become `FILE:LINE: field: message` lines and
    exit code 2; any other MajlisError (the law cannot fill the seats, the store is not ready)
    prints `error: …` and exits 1. Anything else is a bug, and shows as one."""
    try:
        app(standalone_mode=True)
    except InputError as error:
        problems_exit(error)
    except MajlisError as error:
        stderr.print(f"error: {error}", markup=False, highlight=False)
        raise SystemExit(1) from None
    except OSError as error:
        if error.filename is None:
            raise
        problems_exit(InputError([file_problem(error.filename, error)]))
