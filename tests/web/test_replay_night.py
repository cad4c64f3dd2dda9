"""Election night replayed into the dashboard: the real 2025 plan for three governorates, played
wave by wave into a store while Debian's Chromium watches. Each release reaches the open page
without a reload (the service reads the store every two seconds and pushes what is new by
Server-Sent Event); the share counted, the hemicycle and the release's name follow it, in English
and then in Arabic, down to a constituency's page. Screenshots: tests/web/artifacts/replay-*.png."""

from __future__ import annotations

import math
import re
from contextlib import ExitStack
from dataclasses import replace
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx2
from playwright.sync_api import Browser, Page, expect

from majlis import replay, tally
from majlis.data import law
from majlis.tally import Store
from majlis.web import create_app

from .conftest import serving, shot

GOVERNORATES = ("Karbala", "Maysan", "Muthanna")
LIVE = 15_000  # ms for a release to reach the page: the store is read every 2 s, then the page
STATE_OF_LAW = ("State of Law Coalition", "ائتلاف دولة القانون")  # the 2025 seat table's
WIRE = re.compile(r"With [\d.]+ % of stations counted, (?P<first>.+?) leads with (?P<votes>[\d,]+)"
                  r" votes, (?P<margin>[\d,]+) ahead of (?P<second>.+?); seats so far: "
                  r"(?P<seats>[^.(]+)")
WESTERN = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789", "٬")  # Arabic-Indic digits, no grouping
INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def shown_percent(counted: int, stations: int) -> str:
    """A share as the page writes it in English: at most one decimal, half up, "54.3%"."""
    tenths = math.floor(Fraction(1000 * counted, stations) + Fraction(1, 2))
    return f"{tenths // 10}%" if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}%"


def baghdad(created_at: str) -> datetime:
    return datetime.fromisoformat(created_at).astimezone(ZoneInfo("Asia/Baghdad"))


def shown_time(created_at: str) -> str:
    """A release's time as the English page writes it: "11 November 2025 at 20:00 Baghdad
    time"."""
    at = baghdad(created_at)
    return f"{at.day} {at:%B %Y} at {at:%H:%M} Baghdad time"


def legend(report: replay.Reported) -> list[str]:
    """The lists holding seats on a release, most seats (then votes) first, with their seats."""
    votes = tally.national(report.release.results).votes
    won = report.allocation.totals()
    held = sorted((p for p, n in won.items() if n), key=lambda p: (-won[p], -votes[p], p))
    return [f"{p} {won[p]}" for p in held]


def sees_release(page: Page, report: replay.Reported, *, pushed: bool = True) -> None:
    """The English page shows this release: its name, the national share counted, its seats
    list by list in the hemicycle, and the leaders with the votes the wire line gives them."""
    release = report.release
    if pushed:  # only a release announced while the page is open is called new
        expect(page.locator("#status")).to_have_text(
            f"New results: release {release.number}, {release.name}", timeout=LIVE)
    expect(page.locator("#release")).to_have_text(
        f"Release {release.number}: {release.name} ({shown_time(release.created_at)})",
        timeout=LIVE)
    total = tally.national(release.results)
    expect(page.locator("#counted-total")).to_have_text(
        f"{shown_percent(total.counted, total.stations)} counted — "
        f"{total.counted:,} of {total.stations:,} stations")
    seats = sum(report.allocation.totals().values())
    expect(page.locator("#hemicycle")).to_have_attribute("data-seats", str(seats))
    expect(page.locator("#hemicycle circle")).to_have_count(seats)
    expect(page.locator("#legend li")).to_have_text(legend(report))
    wire = WIRE.match(report.line)
    assert wire, report.line
    votes = int(wire["votes"].replace(",", ""))
    for list_name, n in ((wire["first"], votes), (wire["second"],
                                              votes - int(wire["margin"].replace(",", "")))):
        row = page.locator("#vote-table tbody tr").filter(
            has=page.locator("th", has_text=re.compile(f"^{re.escape(list_name)}$")))
        expect(row.locator("td").first).to_have_text(f"{n:,}")
    for held in wire["seats"].strip().split(", "):  # "Reconstruction and Development 8"
        assert held in legend(report), (held, report.line)


def figure(text: str) -> int:
    return int(text.translate(WESTERN))


def constituency_rows(page: Page) -> dict[str, tuple[int, int]]:
    """A constituency page's lists: name as shown → (votes, seats)."""
    found = {}
    for row in page.locator("#constituency-table tbody tr").all():
        name, votes, _, seats = row.locator("th, td").all_inner_texts()
        found[name] = (figure(votes), figure(seats))
    return found


def test_the_dashboard_follows_a_replayed_night(browser: Browser, tmp_path: Path) -> None:
    plan = replay.plan("iraq-2025")
    small = replay.build(replace(plan, constituencies=tuple(
        t for t in plan.constituencies if t.name in GOVERNORATES)), seed=7)
    waves = replay.script(small, seed=3)
    the_law = law("iraq-2025")
    url = f"sqlite:///{tmp_path / 'night.db'}"
    with ExitStack() as stack, Store(url) as store:
        store.init()
        replay.register(small, store)
        # the night is under way when the page opens: the special vote and three waves are in
        *_, report = replay.play(waves[:4], store, the_law)
        base = stack.enter_context(serving(create_app(url, "default", law="iraq-2025")))
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        stack.callback(page.close)  # before the server stops, so its event stream ends first
        page.goto(base)
        sees_release(page, report, pushed=False)
        page.evaluate("window.neverReloaded = true")
        shot(page, f"replay-{report.release.number}-opened")

        seen = [legend(report)]
        for wave in waves[4:-1]:  # 62, 80, 94 and 99.7 % of general stations
            [report] = replay.play([wave], store, the_law)
            sees_release(page, report)
            seen.append(legend(report))
            shot(page, f"replay-{report.release.number}-live")
        assert len(seen) == 5 and len({tuple(s) for s in seen}) > 1, \
            "the hemicycle never changed: the night should move a seat between lists"

        page.locator("#lang").click()
        html = page.locator("html")
        expect(html).to_have_attribute("dir", "rtl")
        expect(html).to_have_attribute("lang", "ar")
        expect(page.locator("#seats-title")).to_have_text("المقاعد")
        expect(page.locator("#map-title")).to_have_text("المحافظات")
        expect(page.locator("#status")).to_contain_text("نتائج جديدة: الإعلان")
        # the night's clock, in Arabic-Indic digits: "… في ٠٥:٠٠ بتوقيت بغداد"
        clock = f"{baghdad(report.release.created_at):%H:%M}".translate(INDIC)
        expect(page.locator("#release")).to_contain_text(f"في {clock} بتوقيت بغداد")
        total = tally.national(report.release.results)
        expect(page.locator("#counted-total")).to_contain_text("فُرز")
        counted = page.locator("#counted-total").inner_text().translate(WESTERN)
        assert f"{total.counted} من {total.stations} محطة" in counted, counted
        won = report.allocation.totals()
        expect(page.locator("#legend")).to_contain_text(f"{STATE_OF_LAW[1]} ")
        expect(page.locator("#hemicycle")).to_have_attribute("data-seats", str(sum(won.values())))
        shot(page, f"replay-{report.release.number}-arabic")

        karbala = page.locator('#cartogram li[data-name="Karbala"] a')
        karbala.focus()
        page.keyboard.press("Enter")
        expect(page.locator("#constituency")).to_be_visible()
        expect(page.locator("#constituency-title")).to_have_text("كربلاء")
        arabic = {row["name"]: row["name_ar"] for row in httpx2.get(f"{base}/api/lists").json()
                  if row["name_ar"]}
        assert arabic[STATE_OF_LAW[0]] == STATE_OF_LAW[1]

        def karbala_on(report: replay.Reported) -> dict[str, tuple[int, int]]:
            votes = next(c.votes for c in report.release.results if c.name == "Karbala")
            seats = report.allocation.seats_in("Karbala")
            return {arabic.get(p, p): (n, seats.get(p, 0)) for p, n in votes.items()}
        expected = karbala_on(report)
        expect(page.locator("#constituency-table tbody tr")).to_have_count(len(expected))
        assert constituency_rows(page) == expected
        assert expected[STATE_OF_LAW[1]][1] > 0  # State of Law holds Karbala seats
        shot(page, f"replay-{report.release.number}-karbala-arabic")

        # the final count arrives while Karbala's page is open, in Arabic: it redraws in place
        [report] = replay.play(waves[-1:], store, the_law)
        assert report.release.name == "final"
        expect(page.locator("#status")).to_have_text(
            f"نتائج جديدة: الإعلان {str(report.release.number).translate(INDIC)}، "
            "\u2068final\u2069",  # the English name isolated in the Arabic sentence
            timeout=LIVE)
        expected = karbala_on(report)
        assert constituency_rows(page) == expected
        official = next(t for t in small.plan.constituencies if t.name == "Karbala")
        assert {p: expected[arabic.get(p, p)][0] for p in official.votes} == dict(official.votes)
        expect(page.locator("#constituency-counted")).to_contain_text("١٠٠")
        shot(page, f"replay-{report.release.number}-karbala-final")
        assert page.evaluate("window.neverReloaded === true"), "the page was reloaded"
