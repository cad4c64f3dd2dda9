"""The certification timeline (#20, point 4): the bundled stages of 2021 and 2025 give the
changes the commission and the courts published; a stage is never rewritten; a bad stage is
refused with its file, line and field, and nothing is stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from majlis import data
from majlis.cli import app
from majlis.errors import InputError, StoreError
from majlis.tally import (
    NameChange,
    SeatMove,
    Stage,
    StageKind,
    Store,
    read_stage_file,
    stage_changes,
)
from tests.commands import majlis

SIYADA = "National Sovereignty Alliance (Siyada - Tashri)"
SADIQOON = "Sadiqoon Movement"
PUK_2021 = "Kurdistan Alliance (PUK-led Kurdistan Coalition)"


def timeline(election: str) -> list[Stage]:
    """The bundled stages, read as `majlis certify add --bundled` reads them."""
    return [Stage(number=s.number, kind=StageKind(s.kind), name=s.name,
                  published_on=s.published_on, source=s.source, author="", created_at="",
                  rows=read_stage_file(s.text(), s.file).rows, digest="")
            for s in data.certification(election)]


def moved(moves: tuple[SeatMove, ...]) -> dict[str, tuple[int | None, int | None]]:
    return {m.list: (m.before, m.after) for m in moves}


def test_2025_the_ruling_replaced_two_members_in_diyala_and_moved_no_seat() -> None:
    preliminary, final, ruling = timeline("iraq-2025")
    moves, names = stage_changes(final, ruling)
    assert moves == ()  # Siyada 2 and Sadiqoon 2, before and after
    assert names == (  # shafaq-diyala-ruling: al-Majmai disqualified, the quota re-evaluated
        NameChange(constituency="Diyala", left=(SIYADA, "Taha al-Majmai"),
                   entered=(SIYADA, "Nahida al-Dayni")),
        NameChange(constituency="Diyala", left=(SADIQOON, "Amal al-Khalidi"),
                   entered=(SADIQOON, "Ahmad al-Mousawi")))
    # preliminary (13 Nov) to final (17 Nov): Sudani's coalition 45 → 46, State of Law 30 → 29
    moves, names = stage_changes(preliminary, final)
    seats = moved(moves)
    assert seats["Reconstruction and Development Coalition"] == (45, 46)
    assert seats["State of Law Coalition"] == (30, 29)
    assert "Taqaddum Party" not in seats  # 27 and 27: unmoved
    assert seats["Tasmim Alliance"] == (None, 6)  # not printed in the preliminary table
    assert names == ()  # the preliminary stage names no one
    assert sum(r.seats or 0 for r in final.rows if r.constituency == "*") == 329


def test_2021_the_appeals_moved_five_named_seats_between_lists() -> None:
    _, counted, appeals = timeline("iraq-2021")
    moves, names = stage_changes(counted, appeals)
    assert {(n.constituency, n.left, n.entered) for n in names} == {  # rudaw-301120213
        ("Erbil", ("Kurdistan Democratic Party", "Layla Akram"), (PUK_2021, "Harem Kamal Agha")),
        ("Nineveh", ("Kurdistan Democratic Party", "Abdulsalam Shaaban"),
         (PUK_2021, "Ronzi Ziyad")),
        ("Baghdad", ("National Contract Alliance (Aqd Watani)", "Abbas Shaaban"),
         ("Azm Alliance", "Khalid Ubaydi")),
        ("Basra", ("Independent (individual candidate)", "Haitham Abdul-Jabbar"),
         ("Fatah Alliance", "Rafeeq Hashm")),
        ("Kirkuk", ("Turkmen Front for a United Iraq", "Sawsan Abdulwahid"),
         ("Fatah Alliance", "Gharib Askari"))}
    seats = moved(moves)  # the national table, after the manual count → after the appeals
    assert seats["Kurdistan Democratic Party"] == (33, 31)
    assert seats["National Contract Alliance (Aqd Watani)"] == (5, 4)
    assert seats["Independent individual candidates (43 = 38 men + 5 women)"] == (40, 43)
    assert "Sadrist Movement" not in seats  # 73 at every stage


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[Store]:
    with Store(f"sqlite:///{tmp_path / 'stages.db'}", "iraq-2025") as store:
        store.init()
        yield store


def test_stages_are_appended_in_order_and_never_rewritten(empty: Store) -> None:
    result = CliRunner().invoke(app, ["certify", "add", "--bundled", "iraq-2025", "--db",
                                      empty.url, "--election", "iraq-2025"])
    assert result.exit_code == 0, result.output
    stages = empty.stages()
    assert [(s.number, s.kind) for s in stages] == [
        (1, StageKind.PRELIMINARY), (2, StageKind.FINAL), (3, StageKind.RULING)]
    assert stages[2].author == "majlis (bundled example)"
    assert "shafaq-diyala-ruling" in stages[2].source
    shown = CliRunner().invoke(app, ["certify", "changes", "2", "3", "--db", empty.url,
                                     "--election", "iraq-2025"])
    assert "Diyala: Taha al-Majmai (National Sovereignty Alliance (Siyada - Tashri)) → " \
           "Nahida al-Dayni" in shown.output and "seats moved: none" in shown.output

    diyala = read_stage_file("district,party,seats\nDiyala,Sadiqoon Movement,2\n", "x.csv")
    with pytest.raises(InputError, match="stage: kind: a final stage cannot follow stage 3"):
        empty.add_stage(diyala, kind="final", name="final again", published_on="2025-12-08",
                        source="x", author="carla")
    with pytest.raises(InputError, match="before stage 3's day, 2025-12-07"):
        empty.add_stage(diyala, kind="ruling", name="r", published_on="2025-12-01",
                        source="x", author="carla")
    # the whole bundle again: refused whole, not appended after what is there
    again = CliRunner().invoke(app, ["certify", "add", "--bundled", "iraq-2025", "--db",
                                     empty.url, "--election", "iraq-2025"])
    assert isinstance(again.exception, InputError)
    assert "has stages already" in str(again.exception)
    ratified = empty.add_stage(diyala, kind="ratification", name="ratified",
                               published_on="2025-12-20", source="x", author="carla")
    assert ratified.number == 4
    with pytest.raises(InputError, match="no stage follows ratification"):
        empty.add_stage(diyala, kind="ratification", name="twice", published_on="2025-12-21",
                        source="x", author="carla")
    assert len(empty.stages()) == 4  # nothing refused was stored

    # a stage altered outside majlis breaks its seal: the trail is not read as if it held
    with empty.engine.begin() as conn:
        conn.execute(text("UPDATE certification_stages SET payload = "
                          "replace(payload, 'Nahida al-Dayni', 'Someone Else') WHERE number = 3"))
    with pytest.raises(StoreError, match=r"stage 3 .* does not match its seal"):
        empty.stages()


def test_a_bad_stage_file_is_refused_with_its_line_and_field(tmp_path: Path,
                                                             empty: Store) -> None:
    bad = tmp_path / "stage.csv"
    bad.write_text("district,party,seats,elected\n"
                   "Diyala,Siyada,2,Muzhir al-Karawi;Nahida al-Dayni\n"
                   "Diyala,Sadiqoon,two,\n"
                   "Diyala,Azm,1,A;B\n"
                   "Diyala,Siyada,2,\n"
                   ",Badr,1,\n"
                   "Diyala,Tasmim,,\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_stage_file(bad.read_text(encoding="utf-8"), str(bad))
    said = [(p.line, p.field) for p in raised.value.problems]
    assert said == [(3, "seats"), (4, "elected"), (5, "party"), (6, "district"), (7, "seats")]
    assert "'two' is not a number of seats" in str(raised.value)
    assert "names 2 members for 1 seat(s)" in str(raised.value)
    with pytest.raises(InputError, match=r"stage\.csv:1: header: missing column\(s\) seats"):
        read_stage_file("district,party\nDiyala,Siyada\n", str(bad))
    with pytest.raises(InputError) as raised:
        empty.add_stage(read_stage_file("district,party,seats\n*,A,1\n", "ok.csv"),
                        kind="certified", name="", published_on="17/11/2025", source="x",
                        author="carla")
    assert [p.field for p in raised.value.problems] == ["kind", "name", "published_on"]
    assert empty.stages() == []

    run = majlis("certify", "add", bad, "--kind", "final", "--name", "final",
                 "--published-on", "2025-11-17", "--source", "IHEC", "--db", empty.url)
    assert run.returncode == 2
    assert f"{bad}:3: seats: 'two' is not a number of seats" in run.stderr
    assert "Traceback" not in run.stderr
