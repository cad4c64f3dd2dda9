"""Charts for print of a replayed night: each draws the release's own seats, votes and
projection, in the dashboard's colours, in Arabic (right to left, Arabic-Indic digits) or
English, as SVG with its words as text or PNG of the size asked."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from matplotlib.colors import to_hex
from typer.testing import CliRunner

from majlis import forecast, publish
from majlis.cli import app
from majlis.data import OTHER_LISTS
from majlis.law import allocate
from majlis.tally import Release, Store, national
from majlis.web import create_app

from .conftest import LAW, replayed

# one worker builds the replayed night once for every test here (pytest -n … --dist loadgroup)
pytestmark = pytest.mark.xdist_group("test_print")

PLACES = ("Karbala", "Maysan", "Muthanna")
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
MARKS = str.maketrans("", "", "\u2067\u2068\u2069")  # the isolates of Arabic lines, names


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[Release]]:
    return replayed(tmp_path_factory.mktemp("print"), PLACES)


def texts(svg: bytes) -> list[str]:
    """The words of an SVG, one string per `<text>` element, its direction marks dropped."""
    root = ET.fromstring(svg)
    return ["".join(t.itertext()).translate(MARKS)
            for t in root.iter("{http://www.w3.org/2000/svg}text")]


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def figures(release: Release) -> tuple[dict[str, int], dict[str, int],
                                       dict[str, publish.ListStyle]]:
    votes = national(release.results).votes
    seats = allocate(LAW.election({c.name: c.votes for c in release.results}), LAW).totals()
    return seats, votes, {s.name: s for s in publish.style_lists(votes, "default", "iraq-2025")}


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_hemicycle_seats_each_list_in_its_colour_and_names_its_seats(
        night: tuple[str, list[Release]], lang: str) -> None:
    _, releases = night
    seats, votes, styles = figures(releases[3])
    figure = publish.plot_hemicycle(seats, votes, styles, house=LAW.house, release=4,
                                    release_name=releases[3].name, lang=lang)
    (chamber,) = figure.axes[0].collections
    drawn = Counter(to_hex(c) for c in chamber.get_facecolors())
    assert drawn == Counter({styles[p].colour: n for p, n in seats.items() if n})
    assert sum(drawn.values()) == sum(seats.values()) == 28
    leader = max(seats, key=lambda p: (seats[p], votes[p]))
    first = chamber.get_paths()[0].get_extents().x0  # the leader's first seat
    assert (first > 0) == (lang == "ar")  # Arabic fills the chamber from the right
    svg = publish.encode_chart(figure, "svg")
    words = texts(svg)
    if lang == "ar":  # every Arabic line isolated right to left, so a browser reads it so too
        raw = ["".join(t.itertext()) for t in ET.fromstring(svg).iter(
            "{http://www.w3.org/2000/svg}text")]
        lines = [w for w in raw if any("\u0621" <= ch <= "\u064a" for ch in w)]  # letters
        assert len(lines) > 5 and all(w.startswith("\u2067") for w in lines), lines
    for p, n in seats.items():
        if n:
            label = styles[p].label(lang)
            count = str(n).translate(ARABIC_DIGITS) if lang == "ar" else str(n)
            assert f"{label} {count}" in words, (p, words)
    assert styles[leader].label(lang) in " ".join(words)
    assert ("٢٨" if lang == "ar" else "28") in words


def test_votes_against_seats_reads_each_list_s_shares_and_seats(
        night: tuple[str, list[Release]]) -> None:
    _, releases = night
    seats, votes, styles = figures(releases[3])
    figure = publish.plot_votes_seats(seats, votes, styles, release=4,
                                      release_name=releases[3].name)
    words = texts(publish.encode_chart(figure, "svg"))
    total_votes, total_seats = sum(votes.values()), sum(seats.values())
    shown = [w.split(" · ") for w in words if w.count(" · ") == 2]
    assert len(shown) == min(15, len(votes))
    by_list = dict(zip((t.get_text() for t in figure.axes[0].get_yticklabels()), shown,
                       strict=True))
    for p, (v, s, n) in by_list.items():
        assert v.strip() == f"{round(Fraction(1000 * votes[p], total_votes)) / 10:.1f} %"
        assert s == f"{round(Fraction(1000 * seats.get(p, 0), total_seats)) / 10:.1f} %"
        assert n == f"seats: {seats.get(p, 0)}"
    bars = figure.axes[0].patches
    assert [round(b.get_width(), 12) for b in bars[1::2][:3]] == [
        round(n / total_seats, 12) for n in sorted(seats.values(), reverse=True)[:3]]


def test_the_fan_draws_each_list_s_intervals_and_expectation(
        night: tuple[str, list[Release]]) -> None:
    url, releases = night
    store = Store(url)
    count = publish.release_count(releases[3], store.stations(), frozenset({OTHER_LISTS}))
    store.engine.dispose()
    p = forecast.project(count, LAW, draws=1000, seed=2)
    _, _, styles = figures(releases[3])
    ax = publish.plot_fan(p, styles).axes[0]
    shown = [x for x in p.lists if x.interval95[1] > 0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [x.name for x in shown]
    for i, x in enumerate(shown):
        pale, solid = ax.patches[2 * i], ax.patches[2 * i + 1]
        assert (pale.get_x() + 0.5, pale.get_x() + pale.get_width() - 0.5) == pytest.approx(
            x.interval95)
        assert (solid.get_x() + 0.5, solid.get_x() + solid.get_width() - 0.5) == \
            pytest.approx(x.interval80)
        assert to_hex(solid.get_facecolor()) == styles[x.name].colour
        assert tuple(ax.lines[i].get_xdata()) == (x.expected, x.expected)
    arabic = publish.plot_fan(p, styles, lang="ar").axes[0]
    assert arabic.xaxis_inverted() and arabic.yaxis.get_ticks_position() == "right"
    assert [t.get_text().translate(MARKS) for t in arabic.get_yticklabels()] == [
        styles[x.name].label("ar") for x in shown]


def test_a_png_has_the_size_asked(night: tuple[str, list[Release]]) -> None:
    _, releases = night
    seats, votes, styles = figures(releases[3])

    def hemicycle() -> object:
        return publish.plot_hemicycle(seats, votes, styles, house=LAW.house, release=4,
                                      release_name="x")
    assert png_size(publish.encode_chart(hemicycle(), "png", width=640, height=480)) == (
        640, 480)
    w, h = hemicycle().get_size_inches()  # 10 inches wide, the key's rows below the chamber
    assert (w, h) == (10, pytest.approx(6.2 + 0.3 + 0.24 * 4))  # 7 lists: 2 columns of 4
    assert png_size(publish.encode_chart(hemicycle(), "png", width=500)) == (500, 373)
    assert png_size(publish.encode_chart(hemicycle(), "png", height=373)) == (500, 373)
    assert png_size(publish.encode_chart(hemicycle(), "png")) == (1000, 746)
    assert publish.encode_chart(hemicycle(), "svg") == publish.encode_chart(hemicycle(), "svg")
    with pytest.raises(ValueError, match="svg or png"):
        publish.encode_chart(hemicycle(), "jpg")


def test_the_command_and_the_route_draw_the_same_chart(night: tuple[str, list[Release]],
                                                        tmp_path: Path) -> None:
    url, releases = night
    seats, _, styles = figures(releases[3])
    out = tmp_path / "charts" / "hemicycle.svg"
    ran = CliRunner().invoke(app, ["chart", "hemicycle", "--db", url, "--law", "iraq-2025",
                                   "--release", "4", "--lang", "ar", "--out", str(out)])
    assert ran.exit_code == 0, ran.output
    words = texts(out.read_bytes())
    for p, n in seats.items():
        if n:
            assert f"{styles[p].label('ar')} {str(n).translate(ARABIC_DIGITS)}" in words
    png = tmp_path / "last.png"
    ran = CliRunner().invoke(app, ["chart", "last-seat", "--db", url, "--law", "iraq-2025",
                                   "--release", "4", "--format", "png", "--width", "900",
                                   "--height", "400", "--draws", "300", "--out", str(png)])
    assert ran.exit_code == 0, ran.output
    assert png_size(png.read_bytes()) == (900, 400)
    wrong = CliRunner().invoke(app, ["chart", "fan", "--db", url, "--law", "iraq-2025",
                                     "--release", "4", "--out", str(tmp_path / "fan.jpg")])
    assert wrong.exit_code == 2 and "svg or png" in wrong.output
    assert not (tmp_path / "fan.jpg").exists()
    with TestClient(create_app(url, "default", law="iraq-2025")) as client:
        svg = client.get("/api/chart/hemicycle", params={"release": "4", "lang": "ar"})
        assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
        assert svg.content == out.read_bytes()
        image = client.get("/api/chart/votes-seats", params={"format": "png", "width": "600"})
        assert image.headers["content-type"] == "image/png"
        assert png_size(image.content)[0] == 600
        fan = client.get("/api/chart/fan", params={"draws": "300", "lang": "en"})
        assert fan.status_code == 200 and b"<svg" in fan.content
        assert client.get("/api/chart/pie").status_code == 422
        assert client.get("/api/chart/hemicycle", params={"release": "9"}).status_code == 404
