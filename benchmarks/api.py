"""The results service under load, on 127.0.0.1 only and bounded in time.

A released night — 18 constituencies, 30 lists, 6,000 stations — served by uvicorn with two
workers sharing Redis (as a commission would run it), then:
- cached national results: requests/s and p99 latency from `wrk` (Debian's package) when it is
  installed, else from an asyncio client in this process (which then shares the two cores);
- the same reads while clerks key a night's sheets through the desk (60,000 sheets in an hour,
  both entries each, at that pace for as long as the reads run): p99 beside the reads alone;
- `BENCH_SSE` open SSE streams (default 5,000): how long after a release is published the last
  of them hears it.

Run: `python benchmarks/api.py` (PostgreSQL is not needed; Redis must be running, as for the
tests). Prints `name: value unit` lines.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from majlis.tally import Source, Station, Store, TallySheet, VotingType
from majlis.web import Role, Users, create_app

try:
    import httpx2  # the load and SSE clients: a test dependency (`make bench` installs it)
except ImportError:
    httpx2 = None

HOST = "127.0.0.1"
REDIS = os.environ.get("MAJLIS_REDIS_URL", "redis://127.0.0.1:6379/0")
PLACES = ["Baghdad", "Nineveh", "Basra", "Dhi Qar", "Sulaymaniyah", "Babil", "Erbil", "Anbar",
          "Diyala", "Kirkuk", "Najaf", "Salahuddin", "Qadisiyah", "Dohuk", "Karbala", "Wasit",
          "Maysan", "Muthanna"]
LISTS = [f"List {k:02d}" for k in range(1, 31)]
STATIONS_PER_PLACE = 333
SSE_CLIENTS = int(os.environ.get("BENCH_SSE", "5000"))
NIGHT_RATE = 60_000 / 3600  # sheets a second: a night of 60,000 sheets keyed in one hour
DESK_STATIONS = 2_000  # registered, not counted: what the clerks key during the reads
PASSWORD = "benchmark night"


def application() -> object:
    """The app each uvicorn worker builds (uvicorn --factory), from the environment."""
    return create_app(os.environ["BENCH_DB"], "bench", law="iraq-2025",
                      users=Path(os.environ["BENCH_USERS"]), redis_url=REDIS)


def night(url: str) -> None:
    """A store with every station counted and one release published."""
    stations = [Station(code=f"{p[:3]}-{k}", centre=f"{p[:3]}-{k // 10}", constituency=p,
                        voting_type=VotingType.GENERAL, registered=600)
                for p in PLACES for k in range(STATIONS_PER_PLACE)]
    with Store(url, "bench") as store:
        store.init()
        store.register(stations, [(p, name) for p in PLACES for name in LISTS])
        sheets = []
        for i, s in enumerate(stations):
            votes = {name: (i * 7 + k * 13) % 17 + k for k, name in enumerate(LISTS)}
            valid = sum(votes.values())
            sheets.append(TallySheet(
                station=s.code, source=Source.MACHINE, received_at="2025-11-11T19:00",
                received_by="bench", ballots_received=valid + 20, cast=valid + 5, valid=valid,
                invalid=5, spoiled=5, unused=10, votes=votes))
        store.ingest(sheets)
        store.release("all counted")
        store.register([Station(code=f"W-{k:05d}", centre=f"W-{k // 20}",
                                constituency=PLACES[k % len(PLACES)],
                                voting_type=VotingType.GENERAL, registered=600)
                        for k in range(DESK_STATIONS)], [])


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def wait_for(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx2.get(f"{base}/api/election").raise_for_status()
            return
        except httpx2.HTTPError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not start") from None
            time.sleep(0.2)


def start(module: str, url: str, users: Path) -> tuple[str, subprocess.Popen[bytes]]:
    """Two uvicorn workers serving `module`'s `application` over the store at `url`, started
    and answering: their base URL and the server process (the caller terminates it)."""
    base = f"http://{HOST}:{free_port()}"
    env = {**os.environ, "BENCH_DB": url, "BENCH_USERS": str(users),
           "MAJLIS_SECRET": "benchmark"}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", f"{module}:application", "--app-dir",
         str(Path(__file__).parent), "--host", HOST, "--port", base.rsplit(":", 1)[1],
         "--workers", "2", "--log-level", "warning", "--timeout-graceful-shutdown", "2"],
        env=env)
    try:
        wait_for(base, server)
    except BaseException:
        server.terminate()
        raise
    return base, server


def with_wrk(url: str, seconds: int) -> tuple[float, float]:
    out = subprocess.run(["wrk", "-t2", "-c64", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
    return rate, float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


async def with_python(url: str, seconds: int) -> tuple[float, float]:
    latencies: list[float] = []
    stop = time.monotonic() + seconds

    async def worker(client: httpx2.AsyncClient) -> None:
        while time.monotonic() < stop:
            started = time.perf_counter()
            (await client.get(url)).raise_for_status()
            latencies.append(time.perf_counter() - started)

    async with httpx2.AsyncClient(limits=httpx2.Limits(max_connections=32)) as client:
        await asyncio.gather(*(worker(client) for _ in range(32)))
    latencies.sort()
    return len(latencies) / seconds, 1000 * latencies[int(0.99 * len(latencies))]


async def reads_with_writes(base: str, url: str, seconds: int, tokens: tuple[str, str],
                            tool: str) -> tuple[float, float, int]:
    """Reads of `url` for `seconds` while desk stations are keyed at the night's pace, both
    entries each; the reads' rate and p99, and the sheets stored meanwhile."""
    from entry import entry  # the desk benchmark's sheets (it imports this module first)

    async def key(http: httpx2.AsyncClient, n: int) -> None:
        for source, token in zip(("entry-a", "entry-b"), tokens, strict=True):
            (await http.post(f"{base}/api/desk/entries",
                             json=entry(f"W-{n:05d}", source, n, LISTS),
                             headers={"Authorization": f"Bearer {token}"})).raise_for_status()

    async def writes() -> int:
        keyed: list[asyncio.Task[None]] = []
        async with httpx2.AsyncClient(timeout=60) as http:
            start = time.monotonic()
            for n in range(min(DESK_STATIONS, int(seconds * NIGHT_RATE))):
                await asyncio.sleep(max(0.0, start + n / NIGHT_RATE - time.monotonic()))
                keyed.append(asyncio.create_task(key(http, n)))
            await asyncio.gather(*keyed)
        return len(keyed)

    reads = (asyncio.to_thread(with_wrk, url, seconds) if tool == "wrk"
             else with_python(url, seconds))
    (rate, p99), written = await asyncio.gather(reads, writes())
    return rate, p99, written


async def sse_clients(base: str, token: str) -> tuple[float, int]:
    """Open SSE_CLIENTS streams, publish a release, and time until the last stream hears it."""
    ready, heard = asyncio.Event(), asyncio.Event()
    counts = {"open": 0, "heard": 0}
    when: list[float] = []

    async def listen() -> None:
        reader, writer = await asyncio.open_connection(HOST, int(base.rsplit(":", 1)[1]))
        writer.write(f"GET /api/events HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
        await writer.drain()
        while b"event: hello" not in await reader.readline():
            pass
        counts["open"] += 1
        if counts["open"] == SSE_CLIENTS:
            ready.set()
        while b"event: release" not in await reader.readline():
            pass
        when.append(time.perf_counter())
        counts["heard"] += 1
        if counts["heard"] == SSE_CLIENTS:
            heard.set()
        writer.close()

    tasks = [asyncio.create_task(listen()) for _ in range(SSE_CLIENTS)]
    await asyncio.wait_for(ready.wait(), 60)
    async with httpx2.AsyncClient() as client:
        published = time.perf_counter()
        (await client.post(f"{base}/api/releases", json={"name": "again"},
                           headers={"Authorization": f"Bearer {token}"})).raise_for_status()
    with contextlib.suppress(TimeoutError):  # a stream that never hears it shows in the count
        await asyncio.wait_for(heard.wait(), 10)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return (max(when) - published if when else float("nan")), counts["heard"]


def main() -> None:
    if httpx2 is None:
        raise SystemExit("benchmarks/api.py loads the service with httpx2: install the test "
                         "extra and start Redis first, as `make bench` does")
    seconds = int(os.environ.get("BENCH_SECONDS", "10"))
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        started = time.perf_counter()
        night(url)
        print(f"night ingested ({len(PLACES) * STATIONS_PER_PLACE} stations x {len(LISTS)} "
              f"lists): {time.perf_counter() - started:.1f} s")
        users = Users()
        users.add("publisher", Role.PUBLISHER, PASSWORD)
        users.add("clerk-a", Role.CLERK, PASSWORD)
        users.add("clerk-b", Role.CLERK, PASSWORD)
        users.save(Path(tmp) / "users.json")
        base, server = start("api", url, Path(tmp) / "users.json")
        try:
            national = f"{base}/api/results?level=national"
            httpx2.get(national).raise_for_status()
            tool = "wrk" if shutil.which("wrk") else "python"
            rate, p99 = (with_wrk(national, seconds) if tool == "wrk"
                         else asyncio.run(with_python(national, seconds)))
            print(f"cached national results ({tool}, 2 workers, {os.cpu_count()} cores): "
                  f"{rate:,.0f} req/s")
            print(f"cached national results p99: {p99:.1f} ms")
            token, *clerks = (httpx2.post(f"{base}/api/token", json={
                "username": name, "password": PASSWORD}).json()["access_token"]
                for name in ("publisher", "clerk-a", "clerk-b"))
            busy_rate, busy_p99, written = asyncio.run(reads_with_writes(
                base, national, seconds, (clerks[0], clerks[1]), tool))
            print(f"reads while clerks key {NIGHT_RATE * 3600:,.0f} sheets an hour: "
                  f"{busy_rate:,.0f} req/s, {written} sheets keyed twice")
            print(f"reads while keying p99: {busy_p99:.1f} ms ({busy_p99 / p99:.1f}x reads alone; "
                  "goal: within 2x)")
            latency, heard = asyncio.run(sse_clients(base, token))
            print(f"sse clients hearing a release: {heard} of {SSE_CLIENTS}")
            print(f"sse release to the last of {SSE_CLIENTS} clients: {1000 * latency:.0f} ms")
        finally:
            server.terminate()
            server.wait(15)


if __name__ == "__main__":
    main()
