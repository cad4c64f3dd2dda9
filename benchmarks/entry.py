"""The results centre's desk under load: sheets keyed twice through the entry API, on 127.0.0.1.

A registered night — 18 constituencies, 12 lists standing in each, `BENCH_SHEETS` stations
(default 60,000, the issue's figure; a commission's whole night is about 50,000) — served by
uvicorn with two workers; parallel clients (`BENCH_CLIENTS`, default 32) post each station's
entry A as one clerk and entry B as another (`POST /api/desk/entries`, one sheet a request,
each with its idempotency key). Prints the sheets per second (both entries stored and agreed),
the entries per second and the p99 latency of one entry, the CPU time the server's workers spent
per sheet (read from /proc: on a shared machine the wall-clock figures move with the other load,
the CPU spent per sheet much less), and checks that every station counts.

Run: `python benchmarks/entry.py` (SQLite in a temporary folder), or with
`BENCH_DB=postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dbench`
on an empty schema. Prints `name: value unit` lines.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
import uuid
from pathlib import Path

from majlis.tally import Station, Store, VotingType
from majlis.web import Role, Users, create_app

try:
    import httpx2  # the clients: a test dependency (`make bench` installs it)
except ImportError:
    httpx2 = None

from api import PLACES, start  # the service's benchmark, beside this one

LISTS = [f"List {k:02d}" for k in range(1, 13)]
PASSWORD = "benchmark night"


def application() -> object:
    """The app each uvicorn worker builds (uvicorn --factory), from the environment."""
    return create_app(os.environ["BENCH_DB"], "bench", users=Path(os.environ["BENCH_USERS"]))


def registered(url: str, sheets: int) -> list[str]:
    """A store with `sheets` stations registered and nothing keyed; their codes."""
    per_place = -(-sheets // len(PLACES))
    stations = [Station(code=f"{p[:3]}-{k:05d}", centre=f"{p[:3]}-{k // 20}", constituency=p,
                        voting_type=VotingType.GENERAL, registered=600)
                for p in PLACES for k in range(per_place)][:sheets]
    with Store(url, "bench") as store:
        store.init()
        store.register(stations, [(p, name) for p in PLACES for name in LISTS])
    return [s.code for s in stations]


def entry(code: str, source: str, n: int, lists: list[str] = LISTS) -> dict[str, object]:
    """Station `code`'s sheet as clerk `source` keys it (both entries of a station agree)."""
    votes = {name: (n * 7 + k * 13) % 23 + k for k, name in enumerate(lists)}
    valid = sum(votes.values())
    return {"station": code, "source": source, "key": uuid.uuid4().hex,
            "ballots_received": valid + 25, "cast": valid + 5, "valid": valid, "invalid": 5,
            "spoiled": 5, "unused": 15, "votes": votes}


async def key_night(base: str, codes: list[str], tokens: tuple[str, str], clients: int
                    ) -> tuple[float, list[float], dict[str, int]]:
    """Every station keyed twice by `clients` parallel clients; wall time, latencies, statuses."""
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    work = iter(enumerate(codes))

    async def client(http: httpx2.AsyncClient) -> None:
        for n, code in work:
            for source, token in zip(("entry-a", "entry-b"), tokens, strict=True):
                started = time.perf_counter()
                answer = await http.post(f"{base}/api/desk/entries", json=entry(code, source, n),
                                         headers={"Authorization": f"Bearer {token}"})
                latencies.append(time.perf_counter() - started)
                answer.raise_for_status()
                status = answer.json()["status"]
                statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    async with httpx2.AsyncClient(limits=httpx2.Limits(max_connections=clients),
                                  timeout=120) as http:
        await asyncio.gather(*(client(http) for _ in range(clients)))
    return time.perf_counter() - started, latencies, statuses


def server_cpu(server: int) -> float:
    """CPU seconds (user and system) the uvicorn workers under `server` have used so far."""
    tick = os.sysconf("SC_CLK_TCK")
    found = 0.0
    for pid in Path(f"/proc/{server}/task/{server}/children").read_text().split():
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        found += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return found


def main() -> None:
    if httpx2 is None:
        raise SystemExit("benchmarks/entry.py posts with httpx2: install the test extra first")
    sheets = int(os.environ.get("BENCH_SHEETS", "60000"))
    clients = int(os.environ.get("BENCH_CLIENTS", "32"))
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DB") or f"sqlite:///{Path(tmp) / 'bench.db'}"
        started = time.perf_counter()
        codes = registered(url, sheets)
        print(f"stations registered ({len(codes):,}): {time.perf_counter() - started:.1f} s")
        users = Users()
        users.add("clerk-a", Role.CLERK, PASSWORD)
        users.add("clerk-b", Role.CLERK, PASSWORD)
        users.save(Path(tmp) / "users.json")
        base, server = start("entry", url, Path(tmp) / "users.json")
        try:
            tokens = tuple(httpx2.post(f"{base}/api/token", json={
                "username": name, "password": PASSWORD}).json()["access_token"]
                for name in ("clerk-a", "clerk-b"))
            before = server_cpu(server.pid)
            wall, latencies, statuses = asyncio.run(key_night(base, codes, tokens, clients))
            cpu = server_cpu(server.pid) - before
        finally:
            server.terminate()
            server.wait(15)
        with Store(url, "bench") as store:
            counted = sum(c.counted for c in store.results())
        latencies.sort()
        backend = url.split(":", 1)[0]
        print(f"entry api ({backend}, 2 workers, {clients} clients, {os.cpu_count()} cores): "
              f"{len(codes) / wall:,.1f} sheets/s")
        print(f"entries: {len(latencies) / wall:,.1f} entries/s")
        print(f"entry p99: {1000 * latencies[int(0.99 * len(latencies))]:.1f} ms")
        print(f"a 50,000-station night at this rate: {50_000 / (len(codes) / wall) / 60:.1f} min")
        print(f"server cpu per sheet (both entries): {1000 * cpu / len(codes):.2f} ms")
        print(f"a 50,000-station night in server cpu: {50_000 * cpu / len(codes) / 60:.1f} min")
        print(f"stations counted: {counted:,} of {len(codes):,} "
              f"({statuses.get('accepted', 0):,} accepted, "
              f"{statuses.get('awaiting-second-entry', 0):,} awaiting)")


if __name__ == "__main__":
    main()
