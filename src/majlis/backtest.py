"""Backtests of the forecast on a replayed night: each release as the forecast sees it, and the
seats a count gives under the law — what `forecast.assess` scores a projection against.

Here rather than in the tests so that the forecast's tests and `benchmarks/forecast.py` score
the same night, and the benchmark runs where only majlis is installed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from majlis import forecast, replay
from majlis.data import OTHER_LISTS
from majlis.law import Constituency, Election, Law, allocate

__all__ = ["release_counts", "seats"]


def release_counts(made: replay.Replay, waves: Sequence[replay.Wave],
                   only: frozenset[str] | None = None) -> list[forecast.ReleaseCount]:
    """Each release of the night from the stations counted by then, at their true figures, for
    every constituency or those in `only` (the night's few corrected entry errors are left out:
    they change a handful of votes)."""
    where = {s.code: i for i, s in enumerate(made.stations)}
    done = np.zeros(len(made.stations), dtype=np.bool_)
    starts = np.cumsum([0, *(len(c.cast) for c in made.counts)])
    out = []
    for number, wave in enumerate(waves, 1):
        done[[where[s.station] for s in wave.sheets]] = True
        out.append(forecast.ReleaseCount(
            number=number, name=wave.name, not_lists=frozenset({OTHER_LISTS}),
            constituencies=tuple(
                forecast.count_stations(c.name, c.lists, c.voting_type, c.registered, c.votes,
                                        done[lo:lo + len(c.cast)])
                for c, lo in zip(made.counts, starts, strict=False)
                if only is None or c.name in only)))
    return out


def seats(count: forecast.ReleaseCount, law: Law) -> dict[str, dict[str, int]]:
    """Seats by the exact path on the votes counted, per constituency, and an upper tier's
    under its name."""
    election = Election(constituencies=tuple(
        Constituency(name=c.name, magnitude=law.magnitudes[c.name], votes={
            p: sum(g.votes.get(p, 0) for g in c.groups) for p in c.lists})
        for c in count.constituencies))
    allocation = allocate(election, law)
    out = {r.name: dict(r.seats) for r in allocation.constituencies}
    if allocation.tier is not None:
        out[allocation.tier.name] = dict(allocation.tier.seats)
    return out
