"""Every preset law through the conformance battery (`check_law`): on its own bundled election
where the package carries one, and on a generated count of its constituencies — lists with
candidates of both genders, reserved contests included — so that a new preset is checked the
day it is added."""

from __future__ import annotations

import numpy as np
import pytest

from majlis import data
from majlis.law import CandidateVotes, Constituency, Election, Law
from tests.law.conformance import check_law

PRESETS = sorted(data.laws())
BUNDLED = {name: [e for e in data.ELECTIONS if data.election(e).law == name] for name in PRESETS}


def counted(law: Law, rng: np.random.Generator) -> Election:
    """Six lists in each of the law's constituencies, each with two candidates more than the
    seats, women and men alternating; a law whose general constituencies come from a districts
    file (Iraq 2021's 83) is given three of its own."""
    magnitudes = dict(law.magnitudes)
    if all(name in law.reserved for name in magnitudes):
        magnitudes |= {f"District {k}": m for k, m in enumerate((3, 5, 4), 1)}
    constituencies = []
    for name, magnitude in magnitudes.items():
        votes, people = {}, []
        for j in range(1, 7):
            list_name = f"List {j}"
            personal = rng.integers(100, 5_000, size=magnitude + 2)
            votes[list_name] = int(personal.sum()) + int(rng.integers(0, 2_000))  # list-only votes
            people += [CandidateVotes(list=list_name, candidate=f"{list_name} candidate {k}",
                                      votes=int(n), gender="F" if k % 2 else "M")
                       for k, n in enumerate(personal, 1)]
        constituencies.append(Constituency(name=name, magnitude=magnitude, votes=votes,
                                           candidates=tuple(people)))
    return Election(constituencies=tuple(constituencies))


def test_every_preset_is_checked() -> None:
    assert len(PRESETS) >= 11 and "iraq-2025" in PRESETS


@pytest.mark.parametrize("name", PRESETS)
def test_preset_passes_the_battery_on_a_generated_count(
        name: str, rng: np.random.Generator) -> None:
    law = data.law(name)
    election = counted(law, rng)
    result = check_law(election, law)
    house = sum(c.magnitude for c in election.constituencies) + (
        law.house - sum(law.magnitudes.values()))  # a compensatory tier's seats
    assert sum(result.totals().values()) == house


@pytest.mark.parametrize("name", [n for n in PRESETS if BUNDLED[n]])
def test_preset_passes_the_battery_on_its_bundled_elections(name: str) -> None:
    for bundled in BUNDLED[name]:
        election = data.election(bundled).election
        result = check_law(election, data.law(name))
        assert sum(result.totals().values()) == sum(
            c.magnitude for c in election.constituencies) + (
            data.law(name).house - sum(data.law(name).magnitudes.values()))
