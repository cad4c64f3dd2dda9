"""A tally sheet's photo: uploaded once, its SHA-256 carried and chained by the versions keyed
from it, shown in the sheet's history; wrong files and unknown hashes refused (SQLite and
PostgreSQL)."""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from majlis import audit
from majlis.cli import main
from majlis.errors import InputError
from majlis.tally import MAX_PHOTO, Store

from .conftest import sheet

EXAMPLES = Path(__file__).parents[2] / "examples" / "tally"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4  # what the store goes by: the first bytes


def test_a_sheet_keyed_from_its_photo_carries_and_chains_its_hash(registered: Store) -> None:
    kept = registered.keep_photo(PNG)
    assert (kept.sha256, kept.media_type) == (hashlib.sha256(PNG).hexdigest(), "image/png")
    assert registered.keep_photo(PNG) == kept  # kept once
    registered.enter(replace(sheet("B-001-01", "entry-a"), photo=kept.sha256), clerk="amal",
                     key="k-a-0001")
    registered.ingest([replace(sheet("B-001-02"), photo=kept.sha256)])
    assert [v.sheet.photo for v in registered.history("B-001-01")] == [kept.sha256]
    assert registered.photo(kept.sha256) == kept
    assert registered.photo("0" * 64) is None
    assert audit.verify_chain(registered.chain()).intact
    with registered.writer.begin() as conn:  # the photo's hash swapped behind the store's back
        conn.execute(text("UPDATE tally_sheets SET photo = :other WHERE station = 'B-001-02'"),
                     {"other": "1" * 64})
    assert audit.verify_chain(registered.chain()).broken == ("B-001-02", "machine", 1)


def test_wrong_photos_and_unknown_hashes_are_refused(registered: Store) -> None:
    for data, said in ((b"", "is empty"), (b"GIF89a" + bytes(100), "is not a JPEG, PNG"),
                       (b"\xff\xd8\xff" + bytes(MAX_PHOTO), "a photo may have at most")):
        with pytest.raises(InputError, match=said):
            registered.keep_photo(data, "scan.jpg")
    unknown = hashlib.sha256(b"never uploaded").hexdigest()
    with pytest.raises(InputError, match="no photo with SHA-256") as refused:
        registered.ingest([replace(sheet("B-001-01"), photo=unknown)])
    assert refused.value.problems[0].field == "photo"
    with pytest.raises(InputError, match="not a SHA-256"):
        registered.ingest([replace(sheet("B-001-01"), photo="scan.jpg")])
    with pytest.raises(InputError, match="no photo with SHA-256"):
        registered.enter(replace(sheet("B-001-01", "entry-a"), photo=unknown), clerk="amal",
                         key="k-a-0001")
    assert registered.history("B-001-01") == []


def test_the_command_keeps_photos_that_a_sheets_file_then_names(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    def majlis(*args: object) -> int:
        monkeypatch.setattr(sys, "argv", ["majlis", *map(str, args), "--db", url])
        with pytest.raises(SystemExit) as stopped:
            main()
        return int(stopped.value.code or 0)

    url = f"sqlite:///{tmp_path / 'night.db'}"
    (tmp_path / "scan.png").write_bytes(PNG)
    (tmp_path / "notes.txt").write_text("not a photo", encoding="utf-8")
    assert majlis("db", "init") == 0
    assert majlis("ingest", EXAMPLES / "stations.csv", EXAMPLES / "lists.csv") == 0
    capsys.readouterr()
    assert majlis("photo", tmp_path / "scan.png", tmp_path / "notes.txt") == 2
    assert "notes.txt: photo: is not a JPEG, PNG, WebP or PDF file" in capsys.readouterr().err
    assert majlis("photo", tmp_path / "scan.png") == 0
    sha = hashlib.sha256(PNG).hexdigest()
    assert capsys.readouterr().out.startswith(f"{sha}  ")
    sheet_file = tmp_path / "sheet.json"
    sheet_file.write_text(json.dumps([{
        "station": "B-001-01", "source": "machine", "received_at": "2025-11-11T19:00",
        "received_by": "clerk 7", "ballots_received": 500, "cast": 310, "valid": 300,
        "invalid": 10, "spoiled": 5, "unused": 185,
        "votes": {"Tasmim": 200, "State of Law": 100}, "photo": sha}]), encoding="utf-8")
    assert majlis("ingest", sheet_file) == 0
    with Store(url) as store:
        assert [v.sheet.photo for v in store.history("B-001-01")] == [sha]
