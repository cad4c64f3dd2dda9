"""The audits' page in Debian's Chromium: closed to the public until a release holds the hand
count, then the comparison (the seat it moves), the risk-limiting audit's plan and the
forensics' queue; who sits, planned and measured; in Arabic then English, and axe-core finding
nothing to fix. Screenshots go to
tests/web/artifacts/ (audit-*.png)."""

from __future__ import annotations

import time
from fractions import Fraction
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, expect

from majlis import data, publish
from majlis.tally import Store
from majlis.web import create_app
from tests.audit.test_candidates_cli import SEED, genders

from .conftest import released, serving, shot
from .test_audit import HAND
from .test_audit_candidates import night


def test_the_audit_page(browser: Browser, tmp_path: Path, users_file: Path) -> None:
    url = released(tmp_path)
    with Store(url) as store:
        store.ingest([HAND])
    with serving(create_app(url, "default", law="iraq-2025", users=users_file)) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(f"{base}/audit?lang=ar")  # else the browser's language (en-US here)
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("#status")).to_contain_text("آخر إصدار")  # not released yet
        with Store(url) as store:
            store.release("after the hand counts")
        deadline = time.monotonic() + 10  # the service reads new releases every 2 s
        while page.request.get(f"{base}/api/election").json()["releases"] < 2:
            assert time.monotonic() < deadline, "the service did not read the release"
            time.sleep(0.1)
        page.reload()
        expect(page.locator("#compare tbody tr")).to_have_count(1)
        expect(page.locator("#compare tbody")).to_contain_text("Basra")
        expect(page.locator("#moves")).to_contain_text("Basra: State of Law من ٨ إلى ٩ مقعداً")
        expect(page.locator("#rla tbody tr")).to_have_count(2)  # Basra and Najaf
        expect(page.locator("#forensics-summary")).to_contain_text("ليلة")
        shot(page, "audit-ar")
        page.click("#lang")
        expect(page.locator("html")).to_have_attribute("dir", "ltr")
        expect(page.locator("#moves")).to_contain_text("Basra: State of Law 8 → 9 seats")
        expect(page.locator("#moves")).to_contain_text("Basra: Tasmim 17 → 16 seats")
        expect(page.locator("#rla-summary")).to_contain_text("Risk limit 5 %")
        expect(page.locator("#rla tbody")).to_contain_text("Tasmim ÷ 33 > State of Law ÷ 17")
        # started without a candidates file: who sits is not audited, and the page says so
        expect(page.locator("#who-summary")).to_contain_text("no candidates file")
        expect(page.locator("#lot")).to_be_hidden()
        expect(page.locator("#who tbody tr")).to_have_count(0)
        shot(page, "audit-en")
        found = Axe().run(page)
        assert found.violations_count == 0, found.generate_report()
        page.close()


def test_who_sits_on_the_audit_page(browser: Browser, tmp_path: Path, users_file: Path) -> None:
    """Muthanna's 300 stations (the quarter of women binding to its last step), the service
    started with the candidates file: who sits planned, then measured by the lot's seed — the
    hand counts give Sadiqoun's woman the last seat, so the pair holding it is refuted."""
    url, people = night(tmp_path / "night.db", hand=15), genders(tmp_path / "people.csv")
    with Store(url) as store:  # the plan `majlis audit rla plan --candidates` prints
        (named,) = [a for a in publish.plan_report(Fraction(1, 20), *publish.plan_store(
            store, data.law("iraq-2025"), Fraction(1, 20), genders=publish.genders_of(
                people.read_text(encoding="utf-8"), "people.csv"))[1:])["constituencies"]
            if a["constituency"] == "Muthanna (candidates)"]
    sample, pairs = named["sample_size"], len(named["assertions"])
    named_seated = [e["candidate"] + (" (women's quota)" if e["via"] == "women's quota" else "")
                    for e in named["seated"]]
    assert sorted(named_seated) == [
        "Sadiqoun / S-m1", "Sadiqoun / S-m2", "State of Law / L-w1 (women's quota)",
        "Tasmim / T-m1", "Tasmim / T-m2", "Tasmim / T-m3", "Tasmim / T-w1 (women's quota)"]
    assert 0 < sample < named["stations"] == 300 and pairs > 20
    arabic = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    with serving(create_app(url, "default", law="iraq-2025", users=users_file,
                            candidates=people)) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.goto(f"{base}/audit?lang=ar")
        expect(page.locator("#rla tbody tr")).to_have_count(1)  # the lists' seats alone
        row = page.locator("#who tbody tr")
        expect(row).to_have_count(1)
        cells = row.locator("td")
        expect(cells.nth(0)).to_have_text("Muthanna")
        # who sits: Tasmim's first woman lifted over its fourth man, State of Law's woman at the
        # last step; T-m4 is compared (the order that fixes Tasmim's women) but does not sit
        expect(cells.nth(1)).to_have_text(", ".join(named_seated).replace(", ", "، ").replace(
            " (women's quota)", " (حصة النساء)"))
        expect(cells.nth(2)).to_have_text(str(pairs).translate(arabic))
        expect(cells.nth(3)).to_have_text("Tasmim / T-w1 > Tasmim / T-w2")
        expect(cells.nth(5)).to_have_text(str(sample).translate(arabic))
        expect(cells.nth(6)).to_have_text("—")  # no seed yet
        expect(page.locator("#pairs tbody tr")).to_have_count(5)
        page.fill("#seed", SEED)
        page.click("#lot button")
        expect(cells.nth(6)).to_have_text("مدحوض")
        refuted = page.locator("#pairs tbody tr", has_text="State of Law / L-w1 > Sadiqoun / "
                                                            "S-w1")
        expect(refuted.locator("td").nth(4)).to_have_text("مدحوض")
        expect(page.locator("#who-status")).to_contain_text(SEED)
        shot(page, "audit-candidates-ar")
        page.click("#lang")
        expect(page.locator("html")).to_have_attribute("dir", "ltr")
        expect(page.locator("#who-title")).to_have_text(
            "Who sits: the candidates and the women's quota")
        expect(cells.nth(5)).to_have_text(f"{sample:,}")
        expect(cells.nth(6)).to_have_text("refuted")
        expect(refuted.locator("td").nth(4)).to_have_text("refuted")
        expect(cells.nth(1)).to_have_text(", ".join(named_seated))
        expect(page.locator("#who-summary")).to_contain_text(
            f"Constituencies audited: 1. Pairs of candidates compared: {pairs:,}, the women's "
            f"quota included. {sample:,} of 300 stations")
        shot(page, "audit-candidates-en")
        found = Axe().run(page)
        assert found.violations_count == 0, found.generate_report()
        # the seed stays in the link: reloaded, the page measures the same lot again
        assert f"seed={SEED.replace(' ', '+')}" in page.url
        page.reload()
        expect(page.locator("#who tbody td").nth(6)).to_have_text("refuted")
        page.close()
