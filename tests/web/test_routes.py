"""A route is a plain function over its dependencies (#17): replace one and the route runs on
what it gives — here a signed-in viewer without a token."""

from __future__ import annotations

from fastapi.testclient import TestClient

from majlis.web import Role, create_app
from majlis.web._auth import User  # private: the dependency is replaced by identity
from majlis.web._service import viewer


def test_a_route_runs_on_the_viewer_its_dependency_gives(night: str) -> None:
    app = create_app(night, "default", law="iraq-2025")
    asked = {"release": "live", "level": "national"}
    with TestClient(app) as client:
        assert client.get("/api/results", params=asked).status_code == 401
        app.dependency_overrides[viewer] = lambda: User(name="amal", role=Role.CLERK)
        live = client.get("/api/results", params=asked).json()
        app.dependency_overrides[viewer] = lambda: None
        assert client.get("/api/results", params=asked).status_code == 401
    assert [(r["list"], r["votes"]) for r in live][:1] == [("Tasmim", 320)]
