"""What every answer carries and every request keeps to: the content policy, no sniffing, no
framing, staff answers kept by no cache, bodies bounded, /docs without a CDN, and every error in
the one documented shape."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import httpx2
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, expect

from majlis.web import create_app

from .conftest import serving, signed_in
from .test_dashboard import REFUSED
from .test_read import publish

MiB = 1024 * 1024


def assert_guarded(headers: httpx2.Headers) -> None:
    policy = headers.get("content-security-policy", "")
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("x-frame-options") == "DENY"


def assert_error_shape(answer: httpx2.Response, status: int) -> dict[str, object]:
    """The documented error body: a detail a person reads, and the problems (maybe none)."""
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == {"detail", "problems"}
    assert isinstance(body["detail"], str) and body["detail"]
    return dict(body)


def test_every_answer_carries_the_content_policy_nosniff_and_no_framing(
        client: TestClient) -> None:
    for path in ("/", "/static/app.js", "/static/app.css", "/api/results", "/api/results.csv",
                 "/openapi.json", "/nowhere", "/api/releases/9"):
        answer = client.get(path)
        assert answer.status_code in (200, 404), path
        assert_guarded(answer.headers)


def test_staff_answers_are_private_and_the_publics_are_public(client: TestClient) -> None:
    publish(client)
    public = client.get("/api/results")
    assert public.headers["cache-control"] == "public, max-age=5"
    supervisor = signed_in(client, "basim")
    for path, params in (("/api/results", {"release": "live"}), ("/api/quarantine", {}),
                         ("/api/stations/B-001-02/history", {}), ("/api/results", {})):
        answer = client.get(path, params=params, headers=supervisor)
        assert answer.status_code == 200, path
        assert answer.headers["cache-control"] == "private, no-store", path
        again = client.get(path, params=params,
                           headers={**supervisor, "If-None-Match": answer.headers["etag"]})
        assert again.status_code == 304
        assert again.headers["cache-control"] == "private, no-store", path
    token = client.post("/api/token", json={"username": "basim", "password": "wrong one"})
    assert token.headers["cache-control"] == "private, no-store"


def test_not_found_and_wrong_method_answer_in_the_documented_shape(client: TestClient) -> None:
    assert assert_error_shape(client.get("/nowhere"), 404)["problems"] == []
    assert_error_shape(client.get("/static/nothing.js"), 404)
    wrong = client.delete("/api/results")
    assert_error_shape(wrong, 405)
    assert wrong.headers["allow"] == "GET"
    assert_error_shape(client.post("/api/sheets", content=b"[" * 100_000,
                                   headers={"Content-Type": "application/json"}), 400)


def test_a_body_past_the_limit_is_413_by_its_length_and_a_body_within_it_is_read(
        client: TestClient) -> None:
    big = json.dumps({"username": "amal", "password": "x" * (9 * MiB)})
    refused = client.post("/api/token", content=big, headers={"Content-Type": "application/json"})
    assert "8,388,608 bytes" in assert_error_shape(refused, 413)["detail"]
    assert_guarded(refused.headers)
    within = json.dumps({"username": "amal", "password": "x" * (7 * MiB)})
    read = client.post("/api/token", content=within, headers={"Content-Type": "application/json"})
    assert read.status_code == 422  # read, and refused by the model: at most 1,000 characters


def test_a_chunked_body_is_refused_while_it_streams_and_never_read_whole(
        night: str, users_file: Path) -> None:
    app = create_app(night, "default", users=users_file)
    pulled: list[int] = []
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:  # a client that would send 100 MiB, 1 MiB at a time
        pulled.append(MiB)
        return {"type": "http.request", "body": b"x" * MiB, "more_body": len(pulled) < 100}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": "/api/sheets", "raw_path": b"/api/sheets",
             "root_path": "", "query_string": b"", "client": ("127.0.0.1", 1),
             "server": ("127.0.0.1", 80),
             "headers": [(b"content-type", b"application/json"),
                         (b"transfer-encoding", b"chunked")]}
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 413
    assert len(pulled) == 9  # 9 MiB read, then refused: never the 100
    assert json.loads(str(sent[1]["body"], "utf-8"))["problems"] == []


def test_docs_load_their_scripts_from_the_service_itself(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert not re.search(r"(src|href)=\"(https?:)?//", page.text)  # no other host, no CDN
    assets = re.findall(r"(?:src|href)=\"(/[^\"]+)\"", page.text)
    assert {a.rsplit("/", 1)[-1] for a in assets} == {
        "swagger-ui-bundle.js", "swagger-ui.css", "favicon.png"}
    for asset in assets:
        loaded = client.get(asset)
        assert loaded.status_code == 200, asset
        assert len(loaded.content) > 1000
    assert "'sha256-" in page.headers["content-security-policy"]
    assert client.get("/redoc").status_code == 404  # it would load from a CDN


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_docs_render_in_chromium_within_the_policy(browser: Browser, night: str,
                                                   users_file: Path) -> None:
    with serving(create_app(night, "default", law="iraq-2025", users=users_file)) as base:
        page = browser.new_page()
        page.add_init_script(REFUSED)
        outside: list[str] = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base)
                and not r.url.startswith("data:") else None)
        page.goto(f"{base}/docs")
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("majlis")
        expect(page.locator(".opblock-summary-path").first).to_be_visible()
        assert page.evaluate("window.refused") == []
        assert outside == []
        page.close()
