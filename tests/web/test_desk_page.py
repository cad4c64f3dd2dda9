"""The desk page in Debian's Chromium, on SQLite and the real PostgreSQL: two clerks agreeing, two
disagreeing and a supervisor settling it, an all-zero sheet refused, an entry whose answer was lost
sent again and stored once, a phone's width, and axe-core finding nothing to fix. Screenshots go
to tests/web/artifacts/ (desk-*.png)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Page, Route, expect

from majlis import audit
from majlis.tally import Source, Store, TallySheet
from majlis.web import create_app

from .conftest import PASSWORD, free_port, register, serving, shot
from .test_desk import desk_users  # noqa: F401  (the clerks amal and dalia, supervisor basim)

# A sheet as keyed on the form, in its order: received, cast, valid, invalid, spoiled, unused,
# then the lists by name (State of Law, Tasmim)
AGREED = ["٥٠٠", "٣١٠", "٣٠٠", "١٠", "٥", "١٨٥", "١٠٠", "٢٠٠"]  # Arabic-Indic digits
FIELDS = ["f-ballots_received", "f-cast", "f-valid", "f-invalid", "f-spoiled", "f-unused",
          "l-0", "l-1"]


def sign_in(page: Page, name: str) -> None:
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    expect(page.locator("#who")).to_contain_text(name)


def sign_out(page: Page) -> None:
    page.click("#signout")
    expect(page.locator("#signin")).to_be_visible()


def open_station(page: Page, code: str) -> None:
    page.fill("#station-code", code)
    page.press("#station-code", "Enter")
    expect(page.locator("#sheet")).to_be_visible()
    expect(page.locator("#sheet-title")).to_contain_text(code)


def key(page: Page, code: str, figures: list[str]) -> None:
    open_station(page, code)
    submit(page, figures)


def submit(page: Page, figures: list[str]) -> None:
    for field, value in zip(FIELDS, figures, strict=True):
        page.fill(f"#{field}", value)
    page.press("#l-1", "Enter")


def axe_clean(page: Page) -> None:
    found = Axe().run(page)
    assert found.violations_count == 0, found.generate_report()


def scan() -> bytes:
    """A PNG standing for the photo of a tally sheet: a white page with ruled lines."""
    page = Image.new("RGB", (120, 160), "white")
    draw = ImageDraw.Draw(page)
    for y in range(20, 160, 20):
        draw.line((10, y, 110, y), fill="black")
    out = io.BytesIO()
    page.save(out, format="PNG")
    return out.getvalue()


def attach(page: Page, photo: bytes) -> None:
    """Choose the sheet's photo on the form: uploaded at once, previewed with its SHA-256."""
    sha = hashlib.sha256(photo).hexdigest()
    page.set_input_files("#photo", files=[{"name": "sheet.png", "mimeType": "image/png",
                                           "buffer": photo}])
    expect(page.locator("#photo-preview")).to_have_attribute("src", f"/api/photos/{sha}")
    expect(page.locator("#photo-link")).to_contain_text(sha)
    # the src is set before the image has loaded: wait for it (a broken one completes too)
    # (a function evaluated, not a string: the page's CSP refuses eval, which Playwright's
    # polling of a string predicate uses)
    page.locator("#photo-preview").evaluate("""e => e.complete || new Promise(done => {
        e.addEventListener("load", () => done(true));
        e.addEventListener("error", () => done(true));
    })""")
    assert page.locator("#photo-preview").evaluate("e => e.naturalWidth") == 120  # it shows


def file_case(page: Page, station: str, kind: str, reason: str) -> None:
    page.fill("#case-station", station)
    page.select_option("#case-kind", kind)
    page.fill("#case-reason", reason)
    page.press("#case-reason", "Enter")
    expect(page.locator("#status")).to_contain_text(station)


HELD = TallySheet(station="B-900-01", source=Source.MACHINE, received_at="2025-11-11T19:00",
                  received_by="PCOS 7", ballots_received=40, cast=31, valid=28, invalid=2,
                  spoiled=0, unused=10, votes={"Tasmim": 20, "State of Law": 8})


def test_a_desk_night(browser: Browser, store_url: str, desk_users: Path) -> None:  # noqa: F811
    register(store_url)
    with Store(store_url) as store:  # a counting machine's sheet, held: cast is mistyped
        assert store.ingest([HELD]).quarantined == 1
    with serving(create_app(store_url, "default", law="iraq-2025", users=desk_users)) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(f"{base}/desk")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        # Clerk amal keys B-001-01 with the keyboard alone, in Arabic-Indic digits
        page.keyboard.press("Tab")  # the skip link
        page.keyboard.press("Tab")  # the language button
        page.keyboard.press("Tab")
        expect(page.locator("#username")).to_be_focused()
        assert page.locator("#username").evaluate(
            "e => getComputedStyle(e).outlineStyle") != "none"  # focus is visible
        page.keyboard.type("amal")
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        expect(page.locator("#station-code")).to_be_focused()
        page.keyboard.type("B-001-01")
        page.keyboard.press("Enter")
        expect(page.locator("#sheet-title")).to_have_text("المحطة B-001-01 — الإدخال أ")
        expect(page.locator("label[for=l-1]")).to_have_text("تحالف تصميم")
        for value in AGREED:
            page.keyboard.press("Tab")
            page.keyboard.type(value)
        expect(page.locator("#checks li.fails")).to_have_count(0)
        expect(page.locator("#checks li[data-rule=ballots-accounted]")).to_contain_text(
            "٥٠٠ / ٥٠٠")
        photo = scan()
        attach(page, photo)  # the sheet's scan beside the entry
        axe_clean(page)
        shot(page, "desk-1-entry-a")
        page.press("#l-1", "Enter")
        expect(page.locator("#status")).to_contain_text("بانتظار الإدخال الثاني")
        # a sheet whose figures are all 0 is refused, and nothing is stored
        open_station(page, "N-001-01")
        page.fill("#f-cast", "٣")
        expect(page.locator("#checks li.fails")).not_to_have_count(0)  # cast ≠ valid + invalid
        page.fill("#f-cast", "")
        page.press("#l-1", "Enter")
        expect(page.locator("#status")).to_contain_text("every figure is 0")
        page.click("#cancel")
        key(page, "B-001-02", ["500", "260", "250", "10", "5", "235", "170", "80"])
        expect(page.locator("#status")).to_contain_text("بانتظار الإدخال الثاني")
        sign_out(page)

        # Clerk dalia: agrees on B-001-01, disagrees on B-001-02, and may not key entry A twice
        sign_in(page, "dalia")
        open_station(page, "B-001-01")
        expect(page.locator("#trail li")).to_have_count(1)  # drawn, and blind: entry A unseen
        expect(page.locator("#trail")).not_to_contain_text("amal")
        attach(page, photo)
        submit(page, ["500", "310", "300", "10", "5", "185", "100", "200"])
        expect(page.locator("#status")).to_contain_text("قُبلت الورقة")
        open_station(page, "B-001-01")  # the accepted version, its photo in the history
        sha = hashlib.sha256(photo).hexdigest()
        expect(page.locator("#trail img")).to_have_attribute("src", f"/api/photos/{sha}")
        expect(page.locator("#trail li")).to_contain_text("dalia")
        page.click("#cancel")
        # a complaint about the accepted sheet, and a request to pull it back into audit
        file_case(page, "B-001-01", "complaint", "an agent says two bags were counted once")
        file_case(page, "B-001-01", "audit", "turnout far above the centre's")
        key(page, "B-001-02", ["500", "260", "250", "10", "5", "235", "160", "90"])
        expect(page.locator("#status")).to_contain_text("الإدخالان مختلفان")
        open_station(page, "B-001-02")
        expect(page.locator("#sheet-title")).to_contain_text("أُدخل الإدخالان كلاهما")
        expect(page.locator("#submit")).to_be_disabled()
        shot(page, "desk-2-entry-b")
        sign_out(page)

        # Supervisor basim, in English: the queues, both entries side by side, entry A chosen
        page.click("#lang")
        expect(page.locator("html")).to_have_attribute("dir", "ltr")
        sign_in(page, "basim")
        # the complaint and the audit asked for, per constituency; the audit approved first
        complained = page.locator("#queue-counts tr[data-queue=complaint]")
        expect(complained).to_contain_text("Under complaint")
        expect(complained).to_contain_text("Basra: 1")
        expect(page.locator("#queue-counts tr[data-queue=audit-request]")).to_contain_text(
            "Basra: 1")
        expect(page.locator("#queue-sheets li[data-case='1']")).to_contain_text(
            "filed by dalia: an agent says two bags were counted once")
        page.get_by_role("button", name="Approve audit 2 of B-001-01").click()
        expect(page.locator("#status")).to_contain_text("Write the reason first")
        page.fill("#decision-reason", "the centre's turnout is 61 %")
        page.get_by_role("button", name="Approve audit 2 of B-001-01").click()
        expect(page.locator("#status")).to_have_text("Case 2: approved")
        audited = page.locator("#queue-sheets li[data-case='2']")
        expect(audited).to_contain_text("Pulled back into audit")
        expect(audited).to_contain_text("approved by supervisor basim")
        expect(page.locator("#queue-counts tr[data-queue=audit]")).to_contain_text("Basra: 1")
        axe_clean(page)
        shot(page, "desk-6-audit-approved")
        for case in (1, 2):
            page.fill("#decision-reason", "the bags and the register were checked: it stands")
            page.get_by_role("button", name=f"Dismiss case {case} on B-001-01").click()
            expect(page.locator("#status")).to_have_text(
                f"Case {case}: dismissed: the sheet stands")
        expect(page.locator("#queue-sheets li[data-case]")).to_have_count(0)
        row = page.locator("#queue-counts tr[data-queue=disagreement]")
        expect(row).to_contain_text("Disagreeing entries")
        expect(row).to_contain_text("Basra: 1")
        page.get_by_role("button", name="Open B-001-02").click()
        expect(page.locator("#dispute-title")).to_be_focused()
        differs = page.locator("#dispute-table tr.differs")
        expect(differs).to_have_count(2)
        expect(differs.first).to_contain_text("State of Law")
        expect(differs.first).to_contain_text("170")
        expect(differs.first).to_contain_text("160")
        expect(page.locator("#dispute-table")).to_contain_text("entry A (amal)")
        axe_clean(page)
        shot(page, "desk-3-disagreement")
        page.click("#choose-a")
        expect(page.locator("#status")).to_contain_text("Write the reason first")
        page.fill("#reason", "the paper says 170 and 80")
        page.click("#choose-a")
        expect(page.locator("#status")).to_contain_text("Station B-001-02 settled: Accepted")
        expect(row.locator("td").nth(1)).to_have_text("0")
        # the quarantined sheet, corrected on the form it was held with
        held = page.locator("#queue-counts tr[data-queue=quarantine]")
        expect(held).to_contain_text("Basra: 1")
        page.get_by_role("button", name="Correct B-900-01").click()
        expect(page.locator("#sheet-title")).to_have_text(
            "Station B-900-01 — correcting the machine sheet")
        expect(page.locator("#f-cast")).to_have_value("31")
        expect(page.locator("#checks li.fails")).to_have_count(2)
        page.fill("#f-cast", "30")
        expect(page.locator("#checks li.fails")).to_have_count(0)
        page.fill("#sheet-reason", "the machine's printout says 30")
        page.press("#sheet-reason", "Enter")
        expect(page.locator("#status")).to_have_text("Station B-900-01 corrected.")
        expect(held.locator("td").nth(1)).to_have_text("0")
        shot(page, "desk-5-queues-cleared")
        page.close()

    with Store(store_url) as store:
        basra = {c.name: c.votes for c in store.results()}["Basra"]
        assert basra == {"Tasmim": 300, "State of Law": 278}
        assert store.history("N-001-01") == []
        last = store.history("B-001-02")[-1]
        assert (last.author, last.status, last.sheet.votes["State of Law"]) == (
            "basim", "accepted", 170)
        assert audit.verify_chain(store.chain()).intact
        assert {v.sheet.photo for v in store.history("B-001-01")} == {
            hashlib.sha256(photo).hexdigest()}
        assert [(c.number, c.kind, [(x.step, x.author) for x in c.steps])
                for c in store.cases()] == [
            (1, "complaint", [("filed", "dalia"), ("dismissed", "basim")]),
            (2, "audit", [("requested", "dalia"), ("approved", "basim"),
                          ("dismissed", "basim")])]


def test_an_entry_whose_answer_was_lost_is_sent_again_once(
        browser: Browser, store_url: str, desk_users: Path) -> None:  # noqa: F811
    register(store_url)
    with serving(create_app(store_url, "default", law="iraq-2025", users=desk_users)) as base:
        page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
        page.goto(f"{base}/desk")
        sign_in(page, "amal")
        lost: list[int] = []

        def deliver_then_drop(route: Route) -> None:
            """The entry reaches the service, its answer never reaches the page."""
            if not lost:
                route.fetch()
                lost.append(1)
            route.abort("connectionreset")
        page.route("**/api/desk/entries", deliver_then_drop)
        key(page, "B-900-01", ["40", "30", "28", "2", "0", "10", "8", "20"])
        expect(page.locator("#pending")).to_be_visible()
        expect(page.locator("#pending")).to_contain_text("١")
        assert page.evaluate("JSON.parse(localStorage.getItem('majlis-desk-pending')).length") == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # fits the phone
        shot(page, "desk-4-waiting-on-a-phone")
        page.unroute("**/api/desk/entries")
        expect(page.locator("#pending")).to_be_hidden(timeout=10_000)
        expect(page.locator("#status")).to_contain_text("بانتظار الإدخال الثاني")
        assert page.evaluate("localStorage.getItem('majlis-desk-pending')") == "[]"
        page.close()
    with Store(store_url) as store:
        stored = store.history("B-900-01")
        assert [(v.sheet.source.value, v.author, v.sheet.cast) for v in stored] == [
            ("entry-a", "amal", 30)]


def test_an_entry_keyed_while_the_server_is_down_waits_and_is_sent_once(
        browser: Browser, store_url: str, desk_users: Path) -> None:  # noqa: F811
    """The service stops mid-entry; the clerk submits, closes the page; the service comes back,
    the clerk signs in again, and the entry is stored — once."""
    register(store_url)
    port = free_port()
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    with serving(create_app(store_url, "default", law="iraq-2025", users=desk_users),
                 port=port) as base:
        page.goto(f"{base}/desk")
        sign_in(page, "amal")
        open_station(page, "N-001-01")
        for field, value in zip(FIELDS, ["400", "215", "200", "15", "5", "180", "80", "120"],
                                strict=True):
            page.fill(f"#{field}", value)
    page.press("#l-1", "Enter")  # the service is gone
    expect(page.locator("#pending")).to_be_visible()
    page.close()
    with Store(store_url) as store:
        assert store.history("N-001-01") == []
    with serving(create_app(store_url, "default", law="iraq-2025", users=desk_users),
                 port=port) as base:
        page = context.new_page()  # the same browser profile: its localStorage kept the entry
        page.goto(f"{base}/desk")
        expect(page.locator("#pending")).to_be_hidden()  # nobody signed in: nothing sent yet
        sign_in(page, "amal")
        expect(page.locator("#status")).to_contain_text("بانتظار الإدخال الثاني")
        expect(page.locator("#pending")).to_be_hidden()
        page.reload()  # still signed in in this tab
        expect(page.locator("#who")).to_contain_text("amal")
        page.wait_for_timeout(3500)  # a retry round: nothing left to send
        context.close()
    with Store(store_url) as store:
        assert [(v.sheet.source.value, v.author, v.sheet.votes) for v in
                store.history("N-001-01")] == [
            ("entry-a", "amal", {"Sadiqoun": 80, "Tasmim": 120})]
