"""Bulletins: every figure is the release's own, cites that release, and reads in its language.

The night is the bundled 2025 replay, cut to three governorates and its first four releases, in
a SQLite store: each figure is checked against the release it names, recomputed here from the
release's counts (votes, stations, seats under the law, the last seat's margin by recount).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from majlis import data, publish
from majlis.cli import app
from majlis.data import OTHER_LISTS
from majlis.law import Allocation, Law, Scope, Threshold, VoteShare, allocate
from majlis.publish._bulletin import moment
from majlis.tally import ConstituencyCount, Release, national
from majlis.web import create_app

from .conftest import replayed

# one worker builds the replayed night once for every test here (pytest -n … --dist loadgroup)
pytestmark = pytest.mark.xdist_group("test_bulletin")

LAW = data.law("iraq-2025")
NAMES = data.list_names("iraq-2025")
PLACES = ("Karbala", "Maysan", "Muthanna")


def seats(counts: Sequence[ConstituencyCount], law: Law) -> Allocation:
    """A release's seats under the law, as the CLI and the service count them."""
    return allocate(law.election({c.name: c.votes for c in counts}), law)


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[Release]]:
    """The store's URL and its releases: the special vote, then 12, 30 and 50 % counted."""
    return replayed(tmp_path_factory.mktemp("bulletin"), PLACES)


def compose(releases: list[Release], number: int) -> publish.Bulletin:
    return publish.compose_bulletin(releases[number - 1], LAW, NAMES, law_name="iraq-2025",
                                    previous=releases[number - 2] if number > 1 else None)


def with_votes(results: tuple[ConstituencyCount, ...], place: str, list_name: str, extra: int
               ) -> list[ConstituencyCount]:
    """The release's counts with `extra` general votes more for `party` in `place`."""
    def more(c: ConstituencyCount) -> ConstituencyCount:
        general = dict(c.by_voting_type["general"])
        general[list_name] = general.get(list_name, 0) + extra
        return replace(c, by_voting_type={**c.by_voting_type, "general": general})
    return [more(c) if c.name == place else c for c in results]


def test_every_figure_is_the_figure_of_the_release_it_cites(
        night: tuple[str, list[Release]]) -> None:
    _, releases = night
    now, then = releases[3], releases[2]
    facts = compose(releases, 4)
    assert (facts.source.number, facts.source.digest) == (4, now.digest)
    assert facts.previous is not None and facts.previous.digest == then.digest
    total = national(now.results)
    votes = {p: n for p, n in total.votes.items() if p != OTHER_LISTS}
    ranked = sorted(votes, key=lambda p: (-votes[p], p))
    assert [x.list for x in facts.leaders] == ranked[:3]
    assert [x.votes for x in facts.leaders] == [votes[p] for p in ranked[:3]]
    assert facts.gap == votes[ranked[0]] - votes[ranked[1]] > 0
    assert facts.votes == sum(votes.values())
    assert facts.leaders[0].share == Fraction(facts.leaders[0].votes, sum(votes.values()))
    assert {(c.voting_type, c.counted, c.stations) for c in facts.counted} == {
        (t, total.counted_by_type.get(t, 0), n) for t, n in total.stations_by_type.items() if n}
    general = facts.general()
    assert general is not None and 0 < general.counted < general.stations  # part-counted
    won = seats(now.results, LAW).totals()
    assert {x.list: x.seats for x in facts.seats} == {p: n for p, n in won.items() if n}
    assert facts.seated == sum(won.values()) == sum(LAW.magnitudes[p] for p in PLACES)
    before = seats(then.results, LAW).totals()
    assert {c.list: (c.before, c.after) for c in facts.changes} == {
        p: (before.get(p, 0), won.get(p, 0)) for p in won.keys() | before.keys()
        if before.get(p, 0) != won.get(p, 0)}
    assert facts.votes_before == sum(national(then.results).votes.values())
    assert facts.leaders[0].name_ar and facts.leaders[0].name_ar != facts.leaders[0].name


def test_the_closest_last_seats_change_hands_with_the_votes_named(
        night: tuple[str, list[Release]]) -> None:
    """The runner-up's `to_gain` more votes take a seat from the last winner; one fewer
    does not."""
    _, releases = night
    facts = compose(releases, 4)
    assert len(facts.closest) == 3
    assert [c.closeness for c in facts.closest] == sorted(
        (c.closeness for c in facts.closest), reverse=True)
    for c in facts.closest:
        counted = next(x for x in releases[3].results if x.name == c.constituency).votes
        assert (c.winner.votes, c.runner_up.votes) == (counted[c.winner.list],
                                                       counted[c.runner_up.list])
        assert c.to_gain is not None
        had = seats(releases[3].results, LAW).seats_in(c.constituency)[c.runner_up.list]
        for extra, gained in ((c.to_gain, 1), (c.to_gain - 1, 0)):
            now = seats(with_votes(releases[3].results, c.constituency, c.runner_up.list,
                                   extra), LAW).seats_in(c.constituency)
            assert now[c.runner_up.list] == had + gained


def test_lists_near_a_national_threshold_are_named_with_the_votes_to_the_line(
        night: tuple[str, list[Release]]) -> None:
    """Under the 2025 law with a 5 % national threshold added, the lists within a point of it,
    each qualifying exactly when the law admits it, with the votes from the line."""
    _, releases = night
    law = replace(LAW, threshold=Threshold(conditions=(
        VoteShare(share=Fraction(5, 100), scope=Scope.NATIONAL),)))
    facts = publish.compose_bulletin(releases[3], law, NAMES, law_name="5 %")
    total = national(releases[3].results).votes
    base = sum(total.values())
    admitted = set().union(*(c.qualified for c in seats(releases[3].results, law).constituencies))
    named = {n.standing.list: n for n in facts.near_threshold}
    assert {p for p, v in total.items() if abs(Fraction(v, base) - Fraction(1, 20))
            <= Fraction(1, 100)} == set(named)
    assert any(n.qualified for n in named.values()) and not all(
        n.qualified for n in named.values())  # this release has a list either side
    for p, n in named.items():
        assert n.share == Fraction(total[p], base) and n.standing.votes == total[p]
        assert n.qualified == (p in admitted)
        line = total[p] + n.votes_from_line
        assert line * 20 >= base > (line - 1) * 20
    english = publish.render_bulletin(facts, "en", "md")
    short = next(n for n in named.values() if not n.qualified)
    assert f"{short.standing.name}: " in english
    assert f"{short.votes_from_line:,} votes short" in english
    assert not compose(releases, 4).near_threshold  # the 2025 law has no threshold


def test_the_first_release_leads_on_the_special_vote_with_nothing_to_compare(
        night: tuple[str, list[Release]]) -> None:
    _, releases = night
    facts = compose(releases, 1)
    assert facts.previous is None and facts.changes == ()
    general = facts.general()
    assert general is not None and general.counted == 0
    assert "With the special vote counted" in publish.render_bulletin(facts, "en", "txt")


class Figures(HTMLParser):
    """Each cited figure of an HTML bulletin: its text, release number and digest."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, int, str]] = []
        self._open: tuple[int, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "span" and a.get("class") == "figure":
            self._open = (int(a["data-release"] or 0), a["data-digest"] or "")

    def handle_data(self, text: str) -> None:
        if self._open:
            self.found.append((text, *self._open))
            self._open = None


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_html_figures_name_their_release_and_digest(
        night: tuple[str, list[Release]], lang: str) -> None:
    _, releases = night
    facts = compose(releases, 4)
    page = publish.render_bulletin(facts, lang, "html")
    parsed = Figures()
    parsed.feed(page)
    digests = {r.number: r.digest for r in releases}
    assert parsed.found and all(digests[n] == d for _, n, d in parsed.found)
    cited = {(text, n) for text, n, _ in parsed.found}
    sep = "\u066c" if lang == "ar" else ","
    lead, gap = facts.leaders[0].votes, facts.gap
    assert {(f"{lead:,}".replace(",", sep), 4), (f"{gap:,}".replace(",", sep), 4)} <= cited
    was = facts.general(before=True)
    assert was is not None and any(n == 3 for _, n in cited)  # the share counted before
    assert f'dir="{"rtl" if lang == "ar" else "ltr"}"' in page


def test_arabic_uses_arabic_names_and_arabic_indic_digits_when_asked(
        night: tuple[str, list[Release]]) -> None:
    _, releases = night
    facts = compose(releases, 4)
    lead = facts.leaders[0]
    western = publish.render_bulletin(facts, "ar", "md")
    eastern = publish.render_bulletin(facts, "ar", "md", arabic_digits=True)
    english = publish.render_bulletin(facts, "en", "md")
    assert lead.name_ar in western and lead.name not in western
    assert lead.name in english and lead.name_ar not in english
    arabic = f"{lead.votes:,}".replace(",", "\u066c").translate(
        str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert arabic in eastern and f"{lead.votes:,}".replace(",", "\u066c") in western
    assert f"{lead.votes:,}" in english
    # outside the digests, times and release names (data), no Western digit is left
    body = eastern.split("\n[^")[0].replace(releases[3].created_at, "").replace(
        releases[3].name, "").replace("[^4]", "").replace("[^3]", "")
    assert not re.search(r"[0-9]", body.replace("iraq-2025", ""))


def test_a_hostile_list_name_cannot_inject_markup(night: tuple[str, list[Release]]) -> None:
    _, releases = night
    facts = compose(releases, 4)
    evil = '<script>alert("x")</script>'
    hostile = replace(facts, leaders=(replace(facts.leaders[0], name=evil, name_ar=evil),
                                      *facts.leaders[1:]))
    for lang in ("en", "ar"):
        page = publish.render_bulletin(hostile, lang, "html")
        assert "<script>" not in page and "&lt;script&gt;" in page


def test_the_command_and_the_route_write_the_same_bulletin(
        night: tuple[str, list[Release]], tmp_path: Path) -> None:
    url, releases = night
    expected = publish.render_bulletin(compose(releases, 4), "ar", "txt", arabic_digits=True)
    ran = CliRunner().invoke(app, ["bulletin", "--db", url, "--election", "default",
                                   "--law", "iraq-2025", "--release", "4", "--lang", "ar",
                                   "--format", "txt", "--arabic-digits"])
    assert ran.exit_code == 0, ran.output
    assert ran.output == expected
    missing = CliRunner().invoke(app, ["bulletin", "--db", url, "--law", "iraq-2025",
                                       "--release", "9"])
    assert missing.exit_code == 2 and "no release 9" in missing.output
    with TestClient(create_app(url, "default", law="iraq-2025")) as client:
        got = client.get("/api/bulletin", params={"release": "4", "lang": "ar",
                                                  "format": "txt", "digits": "arabic"})
        assert got.status_code == 200 and got.text == expected
        assert got.headers["content-language"] == "ar"
        page = client.get("/api/bulletin", params={"format": "html"})
        assert page.headers["content-type"].startswith("text/html")
        assert f'data-release="4" data-digest="{releases[3].digest}"' in page.text
        assert client.get("/api/bulletin", params={"lang": "fr"}).status_code == 422


def test_times_are_on_baghdads_clock_in_the_readers_language() -> None:
    # 22:30 UTC on the 11th is 01:30 on the 12th in Baghdad (UTC+3, no summer time)
    at = "2025-11-11T22:30:00+00:00"
    assert moment(at, "en") == "12 November 2025, 01:30 Baghdad time"
    assert moment(at, "ar", arabic_digits=True) == (
        "١٢ تشرين الثاني ٢٠٢٥، ٠١:٣٠ بتوقيت بغداد")
    assert moment(at, "ar") == "12 تشرين الثاني 2025، 01:30 بتوقيت بغداد"
    assert moment("2025-11-12T01:30", "en") == "2025-11-12T01:30"  # no clock
