"""A deployment on one host: `majlis serve --workers 2` on the real PostgreSQL and Redis, its
health, readiness and metrics; readiness refusing a store or a Redis it cannot use."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx2
from fastapi.testclient import TestClient

from majlis.tally import Store
from majlis.web import create_app

from .conftest import PASSWORD, example, free_port, postgres_schema, register
from .test_live import REDIS, events, publish

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def served(log: Path, *args: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`majlis serve ARGS` on a free port of 127.0.0.1, answering /health, its output in `log`;
    its URL and process, stopped (every worker with it) at the end."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with log.open("wb") as output:
        server = subprocess.Popen([sys.executable, "-m", "majlis", "serve", *args, "--host",
                                   "127.0.0.1", "--port", str(port)], env=env,
                                  stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90  # two workers importing majlis on a busy machine
        while True:
            try:
                if httpx2.get(f"{base}/health", timeout=5).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the service did not start"
            time.sleep(0.2)
        yield base, server
    finally:
        server.terminate()
        server.wait(20)


def parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat[stat.rindex(")") + 2:].split()[1])


def metric(text: str, sample: str) -> float:
    """The value of one sample (`name{labels}`) in Prometheus's text format."""
    found = re.search(rf"^{re.escape(sample)} (\S+)$", text, flags=re.M)
    assert found, f"no {sample} in:\n{text}"
    return float(found.group(1))


def test_two_workers_serve_one_address_on_postgresql_and_redis(users_file: Path,
                                                              tmp_path: Path) -> None:
    election = f"deploy-{uuid.uuid4().hex[:8]}"  # a Redis channel of its own
    with postgres_schema() as url:
        with Store(url, election) as store:
            store.init()
            head = store.revisions()[1]
        register(url, election)
        with Store(url, election) as store:
            store.ingest(example("sheets.csv").sheets)
        with served(tmp_path / "serve.log", "--workers", "2", "--db", url, "--election",
                    election, "--law", "iraq-2025", "--redis", REDIS, "--users",
                    str(users_file)) as (base, server):
            ready = httpx2.get(f"{base}/ready")
            assert ready.status_code == 200, ready.text
            assert ready.json()["checks"] == {
                "database": {"ok": True, "detail": "reachable"},
                "schema": {"ok": True, "detail": f"at {head}, the head"},
                "redis": {"ok": True, "detail": "reachable"}}

            def alive(_: int) -> int:  # a connection of its own each time
                answer = httpx2.get(f"{base}/health", headers={"Connection": "close"})
                assert answer.status_code == 200
                return int(answer.json()["worker"])

            workers: set[int] = set()
            asked = 0
            with ThreadPoolExecutor(8) as pool:
                while len(workers) < 2 and asked < 2000:
                    workers |= set(pool.map(alive, range(40)))
                    asked += 40
            assert len(workers) == 2, workers
            assert server.pid not in workers
            assert {parent_of(pid) for pid in workers} == {server.pid}

            # a token signed by one worker is accepted by the other: they share one secret
            token = httpx2.post(f"{base}/api/token", json={
                "username": "amal", "password": PASSWORD}).json()["access_token"]
            live = [httpx2.get(f"{base}/api/results", params={"release": "live",
                                                             "level": "national"},
                               headers={"Authorization": f"Bearer {token}",
                                        "Connection": "close"}) for _ in range(12)]
            assert {a.status_code for a in live} == {200}
            assert [(r["list"], r["votes"]) for r in live[0].json()][:1] == [("Tasmim", 320)]

            # signed out through one worker, the token is refused by both: the store says so
            assert httpx2.delete(f"{base}/api/token", headers={
                "Authorization": f"Bearer {token}"}).status_code == 204
            gone = [httpx2.get(f"{base}/api/results", params={"release": "live"},
                               headers={"Authorization": f"Bearer {token}",
                                        "Connection": "close"}) for _ in range(12)]
            assert {a.status_code for a in gone} == {401}
            assert gone[0].json()["detail"].startswith("the token was revoked")

            # a release published through whichever worker reaches a page open on either
            with httpx2.stream("GET", f"{base}/api/events", timeout=20) as stream:
                heard = events(stream)
                assert next(heard) == ("hello", {"latest": 0})
                assert metric(httpx2.get(f"{base}/metrics").text, "majlis_event_streams") == 1
                publish(base, "first results")
                kind, release = next(heard)
            assert (kind, release["number"], release["name"]) == ("release", 1, "first results")

            scraped = httpx2.get(f"{base}/metrics")
            assert scraped.headers["content-type"].startswith("text/plain")
            text = scraped.text
    # every worker's requests, summed, whichever worker answered the scrape
    assert metric(text, 'majlis_http_requests_total{method="GET",route="/health",'
                        'status="200"}') >= asked
    assert metric(text, 'majlis_http_requests_total{method="GET",route="/ready",'
                        'status="200"}') == 1
    assert metric(text, 'majlis_http_requests_total{method="GET",route="/api/results",'
                        'status="200"}') == 12
    assert metric(text, 'majlis_http_requests_total{method="GET",route="/api/results",'
                        'status="401"}') == 12
    assert metric(text, 'majlis_http_requests_total{method="POST",route="/api/releases",'
                        'status="201"}') == 1
    assert metric(text, 'majlis_http_request_duration_seconds_count{method="GET",'
                        'route="/api/results"}') == 24
    assert metric(text, "majlis_releases") == 1


def test_readiness_names_what_is_not_ready(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tally.db'}"
    with TestClient(create_app(url, "default", redis_url="redis://127.0.0.1:1/0")) as client:
        assert client.get("/health").json() == {"alive": True, "worker": os.getpid()}
        ready = client.get("/ready")
        assert ready.status_code == 503
        assert ready.headers["cache-control"] == "no-store"
        assert ready.json()["checks"] == {
            "database": {"ok": True, "detail": "reachable"},
            "schema": {"ok": False, "detail": "not initialised: run `majlis db init`"},
            "redis": {"ok": False, "detail": "not reachable: releases reach this worker's "
                                             "readers by re-reading the store"}}
    assert not (tmp_path / "tally.db").exists()  # asking did not make a store
    Store(url).init()
    with TestClient(create_app(url, "default", redis_url="redis://127.0.0.1:1/0")) as client:
        ready = client.get("/ready")  # Redis down alone keeps the worker in the load balancer
        assert ready.status_code == 200, ready.text
        assert ready.json()["ready"] is True
        assert ready.json()["checks"]["redis"]["ok"] is False


def test_readiness_fails_while_the_database_is_unreachable_and_health_holds() -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test?connect_timeout=2"
    with TestClient(create_app(url, "default")) as client:
        assert client.get("/health").status_code == 200
        ready = client.get("/ready")
        assert ready.status_code == 503
        checks = ready.json()["checks"]
        assert checks["database"]["ok"] is False
        assert re.fullmatch(r"not reachable \(incident [0-9a-f]{8}\)",
                            checks["database"]["detail"])
        assert "127.0.0.1" not in ready.text
        assert checks["redis"] == {"ok": True, "detail": "not configured"}


def test_metrics_count_each_request_by_route_and_status(night: str) -> None:
    with TestClient(create_app(night, "default", law="iraq-2025")) as client:
        def count(route: str, status: int) -> float:
            text = client.get("/metrics").text
            found = re.search(rf'^majlis_http_requests_total\{{method="GET",route="{route}",'
                              rf'status="{status}"\}} (\S+)$', text, flags=re.M)
            return float(found.group(1)) if found else 0.0
        before = count("/api/releases/{number}", 404), count("unmatched", 404)
        for number in (7, 8, 9):
            assert client.get(f"/api/releases/{number}").status_code == 404
        assert client.get("/no/such/page").status_code == 404
        after = count("/api/releases/{number}", 404), count("unmatched", 404)
    assert (after[0] - before[0], after[1] - before[1]) == (3, 1)


def connection_owner(candidates: set[int], server_port: int, client_port: int) -> int:
    """The process among `candidates` that holds the server side of our TCP connection."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = (int(a.split(":")[1], 16) for a in fields[1:3])
        if (local, remote) == (server_port, client_port):
            inodes.add(f"socket:[{fields[9]}]")
    owners = {pid for pid in candidates for fd in Path(f"/proc/{pid}/fd").iterdir()
              if os.readlink(fd) in inodes}
    assert len(owners) == 1, (owners, inodes)
    return owners.pop()


def test_a_worker_killed_mid_request_is_replaced_and_the_address_keeps_serving(
        night: str, users_file: Path, tmp_path: Path) -> None:
    with served(tmp_path / "serve.log", "--workers", "2", "--db", night, "--users",
                str(users_file)) as (base, server):
        port = int(base.rsplit(":", 1)[1])
        workers = {pid for pid in map(int, Path(f"/proc/{server.pid}/task/{server.pid}/children")
                                      .read_text().split())
                   if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()}
        with socket.create_connection(("127.0.0.1", port)) as page:
            page.sendall(b"GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            heard = b""
            while b"event: hello" not in heard:
                heard += page.recv(4096)
            victim = connection_owner(workers, port, page.getsockname()[1])
            assert metric(httpx2.get(f"{base}/metrics").text, "majlis_event_streams") == 1
            os.kill(victim, signal.SIGKILL)  # mid-request: its page is still open
            page.settimeout(10)
            rest = b""
            while chunk := page.recv(4096):
                rest += chunk
            assert b"event: release" not in rest  # the page is told by its stream ending
        seen: set[int] = set()
        deadline = time.monotonic() + 60
        while not seen - workers and time.monotonic() < deadline:
            answer = httpx2.get(f"{base}/health", headers={"Connection": "close"})
            assert answer.status_code == 200  # the other worker serves meanwhile
            seen.add(answer.json()["worker"])
            time.sleep(0.05)
        replacement = seen - workers
        assert replacement, "no worker replaced the one killed"
        assert victim not in seen
        assert {parent_of(pid) for pid in replacement} == {server.pid}
        assert httpx2.get(f"{base}/ready").status_code == 200
        text = httpx2.get(f"{base}/metrics").text
    assert metric(text, "majlis_event_streams") == 0  # the dead worker's stream is forgotten
    # what the dead worker counted stays in the sums: its stream was timed to its headers
    # (a request is counted in majlis_http_requests_total when it ends, which this one never did)
    assert metric(text, 'majlis_http_request_duration_seconds_count{method="GET",'
                        'route="/api/events"}') == 1
    assert 'route="/api/events",status=' not in text
