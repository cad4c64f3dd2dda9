"""The closed choices a reader picks among — a language, a bulletin's format, a chart's kind and
file format — named once here, so that the library, `majlis` and the API offer the same ones and
a new one is added in one place. This module loads nothing heavy: the CLI and the service name
the choices without loading matplotlib or Jinja2."""

from __future__ import annotations

from enum import StrEnum


class Language(StrEnum):
    """The languages a bulletin, a chart or the dashboard is written in."""

    AR = "ar"
    EN = "en"


class BulletinFormat(StrEnum):
    """How a bulletin is written: Markdown, an HTML fragment or plain text."""

    MD = "md"
    HTML = "html"
    TXT = "txt"


class ChartKind(StrEnum):
    """The charts for print: the seats on the votes counted (`hemicycle`, `votes-seats`) and a
    projection's (`fan`, `last-seat`)."""

    HEMICYCLE = "hemicycle"
    VOTES_SEATS = "votes-seats"
    FAN = "fan"
    LAST_SEAT = "last-seat"


class ChartFormat(StrEnum):
    """A chart's file: SVG (words kept as text) or PNG."""

    SVG = "svg"
    PNG = "png"
