"""The dashboard and the desk as the service serves them: already in the reader's language on the
first paint (`<html lang dir>`, every `data-t` word, the page's title), the words written into
the page as data for its script, so that neither page flashes English before Arabic."""

from __future__ import annotations

import html
import json
import re
from functools import cache
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse

from majlis import publish

__all__ = ["COOKIE", "language", "page"]

STATIC = Path(__file__).parent / "static"
LANGUAGES = tuple(publish.Language)  # the languages every page and report is written in
COOKIE = "majlis-lang"  # set by the pages' language button: the reader's own choice
_WORD = re.compile(r'(<(\w+)\b[^>]*\bdata-t="([\w-]+)"[^>]*>)[^<]*(</\2>)')
_ROOT = re.compile(r'<html lang="\w+" dir="\w+">')
_SWITCH = re.compile(r'(<button id="lang" type="button" lang=")\w+(")')


def _preferred(header: str) -> str | None:
    """The first of our languages the browser's `Accept-Language` asks for, by its weights
    (`ar-IQ,ar;q=0.9,en;q=0.8` is Arabic); a language refused with `q=0` is never chosen."""
    weighted: list[tuple[float, int, str]] = []
    for order, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().split("-")[0].lower()
        if primary in LANGUAGES and weight > 0:
            weighted.append((-weight, order, primary))
    return min(weighted)[2] if weighted else None


def language(request: Request, default: str, *, browser: bool = True) -> str:
    """`?lang=ar|en` if the link says, else the reader's last choice on these pages (a cookie),
    else (with `browser`) the browser's language if it is one of ours, else `default`."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return (browser and _preferred(request.headers.get("accept-language", ""))) or default


@cache
def _template(name: str) -> tuple[str, dict[str, dict[str, str]]]:
    words = json.loads((STATIC / f"{name}.text.json").read_text(encoding="utf-8"))
    return (STATIC / f"{name}.html").read_text(encoding="utf-8"), words


def page(name: str, request: Request, *, default: str, browser: bool = True) -> HTMLResponse:
    """`static/NAME.html` in the language `language` picks, with its words from
    `static/NAME.text.json` — the same words its script uses, embedded as JSON (data, not code:
    the content policy stays as strict)."""
    text, words = _template(name)
    lang = language(request, default, browser=browser)
    mine = words[lang]

    def word(match: re.Match[str]) -> str:
        key = match.group(3)
        found = mine.get(key, words["en"].get(key))
        if found is None:
            return match.group(0)
        return f"{match.group(1)}{html.escape(found, quote=False)}{match.group(4)}"

    text = _WORD.sub(word, text)
    text = _ROOT.sub(f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">', text,
                     count=1)
    text = _SWITCH.sub(rf'\g<1>{"en" if lang == "ar" else "ar"}\g<2>', text, count=1)
    data = json.dumps(words, ensure_ascii=False).replace("<", "\\u003c")
    text = text.replace("</head>", f'  <script type="application/json" id="text">{data}'
                        "</script>\n</head>", 1)
    return HTMLResponse(text, headers={"Content-Language": lang, "Cache-Control": "no-cache",
                                       "Vary": "Accept-Language, Cookie"})
