"""One name per list: the bundled alias table, its traps, and the spellings it keeps apart."""

from __future__ import annotations

import pytest

from majlis import data

NAMES = data.list_names("iraq-2025")


@pytest.mark.parametrize(("spelling", "name_ar"), [
    ("Al-Hasm al-Watani (Determination)", "الحسم الوطني"),  # "Determination" usually means Azm
    ("Hukuk Hareketi", "حركة الحقوق"),  # Turkish: the Huqooq movement …
    ("Hukuk Devleti Koalisyonu", "ائتلاف دولة القانون"),  # … but "Hukuk Devleti" is State of Law
    ("al-Qarar (La Decisione)", "تحالف تصميم"),  # ABNA's al-Qarar is Tasmim
    ("Qarar", "تحالف تصميم"),
])
def test_ambiguous_spellings_resolve_to_the_list_of_their_arabic_name(
        spelling: str, name_ar: str) -> None:
    found = NAMES.resolve(spelling)
    assert found is not None and found.name_ar == name_ar


def test_an_arabic_name_given_beside_a_spelling_decides() -> None:
    assert NAMES.canonical("Determination", "الحسم الوطني") == "Al-Hasm al-Watani Alliance"
    assert NAMES.canonical("Determination") == "Determination"  # no guess without it


def test_every_spelling_of_asas_is_one_list() -> None:
    spellings = ("Al-Asas", "Asas", "Al-Asas al-Iraqi", "AL-ASAS  COALITION", "تحالف الأساس")
    assert {NAMES.canonical(s) for s in spellings} == {"Al-Asas al-Iraqi Coalition"}
    assert NAMES.merged({"Asas": 10, "Al-Asas": 5, "Badr Organization": 7}) == {
        "Al-Asas al-Iraqi Coalition": 15, "Badr Organization": 7}


@pytest.mark.parametrize("spelling", ["NPM", "Saladin", "SPA", "DFC",
                                      "NI (leader Rayan al-Kildani)"])
def test_uncertain_and_unidentified_spellings_stay_lists_of_their_own(spelling: str) -> None:
    assert NAMES.resolve(spelling) is None
    assert NAMES.canonical(spelling) == spelling


def test_the_uncertain_guesses_are_named_not_applied() -> None:
    assert NAMES.uncertain == {"NPM": "Al-Jamaheer al-Wataniya (National Masses)",
                               "Saladin": "Unified Alliance of Salahuddin",
                               "SPA": "Sharakatuna Alliance", "DFC": "Diyala First Coalition"}


def test_aliases_added_from_a_lists_file_join_the_list_their_target_names() -> None:
    names = NAMES.with_aliases({"Foundation List": "Asas", "Local Hope": "Local Hope"})
    assert names.canonical("foundation list") == "Al-Asas al-Iraqi Coalition"
    assert names.canonical("Local Hope") == "Local Hope"
    assert NAMES.canonical("Foundation List") == "Foundation List"  # the bundled table unchanged


def test_an_election_without_an_alias_table_keeps_its_names() -> None:
    assert data.list_names("iraq-2010").canonical("Asas") == "Asas"


def test_the_2025_national_table_has_one_row_per_list() -> None:
    bundled = data.election("iraq-2025-preliminary")
    votes = [c.votes for c in bundled.election.constituencies]
    asas = [name for v in votes for name in v if "asas" in name.casefold()]
    assert set(asas) == {"Al-Asas al-Iraqi Coalition"}
    raw = data.rows("iraq/iraq2025_governorate_results.csv")
    printed = sum(int(r["votes"]) for r in raw if r["votes"] and "Asas" in r["list"]
                  and r["stage"].startswith("preliminary"))
    assert sum(v.get("Al-Asas al-Iraqi Coalition", 0) for v in votes) == printed == 252_792
