"""A release as an NIST SP 1500-100 Election Results Common Data Format report (JSON, version 2).

The schema (`NIST_V2_election_results_reporting.json` in
github.com/usnistgov/ElectionResultsReporting) names the parts: the report (`ElectionReport`)
holds the election, its reporting units (`GpUnit`) and its parties; the election holds one
contest per constituency. majlis writes a release as:

- the country as a `ReportingUnit` of type `country`, composed of one `ReportingUnit` per
  constituency (type `other`, `OtherType` `constituency`, or `reserved-seats` for a contest the
  law reserves for a community), each with its stations counted of its stations
  (`SubUnitsReported` of `TotalSubUnits`) and a `CountStatus` per voting type;
- one `PartyContest` per constituency, whose selections are the lists (`PartySelection`), each
  with its votes by voting type, their total and, when a law is given, the seats the law gives
  it on the votes counted (`other`/`seats-won`, as Google's Civics profile of the format does).
  The format's `PartyContest` has no `NumberElected` (the schema allows no other property), so
  the constituency's seats are an `ExternalIdentifier` `other`/`number-elected`;
- one `Party` per list, named in English and Arabic (`InternationalizedText`) where the
  election's tables know it, with the dashboard's colour, and its name in the count kept as an
  `ExternalIdentifier` `other`/`majlis-list`.

Counts are the release's own integers; nothing is rounded or re-estimated.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date

from majlis import __version__
from majlis.data import ListName
from majlis.law import Law, SntvRule
from majlis.tally import ConstituencyCount, Release, national

from ._lists import ListStyle, known_lists, style_lists
from ._release import release_seats

# Iraq's voting types (and Norway's) as the format's CountItemType, with the OtherType when the
# format has none for it. Iraq's special voting (security forces, the displaced) is early, but
# the two are counted apart: one `early` would merge them, so each keeps its own name.
COUNT_ITEM_TYPES: Mapping[str, tuple[str, str]] = {
    "general": ("election-day", ""),
    "election-day": ("election-day", ""),
    "advance": ("early", ""),
    "special-security": ("other", "special-security"),
    "special-idp": ("other", "special-idp"),
    "prison-hospital": ("other", "prison-hospital"),
    "out-of-country": ("other", "out-of-country"),
}
CDF_ISSUER = "majlis"
SEATS_WON = "seats-won"
_ARABIC = re.compile(r"[\u0600-\u06ff]")


def _typed(kind: str, **fields: object) -> dict[str, object]:
    return {"@type": f"ElectionResults.{kind}", **fields}


def _item_type(voting_type: str) -> dict[str, object]:
    """`Type` (and `OtherType`) of a count of one voting type."""
    kind, other = COUNT_ITEM_TYPES.get(voting_type, ("other", voting_type))
    return {"Type": kind, "OtherType": other} if other else {"Type": kind}


def _text(*texts: tuple[str, str]) -> dict[str, object]:
    """An `InternationalizedText` of (content, language) pairs, the empty ones left out."""
    return _typed("InternationalizedText", Text=[
        _typed("LanguageString", Content=content, Language=language)
        for content, language in texts if content])


def _other_id(kind: str, value: str) -> dict[str, object]:
    return _typed("ExternalIdentifier", Type="other", OtherType=kind, Value=value)


def _status(stations: int, counted: int) -> str:
    return "completed" if counted >= stations else "in-process" if counted else "not-processed"


def _count_status(c: ConstituencyCount) -> list[dict[str, object]]:
    """Whether each voting type's stations are all, partly or not yet counted, and in all."""
    return [*(_typed("CountStatus", **_item_type(kind),
                     Status=_status(n, c.counted_by_type.get(kind, 0)))
              for kind, n in sorted(c.stations_by_type.items())),
            _typed("CountStatus", Type="total", Status=_status(c.stations, c.counted))]


def _variation(law: Law | None, name: str, magnitude: int | None) -> dict[str, object]:
    if law is None or not isinstance(law.rule_for(name), SntvRule):
        return {"VoteVariation": "proportional"}
    if magnitude == 1:
        return {"VoteVariation": "plurality"}
    return {"VoteVariation": "other", "OtherVoteVariation": "sntv"}


def _list_names(style: ListStyle, listed: ListName | None) -> dict[str, object]:
    """A list's names: English and Arabic where a table knows the list; else its name in the
    count, in Arabic when written in Arabic letters, else in a language not determined."""
    english = listed.name if listed else style.name_en
    if _ARABIC.search(style.name):
        return _text((english, "en"), (style.name_ar or style.name, "ar"))
    if listed or style.name_ar or style.name_en:
        return _text((listed.name if listed else style.name, "en"), (style.name_ar, "ar"))
    return _text((style.name, "und"))


def release_cdf(release: Release, *, election: str, polling_day: date, law: Law | None = None,
                law_name: str | None = None, country: str = "", issuer: str = CDF_ISSUER,
                issuer_abbreviation: str = CDF_ISSUER) -> dict[str, object]:
    """The release as a CDF `ElectionReport`, ready for `json.dumps`. `election` names the
    store's election (its tables name and colour the lists, else those of `law_name`);
    `polling_day` is the election's date; `law` gives each constituency's seats to fill and,
    on the votes counted, the seats each list wins. The report's date is the release's."""
    styles = style_lists(national(release.results).votes, election, law_name)
    names = known_lists(election, law_name)[1]
    list_id = {s.name: f"party-{k}" for k, s in enumerate(styles, 1)}
    parties = []
    for s in styles:
        parties.append(_typed(
            "Party", **{"@id": list_id[s.name]}, Name=_list_names(s, names.resolve(s.name)),
            Color=s.colour.removeprefix("#").lower(),
            ExternalIdentifier=[_other_id("majlis-list", s.name)]))
    seats = release_seats(release, law) if law is not None else None
    seated = {r.name for r in seats.constituencies} if seats else set()
    units: list[dict[str, object]] = []
    contests: list[dict[str, object]] = []
    for k, c in enumerate(release.results, 1):
        unit = f"ru-{k}"
        reserved = law is not None and c.name in law.reserved
        units.append(_typed(
            "ReportingUnit", **{"@id": unit}, Type="other",
            OtherType="reserved-seats" if reserved else "constituency", Name=c.name,
            SubUnitsReported=c.counted, TotalSubUnits=c.stations, CountStatus=_count_status(c)))
        won = seats.seats_in(c.name) if seats and c.name in seated else None
        magnitude = law.magnitudes.get(c.name) if law else None
        selections = []
        for j, (list_name, total) in enumerate(sorted(c.votes.items(),
                                                  key=lambda x: (-x[1], x[0])), 1):
            counts = [_typed("VoteCounts", GpUnitId=unit, **_item_type(kind), Count=per[list_name])
                      for kind, per in sorted(c.by_voting_type.items()) if list_name in per]
            counts.append(_typed("VoteCounts", GpUnitId=unit, Type="total", Count=total))
            if won is not None:
                counts.append(_typed("VoteCounts", GpUnitId=unit, Type="other",
                                     OtherType=SEATS_WON, Count=won.get(list_name, 0)))
            selections.append(_typed("PartySelection", **{"@id": f"contest-{k}-list-{j}"},
                                     PartyIds=[list_id[list_name]], SequenceOrder=j,
                                     VoteCounts=counts))
        contests.append(_typed(
            "PartyContest", **{"@id": f"contest-{k}"}, Name=c.name, ElectoralDistrictId=unit,
            SequenceOrder=k, **_variation(law, c.name, magnitude),
            **({"ExternalIdentifier": [_other_id("number-elected", str(magnitude))]}
               if magnitude is not None else {}),
            SubUnitsReported=c.counted, TotalSubUnits=c.stations, CountStatus=_count_status(c),
            BallotSelection=selections))
    whole = national(release.results)
    units.insert(0, _typed(
        "ReportingUnit", **{"@id": "ru-country"}, Type="country",
        **({"Name": country} if country else {}),
        ComposingGpUnitIds=[f"ru-{k}" for k in range(1, len(release.results) + 1)],
        SubUnitsReported=whole.counted, TotalSubUnits=whole.stations,
        CountStatus=_count_status(whole)))
    day = polling_day.isoformat()
    return _typed(
        "ElectionReport", Format="summary-contest", GeneratedDate=release.created_at,
        Issuer=issuer, IssuerAbbreviation=issuer_abbreviation,
        Notes=f'Release {release.number} "{release.name}" of {election}, digest '
              f"{release.digest}" + (f", seats under {law_name}" if seats and law_name else ""),
        ExternalIdentifier=[_other_id("majlis-release", str(release.number)),
                            _other_id("release-digest", release.digest)],
        SequenceStart=1, SequenceEnd=1,
        Status="unofficial-complete" if whole.counted >= whole.stations > 0
        else "unofficial-partial",
        VendorApplicationId=f"majlis {__version__}",
        Election=[_typed("Election", ElectionScopeId="ru-country", Name=_text((election, "en")),
                         StartDate=day, EndDate=day, Type="general",
                         CountStatus=_count_status(whole), Contest=contests)],
        GpUnit=units, Party=parties)


def encode_cdf(report: Mapping[str, object]) -> bytes:
    """The report as UTF-8 JSON, names in their own script (Arabic as it is)."""
    return (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
