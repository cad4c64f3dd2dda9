"""The 2025 replay's night as the forecast sees it: one `ReleaseCount` per release."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest

from majlis import forecast, replay


def night_counts(made: replay.Replay, waves: Sequence[replay.Wave],
                 only: frozenset[str] | None = None) -> list[forecast.ReleaseCount]:
    """Each release of the night from the stations counted by then, at their true figures
    (the night's few corrected entry errors are left out: they change a handful of votes)."""
    where = {s.code: i for i, s in enumerate(made.stations)}
    done = np.zeros(len(made.stations), dtype=np.bool_)
    starts = np.cumsum([0, *(len(c.cast) for c in made.counts)])
    out = []
    for number, wave in enumerate(waves, 1):
        done[[where[s.station] for s in wave.sheets]] = True
        out.append(forecast.ReleaseCount(
            number=number, name=wave.name, not_lists=frozenset({replay.OTHER_LISTS}),
            constituencies=tuple(
                forecast.count_stations(c.name, c.lists, c.voting_type, c.registered, c.votes,
                                        done[lo:lo + len(c.cast)])
                for c, lo in zip(made.counts, starts, strict=False)
                if only is None or c.name in only)))
    return out


@pytest.fixture(scope="session")
def night() -> Callable[[frozenset[str] | None], list[forecast.ReleaseCount]]:
    """The 2025 replay's releases, for all governorates or a few."""
    made = replay.build(replay.plan("iraq-2025"))
    waves = replay.script(made)

    def counts(only: frozenset[str] | None = None) -> list[forecast.ReleaseCount]:
        return night_counts(made, waves, only)

    return counts
