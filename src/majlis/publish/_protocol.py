"""Results protocols: a release's figures per constituency (or national) as a PDF in Arabic or
English — the release's digest, the sheet chain's head and who keyed, checked and released it
printed on the page — made once and kept in the store byte for byte, and checked back against
the store by `verify_protocol`.

The figures ride in the file twice: printed, and as `protocol.json` embedded in it, which
`verify_protocol` reads to find the release and compare every figure with the store's; it then
reads the printed figures back from the page and compares them with the embedded ones, so a
page doctored under intact data is named figure by figure even in a file the store never kept.
The store keeps each protocol's SHA-256, so a file altered anywhere — a printed word, the
metadata, the embedded data — no longer matches the one produced. fpdf2 writes the PDF
(uharfbuzz shapes the Arabic, right to left) in DejaVu Sans, the font matplotlib ships, so
nothing is fetched; pypdf reads the embedded data and the page back. All three are loaded when
a protocol is first made or checked.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

from majlis.errors import InputError, Problem
from majlis.tally import ConstituencyCount, Release, Signatories, Store, StoredProtocol, national

from ._choices import Language
from ._lists import style_lists

if TYPE_CHECKING:
    from pypdf import PdfReader

__all__ = ["ProtocolCheck", "make_protocol", "protocol_pdf", "verify_protocol"]

ATTACHMENT = "protocol.json"
FORMAT = 1  # protocol.json's format: bump when its fields change meaning
NATIONAL = "national"  # how the national protocol names its constituency in its figures
FIGURE = re.compile(r"\d{1,3}(?:,\d{3})*")  # a figure as a protocol prints it: 12,345
HEX = re.compile(r"[0-9a-f]{64}")  # a release digest or a chain head
# Arabic-Indic and extended Arabic-Indic digits and the Arabic thousands separator, read as
# the ASCII a protocol prints: a copy set in either still says the same figure.
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٬", "01234567890123456789,")

WORDS = {
    "en": {"title": "Results protocol", "national": "National", "election": "Election",
           "release": "Release", "published": "published", "stations": "Stations counted",
           "of": "of", "list": "List", "votes": "Votes", "total": "Total valid votes",
           "digest": "Release digest (SHA-256)", "head": "Sheet chain head",
           "keyed": "Keyed by", "checked": "Checked by", "released": "Released by",
           "no-keyed": "none recorded (sheets from counting devices or files)",
           "no-checked": "no sheet was corrected or settled",
           "check": "The figures are embedded in this file (protocol.json); check it against "
                    "the tally store with `majlis verify`."},
    "ar": {"title": "محضر النتائج", "national": "النتائج الوطنية", "election": "الانتخابات",
           "release": "الإصدار", "published": "نُشر في", "stations": "المحطات المحسوبة",
           "of": "من", "list": "القائمة", "votes": "الأصوات", "total": "مجموع الأصوات الصحيحة",
           "digest": "بصمة الإصدار (SHA-256)", "head": "رأس سلسلة الأوراق",
           "keyed": "أدخلها", "checked": "دققها", "released": "أصدرها",
           "no-keyed": "لم يُسجَّل أحد (أوراق من أجهزة العد أو من ملفات)",
           "no-checked": "لم تُصحَّح أي ورقة ولم تُحسم",
           "check": "الأرقام مضمّنة في هذا الملف (protocol.json)؛ تحقّق منه مقابل مخزن النتائج "
                    "بالأمر majlis verify."},
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ProtocolCheck:
    """What checking a protocol file against the store found: which release, constituency and
    language it says it is, and every way it departs from the store (none: intact)."""

    release: int
    constituency: str  # "national" for the national protocol
    lang: str
    problems: tuple[str, ...]

    @property
    def intact(self) -> bool:
        return not self.problems


def _count(release: Release, constituency: str | None) -> ConstituencyCount:
    if constituency is None:
        return national(release.results)
    found = {c.name: c for c in release.results}
    if constituency not in found:
        raise InputError([Problem(source="protocol", line=None, field="--constituency", message=(
            f"no constituency {constituency!r} in release {release.number}; it has "
            + ", ".join(sorted(found)[:8]) + (" …" if len(found) > 8 else "")))])
    return found[constituency]


def _content(release: Release, constituency: str | None, lang: str, *, election: str,
             signatories: Signatories) -> dict[str, Any]:
    """What the protocol states, as embedded in it (and printed)."""
    count = _count(release, constituency)
    return {"majlis_protocol": FORMAT, "election": election, "release": release.number,
            "release_name": release.name, "created_at": release.created_at,
            "digest": release.digest, "sheet_head": release.sheet_head,
            "constituency": count.name, "lang": lang,
            "stations": count.stations, "counted": count.counted,
            "figures": [{"constituency": count.name, "list": name, "votes": n}
                        for name, n in sorted(count.votes.items())],
            "keyed": list(signatories.keyed), "checked": list(signatories.checked),
            "released": signatories.released}


def _font(name: str) -> str:
    """A TrueType font matplotlib ships (DejaVu, with Arabic): the protocol fetches nothing."""
    spec = find_spec("matplotlib")
    assert spec is not None and spec.origin is not None  # a dependency of majlis
    return str(Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / name)


def protocol_pdf(release: Release, constituency: str | None, lang: Language | str, *,
                 election: str, signatories: Signatories, law: str | None = None) -> bytes:
    """The protocol of `constituency` (None: national) in release `release` as PDF bytes,
    the same bytes for the same release and signatories: it is dated by the release."""
    from fpdf import FPDF  # loaded only to make a protocol

    lang = Language(lang).value
    words = WORDS[lang]
    content = _content(release, constituency, lang, election=election, signatories=signatories)
    count = _count(release, constituency)
    rtl = lang == "ar"
    align = "R" if rtl else "L"
    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime.fromisoformat(release.created_at))
    pdf.set_lang(lang)
    place = words["national"] if constituency is None else constituency
    pdf.set_title(f"{words['title']} — {place} — {words['release']} {release.number}")
    pdf.set_author(signatories.released or "majlis")
    pdf.set_creator("majlis")
    pdf.add_font("dejavu", "", _font("DejaVuSans.ttf"))
    pdf.add_font("dejavu", "B", _font("DejaVuSans-Bold.ttf"))
    pdf.add_font("mono", "", _font("DejaVuSansMono.ttf"))
    pdf.set_text_shaping(use_shaping_engine=True, direction="rtl" if rtl else "ltr")
    pdf.add_page()
    width = pdf.epw

    def line(text: str, *, size: float = 10, bold: bool = False, font: str = "dejavu",
             height: float = 6) -> None:
        pdf.set_font(font, "B" if bold else "", size)
        pdf.multi_cell(width, height, text, align="L" if font == "mono" else align,
                       new_x="LMARGIN", new_y="NEXT")

    line(f"{words['title']} — {place}", size=16, bold=True, height=9)
    line(f"{words['election']}: {election}")
    # Right to left, the moment is held left to right between two left-to-right marks (which
    # the font carries; the isolates of UAX #9 it does not): bare, fpdf2's reordering printed
    # 2025-11-11 19:00 as "19:00 11-11-2025".
    when = f"\u200e{release.created_at.replace('T', ' ')}\u200e" if rtl else release.created_at
    line(f"{words['release']} {release.number} «{release.name}» — {words['published']} {when}")
    line(f"{words['stations']}: {count.counted:,} {words['of']} {count.stations:,}")
    pdf.ln(3)
    styles = style_lists(count.votes, election, law)
    figures = pdf.epw * 0.25
    columns = [(words["votes"], figures, "R"), (words["list"], width - figures, "R")] if rtl \
        else [(words["list"], width - figures, "L"), (words["votes"], figures, "R")]
    pdf.set_font("dejavu", "B", 10)
    for title, w, side in columns:
        pdf.cell(w, 7, title, border="B", align=side)
    pdf.ln()
    for style in styles:
        pdf.set_font("dejavu", "", 10)
        cells = {words["list"]: style.label(lang), words["votes"]: f"{style.votes:,}"}
        for title, w, side in columns:
            pdf.cell(w, 6, cells[title], align=side)
        pdf.ln()
    pdf.set_font("dejavu", "B", 10)
    total = {words["list"]: words["total"], words["votes"]: f"{sum(count.votes.values()):,}"}
    for title, w, side in columns:
        pdf.cell(w, 7, total[title], border="T", align=side)
    pdf.ln(10)
    line(words["digest"], bold=True)
    line(release.digest, font="mono", size=8, height=5)
    line(words["head"], bold=True)
    line(release.sheet_head or "—", font="mono", size=8, height=5)
    pdf.ln(3)
    for role in ("keyed", "checked"):
        names = getattr(signatories, role)
        line(f"{words[role]}: " + ("، " if rtl else ", ").join(names) if names
             else f"{words[role]}: {words['no-' + role]}")
    line(f"{words['released']}: {signatories.released or '—'}")
    pdf.ln(3)
    line(words["check"], size=8, height=5)
    pdf.embed_file(bytes=json.dumps(content, ensure_ascii=False, sort_keys=True, indent=1)
                   .encode(), basename=ATTACHMENT, mime_type="application/json",
                   modification_date=datetime.fromisoformat(release.created_at),
                   desc="The protocol's figures, for majlis verify")
    return bytes(pdf.output())


def make_protocol(store: Store, release: Release, constituency: str | None,
                  lang: Language | str, *, law: str | None = None) -> StoredProtocol:
    """The protocol as the store keeps it: made and kept the first time it is asked for, the
    kept one (never a new one) ever after."""
    lang = Language(lang).value
    key = constituency or ""
    _count(release, constituency)  # a constituency not in the release: refused before all else
    kept = store.protocol(release.number, key, lang)
    if kept is not None:
        return kept
    made = protocol_pdf(release, constituency, lang, election=store.election, law=law,
                        signatories=store.signatories(release.number, constituency))
    return store.keep_protocol(release.number, key, lang, made)


@contextmanager
def _quiet() -> Iterator[None]:
    """pypdf silent while it reads a file: what is wrong with a damaged file is reported as a
    problem of the file, not logged or warned about."""
    log = logging.getLogger("pypdf")  # its modules log to loggers below it, which inherit this
    was = log.level
    log.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        log.setLevel(was)


def _embedded(data: bytes, source: str) -> tuple[dict[str, Any], PdfReader]:
    """The protocol.json a protocol file carries and the file as read, or the InputError that
    names what the file is instead (not a PDF, a PDF without it, unreadable data)."""
    def wrong(message: str) -> InputError:
        return InputError([Problem(source=source, line=None, field="file", message=message)])

    if not data.startswith(b"%PDF-"):
        raise wrong("is not a PDF: a results protocol is the PDF `majlis protocol` writes")
    from pypdf import PdfReader  # loaded only to check a protocol
    from pypdf.errors import PyPdfError

    try:
        with _quiet():
            reader = PdfReader(io.BytesIO(data))
            found = reader.attachments.get(ATTACHMENT)
    except (PyPdfError, ValueError, KeyError, TypeError) as error:
        raise wrong(f"is a PDF that cannot be read ({error}): damaged or cut short") from None
    if not found:
        raise wrong(f"is a PDF without {ATTACHMENT}: not a results protocol made by majlis")
    try:
        content = json.loads(found[0])
    except (ValueError, UnicodeDecodeError):
        raise wrong(f"its {ATTACHMENT} is not JSON: the file was damaged") from None
    keys = {"majlis_protocol", "election", "release", "digest", "sheet_head", "constituency",
            "lang", "figures", "keyed", "checked", "released"}
    if not isinstance(content, dict) or not keys <= content.keys() or (
            content["majlis_protocol"] != FORMAT) or not isinstance(content["release"], int):
        raise wrong(f"its {ATTACHMENT} is not a protocol this majlis reads (format {FORMAT})")
    return content, reader


def _page_lines(reader: PdfReader, rtl: bool) -> list[tuple[int, list[str]]]:
    """Each line of text on the protocol's pages, top to bottom: its page and its words in
    reading order, digits as ASCII. pypdf's layout mode gives each line as drawn, left to
    right, and fpdf2 draws right-to-left text already reordered, so a figure reads as printed
    in either language (Arabic words come back as glyphs in visual order: never compared)."""
    lines = []
    for number, page in enumerate(reader.pages, 1):
        text = page.extract_text(extraction_mode="layout", layout_mode_space_vertically=False)
        for line in text.translate(DIGITS).splitlines():
            words = line.split()
            lines.append((number, words[::-1] if rtl else words))
    return lines


def _last_figure(words: list[str]) -> int | None:
    """The figure a line ends with in reading order — the votes of a row of the table — or
    None."""
    return int(words[-1].replace(",", "")) if words and FIGURE.fullmatch(words[-1]) else None


def _printed_problems(reader: PdfReader, content: dict[str, Any], place: str, rtl: bool
                      ) -> list[str]:
    """Every figure printed on the page against protocol.json's: the table's rows in the order
    they are printed (most votes first, then by name), so a row is known by its place, never
    by reading its list's name; the total; the stations counted; the release digest and the
    chain head. The table is the last run of lines ending with a figure above the release
    digest: the header above it and the digest's title below it end with words."""
    from pypdf.errors import PyPdfError

    try:
        with _quiet():
            lines = _page_lines(reader, rtl)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        return [f"the printed page cannot be read back ({error}): the file was altered"]
    problems: list[str] = []
    votes = sorted(((item["votes"], str(item.get("list"))) for item in content["figures"]
                    if isinstance(item, dict) and item.get("constituency") == place
                    and type(item.get("votes")) is int), key=lambda x: (-x[0], x[1]))
    rows = [(name, n) for n, name in votes] + [(WORDS["en"]["total"],
                                                 sum(n for n, _ in votes))]
    sealed_at = next((i for i, (_, words) in enumerate(lines)
                      if any(HEX.fullmatch(w) for w in words)), len(lines))
    end = next((i + 1 for i in range(sealed_at - 1, -1, -1)
                if _last_figure(lines[i][1]) is not None), 0)
    start = next((i + 1 for i in range(end - 1, -1, -1)
                  if _last_figure(lines[i][1]) is None), 0)
    table = lines[start:end]
    if len(table) != len(rows):
        where = f"page {table[0][0]}: " if table else ""
        problems.append(f"{where}the printed table has {len(table)} rows of figures, "
                        f"{ATTACHMENT} {len(rows) - 1} lists and the total: a row was added, "
                        "removed or stripped of its figure")
    else:
        for (page, words), (name, n) in zip(table, rows, strict=True):
            printed = _last_figure(words)
            if printed != n:
                problems.append(f"page {page}: {place} › {name}: printed {_shown(printed)}, "
                                f"embedded {n:,}")
        counted, stations = content.get("counted"), content.get("stations")
        if table and start >= 2 and type(counted) is int and type(stations) is int:
            page, words = lines[start - 2]  # above the table's header
            figures = [w for w in words if FIGURE.fullmatch(w)]
            if figures != [f"{counted:,}", f"{stations:,}"]:
                problems.append(f"page {page}: {place} › {WORDS['en']['stations']}: printed "
                                f"{' of '.join(figures) or '—'}, embedded {counted:,} of "
                                f"{stations:,}")
    hexes = [(page, w) for page, words in lines for w in words if HEX.fullmatch(w)]
    sealed = [("release digest", content["digest"])] + (
        [("sheet chain head", content["sheet_head"])] if content["sheet_head"] else [])
    for i, (what, value) in enumerate(sealed):
        page, shown_hex = hexes[i] if i < len(hexes) else (0, "—")
        if shown_hex != value:
            where = f"page {page}: " if page else ""
            problems.append(f"{where}{what}: printed {shown_hex}, embedded {value}")
    return problems


def verify_protocol(store: Store, data: bytes, source: str = "protocol") -> ProtocolCheck:
    """Check a protocol file against the store: its embedded figures against the release's
    (each that differs named: constituency, list, stored and embedded), the release digest,
    the chain head, the stations counted and who signed against the store's; the figures
    printed on its pages against the embedded ones (each that differs named with its page);
    and the file itself against the protocol the store keeps (by SHA-256). A file that is not
    a protocol of this store's election is an InputError, not a failed check."""
    content, reader = _embedded(data, source)
    if content["election"] != store.election:
        raise InputError([Problem(source=source, line=None, field="--election", message=(
            f"is a protocol of election {content['election']!r}, not of {store.election!r}: "
            "name its election with --election"))])
    found = {r.number: r for r in store.releases()}
    number = content["release"]
    if number not in found:
        raise InputError([Problem(source=source, line=None, field="release", message=(
            f"is a protocol of release {number}; {store.election!r} has {len(found)} releases in"
            f" {store.location}"))])
    release = found[number]
    place = content["constituency"]
    lang = content["lang"] if content["lang"] in WORDS else "en"
    try:
        count = _count(release, None if place == NATIONAL else place)
    except InputError:
        return ProtocolCheck(release=number, constituency=str(place), lang=lang, problems=(
            f"release {number} has no constituency {place!r}: the protocol was altered",))
    problems: list[str] = []
    if content["digest"] != release.digest:
        problems.append(f"release digest: stored {release.digest}, embedded {content['digest']}")
    if content["sheet_head"] != release.sheet_head:
        problems.append(f"sheet chain head: stored {release.sheet_head or '—'}, embedded "
                        f"{content['sheet_head'] or '—'}")
    if (content.get("counted"), content.get("stations")) != (count.counted, count.stations):
        problems.append(f"{count.name} › {WORDS['en']['stations']}: stored {count.counted:,} of "
                        f"{count.stations:,}, embedded {_shown(content.get('counted'))} of "
                        f"{_shown(content.get('stations'))}")
    embedded: dict[str, object] = {}
    for item in content["figures"]:
        if isinstance(item, dict) and item.get("constituency") == count.name:
            embedded[str(item.get("list"))] = item.get("votes")
    stored = count.votes
    for name in sorted(stored.keys() | embedded.keys()):
        if stored.get(name) != embedded.get(name):
            problems.append(f"{count.name} › {name}: stored "
                            f"{_shown(stored.get(name))}, embedded {_shown(embedded.get(name))}")
    key = "" if place == NATIONAL else place
    signed = store.signatories(number, None if place == NATIONAL else place)
    for role in ("keyed", "checked"):
        if list(getattr(signed, role)) != content[role]:
            problems.append(f"{role} by: stored {', '.join(getattr(signed, role)) or '—'}, "
                            f"embedded {', '.join(map(str, content[role])) or '—'}")
    if signed.released != content["released"]:
        problems.append(f"released by: stored {signed.released or '—'}, embedded "
                        f"{content['released'] or '—'}")
    problems += _printed_problems(reader, content, count.name, lang == "ar")
    kept = store.protocol(number, key, lang)
    sha = hashlib.sha256(data).hexdigest()
    if kept is None:
        problems.append(f"the store keeps no {lang} protocol of {count.name} in release "
                        f"{number}: this file was not produced by it")
    elif kept.sha256 != sha:
        problems.append(f"the file's SHA-256 is {sha}, the kept protocol's {kept.sha256}: the "
                        "file was altered after it was produced")
    return ProtocolCheck(release=number, constituency=count.name, lang=lang,
                         problems=tuple(problems))


def _shown(value: object) -> str:
    return "—" if value is None else f"{value:,}" if isinstance(value, int) else repr(value)
