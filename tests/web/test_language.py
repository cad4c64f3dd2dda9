"""Language and links: the service draws each page in the link's language, else the reader's
choice, else the browser's; the dashboard's address always holds the view on show."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, expect

from majlis import data
from majlis.tally import Store, read_stage_file
from majlis.web import create_app

from .conftest import serving, shot
from .test_dashboard import PLACES, stations, tally_sheet

# one worker builds the served night once for every test here (pytest -n … --dist loadgroup)
pytestmark = pytest.mark.xdist_group("test_language")


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Basra counted in release 1 (at 01:30 in Baghdad), Najaf too in release 2."""
    url = f"sqlite:///{tmp_path_factory.mktemp('lang') / 'night.db'}"
    with Store(url) as store:
        store.init()
        store.register(stations(), [(c, p) for c, lists in PLACES.items() for p in lists])
        store.ingest([tally_sheet("Bas-1", {"Tasmim": 200, "State of Law": 150, "Sadiqoun": 50})])
        store.release("first results", at=datetime(2025, 11, 11, 22, 30, tzinfo=UTC))
        store.ingest([tally_sheet("Naj-1", {"Tasmim": 150, "Sadiqoun": 120})])
        store.release("second results", at=datetime(2025, 11, 11, 23, 30, tzinfo=UTC))
        for stage in data.certification("iraq-2025"):  # the certification panel's stages
            store.add_stage(read_stage_file(stage.text(), stage.file), kind=stage.kind,
                            name=stage.name, published_on=stage.published_on,
                            source=stage.source, author="carla")
    return url


@pytest.fixture(scope="module")
def base(two_releases: str) -> Iterator[str]:
    with serving(create_app(two_releases, "default", law="iraq-2025")) as address:
        yield address


@pytest.mark.parametrize(("path", "headers", "cookies", "lang"), [
    ("/", {}, {}, "en"),
    ("/?lang=ar", {}, {}, "ar"),
    ("/?lang=en", {"Accept-Language": "ar-IQ,ar;q=0.9"}, {}, "en"),  # the link wins
    ("/", {"Accept-Language": "ar-IQ,ar;q=0.9,en;q=0.8"}, {}, "ar"),
    ("/", {"Accept-Language": "fr-FR,en;q=0.5,ar;q=0.4"}, {}, "en"),
    ("/", {"Accept-Language": "ar;q=0,en-GB"}, {}, "en"),  # q=0 refuses
    ("/", {"Accept-Language": "ar-IQ"}, {"majlis-lang": "en"}, "en"),  # the reader's choice
    ("/?lang=xx", {"Accept-Language": "ar"}, {}, "ar"),  # not ours: as if not asked
    ("/desk", {"Accept-Language": "en-US"}, {}, "ar"),  # the desk is Arabic ...
    ("/desk?lang=en", {}, {}, "en"),  # ... unless its link says
])
def test_the_service_draws_the_page_in_the_readers_language(
        two_releases: str, path: str, headers: dict[str, str], cookies: dict[str, str],
        lang: str) -> None:
    with TestClient(create_app(two_releases, "default"), cookies=cookies) as client:
        answer = client.get(path, headers=headers)
    assert answer.status_code == 200
    assert answer.headers["content-language"] == lang
    assert "Accept-Language" in answer.headers["vary"]
    direction = "rtl" if lang == "ar" else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in answer.text
    title = {("/", "ar"): "<h1 data-t=\"title\">نتائج الانتخابات</h1>",
             ("/", "en"): "<h1 data-t=\"title\">Election results</h1>",
             ("/desk", "ar"): "<h1 data-t=\"title\">مكتب إدخال النتائج</h1>",
             ("/desk", "en"): "<h1 data-t=\"title\">Results desk</h1>"}
    assert title[(path.split("?")[0], lang)] in answer.text
    assert '<script type="application/json" id="text">' in answer.text


def test_arabic_on_the_first_paint_from_the_link_or_the_browser(browser: Browser,
                                                                base: str) -> None:
    # without its script the page is as first painted: the service drew it right to left
    bare = browser.new_context(java_script_enabled=False)
    page = bare.new_page()
    page.goto(f"{base}/?lang=ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#seats-title")).to_have_text("المقاعد")
    expect(page).to_have_title("majlis — نتائج الانتخابات")
    bare.close()
    # an Arabic browser, no ?lang: Arabic, with Arabic-Indic digits and Baghdad's clock
    arabic = browser.new_context(locale="ar-IQ")
    page = arabic.new_page()
    page.goto(base)
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("#release")).to_have_text(
        "الإعلان ٢: \u2068second results\u2069 (١٢ تشرين الثاني ٢٠٢٥ في ٠٢:٣٠ بتوقيت بغداد)")
    expect(page.locator("#bulletin time")).to_have_text("١٢ تشرين الثاني ٢٠٢٥، ٠٢:٣٠ بتوقيت بغداد")
    assert "lang=ar" in page.url  # the address names the language it shows
    final = page.locator('#stages > li[data-stage="2"]')  # the certification timeline
    expect(final.locator("strong")).to_contain_text("النتائج النهائية")
    expect(final.locator("strong")).to_contain_text("١٧ تشرين الثاني ٢٠٢٥")
    expect(final).to_contain_text("من ٤٥ إلى ٤٦ مقعدًا")
    arabic.close()


def test_a_copied_link_reopens_the_same_view(browser: Browser, base: str) -> None:
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(base)
    expect(page.locator("#release")).to_contain_text("Release 2")
    expect(page.locator('#stages > li[data-stage="3"]')).to_contain_text(
        "Diyala: Taha al-Majmai (National Sovereignty Alliance (Siyada - Tashri)) replaced by "
        "Nahida al-Dayni")
    expect(page.locator('#stages > li[data-stage="2"]')).to_contain_text(
        "the house: Reconstruction and Development Coalition 45 → 46 seats")
    page.locator("#release-pick").select_option("1")  # the first release, kept in view
    expect(page.locator("#release")).to_contain_text("Release 1: first results")
    page.locator("#quota").select_option("two-thirds")
    page.locator("#coalition-lists input[value=Tasmim]").check()
    page.locator("#lang").click()
    page.locator('#cartogram li[data-name="Basra"] a').click()
    expect(page.locator("#constituency-title")).to_have_text("البصرة")
    link = page.url
    assert "lang=ar" in link and "release=1" in link and link.endswith("#/c/Basra")
    context.close()

    other = browser.new_context(locale="en-US")  # another reader, another browser language
    page = other.new_page()
    page.goto(link)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#constituency-title")).to_have_text("البصرة")
    page.locator("a[href='#']").click()  # back to the whole country, same release and choices
    expect(page.locator("#release")).to_contain_text("first results")
    expect(page.locator("#release-pick")).to_have_value("1")
    expect(page.locator("#quota")).to_have_value("two-thirds")
    expect(page.locator("#coalition-lists input[value=Tasmim]")).to_be_checked()
    expect(page.locator("#hemicycle")).to_have_attribute("data-seats", "25")  # Basra's alone
    shot(page, "lang-1-shared-link")
    other.close()


def test_dates_in_the_bulletin_are_on_baghdads_clock(two_releases: str) -> None:
    with TestClient(create_app(two_releases, "default", law="iraq-2025")) as client:
        english = client.get("/api/bulletin?release=1&format=md").text
    assert "first results: release 1, 12 November 2025, 01:30 Baghdad time" in english


def test_the_representation_panel_shows_the_houses_indices_and_links_its_charts(
        browser: Browser, base: str) -> None:
    with urllib.request.urlopen(f"{base}/api/representation") as answer:
        house = next(r for r in json.load(answer) if r["constituency"] == "*")

    def shown(x: float) -> str:  # as the page writes it: at most two decimals, none trailing
        return f"{round(x, 2):,.2f}".rstrip("0").rstrip(".")
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(base)
    rows = page.locator("#representation-table tbody tr")
    expect(rows).to_have_count(5)
    for n, key in enumerate(("gallagher", "loosemore_hanby", "enp_votes", "enp_seats")):
        expect(rows.nth(n).locator("td").last).to_have_text(shown(house[key]))
    expect(rows.nth(4).locator("td").last).to_contain_text(f"{house['wasted']:,}")
    link = page.locator("#charts a", has_text="SVG").first
    with urllib.request.urlopen(f"{base}{link.get_attribute('href')}") as answer:
        assert answer.headers["Content-Type"] == "image/svg+xml"
        assert b"<svg" in answer.read()
    page.locator("#lang").click()  # the panel follows the page's language
    expect(page.locator("#representation-title")).to_have_text("التمثيل")
    expect(page.locator("#charts a").first).to_have_attribute("href", re.compile(r"lang=ar"))
    context.close()
