"""A whole replay: every constituency's stations made up, grouped into polling centres, with
candidates and their personal votes, and the tally sheet each station would send."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from majlis.data import OTHER_LISTS
from majlis.tally import Source, Station, TallySheet, VotingType

from ._plan import Plan
from ._synthesis import Stations, largest_remainder, synthesise

SHEET_FIELDS = ("station", "source", "received_at", "received_by", "ballots_received", "cast",
                "valid", "invalid", "spoiled", "unused", "list", "votes")


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    """One candidate of an open list, with personal votes (the list's other votes were cast for
    the list alone)."""

    constituency: str
    list: str
    name: str
    gender: str
    votes: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Replay:
    """An election made up to its plan's totals: stations in registry order, their figures per
    constituency, the candidates, and the seed that made them."""

    plan: Plan
    seed: int
    stations: tuple[Station, ...]
    counts: tuple[Stations, ...]
    candidates: tuple[Candidate, ...]

    def sheets(self) -> Iterator[TallySheet]:
        """The machine sheet of every station, in registry order, each as the station counted it."""
        at = f"{self.plan.day}T18:00"
        index = 0
        for count in self.counts:
            for row in range(len(count.cast)):
                station = self.stations[index]
                index += 1
                yield sheet_of(station, count, row, at)


def sheet_of(station: Station, count: Stations, row: int, received_at: str,
             source: Source = Source.MACHINE) -> TallySheet:
    """Station `row` of `count` as a tally sheet. Ballots: every voter on the register was
    supplied one; those not cast are returned unused (special stations get 5 % spare)."""
    cast, invalid = int(count.cast[row]), int(count.invalid[row])
    received = (station.registered if station.voting_type is VotingType.GENERAL
                else cast + max(1, round(0.05 * cast)))
    return TallySheet(
        station=station.code, source=source, received_at=received_at,
        received_by=f"{station.centre} clerk", ballots_received=received, cast=cast,
        valid=cast - invalid, invalid=invalid, spoiled=0, unused=received - cast,
        votes={p: int(n) for p, n in zip(count.lists, count.votes[row], strict=True)})


def build(plan: Plan, seed: int = 2025) -> Replay:
    """Every constituency of `plan` made up with one generator seeded by `seed`."""
    rng = np.random.default_rng(seed)
    stations: list[Station] = []
    counts: list[Stations] = []
    candidates: list[Candidate] = []
    general = {t.name: next(g.stations for g in t.groups if g.voting_type == "general")
               for t in plan.constituencies}
    shared = {name: n for name, n in general.items() if name not in plan.reserved}
    centres = {name: max(1, round(n / plan.centre_size)) for name, n in general.items()} | (
        largest_remainder(plan.centres, shared) if plan.centres else {})  # the published ones
    for totals in plan.constituencies:
        count = synthesise(totals, rng)
        counts.append(count)
        stations += _stations(count, centres[totals.name], plan.centre_size, rng)
        for list_name, votes in totals.votes.items():
            if list_name != OTHER_LISTS and votes and totals.name not in plan.reserved:
                share = votes / sum(totals.votes.values())
                candidates += _candidates(totals.name, list_name, votes, share,
                                          plan.magnitudes[totals.name], plan.women_share, rng)
    return Replay(plan=plan, seed=seed, stations=tuple(stations), counts=tuple(counts),
                  candidates=tuple(candidates))


def _stations(count: Stations, centres: int, centre_size: float, rng: np.random.Generator
              ) -> list[Station]:
    """Codes like `BAS-0012-03` (special centres `BAS-S012-01`): consecutive stations of one
    voting type share a centre — the general ones exactly `centres` centres, the special ones
    about `centre_size` stations to a centre — each centre at least one station."""
    main, _, within = count.name.partition(" (")  # a contest: "Christian (Dohuk)" → CHRDOH
    prefix = (main.replace(" ", "")[:3] + within.replace(" ", "")[:3]).upper()
    out: list[Station] = []
    kinds = list(dict.fromkeys(count.voting_type))
    row, special = 0, 0  # special centres are numbered on across special voting types
    for kind in kinds:
        n = count.voting_type.count(kind)
        k = min(n, centres if kind == "general" else max(1, round(n / centre_size)))
        sizes = 1 + rng.multinomial(n - k, np.full(k, 1 / k))
        letter, first = ("", 1) if kind == "general" else ("S", special + 1)
        special += 0 if kind == "general" else k
        for centre, size in enumerate(sizes, first):
            for number in range(1, int(size) + 1):
                out.append(Station(code=f"{prefix}-{letter}{centre:04d}-{number:02d}",
                                   centre=f"{prefix}-{letter}{centre:04d}",
                                   constituency=count.name, voting_type=VotingType(kind),
                                   registered=int(count.registered[row])))
                row += 1
    return out


def _candidates(constituency: str, list_name: str, votes: int, share: float, magnitude: int,
                women_share: float, rng: np.random.Generator) -> list[Candidate]:
    """A list's candidates: more for a bigger list, up to twice the constituency's seats (the
    law's ceiling), a woman at every position the law's share requires (the fourth, eighth …
    for a quarter), personal votes falling with rank (a few names carry a list), and a
    list-only share of about 15 %."""
    size = min(2 * magnitude, max(3, round(2 * magnitude * share**0.5)))
    every = round(1 / women_share)
    genders = ["F" if (i + 1) % every == 0 else "M" for i in range(size)]
    personal = int(rng.binomial(votes, rng.beta(17, 3)))
    weights = rng.dirichlet(np.full(size, 0.6)) / np.arange(1, size + 1) ** 0.3
    split = rng.multinomial(personal, weights / weights.sum())
    return [Candidate(constituency=constituency, list=list_name, name=f"{list_name} #{i + 1}",
                      gender=genders[i], votes=int(n)) for i, n in enumerate(split)]


def write(replay: Replay, folder: Path) -> list[Path]:
    """The replay as files `majlis ingest` reads (stations, lists, sheets, candidates), the
    candidates' personal votes, and `metadata.json` saying which figures are official."""
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / name for name in ("stations.csv", "lists.csv", "sheets.csv",
                                          "candidates.csv", "candidate-votes.csv",
                                          "metadata.json")]
    with written[0].open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(("constituency", "centre", "station", "voting_type", "registered"))
        out.writerows((s.constituency, s.centre, s.code, s.voting_type.value, s.registered)
                      for s in replay.stations)
    with written[1].open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(("constituency", "list"))
        out.writerows((count.name, list_name)
                      for count in replay.counts for list_name in count.lists)
    with written[2].open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(SHEET_FIELDS)
        for sheet in replay.sheets():
            head = (sheet.station, sheet.source.value, sheet.received_at, sheet.received_by,
                    sheet.ballots_received, sheet.cast, sheet.valid, sheet.invalid, sheet.spoiled,
                    sheet.unused)
            out.writerows((*head, list_name, n) for list_name, n in sheet.votes.items())
    with written[3].open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(("constituency", "list", "candidate"))
        out.writerows((c.constituency, c.list, c.name) for c in replay.candidates)
    with written[4].open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(("constituency", "list", "candidate", "gender", "votes"))
        out.writerows((c.constituency, c.list, c.name, c.gender, c.votes)
                      for c in replay.candidates)
    written[5].write_text(json.dumps(metadata(replay), ensure_ascii=False, indent=1),
                          encoding="utf-8")
    return written


def metadata(replay: Replay) -> dict[str, object]:
    """What is official and what is made up, in one document that travels with the data."""
    plan = replay.plan
    return {
        "election": plan.name, "law": plan.law, "seed": replay.seed,
        "synthesised": ("every station, centre, station figure and candidate is synthesised; "
                        "per constituency they add up exactly to the figures below"),
        "model": "docs/replay-model.md",
        "stations": len(replay.stations), "candidates": len(replay.candidates),
        "figures": [asdict(p) for p in plan.provenance],
    }
