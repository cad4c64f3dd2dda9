"""`majlis audit rla polling` on a store: an SNTV seat reserved for a community (Christian,
Baghdad, under the 2025 law), its margins exact from the sheets, the ballots to draw, and the
test over ballots drawn so far — confirming the winner's lead, or asking for more."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from majlis.cli import app
from majlis.errors import InputError
from majlis.tally import Source, Station, Store, TallySheet, VotingType

SEAT = "Christian (Baghdad)"
VOTES = {"Rayan": 300, "Yonadam": 180, "Wilson": 60}  # per station, and 10 invalid


@pytest.fixture
def store(tmp_path: Path) -> str:
    """Six stations of the contest, each counted by its machine."""
    url = f"sqlite:///{tmp_path / 'night.db'}"
    stations = [Station(code=f"CB-{i:02d}", centre=f"CB-C{i // 2}", constituency=SEAT,
                        voting_type=VotingType.GENERAL, registered=900) for i in range(6)]
    with Store(url) as s:
        s.init()
        s.register(stations, [(SEAT, name) for name in VOTES])
        report = s.ingest([TallySheet(
            station=x.code, source=Source.MACHINE, received_at="2025-11-11T19:00",
            received_by="PCOS", ballots_received=900, cast=550, valid=540, invalid=10,
            spoiled=0, unused=350, votes=VOTES) for x in stations])
        assert report.accepted == 6
    return url


def poll(url: str, *args: str) -> dict[str, object]:
    run = CliRunner().invoke(app, ["audit", "rla", "polling", "--law", "iraq-2025",
                                   "--constituency", SEAT, "--db", url, "--format", "json",
                                   *args])
    assert run.exit_code == 0, run.output
    found: dict[str, object] = json.loads(run.stdout)
    return found


def ballots(path: Path, drawn: dict[str, int]) -> Path:
    """Ballots in a drawn order: the counts given, interleaved as a shuffled draw would be."""
    queue = [name for name, n in drawn.items() for _ in range(n)]
    order = sorted(range(len(queue)), key=lambda i: (i * 7919) % len(queue))
    path.write_text("\n".join(queue[i] for i in order) + "\n", encoding="utf-8")
    return path


def test_the_plan_of_an_sntv_seat(store: str) -> None:
    plan = poll(store, "--risk-limit", "5%", "--seed", "1")
    assert (plan["ballots"], plan["invalid"], plan["drawn"]) == (3_300, 60, 0)
    rows = {a["loser"]: a for a in plan["assertions"]}  # type: ignore[union-attr]
    assert {a["winner"] for a in rows.values()} == {"Rayan"}
    # the plurality assorter's margin is (winner − loser) ÷ ballots
    assert Fraction(rows["Yonadam"]["margin"]) == Fraction(6 * 120, 3_300)
    assert Fraction(rows["Wilson"]["margin"]) == Fraction(6 * 240, 3_300)
    assert 0 < rows["Wilson"]["sample_size"] < rows["Yonadam"]["sample_size"] < 3_300
    assert rows["Wilson"]["status"] is None  # nothing drawn yet


def test_ballots_drawn_confirm_or_ask_for_more(store: str, tmp_path: Path) -> None:
    as_reported = poll(store, "--ballots", str(ballots(tmp_path / "a.txt", {
        "Rayan": 330, "Yonadam": 180, "Wilson": 60, "invalid": 10})))
    rows = {a["loser"]: a for a in as_reported["assertions"]}  # type: ignore[union-attr]
    assert as_reported["drawn"] == 580
    assert rows["Wilson"]["status"] == "confirmed" and rows["Wilson"]["risk"] < 0.05
    assert rows["Yonadam"]["status"] == "confirmed"
    against = poll(store, "--ballots", str(ballots(tmp_path / "b.txt", {
        "Rayan": 40, "Yonadam": 60, "Wilson": 10})))
    rows = {a["loser"]: a for a in against["assertions"]}  # type: ignore[union-attr]
    assert rows["Yonadam"]["status"] == "keep-sampling" and rows["Yonadam"]["risk"] > 0.05


def test_a_ballot_for_nobody_standing_is_refused(store: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("Rayan\nNobody\n", encoding="utf-8")
    run = CliRunner().invoke(app, ["audit", "rla", "polling", "--law", "iraq-2025",
                                   "--constituency", SEAT, "--db", store, "--ballots", str(path)])
    # `majlis` (main) prints it as `polling: ballots: …` and exits 2, as every InputError
    assert isinstance(run.exception, InputError)
    assert str(run.exception.problems[0]) == (
        "polling: ballots: Nobody: not standing in Christian (Baghdad)")
