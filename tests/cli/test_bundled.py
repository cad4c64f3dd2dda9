"""Presets, bundled data and comparisons from the command line."""

from __future__ import annotations

from pathlib import Path

from majlis import data
from tests.cli.test_allocate import write
from tests.commands import majlis


def test_laws_lists_every_preset() -> None:
    run = majlis("laws")
    assert run.returncode == 0, run.stderr
    for name in data.laws():
        assert name in run.stdout


def test_a_law_file_can_extend_a_preset(tmp_path: Path) -> None:
    votes = write(tmp_path / "v.csv", "district,party,votes\nErbil,A,1000\nErbil,B,420\n")
    law = write(tmp_path / "law.toml", 'extends = "iraq-2025"\n[allocation]\n'
                'method = "sainte-lague"\nfirst_divisor = 1.0\n')
    run = majlis("allocate", votes, "--law", law)
    assert run.returncode == 0, run.stderr  # Erbil's 15 seats come from the preset
    assert run.stdout.splitlines()[1:] == ["Erbil,A,1000,11", "Erbil,B,420,4"]
    write(law, 'extends = "iraq-1958"\n')
    run = majlis("allocate", votes, "--law", law)
    assert run.returncode == 2
    assert f"{law}:1: extends: no preset law named 'iraq-1958'" in run.stderr


def test_compare_counts_the_governorates_each_rule_reproduces() -> None:
    run = majlis("compare", "iraq-2010", "--law", "iraq-2010-dhondt", "--law", "iraq-2010",
                 "--format", "csv")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "constituency,iraq-2010-dhondt,iraq-2010"
    assert "Erbil,1,1" in lines and "Babil,0,0" in lines
    assert lines[-1] == "reproduced,12,9"
    assert "of 18" in majlis("compare", "iraq-2010").stdout


def test_data_show_and_unknown_names() -> None:
    run = majlis("data", "show", "iraq/iraq2025_minority_quota_winners")
    assert run.returncode == 0, run.stderr
    assert "Sami Oshana" in run.stdout
    run = majlis("data", "show", "iraq/nothing")
    assert run.returncode == 2 and "no bundled table" in run.stderr
