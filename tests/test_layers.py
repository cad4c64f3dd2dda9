"""The import rules in pyproject.toml name every module of majlis, so a new or renamed package
cannot slip past them: import-linter checks only the modules a contract names."""

from __future__ import annotations

import pkgutil
import re
import tomllib
from pathlib import Path

import majlis

CONFIG = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
CONTRACTS = CONFIG["tool"]["importlinter"]["contracts"]
MODULES = {f"majlis.{m.name}" for m in pkgutil.iter_modules(majlis.__path__)}

# Who may import each library the adapters wrap (CONVENTIONS.md: only tally talks to the
# database, only web and cli to HTTP or the terminal).
ALLOWED = {
    "sqlalchemy": {"majlis.tally"},
    "alembic": {"majlis.tally"},
    "psycopg": {"majlis.tally"},
    "fastapi": {"majlis.web"},
    "starlette": {"majlis.web"},
    "redis": {"majlis.web"},
    "uvicorn": {"majlis.web", "majlis.cli"},
    "typer": {"majlis.cli"},
    "rich": {"majlis.cli"},
    "click": {"majlis.cli"},
    "dask": {"majlis.cli"},
    "distributed": {"majlis.cli"},
}


def test_every_module_sits_on_a_required_layer() -> None:
    (layers,) = [c["layers"] for c in CONTRACTS if c["type"] == "layers"]
    named = [name.strip() for layer in layers for name in re.split(r"[|:]", layer)]
    optional = [name for name in named if name.startswith("(")]
    assert not optional, f"optional layers are skipped once renamed: {optional}"
    assert sorted(named) == sorted(MODULES), (
        f"place every module of majlis on one layer: missing {sorted(MODULES - set(named))}, "
        f"not a module {sorted(set(named) - MODULES)}")


def test_each_library_is_open_only_to_the_packages_allowed() -> None:
    open_to: dict[str, set[str]] = {}
    for contract in CONTRACTS:
        if contract["type"] == "forbidden":
            assert set(contract["source_modules"]) <= MODULES, contract["name"]
            for library in contract["forbidden_modules"]:
                open_to[library] = MODULES - set(contract["source_modules"])
    assert open_to == ALLOWED, (
        "a forbidden contract's sources must be every module of majlis but those allowed "
        "the library; a new package goes into each contract's source_modules")


def test_ruff_bans_the_same_libraries_outside_their_packages() -> None:
    lint = CONFIG["tool"]["ruff"]["lint"]
    assert set(lint["flake8-tidy-imports"]["banned-api"]) == set(ALLOWED)
    lifted = {path.split("/")[2] for path, rules in lint["per-file-ignores"].items()
              if "TID251" in rules and path.startswith("src/majlis/")}
    assert {f"majlis.{p}" for p in lifted} <= set().union(*ALLOWED.values())
