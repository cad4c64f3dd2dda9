"""Charts for print and the web: the seat table as a hemicycle, votes against seats, the
projection's fan of intervals, seat distributions and each constituency's last seat.

Each function takes plain values and returns a new matplotlib `Figure` drawn by the Agg
canvas — no pyplot and no global state, so charts can be made from threads and servers — for
`encode_chart` to write as SVG or PNG. A chart draws the figures it is given: it never rounds,
merges or re-estimates a seat total. Lists take the dashboard's colours (`style_lists`); in
Arabic the words are Arabic, the names the lists' Arabic names, and the layout reads from the
right (the hemicycle fills from the right, bars grow leftwards, names stand on the right).
matplotlib shapes Arabic itself (libraqm) in the font it bundles, DejaVu Sans, which has the
Arabic letters: nothing is fetched. SVG keeps its words as text (`<text>`), for a desk to edit.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Patch

from majlis.data import OTHER_LISTS
from majlis.forecast import ListOutlook, Projection, project
from majlis.law import Law
from majlis.tally import Release, Station, national

from ._bulletin import ARABIC_INDIC
from ._choices import ChartFormat, ChartKind
from ._lists import UNKNOWN_COLOUR, ListStyle, style_lists
from ._release import release_count, release_seats

__all__ = ["encode_chart", "plot_fan", "plot_hemicycle",
           "plot_last_seats", "plot_seats", "plot_votes_seats", "release_chart"]

_INSIDE80, _INSIDE95, _OUTSIDE = "#1f4e79", "#6f9fcf", "#c9d9ea"
_MAJORITY = "#b22222"
_ROW = 0.75  # inches per list or constituency row
_TOP, _BOTTOM = 0.9, 0.75  # inches above the first row (title) and below the last (axis, key)
_CHAMBER = 6.2  # inches for the hemicycle's title and chamber, above its key
_DPI = 100  # pixels per inch of a PNG: a chart of 12 × 8 inches is 1200 × 800 pixels
# The words of the charts, per language; figures are filled in with the language's digits.
WORDS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "release": "Release {number} ({name})",
        "draws": "{draws} draws, seed {seed}",
        "hemicycle": "Seats by list: {seats} of {house}; majority {majority}",
        "majority": "majority {majority}",
        "votes_seats": "Share of the votes and of the seats, by list",
        "votes": "votes",
        "seats": "seats",
        "seat_count": "seats: {seats}",
        "fan": "Projected seats: expected, 80 % and 95 % intervals",
        "expected": "expected {expected} · 80 %: {low80}–{high80} · 95 %: {low95}–{high95}",
        "last_seat": "Last seat of each constituency: share of draws",
        "panel": "{name} · {magnitude} seats · {counted} counted",
        "none": "No seats yet",
    },
    "ar": {
        "release": "الإصدار {number} ({name})",
        "draws": "{draws} سحبة، البذرة {seed}",
        "hemicycle": "المقاعد حسب القائمة: {seats} من {house}؛ الأغلبية {majority}",
        "majority": "الأغلبية {majority}",
        "votes_seats": "نسبة الأصوات ونسبة المقاعد لكل قائمة",
        "votes": "الأصوات",
        "seats": "المقاعد",
        "seat_count": "المقاعد: {seats}",
        "fan": "المقاعد المتوقعة: القيمة المتوقعة ونطاقا {p80} و{p95}",
        "expected": "المتوقع {expected} · {p80}: {low80}–{high80} · {p95}: {low95}–{high95}",
        "last_seat": "المقعد الأخير في كل دائرة: نسبة السحوبات",
        "panel": "{name} · {magnitude} مقاعد · فُرز {counted}",
        "none": "لا مقاعد بعد",
    },
}


def _figure(width: float, rows: int) -> Figure:
    """A figure on the Agg canvas, `rows` rows high, with room for a title and a footnote."""
    height = _TOP + _BOTTOM + rows * _ROW
    figure = Figure(figsize=(width, height))
    FigureCanvasAgg(figure)
    figure.subplots_adjust(left=0.04, right=0.97, top=1 - _TOP / height,
                           bottom=_BOTTOM / height, hspace=0.9, wspace=0.15)
    return figure


class _Writer:
    """Words and figures in one language. Arabic is written with Arabic-Indic digits and
    separators (١٢٬٣٤٥، ٢٧٫٠٪), which read right to left as one number, and names in other
    scripts are isolated (U+2068…U+2069) so that a Latin name does not reorder the words
    around it; each line is isolated right to left (`line`)."""

    def __init__(self, lang: str) -> None:
        if lang not in WORDS:
            raise ValueError(f"a chart is written in {' or '.join(WORDS)}, not {lang!r}")
        self.lang, self.rtl = lang, lang == "ar"

    def __call__(self, key: str, **figures: object) -> str:
        return self.line(WORDS[self.lang][key].format(**figures))

    def _digits(self, text: str) -> str:
        if not self.rtl:
            return text
        return text.replace(",", "\u066c").replace(".", "\u066b").translate(ARABIC_INDIC)

    def number(self, value: int) -> str:
        return self._digits(f"{value:,}")

    def decimal(self, value: float) -> str:
        return self._digits(f"{value:.1f}")

    def percent(self, share: Fraction | float) -> str:
        """A share in per cent to one decimal, rounded once, half to even."""
        tenths = round(Fraction(share) * 1000)
        text = self._digits(f"{tenths // 10}.{tenths % 10}")
        return f"{text}\u066a" if self.rtl else f"{text} %"

    def name(self, text: str) -> str:
        return f"\u2068{text}\u2069" if self.rtl else text

    def line(self, text: str) -> str:
        """Each line of an Arabic text isolated right to left (U+2067…U+2069): it reads from
        the right wherever it is shown — matplotlib's own layout, or a browser showing the
        SVG, which would otherwise lay a line out left to right."""
        if not self.rtl:
            return text
        return "\n".join(f"\u2067{part}\u2069" for part in text.split("\n"))

    def heading(self, release: int, name: str) -> str:
        return self("release", number=self.number(release), name=self.name(name))

    def draws(self, projection: Projection) -> str:
        """The projection's release, draws and seed."""
        return (f"{self.heading(projection.release, projection.release_name)}: "
                + self("draws", draws=self.number(projection.draws),
                       seed=self.number(projection.seed)))

    def title(self, figure: Figure, text: str) -> None:
        """The chart's title, from the side the language starts on."""
        figure.suptitle(self.line(text), x=0.96 if self.rtl else 0.04,
                        ha="right" if self.rtl else "left", fontsize=11)


def _colour(styles: Mapping[str, ListStyle] | None, name: str) -> str:
    found = styles.get(name) if styles else None
    return found.colour if found else UNKNOWN_COLOUR if styles else _INSIDE95


def _label(styles: Mapping[str, ListStyle] | None, name: str, say: _Writer) -> str:
    found = styles.get(name) if styles else None
    return say.line(say.name(found.label(say.lang) if found else name))


def _spots(total: int) -> list[tuple[float, float, float]]:
    """Seats on concentric arcs of a half disc, as the dashboard places them: (angle, x, y),
    from the left end round to the right."""
    inner = 0.4
    rows = max(1, math.ceil(math.sqrt(total / 3.67)))
    radii = [inner + (1 - inner) * (i + 0.5) / rows for i in range(rows)]
    per_row = [math.floor(total * r / sum(radii)) for r in radii]
    per_row[-1] += total - sum(per_row)
    spots = []
    for r, n in zip(radii, per_row, strict=True):
        for k in range(n):
            angle = math.pi * (0.5 if n == 1 else k / (n - 1))
            spots.append((angle, -math.cos(angle) * r, math.sin(angle) * r))
    spots.sort()
    return spots


def _seat_size(total: int) -> float:
    inner = 0.4
    rows = max(1, math.ceil(math.sqrt(total / 3.67)))
    first = inner + (1 - inner) * 0.5 / rows
    in_first = max(math.floor(total * first / sum(
        inner + (1 - inner) * (i + 0.5) / rows for i in range(rows))), 1)
    return min(0.45 * (1 - inner) / rows, 0.9 * math.pi * first / in_first)


def plot_hemicycle(seats: Mapping[str, int], votes: Mapping[str, int],
                   styles: Mapping[str, ListStyle], *, house: int, release: int,
                   release_name: str, lang: str = "en") -> Figure:
    """The seat table as the chamber: one dot per seat in the list's colour, lists in order of
    seats (then votes) from the left end — from the right in Arabic — and a key naming each
    list with its seats. `house` is the whole house the majority is counted on."""
    say = _Writer(lang)
    held = sorted((p for p, n in seats.items() if n > 0),
                  key=lambda p: (-seats[p], -votes.get(p, 0), p))
    total = sum(seats[p] for p in held)
    columns = 1 if len(held) <= 6 else 2 if len(held) <= 24 else 3
    down = -(-len(held) // columns)  # key entries per column, filled column by column
    key_height = 0.3 + 0.24 * down  # inches: the key grows with the lists, the chamber not
    height = _CHAMBER + key_height
    figure = Figure(figsize=(10.0, height))
    FigureCanvasAgg(figure)
    majority = house // 2 + 1
    say.title(figure, f"{say.heading(release, release_name)}\n" + say(
        "hemicycle", seats=say.number(total), house=say.number(house),
        majority=say.number(majority)))
    ax = figure.add_axes((0.05, key_height / height, 0.9, (_CHAMBER - 1.0) / height))
    ax.set_aspect("equal")
    ax.set_axis_off()
    mirror = -1 if say.rtl else 1
    size = _seat_size(total) if total else 0.05
    ax.set_xlim(-1 - size, 1 + size)
    ax.set_ylim(-0.12, 1 + size)
    spots = iter(_spots(total)) if total else iter(())
    circles, colours = [], []
    for p in held:
        for _ in range(seats[p]):
            _, x, y = next(spots)
            circles.append(Circle((mirror * x, y), size))
            colours.append(_colour(styles, p))
    ax.add_collection(PatchCollection(circles, facecolors=colours, edgecolors="none"))
    ax.text(0, 0.02, say.number(total) if total else say("none"), ha="center",
            va="bottom", fontsize=26 if total else 14)
    ax.text(0, -0.1, say("majority", majority=say.number(majority)), ha="center",
            va="bottom", fontsize=9, color=_MAJORITY)
    key = figure.add_axes((0.03, 0.0, 0.94, key_height / height))
    key.set_axis_off()
    # Each column padded to the same length, so each holds its own lists; Arabic reads the
    # first column on the right.
    chunks = [[*held[k * down:(k + 1) * down], *[None] * down][:down] for k in range(columns)]
    order: list[str | None] = [p for chunk in (chunks[::-1] if say.rtl else chunks)
                               for p in chunk]
    if held:
        key.legend([Patch(facecolor=_colour(styles, p)) if p else Patch(alpha=0)
                    for p in order],
                   [say.line(f"{_label(styles, p, say)} {say.number(seats[p])}") if p else ""
                    for p in order],
                   loc="upper center", ncols=columns, frameon=False, fontsize=9,
                   markerfirst=not say.rtl, alignment="right" if say.rtl else "left")
    return figure


def _bars(ax: Axes, say: _Writer, names: Sequence[str]) -> None:
    """Horizontal bars' frame: one row per list from the top, names on the side the language
    starts on, bars growing away from them."""
    ax.set_yticks(range(len(names)), names, fontsize=9)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.spines[["top", "left" if say.rtl else "right"]].set_visible(False)
    if say.rtl:
        ax.invert_xaxis()
        ax.yaxis.tick_right()
    ax.tick_params(axis="x", labelsize=8)


def plot_votes_seats(seats: Mapping[str, int], votes: Mapping[str, int],
                     styles: Mapping[str, ListStyle], *, release: int, release_name: str,
                     lang: str = "en", lists: int = 15
                     ) -> Figure:
    """Each list's share of the votes (pale) against its share of the seats (solid), the
    `lists` with the most seats then votes: how far the law moved the one from the other.
    Each row ends with the list's seats and votes."""
    say = _Writer(lang)
    all_votes, all_seats = sum(votes.values()), sum(seats.values())
    shown = sorted(set(seats) | set(votes),
                   key=lambda p: (-seats.get(p, 0), -votes.get(p, 0), p))[:lists]
    figure = _figure(10.0, max(len(shown), 1) // 2 + 1)
    say.title(figure, f"{say.heading(release, release_name)}\n{say('votes_seats')}")
    ax = figure.subplots()
    figure.subplots_adjust(left=0.3 if not say.rtl else 0.04, right=0.96 if not say.rtl else 0.7)
    for i, p in enumerate(shown):
        v = Fraction(votes.get(p, 0), all_votes or 1)
        s = Fraction(seats.get(p, 0), all_seats or 1)
        ax.barh(i - 0.18, float(v), height=0.34, color=_colour(styles, p), alpha=0.4)
        ax.barh(i + 0.18, float(s), height=0.34, color=_colour(styles, p))
        ax.text(float(max(v, s)), i, say.line(
            f"  {say.percent(v)} · {say.percent(s)} · "
            f"{say('seat_count', seats=say.number(seats.get(p, 0)))}"), va="center",
                ha="right" if say.rtl else "left", fontsize=8)
    _bars(ax, say, [_label(styles, p, say) for p in shown])
    right = max([0.0, *(max(votes.get(p, 0) / (all_votes or 1), seats.get(p, 0) /
                             (all_seats or 1)) for p in shown)])
    ax.set_xlim(0, right * 1.45 + 0.01)
    if say.rtl:
        ax.invert_xaxis()
    ax.xaxis.set_major_formatter(lambda x, _: say.percent(x))
    ax.legend([Patch(facecolor="#888888", alpha=0.4), Patch(facecolor="#888888")],
              [say("votes"), say("seats")], loc="lower left" if say.rtl else "lower right",
              frameon=False, fontsize=8, markerfirst=not say.rtl)
    return figure


def plot_fan(projection: Projection, styles: Mapping[str, ListStyle], *, lang: str = "en",
             lists: int = 15) -> Figure:
    """The projection's fan, as the dashboard draws it: for each list likely to win a seat,
    its 95 % interval (pale), its 80 % interval (solid) and its expected seats (a tick), on
    one scale, the lists by expected seats."""
    say = _Writer(lang)
    shown = [x for x in projection.lists if x.interval95[1] > 0
             and x.name not in projection.not_lists][:lists]
    figure = _figure(10.0, max(len(shown), 1) // 2 + 1)
    say.title(figure, f"{say.draws(projection)}\n" + say("fan", p80=say.percent(Fraction(80, 100)),
                    p95=say.percent(Fraction(95, 100))))
    ax = figure.subplots()
    figure.subplots_adjust(left=0.3 if not say.rtl else 0.04, right=0.96 if not say.rtl else 0.7)
    for i, x in enumerate(shown):
        colour = _colour(styles, x.name)
        low95, high95 = x.interval95
        low80, high80 = x.interval80
        ax.barh(i, high95 - low95 + 1, left=low95 - 0.5, height=0.6, color=colour, alpha=0.3)
        ax.barh(i, high80 - low80 + 1, left=low80 - 0.5, height=0.6, color=colour)
        ax.plot([x.expected, x.expected], [i - 0.35, i + 0.35], color="#1b1b1b", linewidth=2)
        ax.text(high95 + 0.7, i, say("expected", expected=say.decimal(x.expected),
                                     low80=say.number(low80), high80=say.number(high80),
                                     low95=say.number(low95), high95=say.number(high95),
                                     p80=say.percent(Fraction(80, 100)),
                                     p95=say.percent(Fraction(95, 100))),
                va="center", ha="right" if say.rtl else "left", fontsize=7)
    _bars(ax, say, [_label(styles, x.name, say) for x in shown])
    top = max([1, *(x.interval95[1] for x in shown)])
    ax.set_xlim(-0.5, top * 1.6 + 2)
    if say.rtl:
        ax.invert_xaxis()
    ax.xaxis.set_major_formatter(lambda v, _: say.number(round(v)))
    ax.set_xlabel(say("seats"), fontsize=9)
    return figure


def _colour_of(seats: int, x: ListOutlook) -> str:
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
    figure.suptitle(f"{_Writer('en').draws(projection)}\nSeats per list; majority {majority} of "
                    f"{law.house}", x=0.04, ha="left", fontsize=11)
    axes: list[Axes] = list(figure.subplots(max(len(shown), 1), 1, sharex=True,
                                            squeeze=False)[:, 0])
    for ax, x in zip(axes, shown, strict=False):
        seats = [k for k, n in enumerate(x.distribution) if n]
        ax.bar(seats, [x.distribution[k] / projection.draws for k in seats], width=0.9,
               color=[_colour_of(k, x) for k in seats])
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


def plot_last_seats(projection: Projection, *, columns: int = 3, lists: int = 4,
                    styles: Mapping[str, ListStyle] | None = None, lang: str = "en"
                    ) -> Figure:
    """Who takes each constituency's last seat: one small panel per constituency, the `lists`
    likeliest with their share of draws — where a release's doubt is, seat by seat. With
    `styles`, each bar in its list's colour and the list by its name in `lang`."""
    say = _Writer(lang)
    n = max(len(projection.constituencies), 1)
    rows = -(-n // columns)
    figure = _figure(3.4 * columns, rows)
    say.title(figure, f"{say.draws(projection)}\n{say('last_seat')}")
    grid = figure.subplots(rows, columns, sharex=True, squeeze=False)
    for k, ax in enumerate(grid.flat):
        if k >= len(projection.constituencies):
            ax.set_visible(False)
            continue
        c = projection.constituencies[k]
        close = sorted(c.last_seat.items(), key=lambda kv: (-kv[1], kv[0]))[:lists]
        ax.barh(range(len(close)), [v for _, v in close], height=0.8,
                color=[_colour(styles, p) for p, _ in close], alpha=0.45 if styles else 1.0)
        for i, (p, v) in enumerate(close):
            name = _label(styles, p, say)
            share = say.percent(v) if v >= 0.005 else "<" + say.percent(Fraction(1, 100))
            ax.text(0.98 if say.rtl else 0.02, i, say.line(f"{name} {share}"), va="center",
                    ha="right" if say.rtl else "left", fontsize=7,
                    transform=ax.get_yaxis_transform())
        ax.set_ylim(lists - 0.5, -0.5)
        ax.set_yticks([])
        ax.set_xlim(1, 0) if say.rtl else ax.set_xlim(0, 1)
        panel = (f"{c.name} · {c.magnitude} seats · {c.counted:.0%} counted" if lang == "en"
                 else say("panel", name=say.name(c.name), magnitude=say.number(c.magnitude),
                          counted=say.percent(c.counted)))
        ax.set_title(panel, loc="right" if say.rtl else "left", fontsize=8)
        ax.xaxis.set_major_formatter(lambda x, _: say.percent(x))
        ax.tick_params(axis="x", labelsize=7)
        ax.spines[["top", "left" if say.rtl else "right"]].set_visible(False)
    return figure


def encode_chart(figure: Figure, fmt: str, *, width: int | None = None,
                 height: int | None = None) -> bytes:
    """The chart as a file's bytes: PNG or SVG (its words kept as text). A PNG is `width` ×
    `height` pixels when given — one of them keeps the chart's proportions — the whole chart
    scaled, words included, as a page scales a picture; by default 100 pixels per inch. Both
    change an SVG's proportions (it is vector: any size prints sharp). The same chart gives
    the same bytes."""
    if fmt not in tuple(ChartFormat):
        raise ValueError(f"a chart is written as {' or '.join(ChartFormat)}, not {fmt!r}")
    w, h = figure.get_size_inches()
    dpi = width / w if width else height / h if height else _DPI
    if width and height:
        h = w * height / width
    hair = 1e-6 if fmt == "png" else 0.0  # over each whole pixel: the canvas rounds down
    figure.set_size_inches(w + hair, h + hair)
    sink = io.BytesIO()
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "majlis"}), (
            warnings.catch_warnings()):
        # a name in a script no bundled font has (a list's, a release's) is drawn as boxes
        warnings.filterwarnings("ignore", message="Glyph .* missing from font",
                                category=UserWarning)
        figure.savefig(sink, format=fmt, dpi=dpi,
                       metadata={"Date": None} if fmt == "svg" else {"Software": "majlis"})
    return sink.getvalue()


def release_chart(kind: str, release: Release, law: Law, *, election: str,
                  law_name: str | None = None, stations: Iterable[Station] = (),
                  lang: str = "en", draws: int = 5_000, seed: int = 0) -> Figure:
    """A chart of a release, as `majlis chart` and the API draw it: `hemicycle` and
    `votes-seats` of the seats the law gives on the votes counted; `fan` and `last-seat` of a
    projection of `draws` complete results from the release (the register's `stations` scale
    the uncounted ones). Lists are named and coloured as the dashboard shows them."""
    if kind not in tuple(ChartKind):
        raise ValueError(f"a chart is one of {', '.join(ChartKind)}, not {kind!r}")
    votes = national(release.results).votes
    styles = {s.name: s for s in style_lists(votes, election, law_name)}
    if kind in ("hemicycle", "votes-seats"):
        found = release_seats(release, law)
        seats = found.totals() if found else {}
        if kind == "hemicycle":
            return plot_hemicycle(seats, votes, styles, house=law.house, release=release.number,
                                  release_name=release.name, lang=lang)
        return plot_votes_seats(seats, votes, styles, release=release.number,
                                release_name=release.name, lang=lang)
    count = release_count(release, stations, frozenset({OTHER_LISTS}))
    projection = project(count, law, draws=draws, seed=seed)
    if kind == "fan":
        return plot_fan(projection, styles, lang=lang)
    return plot_last_seats(projection, styles=styles, lang=lang)
