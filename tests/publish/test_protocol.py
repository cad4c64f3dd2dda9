"""Results protocols on a replayed 2025 night: the figures printed and embedded are the
release's, a protocol is made once and kept byte for byte, and `majlis verify` finds an intact
file intact and names the figure a tampered copy changed."""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from majlis import publish
from majlis.cli import main
from majlis.tally import Release, Store, national
from majlis.web import create_app

from .conftest import replayed

PLACES = ("Karbala", "Muthanna")
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[Release]]:
    return replayed(tmp_path_factory.mktemp("protocol"), PLACES, releases=2)


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """`majlis ARGS…` in this process: exit code, stdout, stderr (a traceback fails the test)."""
    def invoke(*args: str | Path) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["majlis", *map(str, args)])
        with pytest.raises(SystemExit) as stopped:
            main()
        code = stopped.value.code
        out = capsys.readouterr()
        return code if isinstance(code, int) else 1, out.out, out.err
    return invoke


def embedded(pdf: bytes) -> dict[str, object]:
    return json.loads(PdfReader(io.BytesIO(pdf)).attachments["protocol.json"][0])


def test_the_figures_are_the_releases(night: tuple[str, list[Release]]) -> None:
    url, releases = night
    last = releases[-1]
    with Store(url) as store:
        karbala = publish.make_protocol(store, last, "Karbala", "en")
        whole = publish.make_protocol(store, last, None, "ar")
        signed = store.signatories(last.number, "Karbala")
    (count,) = (c for c in last.results if c.name == "Karbala")
    content = embedded(karbala.pdf)
    assert {f["list"]: f["votes"] for f in content["figures"]} == count.votes  # type: ignore[attr-defined]
    assert (content["digest"], content["sheet_head"]) == (last.digest, last.sheet_head)
    assert content["released"] == signed.released == "results desk (replay)"
    page = PdfReader(io.BytesIO(karbala.pdf)).pages[0].extract_text()
    for n in (*count.votes.values(), sum(count.votes.values())):
        assert f"{n:,}" in page  # every figure printed
    assert last.digest in page and last.sheet_head in page
    assert {f["list"]: f["votes"] for f in embedded(whole.pdf)["figures"]  # type: ignore[attr-defined]
            } == national(last.results).votes
    # right to left, the release's moment still reads date then time (text is drawn left to right)
    arabic = PdfReader(io.BytesIO(whole.pdf)).pages[0].extract_text()
    assert last.created_at.replace("T", " ") in arabic


def test_made_once_and_kept_unchanged(night: tuple[str, list[Release]]) -> None:
    url, releases = night
    first = releases[0]
    with Store(url) as store:
        made = publish.make_protocol(store, first, "Muthanna", "ar")
        again = publish.make_protocol(store, first, "Muthanna", "ar")
        # A file made otherwise is never kept over the first: the first is handed back.
        other = store.keep_protocol(first.number, "Muthanna", "ar", made.pdf + b"\n%changed")
        assert made.pdf == again.pdf == other.pdf and made.sha256 == other.sha256
        assert store.protocols_by_hash(made.sha256) == [made]
        english = publish.make_protocol(store, first, "Muthanna", "en")
        assert english.pdf != made.pdf and embedded(english.pdf)["lang"] == "en"


def test_verify_names_the_figure_a_copy_changed(night: tuple[str, list[Release]], run: Run,
                                                 tmp_path: Path) -> None:
    url, releases = night
    file = tmp_path / "karbala.pdf"
    code, out, _ = run("protocol", "--release", "2", "--constituency", "Karbala", "--lang",
                       "en", "--out", file, "--db", url)
    assert code == 0 and file.read_bytes()[:5] == b"%PDF-"
    code, out, _ = run("verify", file, "--db", url)
    assert code == 0 and "protocol intact: Karbala, release 2, en" in out
    (count,) = (c for c in releases[1].results if c.name == "Karbala")
    top = max(count.votes, key=lambda k: count.votes[k])
    data = file.read_bytes()
    # The embedded figure edited in place (same length: the file still reads).
    spot = re.search(rb'"list": "' + top.encode() + rb'",\s*"votes": (\d+)', data)
    assert spot is not None
    forged = str(count.votes[top] + 1).encode()
    assert len(forged) == len(spot.group(1))
    (tmp_path / "forged.pdf").write_bytes(data[:spot.start(1)] + forged + data[spot.end(1):])
    code, _, err = run("verify", tmp_path / "forged.pdf", "--db", url)
    assert code == 1
    assert (f"Karbala › {top}: stored {count.votes[top]:,}, printed {count.votes[top] + 1:,}"
            in err)
    # The page altered, the embedded data left alone: the kept file's SHA-256 tells.
    title = data.index(b"/Title")
    (tmp_path / "page.pdf").write_bytes(data[:title + 8] + b"X" + data[title + 9:])
    code, _, err = run("verify", tmp_path / "page.pdf", "--db", url)
    assert code == 1 and "the file was altered after it was produced" in err
    assert "stored" not in err.split("SHA-256")[0]  # no figure blamed


def test_bad_input_is_a_clear_error(night: tuple[str, list[Release]], run: Run,
                                    tmp_path: Path) -> None:
    url, _ = night
    text = tmp_path / "notes.txt"
    text.write_text("not a protocol", encoding="utf-8")
    cases = [
        (("protocol", "--release", "9", "--out", tmp_path / "x.pdf", "--db", url),
         "no release 9"),
        (("protocol", "--release", "1", "--constituency", "Atlantis", "--out",
          tmp_path / "x.pdf", "--db", url), "--constituency: no constituency 'Atlantis'"),
        (("verify", text, "--db", url), "notes.txt: file: is not a PDF"),
        (("verify", tmp_path / "missing.pdf", "--db", url), "missing.pdf"),
    ]
    good = tmp_path / "national.pdf"
    assert run("protocol", "--release", "1", "--out", good, "--db", url)[0] == 0
    (tmp_path / "cut.pdf").write_bytes(good.read_bytes()[:2_000])
    cases += [
        (("verify", good, "--db", url, "--election", "2021"),
         "is a protocol of election 'default', not of '2021'"),
        (("verify", tmp_path / "cut.pdf", "--db", url), "cannot be read"),
    ]
    for args, said in cases:
        code, _, err = run(*args)
        assert code == 2, (args, err)
        assert said in err and "Traceback" not in err
    assert not (tmp_path / "x.pdf").exists()


def test_the_api_hands_out_the_kept_protocol(night: tuple[str, list[Release]]) -> None:
    url, releases = night
    with TestClient(create_app(url, "default")) as client:
        asked = {"release": "1", "constituency": "Karbala", "lang": "en"}
        assert client.get("/api/protocol", params=asked).status_code == 404  # not made yet
        with Store(url) as store:
            kept = publish.make_protocol(store, releases[0], "Karbala", "en")
        got = client.get("/api/protocol", params=asked)
        assert got.status_code == 200 and got.content == kept.pdf
        assert got.headers["content-type"] == "application/pdf"
        assert client.get("/api/protocol", params={"release": "9"}).status_code == 404
