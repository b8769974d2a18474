"""Ready tells what the checks found, in a real Chromium (issue 14, item 1).

Walks the computer path as a person on Windows Chrome would, with the camera and microphone
refused (`--use-fake-ui-for-media-stream=deny`, as e2e/test_device_checks.py's
refusing_browser), with every check left for later, and with every check passing. The Ready
page, the checks' own summary and what staff are shown must say the same thing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from e2e.devices import desktop
from e2e.pages import STEADY_CONNECTION, DeviceChecks, Wizard
from tests.support.browsers import browser_with
from tests.support.live import create_invite, invite_flags, reports
from tests.support.server import LiveServer

LANGUAGE = "en"


@pytest.fixture(scope="module")
def refusing_browser(playwright: Playwright,
                     browser_type_launch_args: dict[str, Any]) -> Iterator[Browser]:
    """A Chromium that refuses every camera and microphone, as a person's "Block" would."""
    launched = browser_with(playwright, browser_type_launch_args,
                            "--use-fake-ui-for-media-stream=deny")
    yield launched
    launched.close()


def windows_chrome(browser: Browser, base_url: str) -> Page:
    """A Windows Chrome whose connection is rated by lines no machine misses."""
    page = desktop().open(browser, base_url)
    page.context.add_init_script(STEADY_CONNECTION)
    return page


def to_the_checks(wizard: Wizard) -> DeviceChecks:
    """From the start page through the device and browser pages to the checks."""
    wizard.open(f"/?lang={LANGUAGE}")
    wizard.start()
    wizard.choose_device("computer")
    wizard.continue_()
    wizard.continue_()  # the browser page
    checks = DeviceChecks(wizard.page, LANGUAGE)
    checks.expect_state("speaker", "ready")
    return checks


def to_ready(wizard: Wizard, checks: DeviceChecks) -> None:
    """Continue from the checks through joining and privacy to Ready."""
    checks.continue_()
    wizard.continue_()  # how to join
    wizard.understand_privacy()


def speakers_and_connection_pass(checks: DeviceChecks) -> None:
    """The test sound heard, the connection measured."""
    checks.play_test_sound()
    checks.answer_heard(True)
    checks.expect_state("speaker", "ok")
    checks.check_connection()
    checks.expect_state("connection", "ok", timeout=30_000)


def check_marks(page: Page) -> dict[str, str]:
    """Ready's line for each check: its mark (ok, warning, problem, not-checked)."""
    marks: dict[str, str] = page.evaluate("""() => Object.fromEntries(
        [...document.querySelectorAll('.summary [data-check]')]
          .map((line) => [line.dataset.check, line.dataset.mark]))""")
    return marks


def test_camera_and_microphone_refused_is_not_ready_with_the_next_step(
        refusing_browser: Browser, base_url: str) -> None:
    """The Windows Chrome walk of the review: refused, yet Ready said "You are ready"."""
    page = windows_chrome(refusing_browser, base_url)
    try:
        wizard = Wizard(page, LANGUAGE)
        checks = to_the_checks(wizard)
        speakers_and_connection_pass(checks)
        checks.check_camera()
        checks.expect_state("camera", "blocked")
        checks.check_microphone()
        checks.expect_state("microphone", "blocked")
        assert checks.summary() == "not-ready"
        to_ready(wizard, checks)

        wizard.expect_heading("Not ready yet")
        main = page.locator("main")
        expect(main).not_to_contain_text(wizard.text("You are ready"))
        # On the web path a blocked microphone stops the appointment; a blocked camera only
        # warns (the customer may decline video), as readiness.mjs ranks them.
        assert check_marks(page) == {"camera": "warning", "microphone": "problem",
                                     "speaker": "ok", "connection": "ok"}
        next_step = page.locator(".js-next-step")
        expect(next_step).to_contain_text(wizard.text(
            "Allow the camera and microphone: go back to the checks and follow the steps "
            "shown there."))
        expect(next_step.get_by_role("link", name=wizard.text("I prefer not to use video"))
               ).to_be_visible()
        back = next_step.get_by_role("link", name=wizard.text("Go back to the checks"))
        with page.expect_navigation():
            back.click()
        wizard.expect_heading("Check your camera, microphone, speakers and connection")
    finally:
        page.context.close()


def test_every_check_left_for_later_is_not_checked_for_customer_and_staff(
        browser: Browser, base_url: str, live_server: LiveServer) -> None:
    """A personal link, four "Check later": Ready says not checked, staff never see "Ready"."""
    token = create_invite(live_server)
    page = windows_chrome(browser, base_url)
    try:
        page.goto(f"/r/{token}?lang={LANGUAGE}")
        wizard = Wizard(page, LANGUAGE)
        wizard.start()
        wizard.choose_device("computer")
        wizard.continue_()
        wizard.continue_()
        checks = DeviceChecks(page, LANGUAGE)
        for check in ("speaker", "camera", "microphone", "connection"):
            checks.skip(check)
            checks.expect_state(check, "skipped")
        assert checks.summary() == "not-checked"
        for _ in range(50):
            if ("readiness", "not-checked") in reports(live_server, token):
                break
            page.wait_for_timeout(100)
        to_ready(wizard, checks)

        wizard.expect_heading("Almost ready")
        assert check_marks(page) == dict.fromkeys(
            ("camera", "microphone", "speaker", "connection"), "not-checked")
        for line in page.locator(".summary [data-check]").all():
            expect(line).to_contain_text(wizard.text("Not checked"))
            expect(line).not_to_contain_text(wizard.text("Done"))
        expect(page.locator(".js-next-step")).to_contain_text(
            wizard.text("Not everything has been checked yet."))
        expect(page.locator(".js-next-step").get_by_role(
            "button", name=wizard.text("I need help: please call me"))).to_be_visible()
        # What the dashboard shows comes from the invite's latest summary.
        assert invite_flags(live_server, token)[2] == "not-checked"
        assert ("readiness", "ready-with-warnings") not in reports(live_server, token)
    finally:
        page.context.close()


def test_every_check_passing_is_ready(browser: Browser, base_url: str) -> None:
    """Speakers, camera, microphone and connection all work: "You are ready", each line OK."""
    page = windows_chrome(browser, base_url)
    try:
        wizard = Wizard(page, LANGUAGE)
        checks = to_the_checks(wizard)
        speakers_and_connection_pass(checks)
        checks.check_camera()
        checks.expect_state("camera", "ok")
        checks.check_microphone()
        checks.expect_state("microphone", "ok")
        assert checks.summary() == "ready"
        to_ready(wizard, checks)

        wizard.expect_heading("You are ready")
        assert check_marks(page) == dict.fromkeys(
            ("camera", "microphone", "speaker", "connection"), "ok")
        expect(page.locator(".js-next-step")).to_have_count(0)
    finally:
        page.context.close()


def test_without_javascript_ready_says_you_confirmed(browser: Browser, base_url: str) -> None:
    """No JavaScript: the checklist's Continue is the customer's word, and Ready says so."""
    page = desktop().open(browser, base_url, java_script_enabled=False)
    try:
        wizard = Wizard(page, LANGUAGE)
        wizard.open(f"/?lang={LANGUAGE}")
        wizard.start()
        wizard.choose_device("computer")
        wizard.continue_()
        wizard.continue_()  # the browser page
        wizard.expect_heading("Check your camera, microphone, speakers and connection")
        wizard.continue_()  # the checklist, gone through by hand
        wizard.continue_()  # how to join
        wizard.understand_privacy()

        wizard.expect_heading("You are ready")
        expect(page.locator("main")).to_contain_text(wizard.text(
            "You confirmed that your camera, microphone, speakers and connection work. "
            "This browser could not run the checks."))
        expect(page.locator('.summary [data-check="confirmed"]')).to_contain_text(
            wizard.text("Confirmed by you"))
    finally:
        page.context.close()
