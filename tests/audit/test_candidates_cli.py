"""`majlis audit rla plan | measure | polling --candidates` on a store: who sits audited from
the candidates' votes on the sheets, the women's rule included — Muthanna's open lists under
the 2025 law, where the quarter of women binds down to its last step, and an SNTV council
constituency with one seat in four for a woman."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from majlis.cli import app
from majlis.errors import InputError
from majlis.tally import Source, Station, Store, TallySheet, VotingType

SEED = "2025-11-12 lottery 4 17 23"
# Per station (four alike): lists' votes, then candidates' (gender, votes). Seats (1.7
# Sainte-Laguë, 7): Tasmim 4, Sadiqoun 2, State of Law 1, all to men by votes. Two women are
# required (7 ÷ 4, rounded half up): the lift to seats ÷ 4 seats Tasmim's first woman in place
# of its fourth man; ÷ 3 adds none; the last woman is the best-voted waiting one of any list
# still seating a man — State of Law's (50), above Sadiqoun's (40) and Tasmim's second (20).
LISTS = {"Tasmim": 600, "Sadiqoun": 300, "State of Law": 180}
CANDIDATES = {
    "Tasmim": {"T-m1": ("M", 200), "T-m2": ("M", 150), "T-m3": ("M", 100), "T-m4": ("M", 60),
               "T-m5": ("M", 30), "T-w1": ("F", 25), "T-w2": ("F", 20)},
    "Sadiqoun": {"S-m1": ("M", 120), "S-m2": ("M", 80), "S-w1": ("F", 40), "S-m3": ("M", 30),
                 "S-w2": ("F", 10)},
    "State of Law": {"L-m1": ("M", 90), "L-w1": ("F", 50), "L-m2": ("M", 20)},
}
STATIONS = [Station(code=f"MUT-{i:03d}", centre=f"MUT-C{i}", constituency="Muthanna",
                    voting_type=VotingType.GENERAL, registered=1500) for i in range(4)]


def sheet(code: str, source: Source, moved: int = 0) -> TallySheet:
    """A station's sheet; `moved` votes more for Sadiqoun's S-w1 (taken from nobody: Sadiqoun's
    candidates still add up to less than the list)."""
    named = {(p, x): n + (moved if x == "S-w1" else 0)
             for p, xs in CANDIDATES.items() for x, (_, n) in xs.items()}
    return TallySheet(station=code, source=source, received_at="2025-11-11T19:00",
                      received_by="PCOS", ballots_received=1500, cast=1100, valid=1080,
                      invalid=20, spoiled=0, unused=400, votes=LISTS, candidate_votes=named)


def store_of(path: Path, hand: int | None = None) -> str:
    """The machines' sheets and, with `hand`, hand counts of every station (`moved` by it)."""
    url = f"sqlite:///{path}"
    with Store(url) as s:
        s.init()
        s.register(STATIONS, [("Muthanna", p) for p in LISTS],
                   [("Muthanna", p, x) for p, xs in CANDIDATES.items() for x in xs])
        assert s.ingest([sheet(x.code, Source.MACHINE) for x in STATIONS]).accepted == 4
        if hand is not None:
            assert s.ingest([sheet(x.code, Source.MANUAL, moved=hand)
                             for x in STATIONS]).accepted == 4
    return url


def genders(path: Path) -> Path:
    path.write_text("constituency,list,candidate,gender\n" + "".join(
        f"Muthanna,{p},{x},{g}\n" for p, xs in CANDIDATES.items() for x, (g, _) in xs.items()),
        encoding="utf-8")
    return path


def cli(*args: str) -> Any:
    """The command's JSON report."""
    run = CliRunner().invoke(app, ["audit", "rla", *args, "--format", "json"])
    assert run.exit_code == 0, run.output
    return json.loads(run.stdout)


def test_open_lists_quota_plan_and_measure(tmp_path: Path) -> None:
    url, people = store_of(tmp_path / "night.db"), str(genders(tmp_path / "candidates.csv"))
    plan = cli("plan", "--law", "iraq-2025", "--db", url, "--candidates", people)
    by_name = {c["constituency"]: c for c in plan["constituencies"]}
    assert set(by_name) == {"Muthanna", "Muthanna (candidates)"}
    who = {(a["winner"], a["loser"]): Fraction(a["margin"])
           for a in by_name["Muthanna (candidates)"]["assertions"]}
    # the last step: State of Law's woman above every waiting woman of a list seating a man
    assert who["State of Law / L-w1", "Sadiqoun / S-w1"] == Fraction(4 * (50 - 40), 4 * 1100)
    assert ("State of Law / L-w1", "Tasmim / T-w2") in who
    # w₀ = 0 held: the man she displaced had more votes (the quota was needed)
    assert who["State of Law / L-m1", "State of Law / L-w1"] == Fraction(4 * 40, 4 * 1100)
    assert all(m > 0 for m in who.values())
    # without --candidates, the lists' seats alone
    assert [c["constituency"] for c in cli("plan", "--law", "iraq-2025", "--db", url)[
        "constituencies"]] == ["Muthanna"]
    # hand counts of every station, as the machines had them
    measured = cli("measure", "--law", "iraq-2025", "--seed", SEED, "--db",
                   store_of(tmp_path / "right.db", hand=0), "--candidates", people)
    assert {c["constituency"]: c["status"]
            for c in measured["constituencies"]} == {
        "Muthanna": "confirmed", "Muthanna (candidates)": "confirmed"}
    # the hand counts give Sadiqoun's woman 15 more a station: 55 > 50, she takes the seat
    measured = cli("measure", "--law", "iraq-2025", "--seed", SEED, "--db",
                   store_of(tmp_path / "wrong.db", hand=15), "--candidates", people)
    (named,) = [c for c in measured["constituencies"]
                if c["constituency"] == "Muthanna (candidates)"]
    refuted = [a["assertion"] for a in named["assertions"] if a["status"] == "refuted"]
    assert refuted == ["State of Law / L-w1 > Sadiqoun / S-w1"]


COUNCIL = {"A": ("M", 300), "B": ("M", 250), "C": ("M", 200), "D": ("M", 180),
           "E": ("F", 150), "F": ("F", 100)}


def test_sntv_quota_ballot_polling(tmp_path: Path) -> None:
    """Four seats, one for a woman: the four best-voted are men, so E (150) sits in place of D
    (180). With --candidates the assertions never compare E with D; without, the store has no
    genders to seat E with, and the audit is refused rather than check a count seating D."""
    law = tmp_path / "council.toml"
    law.write_text((Path(__file__).resolve().parents[2] / "examples" / "laws"
                    / "taiwan-council.toml").read_text(encoding="utf-8")
                   + '\n[districts]\n"Ward 1" = 4\n', encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'council.db'}"
    with Store(url) as s:
        s.init()
        s.register([Station(code="W1-001", centre="W1-C", constituency="Ward 1",
                            voting_type=VotingType.GENERAL, registered=1500)],
                   [("Ward 1", x) for x in COUNCIL])
        assert s.ingest([TallySheet(
            station="W1-001", source=Source.MACHINE, received_at="2022-11-26T17:00",
            received_by="clerk", ballots_received=1500, cast=1200, valid=1180, invalid=20,
            spoiled=0, unused=300, votes={x: n for x, (_, n) in COUNCIL.items()})]).accepted == 1
    people = tmp_path / "candidates.csv"
    people.write_text("constituency,list,candidate,gender\n" + "".join(
        f"Ward 1,{x},,{g}\n" for x, (g, _) in COUNCIL.items()), encoding="utf-8")
    args = ("polling", "--law", str(law), "--constituency", "Ward 1", "--db", url)
    quota = cli(*args, "--candidates", str(people))
    pairs = {(a["winner"], a["loser"]): Fraction(a["margin"])
             for a in quota["assertions"]}
    assert set(pairs) == {("A", "D"), ("B", "D"), ("C", "D"), ("A", "F"), ("B", "F"),
                          ("C", "F"), ("E", "F")}
    assert pairs["C", "D"] == Fraction(20, 1200) and pairs["E", "F"] == Fraction(50, 1200)
    # without, the store has no genders: the seats are refused, not audited as if D sat
    plain = CliRunner().invoke(app, ["audit", "rla", *args, "--format", "json"])
    assert isinstance(plain.exception, InputError)
    assert str(plain.exception.problems[0]).startswith("law: women: Ward 1: the women's rule")


def test_open_lists_quota_ballot_polling(tmp_path: Path) -> None:
    """Ballot polling of who sits under open lists: the candidates' assertions beside the
    lists', over the same ballots — a ballot `list / candidate` counts for the list in the
    lists' assertions and for the candidate in theirs; a ballot naming a list alone counts for
    no candidate (the candidates' population is every ballot cast)."""
    url, people = store_of(tmp_path / "night.db"), str(genders(tmp_path / "candidates.csv"))
    args = ("polling", "--law", "iraq-2025", "--constituency", "Muthanna", "--db", url,
            "--candidates", people)
    plan = cli(*args)
    rows = {(a["winner"], a["loser"]): a for a in plan["assertions"]}
    assert {a["kind"] for a in plan["assertions"]} == {"seat", "candidate"}
    assert Fraction(rows["State of Law / L-w1", "Sadiqoun / S-w1"]["margin"]) == Fraction(
        4 * (50 - 40), 4 * 1100)
    assert Fraction(rows["State of Law", "Tasmim"]["margin"]) > 0
    # without --candidates, the lists' assertions alone
    assert {a["kind"] for a in cli(*args[:-2])["assertions"]} == {"seat"}
    drawn = tmp_path / "drawn.txt"
    drawn.write_text("State of Law / L-w1\n" * 300 + "Tasmim\n", encoding="utf-8")
    measured = cli(*args, "--ballots", str(drawn))
    assert measured["drawn"] == 301
    status = {(a["winner"], a["loser"]): a["status"] for a in measured["assertions"]}
    for (winner, loser), found in status.items():
        if winner in ("State of Law", "State of Law / L-w1"):
            assert found == "confirmed", (winner, loser)
        if loser in ("State of Law", "State of Law / L-w1"):
            assert found == "keep-sampling", (winner, loser)
    assert status["State of Law / L-w1", "Sadiqoun / S-w1"] == "confirmed"
    assert status["State of Law", "Tasmim"] == "confirmed"
