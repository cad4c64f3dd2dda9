"""Charts of a projection for bulletins and the web: seat distributions and last seats.

Each function takes plain values and returns a new matplotlib `Figure` drawn by the Agg
canvas — no pyplot and no global state, so charts can be made from threads and servers — for
the caller to save (`figure.savefig("seats.svg")`) or embed. A chart draws the projection's
own counts: it never rounds, merges or re-estimates a seat total.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from majlis.forecast import ListOutlook, Projection
from majlis.law import Law

__all__ = ["plot_last_seats", "plot_seats"]

_INSIDE80, _INSIDE95, _OUTSIDE = "#1f4e79", "#6f9fcf", "#c9d9ea"
_MAJORITY = "#b22222"
_ROW = 0.75  # inches per list or constituency row
_TOP, _BOTTOM = 0.9, 0.75  # inches above the first row (title) and below the last (axis, key)


def _figure(width: float, rows: int) -> Figure:
    """A figure on the Agg canvas, `rows` rows high, with room for a title and a footnote."""
    height = _TOP + _BOTTOM + rows * _ROW
    figure = Figure(figsize=(width, height))
    FigureCanvasAgg(figure)
    figure.subplots_adjust(left=0.04, right=0.97, top=1 - _TOP / height,
                           bottom=_BOTTOM / height, hspace=0.9, wspace=0.15)
    return figure


def _heading(projection: Projection) -> str:
    return (f"Release {projection.release} ({projection.release_name}): "
            f"{projection.draws:,} draws, seed {projection.seed}")


def _colour(seats: int, x: ListOutlook) -> str:
    if x.interval80[0] <= seats <= x.interval80[1]:
        return _INSIDE80
    return _INSIDE95 if x.interval95[0] <= seats <= x.interval95[1] else _OUTSIDE


def plot_seats(projection: Projection, law: Law, *, lists: int = 12) -> Figure:
    """Each list's seats over the draws, one row per list (the `lists` most expected to win
    seats): a bar per seat total as high as the share of draws giving it, the 80 % and 95 %
    intervals shaded, and the law's majority marked on every row so the distance shows."""
    majority = law.house // 2 + 1
    shown = [x for x in projection.lists if x.distribution[0] < projection.draws][:lists]
    right = max([majority, *(len(x.distribution) for x in shown)]) + 3
    figure = _figure(9.0, max(len(shown), 1))
    figure.suptitle(f"{_heading(projection)}\nSeats per list; majority {majority} of "
                    f"{law.house}", x=0.04, ha="left", fontsize=11)
    axes: list[Axes] = list(figure.subplots(max(len(shown), 1), 1, sharex=True,
                                            squeeze=False)[:, 0])
    for ax, x in zip(axes, shown, strict=False):
        seats = [k for k, n in enumerate(x.distribution) if n]
        ax.bar(seats, [x.distribution[k] / projection.draws for k in seats], width=0.9,
               color=[_colour(k, x) for k in seats])
        ax.axvline(majority, color=_MAJORITY, linewidth=1.2)
        ax.set_title(x.name, loc="left", fontsize=9)
        ax.set_title(f"expected {x.expected:.1f} · 80 %: {x.interval80[0]}–{x.interval80[1]}"
                     f" · 95 %: {x.interval95[0]}–{x.interval95[1]} · largest "
                     f"{x.largest:.0%}", loc="right", fontsize=8)
        ax.set_ylim(0, 1)
        ax.set_yticks([0, 1], ["0", "1"], fontsize=7)
        ax.spines[["top", "right"]].set_visible(False)
    axes[-1].set_xlim(-1, right)
    axes[-1].set_xlabel("Seats")
    hidden = len([x for x in projection.lists if x.distribution[0] < projection.draws])
    figure.text(0.04, 0.15 / figure.get_figheight(),
                "Bar height: share of draws giving the list that many seats. Dark: 80 % "
                "interval; light: 95 %; red line: majority."
                + (f" {hidden - len(shown)} more lists with a chance of a seat not shown."
                   if hidden > len(shown) else "")
                + (f" Not projected: {', '.join(projection.not_projected)}."
                   if projection.not_projected else ""),
                fontsize=7, wrap=True)
    return figure


def plot_last_seats(projection: Projection, *, columns: int = 3, lists: int = 4) -> Figure:
    """Who takes each constituency's last seat: one small panel per constituency, the `lists`
    likeliest with their share of draws — where a release's doubt is, seat by seat."""
    n = max(len(projection.constituencies), 1)
    rows = -(-n // columns)
    figure = _figure(3.4 * columns, rows)
    figure.suptitle(f"{_heading(projection)}\nLast seat of each constituency: share of draws",
                    x=0.04, ha="left", fontsize=11)
    grid = figure.subplots(rows, columns, sharex=True, squeeze=False)
    for k, ax in enumerate(grid.flat):
        if k >= len(projection.constituencies):
            ax.set_visible(False)
            continue
        c = projection.constituencies[k]
        close = sorted(c.last_seat.items(), key=lambda kv: (-kv[1], kv[0]))[:lists]
        ax.barh(range(len(close)), [v for _, v in close], color=_INSIDE95, height=0.8)
        for i, (p, v) in enumerate(close):
            ax.text(0.02, i, f"{p} {v:.0%}" if v >= 0.005 else f"{p} <1%", va="center",
                    fontsize=7)
        ax.set_ylim(lists - 0.5, -0.5)
        ax.set_yticks([])
        ax.set_xlim(0, 1)
        ax.set_title(f"{c.name} · {c.magnitude} seats · {c.counted:.0%} counted", loc="left",
                     fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
        ax.spines[["top", "right"]].set_visible(False)
    return figure
