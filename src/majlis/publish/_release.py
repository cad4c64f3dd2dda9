"""A published release as the forecast reads it — the one conversion the CLI and the results
service share — and the seats the law gives on its votes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from majlis import forecast
from majlis.law import Allocation, Law, allocate
from majlis.tally import ConstituencyCount, Release, Station


def release_count(release: Release, stations: Iterable[Station],
                  not_lists: frozenset[str] = frozenset()) -> forecast.ReleaseCount:
    """The release's counts by constituency and voting type, without the constituencies where
    nothing is counted yet (the projection names them as not projected instead of refusing the
    release). The uncounted stations' register is the group's less the counted stations' the
    release records; a release made before majlis kept that takes it as their share of the
    group's stations. `not_lists` are entries that are not lists (an aggregate of unpublished
    lists): never the largest list."""
    register: Counter[tuple[str, str]] = Counter()
    for s in stations:
        register[(s.constituency, s.voting_type.value)] += s.registered

    def group(c: ConstituencyCount, kind: str) -> forecast.GroupCount:
        stations, counted = c.stations_by_type[kind], c.counted_by_type.get(kind, 0)
        known = (c.name, kind) in register
        whole = register[(c.name, kind)]
        left = (whole - c.registered_counted_by_type.get(kind, 0)
                if c.registered_counted_by_type or not counted
                else round(whole * (stations - counted) / stations))
        return forecast.GroupCount(
            voting_type=kind, stations=stations, counted=counted,
            votes=c.by_voting_type.get(kind, {}), registered=whole if known else None,
            registered_uncounted=left if known else None)

    return forecast.ReleaseCount(
        number=release.number, name=release.name, digest=release.digest, not_lists=not_lists,
        constituencies=tuple(forecast.PartialCount(name=c.name, groups=tuple(
            group(c, kind) for kind, n in sorted(c.stations_by_type.items()) if n))
            for c in release.results if any(c.votes.values())))


def release_seats(release: Release, law: Law) -> Allocation | None:
    """The seats the law gives on the release's votes counted so far, as the bulletin counts
    them; None while none of the law's constituencies has a vote counted."""
    if not any(c.votes and c.name in law.magnitudes for c in release.results):
        return None
    return allocate(law.election({c.name: c.votes for c in release.results}), law)
