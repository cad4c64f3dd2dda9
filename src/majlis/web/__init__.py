"""The results service and dashboard: the published releases for the public, tally sheets in for
the results staff, each release pushed live to every open page.

A thin adapter (FastAPI) over `majlis.tally`, `majlis.law`, `majlis.data`, `majlis.forecast` and
`majlis.coalitions`; the only package that imports FastAPI. `majlis serve` runs it with uvicorn.
"""

from ._app import create_app
from ._auth import Role, Users

__all__ = ["Role", "Users", "create_app"]
