"""Results protocols: a release's figures per constituency (or national) as a PDF in Arabic or
English — the release's digest, the sheet chain's head and who keyed, checked and released it
printed on the page — made once and kept in the store byte for byte, and checked back against
the store by `verify_protocol`.

The figures ride in the file twice: printed, and as `protocol.json` embedded in it, which
`verify_protocol` reads to find the release and compare every figure. The store keeps each
protocol's SHA-256, so a file altered anywhere — a printed figure, the embedded data — no
longer matches the one produced. fpdf2 writes the PDF (uharfbuzz shapes the Arabic, right to
left) in DejaVu Sans, the font matplotlib ships, so nothing is fetched; pypdf reads the
embedded data back. All three are loaded when a protocol is first made or checked.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import warnings
from dataclasses import dataclass
from datetime import datetime
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from majlis.errors import InputError, Problem
from majlis.tally import ConstituencyCount, Release, Signatories, Store, StoredProtocol, national

from ._choices import Language
from ._lists import style_lists

__all__ = ["ProtocolCheck", "make_protocol", "protocol_pdf", "verify_protocol"]

ATTACHMENT = "protocol.json"
FORMAT = 1  # protocol.json's format: bump when its fields change meaning
NATIONAL = "national"  # how the national protocol names its constituency in its figures

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


def _embedded(data: bytes, source: str) -> dict[str, Any]:
    """The protocol.json a protocol file carries, or the InputError that names what the file
    is instead (not a PDF, a PDF without it, unreadable data)."""
    def wrong(message: str) -> InputError:
        return InputError([Problem(source=source, line=None, field="file", message=message)])

    if not data.startswith(b"%PDF-"):
        raise wrong("is not a PDF: a results protocol is the PDF `majlis protocol` writes")
    from pypdf import PdfReader  # loaded only to check a protocol
    from pypdf.errors import PyPdfError

    quiet = logging.getLogger("pypdf")  # a damaged file is reported below, not logged
    was = quiet.disabled
    quiet.disabled = True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = PdfReader(io.BytesIO(data)).attachments.get(ATTACHMENT)
    except (PyPdfError, ValueError, KeyError, TypeError) as error:
        raise wrong(f"is a PDF that cannot be read ({error}): damaged or cut short") from None
    finally:
        quiet.disabled = was
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
    return content


def verify_protocol(store: Store, data: bytes, source: str = "protocol") -> ProtocolCheck:
    """Check a protocol file against the store: its embedded figures against the release's
    (each that differs named: constituency, list, stored and printed), the release digest, the
    chain head and who signed against the store's, and the file itself against the protocol
    the store keeps (by SHA-256). A file that is not a protocol of this store's election is an
    InputError, not a failed check."""
    content = _embedded(data, source)
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
        problems.append(f"release digest: stored {release.digest}, printed {content['digest']}")
    if content["sheet_head"] != release.sheet_head:
        problems.append(f"sheet chain head: stored {release.sheet_head or '—'}, printed "
                        f"{content['sheet_head'] or '—'}")
    printed: dict[str, object] = {}
    for item in content["figures"]:
        if isinstance(item, dict) and item.get("constituency") == count.name:
            printed[str(item.get("list"))] = item.get("votes")
    stored = count.votes
    for name in sorted(stored.keys() | printed.keys()):
        if stored.get(name) != printed.get(name):
            problems.append(f"{count.name} › {name}: stored "
                            f"{_shown(stored.get(name))}, printed {_shown(printed.get(name))}")
    key = "" if place == NATIONAL else place
    signed = store.signatories(number, None if place == NATIONAL else place)
    for role in ("keyed", "checked"):
        if list(getattr(signed, role)) != content[role]:
            problems.append(f"{role} by: stored {', '.join(getattr(signed, role)) or '—'}, "
                            f"printed {', '.join(map(str, content[role])) or '—'}")
    if signed.released != content["released"]:
        problems.append(f"released by: stored {signed.released or '—'}, printed "
                        f"{content['released'] or '—'}")
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
