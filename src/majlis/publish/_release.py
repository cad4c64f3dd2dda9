"""A published release as the forecast reads it — the one conversion the CLI and the results
service share."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from majlis import forecast
from majlis.tally import Release, Station


def release_count(release: Release, stations: Iterable[Station],
                  not_lists: frozenset[str] = frozenset()) -> forecast.ReleaseCount:
    """The release's counts by constituency and voting type, without the constituencies where
    nothing is counted yet (the projection names them as not projected instead of refusing the
    release). A release does not say which stations it counted, so the uncounted ones' register
    is taken as their share of their group's stations. `not_lists` are entries that are not
    lists (an aggregate of unpublished lists): never the largest list."""
    register: Counter[tuple[str, str]] = Counter()
    for s in stations:
        register[(s.constituency, s.voting_type.value)] += s.registered

    def group(place: str, kind: str, stations: int, counted: int,
              votes: dict[str, int]) -> forecast.GroupCount:
        known = (place, kind) in register
        whole = register[(place, kind)]
        return forecast.GroupCount(
            voting_type=kind, stations=stations, counted=counted, votes=votes,
            registered=whole if known else None,
            registered_uncounted=round(whole * (stations - counted) / stations) if known else None)

    return forecast.ReleaseCount(
        number=release.number, name=release.name, digest=release.digest, not_lists=not_lists,
        constituencies=tuple(forecast.PartialCount(name=c.name, groups=tuple(
            group(c.name, kind, n, c.counted_by_type.get(kind, 0), c.by_voting_type.get(kind, {}))
            for kind, n in sorted(c.stations_by_type.items()) if n))
            for c in release.results if any(c.votes.values())))
