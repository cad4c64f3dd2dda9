"""Who sits, audited over the API: from the candidates file the service was started with
(`candidates=true`) or one sent with the request (POST) — the very reports `majlis audit rla
… --candidates FILE --format json` prints for the same store and file; a mistake in the file is
a 422 naming its row and field, never a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from majlis import audit, data, publish
from majlis.errors import InputError
from majlis.tally import Source, Station, Store, VotingType
from majlis.web import create_app
from tests.audit.test_candidates_cli import CANDIDATES, LISTS, SEED, cli, genders, sheet
from tests.commands import majlis

from .conftest import signed_in

LIMIT = Fraction(1, 10)
STATIONS = 300


def night(path: Path, hand: int | None = None) -> str:
    """Muthanna with STATIONS stations alike (tests/audit/test_candidates_cli.py's, where the
    quarter of women binds to its last step), released; with `hand`, every station hand-counted
    with that many votes more for Sadiqoun's S-w1. The store's URL."""
    url = f"sqlite:///{path}"
    places = [Station(code=f"MUT-{i:03d}", centre=f"MUT-C{i}", constituency="Muthanna",
                      voting_type=VotingType.GENERAL, registered=1500) for i in range(STATIONS)]
    with Store(url) as store:
        store.init()
        store.register(places, [("Muthanna", p) for p in LISTS],
                       [("Muthanna", p, x) for p, xs in CANDIDATES.items() for x in xs])
        assert store.ingest([sheet(x.code, Source.MACHINE)
                             for x in places]).accepted == STATIONS
        if hand is not None:
            assert store.ingest([sheet(x.code, Source.MANUAL, moved=hand)
                                 for x in places]).accepted == STATIONS
        store.release("final")
    return url


@pytest.fixture(scope="module")
def muthanna(tmp_path_factory: pytest.TempPathFactory, users_file: Path
             ) -> Iterator[tuple[TestClient, str, Path]]:
    """The night with hand counts giving S-w1 15 more votes a station (55 against State of
    Law's L-w1's 50: the last woman's seat moves), the service started with the candidates
    file; built once, as no test here writes to it."""
    folder = tmp_path_factory.mktemp("muthanna")
    url, people = night(folder / "night.db", hand=15), genders(folder / "people.csv")
    with TestClient(create_app(url, "default", law="iraq-2025", users=users_file,
                               candidates=people)) as client:
        yield client, url, people


def test_served_candidates_plan_as_the_cli_prints_it(
        muthanna: tuple[TestClient, str, Path]) -> None:
    client, url, people = muthanna
    served = client.get("/api/audit/candidates")
    assert served.status_code == 200 and served.text == people.read_text(encoding="utf-8")
    assert served.headers["content-type"].startswith("text/csv")
    plan = client.get("/api/audit/rla/plan", params={"candidates": "true",
                                                     "risk_limit": "10%"})
    assert plan.status_code == 200, plan.text
    assert plan.json() == cli("plan", "--law", "iraq-2025", "--db", url, "--risk-limit", "10%",
                              "--candidates", str(people))
    with Store(url) as store:
        assert plan.json() == publish.plan_report(LIMIT, *publish.plan_store(
            store, data.law("iraq-2025"), LIMIT, genders=publish.genders_of(
                people.read_text(encoding="utf-8"), "people.csv"))[1:])
    by_name = {c["constituency"]: c for c in plan.json()["constituencies"]}
    named = by_name["Muthanna (candidates)"]
    who = {(a["winner"], a["loser"]): a for a in named["assertions"]}
    # the last woman's seat: State of Law's L-w1 (50 a station) above Sadiqoun's S-w1 (40)
    last = who["State of Law / L-w1", "Sadiqoun / S-w1"]
    assert Fraction(last["margin"]) == Fraction(4 * 10, 4 * 1100)
    assert last["kind"] == "candidate"
    # the tightest: Tasmim's woman seated by the lift (25) above its other (20), 5 in 1,100
    tight = min(named["assertions"], key=lambda a: Fraction(a["margin"]))
    assert (tight["winner"], tight["loser"]) == ("Tasmim / T-w1", "Tasmim / T-w2")
    assert Fraction(tight["margin"]) == Fraction(5, 1100)
    assert named["stations"] == STATIONS
    assert named["sample_size"] == tight["sample_size"] < STATIONS
    # each pair's sample as majlis.audit plans it from the stations' candidates' votes
    batches = [audit.Batch(station=f"MUT-{i:03d}", ballots=1100, votes={
        f"{p} / {x}": n for p, xs in CANDIDATES.items() for x, (_, n) in xs.items()})
        for i in range(STATIONS)]
    planned = audit.plan_comparison(named["constituency"], batches, [
        audit.Assertion(constituency="Muthanna", kind=audit.Kind.CANDIDATE, winner=a["winner"],
                        loser=a["loser"], for_winner=Fraction(1), for_loser=Fraction(1))
        for a in named["assertions"]], LIMIT)
    assert [a["sample_size"] for a in named["assertions"]] == [
        p.sample_size for p in planned.assertions]
    assert named["sample_size"] == planned.sample_size
    assert tight["sample_size"] > last["sample_size"] > min(
        a["sample_size"] for a in named["assertions"]) > 0
    # who sits: Tasmim's first woman in place of its fourth man (T-m4, compared above only
    # for the order that fixes Tasmim's women), State of Law's at the last step
    assert {(e["candidate"], e["via"]) for e in named["seated"]} == {
        ("Tasmim / T-m1", "votes"), ("Tasmim / T-m2", "votes"), ("Tasmim / T-m3", "votes"),
        ("Tasmim / T-w1", "women's quota"), ("Sadiqoun / S-m1", "votes"),
        ("Sadiqoun / S-m2", "votes"), ("State of Law / L-w1", "women's quota")}
    assert "Tasmim / T-m4" in {a["winner"] for a in named["assertions"]}
    assert "seated" not in by_name["Muthanna"]
    unknown = client.get("/api/audit/rla/plan", params={"candidates": "true",
                                                        "constituency": "Atlantis"})
    assert unknown.status_code == 422
    assert [p["field"] for p in unknown.json()["problems"]] == ["constituency"]
    # without `candidates`, the lists' seats alone
    plain = client.get("/api/audit/rla/plan").json()
    assert [c["constituency"] for c in plain["constituencies"]] == ["Muthanna"]


def test_served_and_sent_candidates_measure(muthanna: tuple[TestClient, str, Path]) -> None:
    client, url, people = muthanna
    measured = client.get("/api/audit/rla/measure", params={"seed": SEED, "candidates": "true"})
    assert measured.status_code == 200, measured.text
    assert measured.json() == cli("measure", "--law", "iraq-2025", "--seed", SEED, "--db", url,
                                  "--candidates", str(people))
    (named,) = [c for c in measured.json()["constituencies"]
                if c["constituency"] == "Muthanna (candidates)"]
    assert named["status"] == "refuted" and named["measured"] == STATIONS
    assert [a["assertion"] for a in named["assertions"] if a["status"] == "refuted"] == [
        "State of Law / L-w1 > Sadiqoun / S-w1"]
    text = people.read_text(encoding="utf-8")
    sent = client.post("/api/audit/rla/measure", json={"seed": SEED, "candidates": text})
    assert sent.status_code == 200 and sent.json() == measured.json()
    plan = client.post("/api/audit/rla/plan", json={
        "candidates": text, "risk_limit": "10%", "constituency": "Muthanna"})
    assert plan.status_code == 200 and plan.json() == client.get(
        "/api/audit/rla/plan", params={"candidates": "true", "risk_limit": "10%"}).json()


def test_polling_refuses_a_bad_file_naming_its_row(
        muthanna: tuple[TestClient, str, Path]) -> None:
    client, _, _ = muthanna
    bad = client.post("/api/audit/rla/polling", json={
        "constituency": "Muthanna", "ballots": [], "candidates": HEADER + "Muthanna,Tasmim,,X\n"})
    assert bad.status_code == 422, bad.text
    assert [(p["file"], p["line"], p["field"]) for p in bad.json()["problems"]] == [
        ("candidates", 2, "gender")]


def test_without_a_served_file(tmp_path: Path, users_file: Path) -> None:
    url = night(tmp_path / "night.db")
    with TestClient(create_app(url, "default", law="iraq-2025", users=users_file)) as client:
        staff = signed_in(client, "basim")
        for path in ("/api/audit/candidates", "/api/audit/rla/plan?candidates=true",
                     f"/api/audit/rla/measure?candidates=true&seed={SEED}",
                     "/api/audit/rla/polling?candidates=true&constituency=Muthanna"):
            answer = client.get(path, headers=staff)
            assert answer.status_code == 404, answer.text
            assert "--candidates" in answer.json()["detail"]


def test_a_bad_served_file_fails_the_start_naming_its_row(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("constituency,list,candidate,gender\nMuthanna,Tasmim,T-m1,M\n"
                      "Muthanna,Tasmim,T-w1,W\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        create_app(f"sqlite:///{tmp_path / 'night.db'}", "default", law="iraq-2025",
                   candidates=people)
    assert [(p.source, p.line, p.field) for p in raised.value.problems] == [
        (str(people), 3, "gender")]


HEADER = "constituency,list,candidate,gender\n"


@pytest.mark.parametrize(("text", "line", "field"), [
    ("name,gender\nT-m1,M\n", 1, "header"),
    (HEADER + "Muthanna,Tasmim,T-m1,M\nMuthanna,Tasmim,T-w1,woman\n", 3, "gender"),
    (HEADER + "Atlantis,Tasmim,T-m1,M\n", 2, "constituency"),  # no such constituency
    (HEADER + "Muthanna,,T-m1,M\n", 2, "constituency"),
    (HEADER + "Muthanna,Tasmim,T-m1,M\nMuthanna,Tasmim,T-m1,M\n", 3, "candidate"),
    (HEADER + "Muthanna,Tasmim," + "x" * 200_000 + ",M\n", 2, "row"),  # past csv's field limit
    (HEADER + "Muthanna,Tasmim,T-m1,M\n", None, "gender"),  # the others have none
])
def test_a_bad_sent_file_is_422_naming_row_and_field(
        muthanna: tuple[TestClient, str, Path], text: str, line: int | None,
        field: str) -> None:
    client, _, _ = muthanna
    for route, body in (("plan", {}), ("measure", {"seed": SEED})):
        answer = client.post(f"/api/audit/rla/{route}", json={"candidates": text, **body})
        assert answer.status_code == 422, answer.text
        assert [(p["line"], p["field"]) for p in answer.json()["problems"]] == [(line, field)]
        assert "Traceback" not in answer.text


@pytest.mark.parametrize(("body", "field"), [
    ({"candidates": ""}, "candidates"),
    ({"candidates": "x" * 2_000_001}, "candidates"),  # past MAX_CANDIDATES_FILE
    ({"candidates": HEADER, "risk_limit": "150%"}, "risk limit"),
    ({"candidates": HEADER, "law": "no-such-law"}, "law"),
    ({"candidates": HEADER, "people": "extra"}, "people"),
])
def test_a_bad_request_is_422_naming_the_field(muthanna: tuple[TestClient, str, Path],
                                              body: dict[str, object], field: str) -> None:
    client, _, _ = muthanna
    answer = client.post("/api/audit/rla/plan", json=body)
    assert answer.status_code == 422, answer.text
    assert any(field in p["field"] for p in answer.json()["problems"]), answer.json()


def test_a_huge_file_is_refused_unread(muthanna: tuple[TestClient, str, Path]) -> None:
    client, _, _ = muthanna
    answer = client.post("/api/audit/rla/plan", content=b'{"candidates": "' + b"x" * 9_000_000
                         + b'"}', headers={"Content-Type": "application/json"})
    assert answer.status_code == 413, answer.text


def test_the_cli_refuses_the_same_file_naming_the_same_row(
        muthanna: tuple[TestClient, str, Path], tmp_path: Path) -> None:
    """One reader for both: `--candidates` with a constituency the election does not have
    exits 2 with FILE:LINE: field: message, as the API answers 422."""
    _, url, _ = muthanna
    people = tmp_path / "people.csv"
    people.write_text(HEADER + "Muthanna,Tasmim,T-m1,M\nMuthana,Tasmim,T-m2,M\n",
                      encoding="utf-8")
    run = majlis("audit", "rla", "plan", "--law", "iraq-2025", "--db", url, "--candidates",
                 people)
    assert run.returncode == 2, run.stderr
    assert (f"{people}:3: constituency: 'Muthana': no such constituency in this election"
            in run.stderr)
