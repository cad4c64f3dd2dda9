"""The NIST SP 1500-100 Common Data Format export: valid against the published schema, every
reference resolving to an object of the type the schema names, and every count the release's.

The schema is NIST's own file, bundled verbatim in `tests/publish/nist/` (see its README).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from majlis import publish
from majlis.cli import app
from majlis.law import allocate
from majlis.tally import ConstituencyCount, Release, national
from majlis.web import create_app

from .conftest import LAW, replayed

# one worker builds the replayed night once for every test here (pytest -n … --dist loadgroup)
pytestmark = pytest.mark.xdist_group("test_cdf")

SCHEMA = json.loads((Path(__file__).parent / "nist" / "NIST_V2_election_results_reporting.json")
                    .read_text(encoding="utf-8"))
DEFINITIONS: dict[str, Any] = SCHEMA["definitions"]
# Two general constituencies and two reserved single seats (Iraq 2025's Feyli and Sabean seats).
PLACES = ("Karbala", "Muthanna", "Feyli (Wasit)", "Sabean-Mandaean (Baghdad)")
DAY = date(2025, 11, 11)
VOTING_TYPES = {value: kind for kind, value in publish.COUNT_ITEM_TYPES.items()
                if kind != "election-day"}  # Norway's day; Iraq's is general


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[Release]]:
    return replayed(tmp_path_factory.mktemp("cdf"), PLACES)


def report_of(release: Release) -> dict[str, Any]:
    return publish.release_cdf(release, election="default", polling_day=DAY, law=LAW,
                               law_name="iraq-2025", country="Iraq")


def objects(value: object) -> Iterator[dict[str, Any]]:
    """Every object of the report, depth first."""
    if isinstance(value, dict):
        yield value
        for inner in value.values():
            yield from objects(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from objects(inner)


def references(obj: dict[str, Any]) -> Iterator[tuple[str, str, list[str]]]:
    """Each reference an object makes — (property, @id referred to, the types the schema allows
    there) — found from the schema's `refTypes`, not from a list kept here."""
    properties = DEFINITIONS[obj["@type"]]["properties"]
    for key, value in obj.items():
        spec = properties[key]
        allowed = spec.get("refTypes") or spec.get("items", {}).get("refTypes")
        if allowed:
            for target in value if isinstance(value, list) else [value]:
                yield key, target, allowed


def validate(report: dict[str, Any]) -> None:
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(report)
    assert datetime.fromisoformat(report["GeneratedDate"]).tzinfo is not None


def test_the_report_passes_the_nist_schema_and_its_references_resolve(
        night: tuple[str, list[Release]]) -> None:
    _, releases = night
    for release in releases:
        report = report_of(release)
        validate(report)
        found = [o for o in objects(report) if "@id" in o]
        ids = {o["@id"]: o["@type"] for o in found}
        assert len(ids) == len(found)  # every @id once
        checked = 0
        for obj in objects(report):
            for key, target, allowed in references(obj):
                assert ids.get(target) in allowed, (obj["@type"], key, target)
                checked += 1
        assert checked > 50


def test_every_count_is_the_release_s_list_by_list(night: tuple[str, list[Release]]) -> None:
    _, releases = night
    release = releases[3]
    report = report_of(release)
    assert report["Status"] == "unofficial-partial"
    assert report["GeneratedDate"] == release.created_at
    assert {(x["OtherType"], x["Value"]) for x in report["ExternalIdentifier"]} == {
        ("majlis-release", "4"), ("release-digest", release.digest)}
    lists = {p["@id"]: p["ExternalIdentifier"][0]["Value"] for p in report["Party"]}
    units = {u["@id"]: u for u in report["GpUnit"]}
    seats = allocate(LAW.election({c.name: c.votes for c in release.results}), LAW)
    (election,) = report["Election"]
    assert (election["StartDate"], units[election["ElectionScopeId"]]["Name"]) == (
        "2025-11-11", "Iraq")
    counts = {c.name: c for c in release.results}
    assert [contest["Name"] for contest in election["Contest"]] == list(counts)
    for contest in election["Contest"]:
        c = counts[contest["Name"]]
        unit = units[contest["ElectoralDistrictId"]]
        assert unit["Name"] == c.name
        assert unit["OtherType"] == ("reserved-seats" if c.name in LAW.reserved
                                     else "constituency")
        assert (contest["SubUnitsReported"], contest["TotalSubUnits"]) == (c.counted, c.stations)
        (elected,) = contest["ExternalIdentifier"]
        assert (elected["OtherType"], int(elected["Value"])) == ("number-elected",
                                                                 LAW.magnitudes[c.name])
        assert contest["VoteVariation"] == ("plurality" if c.name in LAW.reserved
                                            else "proportional")
        by_type: dict[str, dict[str, int]] = {}
        total: dict[str, int] = {}
        won: dict[str, int] = {}
        for selection in contest["BallotSelection"]:
            (list_name,) = selection["PartyIds"]
            name = lists[list_name]
            for n in selection["VoteCounts"]:
                assert n["GpUnitId"] == unit["@id"]
                key = n.get("OtherType", n["Type"])
                if key == "total":
                    total[name] = n["Count"]
                elif key == "seats-won":
                    won[name] = n["Count"]
                else:
                    by_type.setdefault(VOTING_TYPES.get((n["Type"], n.get("OtherType", "")),
                                                        key), {})[name] = n["Count"]
        assert by_type == c.by_voting_type
        assert total == c.votes
        assert won == {p: seats.seats_in(c.name).get(p, 0) for p in c.votes}
    assert sum(sum(n["Count"] for s in contest["BallotSelection"] for n in s["VoteCounts"]
                   if n.get("OtherType") == "seats-won") for contest in election["Contest"]) \
        == sum(seats.totals().values()) == sum(LAW.magnitudes[p] for p in counts)


def test_lists_are_named_in_english_and_arabic_with_the_dashboard_s_colour(
        night: tuple[str, list[Release]]) -> None:
    _, releases = night
    report = report_of(releases[3])
    styles = {s.name: s for s in publish.style_lists(national(releases[3].results).votes,
                                                     "default", "iraq-2025")}
    named = 0
    for list_name in report["Party"]:
        style = styles[list_name["ExternalIdentifier"][0]["Value"]]
        texts = {t["Language"]: t["Content"] for t in list_name["Name"]["Text"]}
        assert list_name["Color"] == style.colour[1:]
        if style.name_ar:
            assert texts == {"en": style.name, "ar": style.name_ar}
            named += 1
    assert named >= 5


def test_a_complete_release_without_tables_or_law() -> None:
    """Every station counted: complete; names no table knows keep their script's language
    (Arabic letters: `ar`; else undetermined); no seats without a law."""
    release = Release(number=2, name="all counted", created_at="2025-11-13T09:00:00+03:00",
                      digest="cd" * 32, results=(
        ConstituencyCount(name="بغداد", stations_by_type={"general": 2, "out-of-country": 1},
                          counted_by_type={"general": 2, "out-of-country": 1},
                          by_voting_type={"general": {"قائمة أ": 9, "List B": 4},
                                          "out-of-country": {"List B": 3_000_000_000}}),))
    report = publish.release_cdf(release, election="default", polling_day=DAY)
    validate(report)
    assert report["Status"] == "unofficial-complete"
    names = [p["Name"]["Text"] for p in report["Party"]]
    assert [[(t["Language"], t["Content"]) for t in n] for n in names] == [
        [("und", "List B")], [("ar", "قائمة أ")]]
    (contest,) = report["Election"][0]["Contest"]
    assert "ExternalIdentifier" not in contest
    b = contest["BallotSelection"][0]["VoteCounts"]
    assert [(n["Type"], n.get("OtherType"), n["Count"]) for n in b] == [
        ("election-day", None, 4), ("other", "out-of-country", 3_000_000_000),
        ("total", None, 3_000_000_004)]
    assert {s["Status"] for s in contest["CountStatus"]} == {"completed"}
    text = publish.encode_cdf(report).decode("utf-8")
    assert "قائمة أ" in text and json.loads(text) == report


def test_the_command_and_the_route_write_the_report(night: tuple[str, list[Release]],
                                                     tmp_path: Path) -> None:
    url, releases = night
    expected = publish.release_cdf(releases[3], election="default",
                                   polling_day=datetime.fromisoformat(
                                       releases[0].created_at).date(),
                                   law=LAW, law_name="iraq-2025")
    ran = CliRunner().invoke(app, ["export", "--db", url, "--law", "iraq-2025", "--release", "4",
                                   "--format", "cdf", "--out", str(tmp_path / "out")])
    assert ran.exit_code == 0, ran.output
    assert json.loads((tmp_path / "out" / "cdf.json").read_text(encoding="utf-8")) == expected
    dated = CliRunner().invoke(app, ["export", "--db", url, "--release", "1", "--format", "cdf",
                                     "--polling-day", "2025-11-11", "--country", "Iraq",
                                     "--out", str(tmp_path / "plain")])
    assert dated.exit_code == 0, dated.output
    plain = json.loads((tmp_path / "plain" / "cdf.json").read_text(encoding="utf-8"))
    assert plain == publish.release_cdf(releases[0], election="default", polling_day=DAY,
                                        country="Iraq")
    with TestClient(create_app(url, "default", law="iraq-2025")) as client:
        got = client.get("/api/export/cdf", params={"release": "4"})
        assert got.status_code == 200 and got.json() == expected
        assert got.headers["content-type"] == "application/json"
        assert client.get("/api/export/cdf", params={"release": "9"}).status_code == 404
        colours = {x["name"]: x["colour"][1:] for x in client.get(
            "/api/lists", params={"release": "4"}).json()}
        assert {p["ExternalIdentifier"][0]["Value"]: p["Color"] for p in expected["Party"]} \
            == colours  # the dashboard's
        votes = client.get("/api/export/votes", params={"release": "4"})
        assert votes.status_code == 200 and votes.text.startswith("constituency,")
