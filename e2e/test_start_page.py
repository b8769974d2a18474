"""The start page in a real Chromium: every language, the language menu, desktop and phone."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Playwright, expect

from app.i18n import LANGUAGES
from e2e.devices import customer_devices
from e2e.pages import RequestLog, StartPage, translator
from tests.support.axe import assert_no_axe_violations
from tests.support.server import LiveServer

HEADING = "Get ready for your video appointment"


@pytest.mark.parametrize("language", [language.code for language in LANGUAGES])
def test_start_page_loads_in_each_language(page: Page, base_url: str, language: str,
                                           artifacts: Path, axe: Axe) -> None:
    """?lang= opens the page in that language, with no request to another host, no axe finding."""
    requests = RequestLog(page)
    start = StartPage(page).open(f"?lang={language}")
    assert start.language() == language
    assert start.heading() == translator(language).gettext(HEADING)
    assert requests.foreign(base_url) == []
    assert_no_axe_violations(axe, page)
    page.screenshot(path=artifacts / f"start-desktop-{language}.png", full_page=True)


def test_language_menu_switches_and_remembers(page: Page) -> None:
    """Choosing Svenska from a Finnish page switches language, and the choice is kept."""
    start = StartPage(page).open()
    assert start.language() == "fi"  # the browser asks for Finnish
    start.choose_language("Svenska")
    assert start.language() == "sv"
    assert start.heading() == translator("sv").gettext(HEADING)
    start.open()
    assert start.language() == "sv"


def test_phone_sees_the_app_path_and_switches_language(phone_page: Page, artifacts: Path) -> None:
    """An Android phone is told it needs the Teams app; the menu works by touch."""
    start = StartPage(phone_page).open()
    assert "Teams" in phone_page.locator("main").inner_text()
    expected = translator("fi").gettext(
        "You seem to be using a phone or tablet. You will need the free Microsoft Teams app.")
    assert phone_page.get_by_text(expected).is_visible()
    start.choose_language("English")
    assert start.language() == "en"
    assert start.heading() == HEADING
    phone_page.screenshot(path=artifacts / "start-phone-en.png", full_page=True)


def test_desktop_is_told_to_join_in_the_browser(page: Page) -> None:
    """A Windows Chrome is told it can join in the browser."""
    StartPage(page).open("?lang=en")
    assert page.get_by_text("You can join in the web browser", exact=False).is_visible()


def test_access_log_never_holds_a_personal_token(page: Page, live_server: LiveServer) -> None:
    """A personal link's token is redacted from gunicorn's access log."""
    token = "e2e-secret-token-6f1c9a"
    page.goto(f"/r/{token}?lang=en")
    page.goto("/healthz")  # one more line, so the previous one has surely been written
    log = live_server.access_log.read_text()
    assert "/r/[redacted]" in log
    assert token not in log
    assert token not in live_server.error_log.read_text()


def test_an_ipad_in_desktop_mode_is_not_told_it_is_a_computer(
        browser: Browser, base_url: str, playwright: Playwright, artifacts: Path) -> None:
    """Safari on an iPad sends a Mac's user agent: the page sees the touch screen and says
    iPad and the Teams app; without JavaScript the words tell an iPad owner what to do."""
    device = customer_devices(playwright.devices)["ipad-desktop-mode"]
    english = translator("en")
    computer = english.gettext("You seem to be using a computer. You can join in the web "
                               "browser: you do not need to download Teams. We recommend the "
                               "Chrome browser.")
    # No query and no cookie: a first visit's page.
    page = device.open(browser, base_url, locale="en-GB")
    try:
        StartPage(page).open()
        expect(page.get_by_text(english.gettext(
            "You seem to be using an iPad. You will need the free Microsoft Teams app."))
        ).to_be_visible()
        expect(page.get_by_text(computer)).to_be_hidden()
        page.screenshot(path=artifacts / "start-ipad-desktop-mode-en.png", full_page=True)
    finally:
        page.context.close()
    page = device.open(browser, base_url, locale="en-GB", java_script_enabled=False)
    try:
        StartPage(page).open()
        expect(page.get_by_text(english.gettext(
            "If this is an iPad, you will need the free Microsoft Teams app."))).to_be_visible()
    finally:
        page.context.close()
