"""The bundled data: every table sourced, loadable by name, every preset a valid law."""

from __future__ import annotations

import pytest

from majlis import data
from majlis.errors import InputError


def test_every_bundled_table_is_named_in_the_readme_beside_it() -> None:
    for name in data.DATASETS:
        folder, _, file = name.rpartition("/")
        readme = data.path(f"{folder}/README.md").read_text(encoding="utf-8")
        assert f"{file}.csv" in readme or f"`{file}" in readme, name


def test_load_by_name_with_or_without_extension() -> None:
    rows = data.load("iraq/iraq2025_minority_quota_winners")
    assert rows == data.load("iraq/iraq2025_minority_quota_winners.csv")
    assert len(rows) == 9 and sum(r["quota"] == "Christian" for r in rows) == 5
    with pytest.raises(InputError, match="bundled data: table: no bundled table"):
        data.load("iraq/nowhere")


def test_partial_tables_stay_marked_partial() -> None:
    assert "iraq/iraq2014_governorate_seats_partial" in data.DATASETS
    assert "iraq/extra/iraq2021_candidates_partial" in data.DATASETS


def test_a_preset_law_extends_its_base() -> None:
    base, variant = data.law("iraq-2014"), data.law("iraq-2014-1.4")
    assert variant.magnitudes == base.magnitudes and variant.reserved == base.reserved
    assert variant.rule != base.rule
    with pytest.raises(InputError, match="bundled data: law: no preset law 'iraq-1958'"):
        data.law_text("iraq-1958")
    with pytest.raises(InputError, match="bundled data: law: no preset law 'iraq-1958'"):
        data.law("iraq-1958")


def test_unknown_bundled_election() -> None:
    with pytest.raises(InputError, match="bundled data: election: no bundled election"):
        data.election("iraq-1953")
