"""A real night's published figures as a projection's count with one group per reporting area.

The store sums a constituency's stations by voting type, so a projection from a release scales
what was counted anywhere in the constituency to what is left anywhere in it. On a real night
areas of very different size and lean report at different times — Slovakia's Bratislava
districts last, Norway's cities after the villages — and the counted part of a constituency is
not a sample of the rest. Counted by area instead, each area's uncounted units are projected
from its own counted ones (an area with nothing counted from the constituency's others, as a
voting type counted nowhere is). docs/forecast.md, "Real nights".
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from majlis.forecast import GroupCount, PartialCount, ReleaseCount

from ._real import Night, Snapshot


def by_area(night: Night, at: datetime, number: int = 0) -> ReleaseCount:
    """The figures each area last published by `at`, as a count with one group per area and
    voting type: its units, those counted (at least one once it has votes, as the replay
    counts them) and their registers, its votes per list. Release `number` names it."""
    last: dict[str, Snapshot] = {}
    for snapshot in night.snapshots:
        if snapshot.at <= at:
            last[snapshot.area] = snapshot
    where = {x.area: x.constituency for x in night.snapshots}
    groups: dict[str, list[GroupCount]] = {}
    for (area, kind), registers in night.units.items():
        if area not in where:
            continue
        s = last.get(area)
        votes = dict(s.votes.get(kind, {})) if s else {}
        counted = min(s.counted.get(kind, 0), len(registers)) if s else 0
        counted = max(counted, 1 if any(votes.values()) else 0)
        groups.setdefault(where[area], []).append(GroupCount(
            voting_type=kind.value, stations=len(registers), counted=counted, votes=votes,
            registered=sum(registers), registered_uncounted=sum(registers[counted:])))
    return ReleaseCount(number=number, name=f"{at:%d %b %H:%M:%S} by area", constituencies=tuple(
        PartialCount(name=c, groups=tuple(gs)) for c, gs in groups.items()
        if any(Counter(g.votes).total() for g in gs)))
