"""The rules a tally sheet must pass before it counts. Pure: a sheet and what is registered in,
every failed rule out (never just the first)."""

from __future__ import annotations

from collections.abc import Mapping

from ._values import Failure, Station, TallySheet, VotingType

# Special and out-of-country stations take voters registered elsewhere: no ceiling applies.
NO_REGISTER_CEILING = frozenset({VotingType.SPECIAL_SECURITY, VotingType.SPECIAL_IDP,
                                 VotingType.PRISON_HOSPITAL, VotingType.OUT_OF_COUNTRY})


def check(sheet: TallySheet, stations: Mapping[str, Station],
          lists: Mapping[str, frozenset[str]],
          candidates: Mapping[str, frozenset[tuple[str, str]]] | None = None
          ) -> tuple[Failure, ...]:
    """Every rule `sheet` breaks, given the registered stations, each constituency's lists and
    (for open-list ballots) each constituency's candidates as (list, candidate)."""
    found = []
    station = stations.get(sheet.station)
    if station is None:
        return (Failure(rule="known-station", message=f"station {sheet.station!r} is not "
                        "registered"),)
    if sheet.cast != sheet.valid + sheet.invalid:
        found.append(Failure(rule="cast-is-valid-plus-invalid", message=(
            f"cast {sheet.cast} ≠ valid {sheet.valid} + invalid {sheet.invalid}")))
    accounted = sheet.cast + sheet.spoiled + sheet.unused
    if sheet.ballots_received != accounted:
        found.append(Failure(rule="ballots-accounted", message=(
            f"received {sheet.ballots_received} ≠ cast {sheet.cast} + spoiled {sheet.spoiled}"
            f" + unused {sheet.unused} = {accounted}")))
    if sheet.valid != sum(sheet.votes.values()):
        found.append(Failure(rule="valid-is-sum-of-lists", message=(
            f"valid {sheet.valid} ≠ {sum(sheet.votes.values())} votes for lists")))
    if station.voting_type not in NO_REGISTER_CEILING and sheet.cast > station.registered:
        found.append(Failure(rule="cast-within-registered", message=(
            f"cast {sheet.cast} > {station.registered} registered voters")))
    unknown = sorted(set(sheet.votes) - lists.get(station.constituency, frozenset()))
    if unknown:
        found.append(Failure(rule="known-lists", message=(
            f"not standing in {station.constituency}: {', '.join(unknown)}")))
    by_list: dict[str, int] = {}
    for (party, _), n in sheet.candidate_votes.items():
        by_list[party] = by_list.get(party, 0) + n
    over = sorted(p for p, n in by_list.items() if n > sheet.votes.get(p, 0))
    if over:
        found.append(Failure(rule="list-covers-candidates", message="; ".join(
            f"{p}: candidates {by_list[p]} > list {sheet.votes.get(p, 0)}" for p in over)))
    known = (candidates or {}).get(station.constituency, frozenset())
    strangers = sorted(f"{p} / {c}" for p, c in sheet.candidate_votes if (p, c) not in known)
    if strangers:
        found.append(Failure(rule="known-candidates", message=(
            f"not standing in {station.constituency}: {', '.join(strangers)}")))
    return tuple(found)
