"""The benchmarks run where only majlis is installed (`make demo`): each is loaded in a fresh
interpreter in which the tests and every package of the test extra cannot be imported."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = sorted((ROOT / "benchmarks").glob("*.py"))


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


TEST_EXTRA = {_name(r) for r in tomllib.loads((ROOT / "pyproject.toml").read_text())
              ["project"]["optional-dependencies"]["test"]}
BLOCKED = sorted({"tests"} | {module for module, dists in packages_distributions().items()
                              if any(_name(d) in TEST_EXTRA for d in dists)})

LOAD = """
import importlib.abc, os, runpy, sys

class TestOnly(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"{name} is for the tests only", name=name)
        return None

BLOCKED = set(sys.argv[2:])
sys.argv = sys.argv[1:2]  # the benchmark's own arguments: none
sys.meta_path.insert(0, TestOnly())
sys.path.insert(0, os.path.dirname(sys.argv[0]))  # as `python benchmarks/X.py` puts its folder
runpy.run_path(sys.argv[0], run_name="benchmark")
"""


def test_the_blocker_knows_the_test_extra() -> None:
    assert {"pytest", "hypothesis", "votelib", "powerindex", "tests"} <= set(BLOCKED)


@pytest.mark.parametrize("path", BENCHMARKS, ids=[p.stem for p in BENCHMARKS])
def test_benchmark_loads_without_the_tests_or_their_packages(path: Path,
                                                             tmp_path: Path) -> None:
    # -I: neither the working directory nor PYTHONPATH on the path, as for `python benchmarks/X.py`
    done = subprocess.run([sys.executable, "-I", "-c", LOAD, str(path), *BLOCKED],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
