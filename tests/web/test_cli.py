"""`majlis users add` keeps argon2 hashes only; `majlis serve` serves the store it is given,
and refuses to start on a candidates file with a mistake."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx2
from typer.testing import CliRunner

from majlis.cli import app
from majlis.web import Role, Users
from tests.commands import majlis

from .conftest import free_port


def test_users_add_stores_a_hash_and_the_role(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    run = CliRunner().invoke(app, ["users", "add", "amal", "--role", "clerk", "--users",
                                   str(path)], input="long enough\nlong enough\n")
    assert run.exit_code == 0, run.output
    assert "long enough" not in path.read_text()
    assert "$argon2id$" in path.read_text()
    user = Users.load(path).verify("amal", "long enough")
    assert user is not None
    assert user.role is Role.CLERK
    again = CliRunner().invoke(app, ["users", "add", "amal", "--role", "publisher", "--users",
                                     str(path), "--password", "another one"])
    assert again.exit_code == 0
    assert Users.load(path).verify("amal", "long enough") is None
    assert Users.load(path).role("amal") is Role.PUBLISHER


def test_serve_serves_the_store_it_is_given(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'night.db'}"
    subprocess.run([sys.executable, "-m", "majlis", "db", "init", "--db", url], check=True,
                   capture_output=True)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "majlis", "serve", "--db", url, "--port",
                               str(port), "--law", "iraq-2025", "--election", "default"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                answer = httpx2.get(f"http://127.0.0.1:{port}/api/election")
                break
            except httpx2.ConnectError:
                assert server.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
        assert answer.json() == {"name": "default", "law": "iraq-2025", "releases": 0,
                                 "latest": None}
    finally:
        server.terminate()
        server.wait(10)


def test_serve_refuses_a_bad_candidates_file(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("constituency,list,candidate,gender\nBasra,Tasmim,Amal,W\n",
                      encoding="utf-8")
    run = majlis("serve", "--db", f"sqlite:///{tmp_path / 'night.db'}", "--port",
                 str(free_port()), "--candidates", people, timeout=60)
    assert run.returncode == 2, run.stderr
    assert f"{people}:2: gender: 'W' is not F or M" in run.stderr
    assert "Traceback" not in run.stderr
