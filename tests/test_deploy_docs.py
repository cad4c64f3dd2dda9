"""docs/deploy.md's backup is real: its commands, run as written against this machine's
PostgreSQL, restore a store that `majlis verify-chain --head` proves against the head published
before the dump — and refuses once the restored sheets are edited."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
SERVER = "postgres@127.0.0.1:5432"
ADMIN = f"postgresql://{SERVER}/test"
EXAMPLES = ROOT / "examples" / "tally"


def backup_block() -> str:
    blocks = [b for b in re.findall(r"```sh\n(.*?)```", DEPLOY, flags=re.S) if "pg_dump" in b]
    assert len(blocks) == 1
    return blocks[0]


def majlis(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "majlis", *args], capture_output=True,
                          text=True, encoding="utf-8", check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src")})


def test_the_documented_backup_restores_a_store_verify_chain_proves(tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:10]
    source, restored = f"majlis_{tag}", f"majlis_restored_{tag}"
    # the hosts, user and names of the docs, as this machine has them
    here = {"postgresql+psycopg://majlis@db2/majlis_restored":
            f"postgresql+psycopg://{SERVER}/{restored}",
            "postgresql://majlis@db2/majlis_restored": f"postgresql://{SERVER}/{restored}",
            "postgresql://majlis@db1/majlis": f"postgresql://{SERVER}/{source}",
            "--host=db2 --username=majlis majlis_restored":
            f"--host=127.0.0.1 --port=5432 --username=postgres {restored}"}
    script = backup_block()
    for written, real in here.items():
        assert written in script, written
        script = script.replace(written, real)
    script = re.sub(r"^majlis ", f"{sys.executable} -m majlis ", script, flags=re.M)
    assert "db1" not in script and "db2" not in script
    url = f"postgresql+psycopg://{SERVER}/{source}"
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {source}")
    try:
        for step in (["db", "init"], ["ingest", str(EXAMPLES / "stations.csv"),
                                      str(EXAMPLES / "lists.csv")],
                     ["ingest", str(EXAMPLES / "sheets.csv")]):
            run = majlis(*step, "--db", url, "--election", "iraq-2025")
            assert run.returncode == 0, run.stderr
        released = majlis("release", "first results", "--db", url, "--election", "iraq-2025")
        assert released.returncode == 0, released.stderr
        head = re.search(r"chain head ([0-9a-f]{64})", released.stdout)
        assert head, released.stdout

        run = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path,
                             capture_output=True, text=True, check=False,
                             env={**os.environ, "PYTHONPATH": str(ROOT / "src"),
                                  "HEAD": head.group(1), "PGCONNECT_TIMEOUT": "10"})
        assert run.returncode == 0, run.stderr
        assert (tmp_path / "majlis-night.dump").stat().st_size > 0
        assert re.search(r"chain intact: 3 sheet versions and 1 releases verified",
                         " ".join(run.stdout.split())), run.stdout

        # the restored store is the one that was dumped: an edited vote breaks the proof
        with psycopg.connect(f"postgresql://{SERVER}/{restored}", autocommit=True) as conn:
            conn.execute("UPDATE sheet_votes SET votes = votes + 1 WHERE sheet_id = "
                         "(SELECT min(sheet_id) FROM sheet_votes)")
        broken = majlis("verify-chain", "--head", head.group(1), "--db",
                        f"postgresql+psycopg://{SERVER}/{restored}", "--election", "iraq-2025")
        assert broken.returncode == 1
        assert "chain BROKEN" in broken.stderr
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            for name in (source, restored):
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
