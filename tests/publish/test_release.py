"""A published release as the forecast reads it: the register still to come is that of exactly
the stations the release had not counted."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from majlis import publish, replay
from majlis.data import law
from majlis.tally import Store, VotingType

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
