"""Iraq 2025, replayed: made-up stations that add up to the official totals, and a night whose
incidents are resolved through the store's own correction path."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from majlis import audit, data, replay, tally
from majlis.data import law, list_names, load
from majlis.errors import InputError
from majlis.law import Constituency, Election, allocate
from majlis.tally import Store, VotingType, read_tally_file
from tests.tally.conftest import store  # noqa: F401  (the SQLite and PostgreSQL fixture)

PLAN = replay.plan("iraq-2025")
BUILT = replay.build(PLAN, seed=2025)
# Three governorates keep the store tests quick; their plan is the real one.
SMALL = replay.build(replace(PLAN, constituencies=tuple(
    t for t in PLAN.constituencies if t.name in ("Karbala", "Maysan", "Muthanna"))), seed=7)


def test_every_constituency_adds_up_exactly_to_its_totals() -> None:
    assert len(BUILT.counts) == 18 + 9  # the governorates and the reserved contests
    for count, totals in zip(BUILT.counts, PLAN.constituencies, strict=True):
        assert dict(zip(count.lists, count.votes.sum(axis=0).tolist(), strict=True)) \
            == dict(totals.votes), count.name
        assert int(count.invalid.sum()) == totals.invalid
        for group in totals.groups:
            rows = [i for i, t in enumerate(count.voting_type) if t == group.voting_type]
            assert len(rows) == group.stations
            assert int(count.registered[rows].sum()) == group.registered
            assert int(count.cast[rows].sum()) == group.cast
        general = [i for i, t in enumerate(count.voting_type) if t == "general"]
        assert (count.cast[general] <= count.registered[general]).all()


def test_the_plan_keeps_the_published_figures() -> None:
    by_name = {t.name: t for t in PLAN.constituencies}
    names = list_names("iraq-2025")
    final = {(r["district"], names.canonical(r["list"])): int(r["votes"])
             for r in load("iraq/iraq2025_governorate_results")
             if r["stage"].startswith("final") and r["votes"]}
    for (constituency, list_name), votes in final.items():
        assert by_name[constituency].votes[list_name] == votes
    # one name per list, however each governorate's source spelled it: Basra's "Asas"
    assert by_name["Basra"].votes["Al-Asas al-Iraqi Coalition"] == 31_677
    assert {names.canonical(p) for t in PLAN.constituencies for p in t.votes} == {
        p for t in PLAN.constituencies for p in t.votes}
    assert by_name["Kirkuk"].groups[0].registered == 953_267
    governorates = [t for t in PLAN.constituencies if t.name not in PLAN.reserved]
    assert sum(t.groups[0].registered for t in governorates) == 20_063_773
    assert sum(g.stations for t in governorates for g in t.groups
               if g.voting_type == "general") == 39_285
    assert sum(g.stations for t in PLAN.constituencies for g in t.groups
               if g.voting_type != "general") == 4_501 + 97
    assert by_name["Baghdad"].groups[0].stations == 9_016
    assert len({s.centre for s in BUILT.stations if s.voting_type is VotingType.GENERAL
                and s.constituency not in PLAN.reserved}) \
        == 8_703  # the published number of polling centres
    contests = sum(t.groups[0].stations for t in PLAN.constituencies if t.name in PLAN.reserved)
    assert len({s.code for s in BUILT.stations}) == len(BUILT.stations) == 43_883 + contests
    special = {g.voting_type: g.cast for g in by_name["Dohuk"].groups}
    assert special["special-idp"] == round(25_986 * 0.7748)  # published register × turnout
    status = {(p.constituency, p.figure): p.status for p in PLAN.provenance}
    assert status[("Kirkuk", "registered (general)")] == "official"
    assert status[("Basra", "registered (general)")] == "synthesised"
    assert status[("Basra", "votes: Minor list 1 (Basra)")] == "synthesised"
    assert status[("Baghdad", "votes: Al-Hasm al-Watani Alliance")] == "synthesised"
    assert status[("Baghdad", "votes: Taqaddum Party")] == "official"
    assert status[("Christian (Dohuk)", "votes: Sami Oshana")] == "official"
    assert status[("Christian (Baghdad)", "votes: Evan Faeq Jabro")] == "synthesised"
    assert all(s == "synthesised" for (_, figure), s in status.items() if "Minor list" in figure)
    assert not any(data.OTHER_LISTS in t.votes for t in PLAN.constituencies)


def test_candidates_carry_personal_votes_and_the_women_the_law_requires() -> None:
    lists: dict[tuple[str, str], list[replay.Candidate]] = {}
    for c in BUILT.candidates:
        lists.setdefault((c.constituency, c.list), []).append(c)
    by_name = {t.name: t for t in PLAN.constituencies}
    for (constituency, list_name), people in lists.items():
        personal = sum(c.votes for c in people)
        assert 0 < personal <= by_name[constituency].votes[list_name]
        assert len(people) <= 2 * PLAN.magnitudes[constituency]
        assert sum(c.gender == "F" for c in people) == len(people) // 4
    assert {list_name for _, list_name in lists} >= {"Taqaddum Party",
                                             "Reconstruction and Development Coalition"}
    assert not any(c.constituency in PLAN.reserved for c in BUILT.candidates)  # SNTV entries


def test_the_same_seed_makes_the_same_replay() -> None:
    again = replay.build(PLAN, seed=2025)
    assert again.stations == BUILT.stations and again.candidates == BUILT.candidates
    assert all((a.votes == b.votes).all() for a, b in zip(again.counts, BUILT.counts,
                                                          strict=True))


def test_the_night_resolves_its_incidents_and_ends_on_the_official_totals(
        store: Store) -> None:  # noqa: F811
    the_law = law("iraq-2025")
    replay.register(SMALL, store)
    waves = replay.script(SMALL, seed=3)
    assert waves[0].name == "special vote"
    special = {s.code for s in SMALL.stations if s.voting_type is not VotingType.GENERAL}
    assert {s.station for s in waves[0].sheets} == special
    held: list[int] = []
    reports = replay.play(waves, store, the_law,
                          reported=lambda r: held.append(len(store.quarantined())))
    # six mistyped sheets and one pair of disagreeing entries: each held back in exactly one
    # release, corrected before the next
    assert sum(held) == 7 and held[-1] == 0
    assert [r.release.number for r in reports] == list(range(1, len(waves) + 1))
    counted = [tally.national(r.release.results).counted for r in reports]
    assert counted == sorted(counted) and counted[-1] == len(SMALL.stations)
    final = {c.name: c.votes for c in reports[-1].release.results}
    assert final == {t.name: dict(t.votes)
                     for t in SMALL.plan.constituencies}
    direct = allocate(Election(constituencies=tuple(
        Constituency(name=t.name, magnitude=the_law.magnitudes[t.name], votes=t.votes)
        for t in SMALL.plan.constituencies)), the_law)
    assert reports[-1].allocation.totals() == direct.totals()
    assert sum(direct.totals().values()) == 10 + 11 + 7
    assert audit.verify_chain(store.chain()).intact
    assert "recount" in " ".join(i for r in reports for i in r.incidents)
    # each release at the moment of the night it stands for, on Baghdad's clock
    assert [r.release.created_at for r in reports[:4]] == [
        "2025-11-09T18:00:00+03:00", "2025-11-11T20:00:00+03:00", "2025-11-11T23:00:00+03:00",
        "2025-11-12T02:00:00+03:00"]
    assert [r.created_at for r in store.releases()] == [r.release.created_at for r in reports]
    assert {s.received_at for s in waves[1].sheets} == {"2025-11-11T20:00+03:00"}


def test_written_files_ingest_back_to_the_same_totals(tmp_path: Path) -> None:
    written = replay.write(SMALL, tmp_path / "replay")
    meta = json.loads((tmp_path / "replay" / "metadata.json").read_text(encoding="utf-8"))
    assert meta["seed"] == 7 and meta["stations"] == len(SMALL.stations)
    assert {f["status"] for f in meta["figures"]} == {"official", "derived", "synthesised"}
    target = Store(f"sqlite:///{tmp_path / 'back.db'}")
    target.init()
    files = {p.name: read_tally_file(p.read_text(encoding="utf-8"), str(p)) for p in written
             if p.suffix == ".csv" and p.name != "candidate-votes.csv"}
    target.register(files["stations.csv"].stations, files["lists.csv"].lists,
                    files["candidates.csv"].candidates)
    target.ingest(files["sheets.csv"].sheets)
    assert {c.name: c.votes for c in target.results()} == {
        t.name: dict(t.votes) for t in SMALL.plan.constituencies}


@pytest.mark.parametrize("name", ["iraq-2014", "nowhere"])
def test_only_planned_elections_replay(name: str) -> None:
    with pytest.raises(InputError, match=r"replay: no replay for .* one of: iraq-2025"):
        replay.plan(name)


PLAN_2010 = replay.plan("iraq-2010")


def test_2010_every_governorate_adds_up_and_its_first_stations_to_each_partial_count() -> None:
    built = replay.build(PLAN_2010, seed=1)
    published = {(r["district"], int(r["pct_ballots_counted"]), r["list"]): int(r["votes"])
                 for r in load("iraq/iraq2010_partial_counts")}
    checked = 0
    for count, totals in zip(built.counts, PLAN_2010.constituencies, strict=True):
        assert dict(zip(count.lists, count.votes.sum(axis=0).tolist(), strict=True)) \
            == dict(totals.votes)
        for stage in totals.stages:
            first = count.votes[:stage.stations].sum(axis=0)
            for list_name, n in stage.votes.items():
                assert first[count.lists.index(list_name)] == n
                checked += 1
    assert checked == len(published)
    # The registers that turnout implies add up close to the published "about 18.9 million".
    assert abs(sum(t.groups[0].registered for t in PLAN_2010.constituencies) - 18.9e6) < 0.1e6


def test_2010_releases_show_exactly_the_published_partial_counts(
        store: Store) -> None:  # noqa: F811
    small = replay.build(replace(PLAN_2010, constituencies=tuple(
        t for t in PLAN_2010.constituencies if t.name in ("Anbar", "Dohuk", "Wasit"))), seed=2)
    replay.register(small, store)
    reports = replay.play(replay.script(small, seed=5), store, law("iraq-2010"))
    by_name = {r.wave.name: {c.name: c.votes for c in r.release.results} for r in reports}
    assert by_name["partial results (18–63 %)"]["Anbar"]["Iraqi National Movement (Iraqiya)"] \
        == next(int(r["votes"]) for r in load("iraq/iraq2010_partial_counts")
                if (r["district"], r["pct_ballots_counted"], r["list"])
                == ("Anbar", "59", "Iraqi National Movement (Iraqiya)"))
    for totals in small.plan.constituencies:
        for stage in totals.stages:
            counted = by_name[stage.name][totals.name]
            assert {p: counted[p] for p in stage.votes} == dict(stage.votes)
    assert "Dohuk" not in by_name["partial results (18–63 %)"] or not any(
        by_name["partial results (18–63 %)"]["Dohuk"].values())
    assert by_name["final"] == {t.name: dict(t.votes) for t in small.plan.constituencies}
    assert [(r.release.name, r.release.created_at) for r in reports[:3]] == [
        ("20.7 % of stations", "2010-03-07T20:00:00+03:00"),
        ("partial results (18–63 %)", "2010-03-07T23:00:00+03:00"),
        ("68.2 % of stations", "2010-03-08T02:00:00+03:00")]
