"""The night, scripted and then played into a tally store.

`script` decides, from the replay and a seed, what happens in what order: the special vote
first, then the general stations as each constituency's count comes in at its own pace, a few
sheets held back to the end, and the incidents results staff deal with every night — sheets that
fail a check and are corrected, two clerks' entries that disagree, a machine count overturned by
a hand recount. Every incident is resolved to the station's true figures, so the final release
equals the replay's totals. `play` feeds the script to a store, publishing a release after each
wave and saying what it shows in a line like a wire report.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from majlis.data import OTHER_LISTS
from majlis.law import Allocation, Law, allocate
from majlis.tally import (
    ConstituencyCount,
    Release,
    Source,
    Store,
    TallySheet,
    VotingType,
    national,
)

from ._build import Replay

# Share of general stations counted at each release of the night (the last is the final count).
STAGES = (0.12, 0.3, 0.5, 0.62, 0.8, 0.94, 0.9974, 1.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class Correction:
    """A sheet a supervisor re-enters, with why."""

    sheet: TallySheet
    reason: str
    author: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Wave:
    """What arrives before one release, and the corrections made before it is published."""

    name: str
    at: datetime  # the night's clock, in the election's own time zone
    sheets: tuple[TallySheet, ...]
    corrections: tuple[Correction, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Reported:
    """One published release and what it shows: seats under the law, the leading lists."""

    wave: Wave
    release: Release
    allocation: Allocation
    line: str
    quarantined: int = 0
    incidents: tuple[str, ...] = field(default_factory=tuple)


def script(replay: Replay, seed: int = 11) -> tuple[Wave, ...]:
    """The night's waves. Special stations first (counted two days early); then the general
    stations — at each published partial count exactly the stations it covered, or, where none
    was published, by report time — and the final count. Six sheets carry entry errors, one
    hand-counted station's two entries disagree, one machine count is overturned by a recount;
    all in waves whose release no published figure pins down, each corrected in the next."""
    rng = np.random.default_rng(seed)
    sheets = list(replay.sheets())
    closing = datetime.fromisoformat(f"{replay.plan.day}T18:00").replace(
        tzinfo=ZoneInfo(replay.plan.zone))
    early = closing - timedelta(days=2)
    special = [replace(s, received_at=_clock(early)) for s, st in zip(sheets, replay.stations,
                                                                      strict=True)
               if st.voting_type is not VotingType.GENERAL]
    batches, names = _published(replay) if replay.plan.stages else _paced(replay, rng)
    free = [i for batch, name in zip(batches[:-1], names, strict=False) if name is None
            for i in batch]
    chosen = rng.choice(free, size=8, replace=False).tolist()
    wrong, hand, recount = chosen[:6], chosen[6], chosen[7]

    def true(i: int, at: datetime, source: Source = Source.MACHINE) -> TallySheet:
        return replace(sheets[i], received_at=_clock(at), source=source)

    waves = [Wave(name="special vote", at=early, sheets=tuple(special))] if special else []
    pending: list[Correction] = []
    counted, total = 0, sum(len(b) for b in batches)
    for number, (batch, published) in enumerate(zip(batches, names, strict=True)):
        at = closing + timedelta(hours=2 + 3 * number)
        fixes, pending = tuple(pending), []  # what the last wave held back is corrected now
        arrived: list[TallySheet] = []
        for i in batch:
            sheet = true(i, at)
            if i in wrong:
                arrived.append(_mistyped(sheet, wrong.index(i)))
                pending.append(Correction(sheet=sheet, reason="entry error found on review",
                                          author="supervisor"))
            elif i == hand:
                a = true(i, at, Source.ENTRY_A)
                arrived += [a, _transposed(true(i, at, Source.ENTRY_B))]
                pending.append(Correction(sheet=true(i, at, Source.ENTRY_B),
                                          reason="second entry re-keyed from the paper sheet",
                                          author="supervisor"))
            elif i == recount:
                arrived.append(_misread(sheet))
                pending.append(Correction(sheet=true(i, at, Source.MANUAL),
                                          reason="hand recount requested by a list's agent",
                                          author="recount committee"))
            else:
                arrived.append(sheet)
        rng.shuffle(arrived)  # out of order within the wave
        counted += len(batch)
        name = published or ("final" if counted == total else
                             f"{100 * counted / total:.1f}".removesuffix(".0")
                             + " % of stations")
        waves.append(Wave(name=name, at=at, sheets=tuple(arrived), corrections=fixes))
    return tuple(waves)


Batches = tuple[list[list[int]], list[str | None]]


def _clock(at: datetime) -> str:
    """A moment of the night as written on a sheet and a wire line: to the minute, with its
    offset."""
    return at.isoformat(timespec="minutes")


def _paced(replay: Replay, rng: np.random.Generator) -> Batches:
    """General stations by report time — each constituency's pace drawn once, each station's
    delay around it — released at the shares in STAGES, about one in 400 straggling to the end."""
    general = [i for i, st in enumerate(replay.stations)
               if st.voting_type is VotingType.GENERAL]
    pace = {c.name: rng.lognormal(0.0, 0.35) for c in replay.counts}
    delay = np.array([pace[replay.stations[i].constituency] * rng.gamma(4.0, 1.0)
                      for i in general])
    order = [general[i] for i in np.argsort(delay, kind="stable")]
    stragglers = set(rng.choice(order[: int(0.9 * len(order))], size=max(1, len(order) // 400),
                                replace=False).tolist())
    order = [i for i in order if i not in stragglers] + sorted(stragglers)
    cuts = [0, *(round(f * len(order)) for f in STAGES)]
    return [order[a:b] for a, b in itertools.pairwise(cuts)], [None] * len(STAGES)


def _published(replay: Replay) -> Batches:
    """Each published partial count as a wave holding exactly the stations it covered (a
    constituency's first stations, as the replay was built), a wave halfway before each, and
    the final count. A constituency absent from a partial count has counted nothing yet if it
    appears in a later one, else keeps pace with the others."""
    first: dict[str, int] = {}
    for i, st in enumerate(replay.stations):
        if st.voting_type is VotingType.GENERAL:
            first.setdefault(st.constituency, i)
    totals = {t.name: t for t in replay.plan.constituencies}
    size = {name: next(g.stations for g in totals[name].groups if g.voting_type == "general")
            for name in first}
    cuts: list[dict[str, int]] = [dict.fromkeys(first, 0)]
    names: list[str | None] = []
    for snapshot in replay.plan.stages:
        staged = {n: s.stations for n, t in totals.items() for s in t.stages
                  if s.name == snapshot}
        share = sum(staged.values()) / sum(size[n] for n in staged)
        later = {n for n, t in totals.items() for s in t.stages
                 if replay.plan.stages.index(s.name) > replay.plan.stages.index(snapshot)}
        cut = {n: staged.get(n, cuts[-1][n] if n in later else
                             max(cuts[-1][n], round(share * size[n]))) for n in first}
        cuts += [{n: (cuts[-1][n] + cut[n]) // 2 for n in first}, cut]
        names += [None, snapshot]
    cuts.append(size)
    names.append(None)
    batches = [[first[n] + k for n in first for k in range(a[n], b[n])]
               for a, b in itertools.pairwise(cuts)]
    return batches, names


def _mistyped(sheet: TallySheet, kind: int) -> TallySheet:
    """An entry error a check catches: a list's votes keyed one digit off, or invalid ballots
    left out of the ballots cast."""
    list_name = max(sheet.votes, key=lambda p: sheet.votes[p])
    if kind % 2:
        return replace(sheet, cast=sheet.valid, unused=sheet.unused + sheet.invalid)
    return replace(sheet, votes={**sheet.votes, list_name: sheet.votes[list_name] + 10})


def _transposed(sheet: TallySheet) -> TallySheet:
    """Clerk B's entry with two lists' figures swapped: each sheet passes alone, the pair
    disagrees."""
    a, b = sorted(sheet.votes, key=lambda p: -sheet.votes[p])[:2]
    return replace(sheet, votes={**sheet.votes, a: sheet.votes[b], b: sheet.votes[a]})


def _misread(sheet: TallySheet) -> TallySheet:
    """A machine count that gives the second list five of the leader's votes: consistent, so
    it counts — until the hand recount."""
    a, b = sorted(sheet.votes, key=lambda p: -sheet.votes[p])[:2]
    moved = min(5, sheet.votes[a])
    return replace(sheet, votes={**sheet.votes, a: sheet.votes[a] - moved,
                                 b: sheet.votes[b] + moved})


def wire(results: Sequence[ConstituencyCount], allocation: Allocation) -> str:
    """One line as an agency would file it: share counted, the leader and its margin, seats.
    The unpublished lists' aggregate is never a "leader"; its seats are named apart."""
    total = national(results)
    votes = sorted(((p, n) for p, n in total.votes.items() if p != OTHER_LISTS),
                   key=lambda kv: -kv[1])
    won = dict(sorted(allocation.totals().items(), key=lambda kv: (-kv[1], kv[0])))
    # the general stations' share where there are any (Iraq), else every type's (a real night)
    general = total.stations_by_type.get("general", total.stations)
    counted = total.counted_by_type.get("general", total.counted)
    if not counted:
        return (f"Special vote counted ({total.counted:,} stations): {votes[0][0]} leads "
                "among security forces and displaced voters.")
    (first, a), (second, b) = votes[0], votes[1]
    top = [(p, n) for p, n in won.items() if p != OTHER_LISTS][:3]
    share = f"{100 * counted / general:.1f}".removesuffix(".0")
    line = (f"With {share} % of stations counted, {first} leads with {a:,} votes, {a - b:,} "
            f"ahead of {second}; seats so far: " + ", ".join(f"{p} {n}" for p, n in top))
    unpublished = won.get(OTHER_LISTS, 0)
    return line + (f" ({unpublished} to lists whose votes were not published)."
                   if unpublished else ".")


def register(replay: Replay, store: Store) -> None:
    """The replay's stations, lists and candidates into the store's registry."""
    store.register(replay.stations,
                   [(c.name, list_name) for c in replay.counts for list_name in c.lists],
                   [(c.constituency, c.list, c.name) for c in replay.candidates])


def play(waves: Sequence[Wave], store: Store, law: Law,
         progress: Callable[[int], None] | None = None,
         reported: Callable[[Reported], None] | None = None,
         lists: Mapping[str, Mapping[str, str]] | None = None) -> list[Reported]:
    """Feed the waves to `store`: ingest, correct, release, and report each release, its seats
    allocated with the lists' attributes the law reads (a coalition's threshold)."""
    out = []
    for wave in waves:
        store.ingest(wave.sheets, progress=progress)
        for fix in wave.corrections:
            store.correct(fix.sheet, reason=fix.reason, author=fix.author)
        release = store.release(wave.name, author="results desk (replay)", at=wave.at)
        allocation = allocate(replace(law.election({c.name: c.votes for c in release.results}),
                                      lists=lists or {}), law)
        report = Reported(wave=wave, release=release, allocation=allocation,
                          line=wire(release.results, allocation),
                          quarantined=len(store.quarantined()),
                          incidents=tuple(f.reason for f in wave.corrections))
        out.append(report)
        if reported:
            reported(report)
    return out
