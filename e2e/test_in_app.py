"""A personal link opened inside another app, in Chromium: the way out carries the link, and
the real browser it leads to goes on with the customer's appointment."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import Browser, Page, Playwright, expect

from e2e.devices import customer_devices, outlook_on_iphone, web_view_on_android
from e2e.pages import Wizard
from tests.support.live import NEXT_YEAR, create_invite
from tests.support.server import LiveServer

APPOINTMENT_DAY = f"3. joulukuuta {NEXT_YEAR}"


def leave_by_start(page: Page, token: str) -> Wizard:
    """Open the personal link inside the app and press Start: the way-out page."""
    wizard = Wizard(page, "fi", touch=True).open(f"/r/{token}")
    expect(page.locator("main")).to_contain_text(APPOINTMENT_DAY)
    wizard.start()
    wizard.expect_heading("Open this page in your web browser")
    expect(page).to_have_url(re.compile(rf"/r/{re.escape(token)}/open-in-browser$"))
    return wizard


def link_to_copy(wizard: Wizard) -> str:
    """What the page's "Copy link" field holds."""
    return wizard.page.get_by_label(wizard.text("Link to this guide")).input_value()


def expect_the_appointment_goes_on(page: Page) -> None:
    """The real browser knows the invite: "I need help" and the time on Ready are there."""
    wizard = Wizard(page, "fi")
    wizard.open("/help")
    expect(page.locator("main").get_by_role(
        "button", name=wizard.text("I need help: please call me"), exact=True)).to_be_visible()
    wizard.open("/ready")
    expect(page.locator("main")).to_contain_text(APPOINTMENT_DAY)


def test_outlook_on_an_iphone_leaves_with_the_personal_link(
        browser: Browser, base_url: str, playwright: Playwright, live_server: LiveServer,
        artifacts: Path) -> None:
    """Outlook's web view: the link to copy is the personal link; the page's own address,
    which Outlook's "Open in browser" opens, goes on in Safari at step 1 with the invite."""
    token = create_invite(live_server)
    in_app = outlook_on_iphone(playwright.devices).open(browser, base_url)
    safari = customer_devices(playwright.devices)["iphone"].open(browser, base_url)
    try:
        wizard = leave_by_start(in_app, token)
        assert link_to_copy(wizard) == f"{base_url}/r/{token}"
        expect(in_app.locator("main")).not_to_contain_text("WebView")
        wizard.screenshot(artifacts / "in-app" / "outlook-iphone.png")

        # Outlook's menu opens the address it shows in Safari, without this session's cookie.
        safari_wizard = Wizard(safari, "fi", touch=True).open(in_app.url)
        expect(safari).to_have_url(re.compile(r"/device$"))
        safari_wizard.expect_heading("Which device will you use for the appointment?")
        assert safari_wizard.current_step() == (1, 6)
        expect_the_appointment_goes_on(safari)

        # The copied link, pasted into Safari, is the customer's own start page.
        safari.context.clear_cookies()
        safari_wizard.open(link_to_copy(wizard))
        expect(safari.locator("main")).to_contain_text(APPOINTMENT_DAY)
    finally:
        in_app.context.close()
        safari.context.close()


def test_an_android_web_view_opens_chrome_with_the_personal_link(
        browser: Browser, base_url: str, playwright: Playwright, live_server: LiveServer,
        artifacts: Path) -> None:
    """Gmail's or Outlook's web view on Android: "Open in Chrome" and the link to copy both
    hold the personal link; what Chrome opens goes on with the appointment."""
    token = create_invite(live_server)
    in_app = web_view_on_android(playwright.devices).open(browser, base_url)
    chrome = customer_devices(playwright.devices)["android-phone"].open(browser, base_url)
    try:
        wizard = leave_by_start(in_app, token)
        personal_link = f"{base_url}/r/{token}"
        assert link_to_copy(wizard) == personal_link
        intent = in_app.get_by_role("link", name=wizard.text("Open in Chrome")).get_attribute(
            "href")
        host = base_url.split("://", 1)[1]
        assert intent == (f"intent://{host}/r/{token}#Intent;scheme=http;"
                          f"package=com.android.chrome;"
                          f"S.browser_fallback_url={quote(personal_link, safe='')};end")
        wizard.screenshot(artifacts / "in-app" / "web-view-android.png")

        # Chrome opens what the intent names (Chromium itself cannot follow intent:).
        Wizard(chrome, "fi", touch=True).open(personal_link)
        expect(chrome.locator("main")).to_contain_text(APPOINTMENT_DAY)
        expect_the_appointment_goes_on(chrome)
    finally:
        in_app.context.close()
        chrome.context.close()


def test_the_general_way_out_opened_in_a_real_browser_goes_on(
        browser: Browser, base_url: str, playwright: Playwright) -> None:
    """/open-in-browser in a real browser does not ask again to open a browser."""
    page = customer_devices(playwright.devices)["iphone"].open(browser, base_url)
    try:
        wizard = Wizard(page, "fi", touch=True).open("/open-in-browser")
        expect(page).to_have_url(re.compile(r"/device$"))
        assert wizard.current_step() == (1, 6)
    finally:
        page.context.close()


def test_the_way_out_keeps_the_token_out_of_the_access_log(
        browser: Browser, base_url: str, playwright: Playwright,
        live_server: LiveServer) -> None:
    """The new address is logged with its token redacted."""
    token = create_invite(live_server)
    page = outlook_on_iphone(playwright.devices).open(browser, base_url)
    try:
        leave_by_start(page, token)
        page.goto("/healthz")  # one more line, so the previous one has surely been written
    finally:
        page.context.close()
    log = live_server.access_log.read_text()
    assert "/r/[redacted]/open-in-browser" in log
    assert token not in log
    assert token not in live_server.error_log.read_text()
