"""The audits' page in Debian's Chromium: closed to the public until a release holds the hand
count, then the comparison (the seat it moves), the risk-limiting audit's plan and the
forensics' queue, in Arabic then English, and axe-core finding nothing to fix. Screenshots go to
tests/web/artifacts/ (audit-*.png)."""

from __future__ import annotations

import time
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, expect

from majlis.tally import Store
from majlis.web import create_app

from .conftest import released, serving, shot
from .test_audit import HAND


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
        shot(page, "audit-en")
        found = Axe().run(page)
        assert found.violations_count == 0, found.generate_report()
        page.close()
