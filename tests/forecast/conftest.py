"""The replayed nights as the forecast sees them: one `ReleaseCount` per release, and the seats
finally won."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pytest

from majlis import forecast, replay
from majlis.law import Constituency, Election, Law, allocate

Night = Callable[[frozenset[str] | None], list[forecast.ReleaseCount]]


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


def seats_of(count: forecast.ReleaseCount, law: Law) -> dict[str, dict[str, int]]:
    """Seats by the exact path on the votes counted, per constituency, and an upper tier's
    under its name — what `forecast.assess` scores against."""
    election = Election(constituencies=tuple(
        Constituency(name=c.name, magnitude=law.magnitudes[c.name], votes={
            p: sum(g.votes.get(p, 0) for g in c.groups) for p in c.lists})
        for c in count.constituencies))
    allocation = allocate(election, law)
    out = {r.name: dict(r.seats) for r in allocation.constituencies}
    if allocation.tier is not None:
        out[allocation.tier.name] = dict(allocation.tier.seats)
    return out


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
        return night_counts(made, waves, only)

    return counts


@pytest.fixture(scope="session")
def night() -> Night:
    """The 2025 replay's releases, for all governorates or a few."""
    return _nights("iraq-2025")


@pytest.fixture(scope="session")
def night_2010() -> Night:
    """The 2010 replay's releases: the published partial counts (18–63 %, 90–98 %) among them."""
    return _nights("iraq-2010")
