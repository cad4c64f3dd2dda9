"""A published release as the forecast reads it: the register still to come is that of exactly
the stations the release had not counted."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from majlis import publish, replay
from majlis.data import law
from majlis.tally import ConstituencyCount, Release, Station, Store, VotingType

LATE = "partial results (90–98 %)"


def test_the_uncounted_register_is_that_of_the_stations_not_yet_counted(tmp_path: Path) -> None:
    """2010: after the published 90–98 % count Najaf's last stations held more voters than
    their number says (the late count added 8 % of its votes); the release records the
    counted stations' register, so the projection is told exactly what is left."""
    plan = replay.plan("iraq-2010")
    small = replay.build(replace(plan, constituencies=tuple(
        t for t in plan.constituencies if t.name in ("Anbar", "Najaf", "Dohuk"))), seed=2)
    store = Store(f"sqlite:///{tmp_path / 'night.db'}")
    store.init()
    replay.register(small, store)
    waves = replay.script(small, seed=5)
    reports = replay.play(waves, store, law("iraq-2010"))
    late = next(r.release for r in reports if r.wave.name == LATE)
    count = publish.release_count(late, store.stations())
    general = {c.name: next(g for g in c.groups if g.voting_type == "general")
               for c in count.constituencies}
    final = {s.station for s in waves[-1].sheets}
    for name in ("Najaf", "Dohuk"):
        left = sum(s.registered for s in small.stations
                   if s.constituency == name and s.code in final)
        by_stations = general[name].registered * general[name].uncounted \
            // general[name].stations
        assert general[name].registered_uncounted == left
        assert left > by_stations  # what a release that did not keep it would have assumed
    assert all(s.voting_type is VotingType.GENERAL for s in small.stations)


def test_a_release_from_before_the_register_was_kept_is_read_by_share_of_stations() -> None:
    stations = [Station(code=f"NAJ-0001-0{i}", centre="NAJ-0001", constituency="Najaf",
                        voting_type=VotingType.GENERAL, registered=r)
                for i, r in enumerate((100, 100, 100, 500), 1)]
    old = ConstituencyCount(name="Najaf", stations_by_type={"general": 4},
                            counted_by_type={"general": 1},
                            by_voting_type={"general": {"State of Law": 60}})
    kept = replace(old, registered_counted_by_type={"general": 100})

    def left(c: ConstituencyCount) -> int | None:
        release = Release(number=1, name="first", created_at="", results=(c,), digest="")
        (group,) = publish.release_count(release, stations).constituencies[0].groups
        return group.registered_uncounted

    assert left(old) == 800 * 3 // 4
    assert left(kept) == 700
