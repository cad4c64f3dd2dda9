"""The docs are part of the product: every command, key and example in them must be real."""

from __future__ import annotations

import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from pydantic import BaseModel

from majlis import data
from majlis.cli import app
from majlis.law import _config, parse_law

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
LAW_FORMAT = (ROOT / "docs" / "law-format.md").read_text(encoding="utf-8")


def tour_commands() -> list[list[str]]:
    """The `majlis` calls of the README tour, in order, continuation lines joined."""
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    text = "\n".join(blocks).replace("\\\n", " ")
    return [shlex.split(line)[1:] for line in text.splitlines()
            if line.startswith(".venv/bin/majlis ")]


def test_readme_tour_runs_step_by_step(tmp_path: Path) -> None:
    commands = tour_commands()
    assert len(commands) >= 4
    for args in commands:
        args = [a.replace("sqlite:///night.db", f"sqlite:///{tmp_path / 'night.db'}")
                .replace("out/", f"{tmp_path}/out/")
                .replace("users.json", str(tmp_path / "users.json")) for a in args]
        if args[0] == "serve":  # runs until stopped: start it, see it answer, stop it
            assert serves(args), args
            continue
        run = subprocess.run([sys.executable, "-m", "majlis", *args], cwd=ROOT,
                             capture_output=True, text=True, encoding="utf-8", check=False)
        assert run.returncode == 0, (args, run.stderr)
        assert run.stdout.strip()


def serves(args: list[str]) -> bool:
    """`majlis serve …` on a free port answers its API within 30 s."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "majlis", *args, "--port", str(port)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(60):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/election",
                                            timeout=2) as answer:
                    return bool(answer.status == 200)
            except OSError:
                time.sleep(0.5)
        return False
    finally:
        server.terminate()
        server.wait(10)


def test_every_command_is_in_the_readme() -> None:
    names = [c.name for c in app.registered_commands]
    names += [f"{g.name} {c.name}" for g in app.registered_groups
              for c in g.typer_instance.registered_commands]
    for name in names:
        assert f"majlis {name}" in README, name


def test_every_preset_law_is_named_in_the_readme_and_parses() -> None:
    for name in data.laws():
        assert name in README, name
        data.law(name)


def config_keys(model: type[BaseModel]) -> set[str]:
    keys = set(model.model_fields)
    for field in model.model_fields.values():
        for inner in (*getattr(field.annotation, "__args__", ()), field.annotation):
            nested = getattr(inner, "__args__", (inner,))
            for kind in nested:
                if isinstance(kind, type) and issubclass(kind, BaseModel):
                    keys |= config_keys(kind)
    return keys


def test_every_law_key_is_documented() -> None:
    for key in sorted(config_keys(_config.LawConfig)):
        assert re.search(rf"`{key}`|\[{key}[\].]|\[\w+\.{key}\]|{key} =", LAW_FORMAT), key


def test_every_method_is_documented() -> None:
    for method in _config.METHODS:
        assert f"`{method}`" in LAW_FORMAT, method


@pytest.mark.parametrize("law", sorted((ROOT / "examples" / "laws").glob("*.toml")),
                         ids=lambda p: p.name)
def test_example_laws_parse_and_are_named_in_the_readme(law: Path) -> None:
    parse_law(law.read_text(encoding="utf-8"), str(law))
    assert f"examples/laws/{law.name}" in README
