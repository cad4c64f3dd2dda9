"""The rules a tally sheet must pass before it counts. Pure: a sheet and what is registered in,
every failed rule out (never just the first)."""

from __future__ import annotations

from collections.abc import Mapping

from ._values import Failure, Station, TallySheet

# A station registered with no voters (out of country, some special stations) still cannot
# report more ballots than this unless the store is told otherwise: a typed-in billion is held.
UNREGISTERED_CEILING = 5_000


def check(sheet: TallySheet, stations: Mapping[str, Station],
          lists: Mapping[str, frozenset[str]],
          candidates: Mapping[str, frozenset[tuple[str, str]]] | None = None, *,
          unregistered_ceiling: int = UNREGISTERED_CEILING) -> tuple[Failure, ...]:
    """Every rule `sheet` breaks, given the registered stations, each constituency's lists,
    (for open-list ballots) each constituency's candidates as (list, candidate), and the most
    ballots a station with no register may report."""
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
    over_register = _over_register(sheet, station, unregistered_ceiling)
    if over_register:
        found.append(Failure(rule="within-register", message=over_register))
    unknown = sorted(set(sheet.votes) - lists.get(station.constituency, frozenset()))
    if unknown:
        found.append(Failure(rule="known-lists", message=(
            f"not standing in {station.constituency}: {', '.join(unknown)}")))
    by_list: dict[str, int] = {}
    for (list_name, _), n in sheet.candidate_votes.items():
        by_list[list_name] = by_list.get(list_name, 0) + n
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


def _over_register(sheet: TallySheet, station: Station, unregistered_ceiling: int) -> str:
    """What on `sheet` goes past the station's register — or, for a station registered with no
    voters, past `unregistered_ceiling` — or "" when nothing does."""
    if station.registered > 0:
        ceiling, what = station.registered, f"{station.registered:,} registered voters"
    else:
        ceiling, what = unregistered_ceiling, (
            f"{unregistered_ceiling:,}, the most a station with no register may report")
    figures = (("cast", sheet.cast), ("votes for lists", sum(sheet.votes.values())))
    return "; ".join(f"{name} {n:,} > {what}" for name, n in figures if n > ceiling)
