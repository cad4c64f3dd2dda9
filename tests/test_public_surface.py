"""Each package's `__all__` against the snapshot in public_surface.json: the public surface
changes only on purpose, in a commit that shows it."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
from pathlib import Path

import majlis

SNAPSHOT = Path(__file__).with_name("public_surface.json")
UPDATE = "MAJLIS_UPDATE_SURFACE"
PACKAGES = sorted(f"majlis.{m.name}" for m in pkgutil.iter_modules(majlis.__path__)
                  if not m.name.startswith("_"))


def surface() -> dict[str, list[str]]:
    return {name: sorted(importlib.import_module(name).__all__) for name in PACKAGES}


def test_public_surface_changes_only_on_purpose() -> None:
    now = surface()
    if os.environ.get(UPDATE):
        SNAPSHOT.write_text(json.dumps(now, indent=2, ensure_ascii=False) + "\n")
        return
    kept: dict[str, list[str]] = json.loads(SNAPSHOT.read_text())
    changes = []
    for package in sorted(now.keys() | kept.keys()):
        added = sorted(set(now.get(package, ())) - set(kept.get(package, ())))
        removed = sorted(set(kept.get(package, ())) - set(now.get(package, ())))
        if added or removed:
            changes.append(f"  {package}: added {added}, removed {removed}")
    assert not changes, (
        "the public surface changed:\n" + "\n".join(changes) + "\nIf on purpose, run "
        f"`{UPDATE}=1 .venv/bin/python -m pytest tests/test_public_surface.py` and commit "
        f"{SNAPSHOT.relative_to(SNAPSHOT.parents[1])} with the change.")


def test_every_public_name_is_there() -> None:
    missing = [f"{package}.{name}" for package in PACKAGES
               for name in importlib.import_module(package).__all__
               if not hasattr(importlib.import_module(package), name)]
    assert not missing, f"named in __all__ but not importable: {missing}"
