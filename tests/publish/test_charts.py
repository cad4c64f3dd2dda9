"""Charts of a projection: they draw the projection's own seat counts, nothing re-estimated."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from typer.testing import CliRunner, Result

from majlis import data, forecast, publish
from majlis.cli import app
from majlis.law import Constituency, Election, allocate

LAW = data.law("iraq-2025")
PLACES = ("Najaf", "Karbala", "Muthanna", "Wasit")
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "tally"


def majlis(*args: str | Path) -> Result:
    """The CLI in this process: charts are made by the same code without a start-up per call."""
    return CliRunner().invoke(app, [str(a) for a in args])


def release(counted: float) -> forecast.ReleaseCount:
    """Four governorates with `counted` of their general stations in, six lists each."""
    rng = np.random.default_rng(7)
    lists = ("Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta")
    out = []
    for name in PLACES:
        stations = 80 * LAW.magnitudes[name]
        done = round(counted * stations)
        votes = rng.multinomial(done * 300, rng.dirichlet(np.full(len(lists), 1.5)))
        out.append(forecast.PartialCount(name=name, groups=(forecast.GroupCount(
            voting_type="general", stations=stations, counted=done, registered=stations * 600,
            registered_uncounted=(stations - done) * 600,
            votes=dict(zip(lists, map(int, votes), strict=True))),)))
    return forecast.ReleaseCount(number=3, name="a third counted", constituencies=tuple(out))


def bars(ax: Axes) -> dict[int, float]:
    """A row's bars read back: seat total (bar centre) → height."""
    return {round(b.get_x() + b.get_width() / 2): b.get_height() for b in ax.patches}


def rows(projection: forecast.Projection) -> dict[str, Axes]:
    figure = publish.plot_seats(projection, LAW)
    assert isinstance(figure.canvas, FigureCanvasAgg)
    return {ax.get_title(loc="left"): ax for ax in figure.axes}


def test_each_list_gets_its_seat_distribution_and_the_majority_line() -> None:
    p = forecast.project(release(1 / 3), LAW, draws=3000, seed=1)
    found = rows(p)
    assert list(found) == [x.name for x in p.lists if x.distribution[0] < p.draws]
    for x in p.lists:
        if x.name not in found:
            continue
        ax = found[x.name]
        heights = bars(ax)
        assert heights == {k: n / 3000 for k, n in enumerate(x.distribution) if n}
        assert sum(k * h for k, h in heights.items()) == pytest.approx(x.expected)
        dark = {round(b.get_x() + b.get_width() / 2) for b in ax.patches
                if to_hex(b.get_facecolor()) == "#1f4e79"}
        assert dark == {k for k in heights if x.interval80[0] <= k <= x.interval80[1]}
        [line] = ax.lines
        assert tuple(line.get_xdata()) == (165, 165)  # a majority of Iraq 2025's 329
    assert len(found) > 3 and any(len(bars(ax)) > 1 for ax in found.values())


def test_a_fully_counted_release_plots_the_seats_the_law_gives() -> None:
    """Read back from the chart, every list's seats are the exact path's on the final votes."""
    count = release(1.0)
    election = Election(constituencies=tuple(
        Constituency(name=c.name, magnitude=LAW.magnitudes[c.name], votes=dict(c.groups[0].votes))
        for c in count.constituencies))
    truth = allocate(election, LAW).totals()
    found = rows(forecast.project(count, LAW, draws=500, seed=2))
    assert {name: bars(ax) for name, ax in found.items()} == {
        p: {n: 1.0} for p, n in truth.items() if n}


def test_every_constituency_gets_a_panel_of_its_last_seat() -> None:
    p = forecast.project(release(1 / 3), LAW, draws=3000, seed=1)
    figure = publish.plot_last_seats(p, columns=3)
    shown = [ax for ax in figure.axes if ax.get_visible()]
    assert [ax.get_title(loc="left").split(" · ")[0] for ax in shown] == list(PLACES)
    for ax, c in zip(shown, p.constituencies, strict=True):
        widths = [b.get_width() for b in ax.patches]
        assert widths == sorted(c.last_seat.values(), reverse=True)[:4]
        assert f"{c.magnitude} seats" in ax.get_title(loc="left")
    assert len(figure.axes) == 6  # two rows of three; the last two panels hidden


def test_project_writes_the_charts_it_is_asked_for(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'night.db'}"
    for args in (["db", "init"], ["ingest", EXAMPLES / "stations.csv", EXAMPLES / "lists.csv"],
                 ["ingest", EXAMPLES / "sheets.csv"], ["release", "first results"]):
        assert majlis(*args, "--db", db).exit_code == 0
    svg, png = tmp_path / "charts" / "seats.svg", tmp_path / "last.png"
    run = majlis("project", "--release", "1", "--law", "iraq-2025", "--draws", "500",
                 "--plot", svg, "--plot-last-seat", png, "--db", db)
    assert run.exit_code == 0, run.output
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert "Sadiqoun" in svg.read_text(encoding="utf-8")
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 10_000
    wrong = majlis("project", "--release", "1", "--law", "iraq-2025", "--plot",
                   tmp_path / "seats.jpg", "--db", db)
    assert wrong.exit_code == 2 and "png or .svg" in wrong.output
    assert not (tmp_path / "seats.jpg").exists()


def test_a_name_no_bundled_font_has_is_drawn_without_a_warning() -> None:
    figure, ax = plt.subplots()  # warnings are errors under pytest
    ax.set_title("release \U0005ecc1")  # no font of the machine has this glyph
    png = publish.encode_chart(figure, "png")
    plt.close(figure)
    assert png.startswith(b"\x89PNG")
