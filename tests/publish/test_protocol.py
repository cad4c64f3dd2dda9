"""Results protocols on a replayed 2025 night: the figures printed and embedded are the
release's, a protocol is made once and kept byte for byte, and `majlis verify` finds an intact
file intact and names the figure a tampered copy changed."""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from fpdf.util import escape_parens
from pypdf import PdfReader, PdfWriter

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
    n = count.votes[top]
    assert f"Karbala › {top}: stored {n:,}, embedded {n + 1:,}" in err
    assert f"page 1: Karbala › {top}: printed {n:,}, embedded {n + 1:,}" in err  # the page's
    # The metadata altered, figures and data left alone: the kept file's SHA-256 tells.
    title = data.index(b"/Title")
    (tmp_path / "page.pdf").write_bytes(data[:title + 8] + b"X" + data[title + 9:])
    code, _, err = run("verify", tmp_path / "page.pdf", "--db", url)
    assert code == 1 and "the file was altered after it was produced" in err
    assert not re.search("stored|printed|embedded", err.split("SHA-256")[0])  # no figure blamed


def doctored(pdf: bytes, *changes: tuple[str, str], page: int = 0) -> bytes:
    """The protocol with each text `(printed, instead)` (as wide) rewritten on a page, glyph
    code for glyph code in its content stream as a PDF editor would, protocol.json left as it
    was. fpdf2 shows each shaped glyph as its own string; a text is a run of them in one font."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    drawn = writer.pages[page]
    codes: dict[bytes, dict[str, bytes]] = {}  # font → character → glyph code (ToUnicode)
    for name, font in drawn["/Resources"]["/Font"].items():
        cmap = font.get_object()["/ToUnicode"].get_object().get_data().decode()
        codes[name[1:].encode()] = {
            chr(int(u, 16)): bytes.fromhex(c)
            for c, u in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]{4})>", cmap)}
    stream = drawn["/Contents"].get_object()
    data = stream.get_data()
    glyphs = []  # (font, character, where its string sits in the stream)
    font = b""
    for op in re.finditer(rb"/(\w+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", data, re.S):
        if op[1]:
            font = op[1]
            continue
        code = re.sub(rb"\\(.)", lambda m: b"\r" if m[1] == b"r" else m[1], op[2], flags=re.S)
        char = {c: ch for ch, c in codes[font].items()}.get(code, "")
        glyphs.append((font, char, op.span(2)))
    edits = []
    for printed, instead in changes:
        at = next(i for i in range(len(glyphs)) if "".join(
            g[1] for g in glyphs[i:i + len(printed)]) == printed and len(
            {g[0] for g in glyphs[i:i + len(printed)]}) == 1)
        for (font, _, span), char in zip(glyphs[at:at + len(printed)], instead, strict=True):
            edits.append((span, escape_parens(codes[font][char])))
    for (begin, end), code in sorted(edits, reverse=True):
        data = data[:begin] + code + data[end:]
    stream.set_data(data)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def swapped(text: str) -> str:
    """`text` with its last two adjacent different digits (or hex digits) swapped: another
    figure as wide, printed with glyphs the font already carries."""
    for i in range(len(text) - 1, 0, -1):
        if text[i] != text[i - 1] and "," not in text[i - 1:i + 1]:
            return text[:i - 1] + text[i] + text[i - 1] + text[i + 1:]
    raise AssertionError(f"{text} has no two different adjacent digits")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_verify_reads_the_printed_figures_back(night: tuple[str, list[Release]], run: Run,
                                               tmp_path: Path, lang: str) -> None:
    """A page doctored under intact embedded data — the stations, a list's votes, the total,
    the digest — is named figure by figure, in either language."""
    url, releases = night
    last = releases[-1]
    with Store(url) as store:
        kept = publish.make_protocol(store, last, "Karbala", lang)
    (count,) = (c for c in last.results if c.name == "Karbala")
    file = tmp_path / "karbala.pdf"
    file.write_bytes(kept.pdf)
    code, out, _ = run("verify", file, "--db", url)
    assert code == 0 and f"protocol intact: Karbala, release 2, {lang}" in out
    second = sorted(count.votes, key=lambda k: (-count.votes[k], k))[1]
    shown, total = f"{count.votes[second]:,}", f"{sum(count.votes.values()):,}"
    stations = f"{count.stations:,}"
    edits = [(stations, swapped(stations)), (shown, swapped(shown)), (total, swapped(total)),
             (last.digest, swapped(last.digest))]
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(doctored(kept.pdf, *edits))
    assert embedded(forged.read_bytes()) == embedded(kept.pdf)
    code, _, err = run("verify", forged, "--db", url)
    assert code == 1
    sha = hashlib.sha256(forged.read_bytes()).hexdigest()
    assert [line.split(": ", 1)[1] for line in err.splitlines()] == [  # the top row not named
        f"page 1: Karbala › {second}: printed {swapped(shown)}, embedded {shown}",
        f"page 1: Karbala › Total valid votes: printed {swapped(total)}, embedded {total}",
        f"page 1: Karbala › Stations counted: printed {count.counted:,} of {swapped(stations)},"
        f" embedded {count.counted:,} of {stations}",
        f"page 1: release digest: printed {swapped(last.digest)}, embedded {last.digest}",
        f"the file's SHA-256 is {sha}, the kept protocol's {kept.sha256}: the file was altered "
        "after it was produced"]


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


def test_a_protocol_made_elsewhere_is_read_page_by_page(night: tuple[str, list[Release]]
                                                        ) -> None:
    """A protocol the store never kept, its table running onto a second page: page and data
    agree, so only the store's check speaks; a figure doctored on the second page is named
    with its page, and one erased breaks the table."""
    url, releases = night
    last = releases[-1]
    (count,) = (c for c in last.results if c.name == "Karbala")
    votes = {f"List {i}": 1_000 + i for i in range(1, 61)}
    made = replace(last, results=(replace(count, by_voting_type={"general": votes}),))
    with Store(url) as store:
        pdf = publish.protocol_pdf(made, "Karbala", "ar", election=store.election,
                                   signatories=store.signatories(last.number, "Karbala"))
        assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
        made_elsewhere = publish.verify_protocol(store, pdf).problems
        forged = publish.verify_protocol(store, doctored(pdf, ("1,003", "1,030"), page=1))
        erased = publish.verify_protocol(store, doctored(pdf, ("1,002", "     "), page=1))
    assert "Karbala › List 60: stored —, embedded 1,060" in made_elsewhere
    assert not [p for p in made_elsewhere if p.startswith("page ")]
    assert [p for p in forged.problems if p.startswith("page ")] == [
        "page 2: Karbala › List 3: printed 1,030, embedded 1,003"]
    # A row's figure gone: the table read back ends at the row below it.
    assert [p for p in erased.problems if p.startswith("page ")] == [
        "page 2: the printed table has 2 rows of figures, protocol.json 60 lists and the total: "
        "a row was added, removed or stripped of its figure"]


def test_a_damaged_page_is_reported_not_logged(night: tuple[str, list[Release]], run: Run,
                                               tmp_path: Path,
                                               caplog: pytest.LogCaptureFixture) -> None:
    """pypdf's complaints about a damaged content stream stay out of the output: verify says
    what differs, and nothing else."""
    url, releases = night
    with Store(url) as store:
        kept = publish.make_protocol(store, releases[-1], "Karbala", "en")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(kept.pdf)))
    stream = writer.pages[0]["/Contents"].get_object()
    stream.set_data(stream.get_data().replace(b" Tm", b" 1.2.3 Tm", 1))
    out = io.BytesIO()
    writer.write(out)
    (tmp_path / "damaged.pdf").write_bytes(out.getvalue())
    code, _, err = run("verify", tmp_path / "damaged.pdf", "--db", url)
    assert code == 1 and "the file was altered after it was produced" in err
    assert all(line.startswith("protocol ALTERED (Karbala") for line in err.splitlines()), err
    assert not [r.getMessage() for r in caplog.records if r.name.startswith("pypdf")]
