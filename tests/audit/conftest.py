"""Clean nights from the replay, as forensics reads them."""

from __future__ import annotations

from majlis import audit, replay


def station_results(night: replay.Replay) -> list[audit.StationResult]:
    """Every station of a replayed night with its figures (the night as the store would hold
    it once counted)."""
    out, index = [], 0
    for count in night.counts:
        for row in range(len(count.cast)):
            station = night.stations[index]
            index += 1
            out.append(audit.StationResult(
                station=station.code, centre=station.centre, constituency=count.name,
                voting_type=station.voting_type.value, registered=station.registered,
                cast=int(count.cast[row]), invalid=int(count.invalid[row]),
                votes={p: int(n) for p, n in zip(count.lists, count.votes[row], strict=True)}))
    return out
