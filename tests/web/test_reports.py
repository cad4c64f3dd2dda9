"""The representation reports of a release, from the API: the indices against the seats the
same release shows, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import io
from fractions import Fraction

import pyarrow.parquet as pq
from fastapi.testclient import TestClient

from .test_read import publish


def test_representation_of_a_release_agrees_with_its_national_seats(client: TestClient) -> None:
    assert client.get("/api/representation").json() == []  # nothing released yet
    publish(client)
    rows = {r["constituency"]: r for r in client.get("/api/representation").json()}
    seats = client.get("/api/seats").json()  # national: votes and seats per list
    votes = {r["list"]: r["votes"] for r in seats}
    won = {r["list"]: r["seats"] for r in seats}
    v, s = sum(votes.values()), sum(won.values())
    house = rows["*"]
    assert (house["votes"], house["seats"]) == (v, s)
    gaps = [Fraction(votes[p], v) - Fraction(won[p], s) for p in votes]
    assert house["loosemore_hanby_exact"] == str(sum(map(abs, gaps)) / 2)
    assert house["gallagher_squared_exact"] == str(sum(g * g for g in gaps) / 2)
    assert house["enp_seats_exact"] == str(1 / sum(Fraction(n, s) ** 2 for n in won.values()))
    assert house["wasted"] == sum(n for p, n in votes.items() if not won[p])
    assert set(rows) - {"*"} == {r["constituency"] for r in client.get(
        "/api/seats", params={"level": "constituency"}).json()}
    table = client.get("/api/representation.csv").text.splitlines()
    assert table[0].startswith("constituency,votes,seats,gallagher,loosemore_hanby")
    # the example night has no candidates and no reserved contests: empty reports, not errors
    assert client.get("/api/women").json() == [] and client.get("/api/minorities").json() == []
    assert client.get("/api/representation", params={"law": "no-such-law"}).status_code == 422


def test_a_release_table_exported_from_the_api_reads_back_to_its_results(
        client: TestClient) -> None:
    assert client.get("/api/export/votes").status_code == 404  # nothing released yet
    publish(client)
    results = {(r["constituency"], r["list"]): r["votes"] for r in client.get(
        "/api/seats", params={"level": "constituency"}).json()}
    answer = client.get("/api/export/votes", params={"format": "parquet", "release": 1})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/vnd.apache.parquet"
    assert 'filename="release-1-votes.parquet"' in answer.headers["content-disposition"]
    rows = pq.read_table(io.BytesIO(answer.content)).to_pylist()
    exported: dict[tuple[str, str], int] = {}
    for r in rows:
        key = (r["constituency"], r["list"])
        exported[key] = exported.get(key, 0) + r["votes"]
    assert exported == results
    head = client.get("/api/export/release").text.splitlines()
    assert head[0] == "number,name,created_at,author,digest" and head[1].startswith("1,")
    assert client.get("/api/export/ballots").status_code == 422
    assert client.get("/api/export/votes", params={"release": 7}).status_code == 404
