"""The `majlis` command: a thin adapter over the library, Typer for arguments, Rich for output."""

from ._app import app, main

__all__ = ["app", "main"]
