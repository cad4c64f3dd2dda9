"""The replayed nights as the forecast sees them (`majlis.backtest`): one `ReleaseCount` per
release, built once a session; national seats from seats per constituency."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest

from majlis import backtest, forecast, replay

Night = Callable[[frozenset[str] | None], list[forecast.ReleaseCount]]


def add_up(seats: Mapping[str, Mapping[str, int]]) -> dict[str, int]:
    """National seats per list from seats per constituency (and tier)."""
    out: dict[str, int] = {}
    for each in seats.values():
        for p, n in each.items():
            out[p] = out.get(p, 0) + n
    return out


def _nights(name: str) -> Night:
    made = replay.build(replay.plan(name))
    waves = replay.script(made)

    def counts(only: frozenset[str] | None = None) -> list[forecast.ReleaseCount]:
        return backtest.release_counts(made, waves, only)

    return counts


@pytest.fixture(scope="session")
def night() -> Night:
    """The 2025 replay's releases, for all governorates or a few."""
    return _nights("iraq-2025")


@pytest.fixture(scope="session")
def night_2010() -> Night:
    """The 2010 replay's releases: the published partial counts (18–63 %, 90–98 %) among them."""
    return _nights("iraq-2010")
