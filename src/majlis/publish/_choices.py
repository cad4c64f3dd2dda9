"""What a publication comes in, named once for the library, `majlis chart` and `majlis bulletin`,
and the API: the kinds of chart and their file formats, the languages, a bulletin's formats.
Light on purpose: the command line reads these without loading matplotlib."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["BulletinFormat", "ChartFormat", "ChartKind", "Language"]


class ChartKind(StrEnum):
    """The seats as a hemicycle, votes against seats (on the votes counted), a projection's fan
    or each constituency's last seat."""

    HEMICYCLE = "hemicycle"
    VOTES_SEATS = "votes-seats"
    FAN = "fan"
    LAST_SEAT = "last-seat"


class ChartFormat(StrEnum):
    """A chart's file: SVG (its words kept as text) or PNG."""

    SVG = "svg"
    PNG = "png"


class Language(StrEnum):
    """What charts and bulletins are written in."""

    AR = "ar"
    EN = "en"


class BulletinFormat(StrEnum):
    """A bulletin's file: Markdown, HTML or plain text."""

    MD = "md"
    HTML = "html"
    TXT = "txt"
