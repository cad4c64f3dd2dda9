"""The results service and dashboard: the published releases for the public, tally sheets in for
the results staff, each release pushed live to every open page.

A thin adapter (FastAPI) over `majlis.tally`, `majlis.law`, `majlis.data`, `majlis.forecast` and
`majlis.coalitions`; the only package that imports FastAPI — when `create_app` is first asked
for, so the staff accounts (`Users`) and every other command start without it. `majlis serve`
runs it with uvicorn.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ._auth import Role, Users

if TYPE_CHECKING:
    from ._app import create_app, create_app_from_environment

__all__ = ["Role", "Users", "create_app", "create_app_from_environment"]


def __getattr__(name: str) -> object:
    if name in ("create_app", "create_app_from_environment"):
        return getattr(importlib.import_module("._app", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
