"""A count by entry alone (a tally store's releases: under SNTV each entry a candidate, no
genders) under a women's rule that moves seats between SNTV candidates — Iraq 2021's woman per
district counted over the governorate, a minimum of women — is refused, not counted as if the
rule were not there; the same votes read from files with genders and governorates seat the
quota woman."""

from __future__ import annotations

import numpy as np
import pytest

from majlis import data
from majlis.errors import InputError
from majlis.law import (
    CandidateVotes,
    Constituency,
    Election,
    Law,
    MinimumWomen,
    SntvRule,
    allocate,
    allocate_draws,
    parse_law,
    read_election,
)

# Basra needs three women, one per district: Basra 1 elects two on their votes, so one quota
# seat is left, for Basra 2's best woman f (300) over Basra 3's j (200); f takes e's seat (800).
# Counted per district, Basra 3 would seat j in i's place too; counted without the rule, e sits.
BASRA = {
    "Basra 1": {"a": ("F", 900), "b": ("F", 850), "c": ("M", 100)},
    "Basra 2": {"d": ("M", 900), "e": ("M", 800), "f": ("F", 300), "g": ("F", 50)},
    "Basra 3": {"h": ("M", 700), "i": ("M", 600), "j": ("F", 200)},
}
LAW = parse_law(data.path("laws/iraq-2021.toml").read_text(encoding="utf-8") + "\n[districts]\n"
                + "".join(f'"{name}" = 2\n' for name in BASRA), "iraq-2021-basra.toml")
BY_ENTRY = {name: {x: n for x, (_, n) in xs.items()} for name, xs in BASRA.items()}


def seated(election: Election, law: Law = LAW) -> dict[str, set[str]]:
    return {r.name: {p for p, s in r.seats.items() if s} for r in allocate(election, law)
            .constituencies}


def from_files(*, regions: bool) -> Election:
    votes = "district,party,candidate,votes,gender\n" + "".join(
        f"{name},{x},{x},{n},{g}\n" for name, xs in BASRA.items() for x, (g, n) in xs.items())
    districts = "district,seats" + (",region" if regions else "") + "\n" + "".join(
        f"{name},2" + (",Basra" if regions else "") + "\n" for name in BASRA)
    return read_election(votes, "votes.csv", LAW, districts, "districts.csv")


def test_files_with_the_governorate_seat_one_quota_woman_over_it() -> None:
    assert seated(from_files(regions=True)) == {
        "Basra 1": {"a", "b"}, "Basra 2": {"d", "f"}, "Basra 3": {"h", "i"}}
    # a district given no governorate is its own: Basra 3 then seats its woman too
    assert seated(from_files(regions=False))["Basra 3"] == {"h", "j"}


def test_a_count_by_entry_is_refused_not_counted_without_the_rule() -> None:
    election = LAW.election(BY_ENTRY)
    with pytest.raises(InputError) as error:
        allocate(election, LAW)
    (problem,) = error.value.problems
    assert (problem.source, problem.field) == ("law", "women")
    assert problem.message.startswith("Basra 1, Basra 2, Basra 3: the women's rule")
    with pytest.raises(InputError):
        allocate_draws(np.zeros((3, 2, 4), dtype=np.int64), election, LAW)


def test_a_count_by_entry_the_rule_cannot_change_is_counted() -> None:
    # the preset alone gives seats to its reserved contests only, which the rule leaves alone
    preset = data.law("iraq-2021")
    votes = {"Christian (national)": {f"k{i}": 100 - i for i in range(7)}, **BY_ENTRY}
    assert seated(preset.election(votes), preset) == {
        "Christian (national)": {"k0", "k1", "k2", "k3", "k4"}}
    # a minimum of no women in these constituencies asks nothing of their genders
    none = Law(rule=SntvRule(), women=MinimumWomen(seats=0), magnitudes=dict.fromkeys(BASRA, 2))
    assert seated(none.election(BY_ENTRY), none)["Basra 2"] == {"d", "e"}


def test_a_minimum_of_women_under_sntv_is_refused_by_entry_but_not_with_candidates() -> None:
    law = Law(rule=SntvRule(), women=MinimumWomen(seats=1), magnitudes={"Basra 2": 2})
    with pytest.raises(InputError, match="Basra 2: the women's rule"):
        allocate(law.election({"Basra 2": BY_ENTRY["Basra 2"]}), law)
    named = Constituency(name="Basra 2", magnitude=2, votes=BY_ENTRY["Basra 2"], candidates=tuple(
        CandidateVotes(list=x, candidate=x, votes=n, gender=g)
        for x, (g, n) in BASRA["Basra 2"].items()))
    assert seated(Election(constituencies=(named,)), law) == {"Basra 2": {"d", "f"}}
