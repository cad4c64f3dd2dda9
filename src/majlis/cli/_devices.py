"""`majlis devices`: counting devices registered with their Ed25519 keys before polling day, and
whether the election refuses sheets they did not sign (docs/tally-format.md, "Signed sheets")."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from ._allocate import stdout
from ._tally import Database, ElectionName, open_store

devices_app = typer.Typer(help="Counting devices and their signing keys.", no_args_is_help=True)


@devices_app.command("add")
def add_command(
    public_key: Annotated[str, typer.Argument(help="The device's raw Ed25519 public key, 64 "
                                                   "hexadecimal digits")],
    name: Annotated[str, typer.Option("--name", help="What the device is called, e.g. its "
                                                     "serial number")],
    db: Database = None,
    election: ElectionName = None,
) -> None:
    """Register a counting device: sheets it signs name it by the key id printed."""
    device = open_store(db, election).add_device(public_key, name=name)
    stdout.print(f"device {device.name!r}: key id {device.key_id}", markup=False,
                 highlight=False)


@devices_app.command("list")
def list_command(db: Database = None, election: ElectionName = None) -> None:
    """The registered devices, by key id."""
    table = Table(title="counting devices", title_justify="left")
    for column in ("key id", "name", "public key"):
        table.add_column(column)
    for device in open_store(db, election).devices():
        table.add_row(device.key_id, device.name, device.public_key)
    stdout.print(table)


@devices_app.command("require")
def require_command(
    off: Annotated[bool, typer.Option("--off", help="Accept unsigned sheets again")] = False,
    db: Database = None,
    election: ElectionName = None,
) -> None:
    """Refuse from now on every sheet not signed by a registered device."""
    open_store(db, election).require_signatures(not off)
    stdout.print("unsigned sheets are accepted" if off else
                 "every sheet must be signed by a registered counting device")
