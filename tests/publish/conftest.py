"""The publishing tests' night: the bundled 2025 replay cut to a few constituencies, played into
a SQLite store release by release."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from majlis import data, replay
from majlis.tally import Release, Store

LAW = data.law("iraq-2025")


def replayed(folder: Path, places: tuple[str, ...], releases: int = 4
             ) -> tuple[str, list[Release]]:
    """The store's URL (election `default`) and its first `releases` releases (replay seed 7,
    night seed 3): the special vote first, then the general stations as they come in."""
    plan = replay.plan("iraq-2025")
    made = replay.build(replace(plan, constituencies=tuple(
        t for t in plan.constituencies if t.name in places)), seed=7)
    url = f"sqlite:///{folder / 'night.db'}"
    store = Store(url)
    store.init()
    replay.register(made, store)
    replay.play(replay.script(made, seed=3)[:releases], store, LAW)
    try:
        return url, store.releases()
    finally:
        store.engine.dispose()
