"""A personal link in Chromium: the customer's steps and check results reach the database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from e2e.devices import desktop
from e2e.pages import DeviceChecks, Wizard
from tests.support.axe import assert_no_axe_violations
from tests.support.live import NEXT_YEAR, create_invite, invite_flags, reports
from tests.support.server import LiveServer


@pytest.fixture
def customer(browser: Browser, base_url: str) -> Iterator[Page]:
    """A desktop Chrome customer."""
    page = desktop().open(browser, base_url)
    yield page
    page.context.close()


def test_personal_link_reports_steps_checks_and_help(customer: Page,
                                                     live_server: LiveServer) -> None:
    """Open the link, choose a computer, finish the checks, ask for help: staff can see it all."""
    token = create_invite(live_server)
    customer.goto(f"/r/{token}")
    wizard = Wizard(customer, "fi")
    expect(customer.locator("main")).to_contain_text(f"3. joulukuuta {NEXT_YEAR}")
    wizard.start()
    wizard.choose_device("computer")
    wizard.continue_()
    wizard.continue_()  # the browser page
    checks = DeviceChecks(customer, "fi")
    for check in ("speaker", "camera", "microphone", "connection"):
        checks.skip(check)
    # The last answer sends the readiness object; wait (up to 5 s) until the server has it.
    for _ in range(50):
        if ("readiness", "not-checked") in reports(live_server, token):
            break
        customer.wait_for_timeout(100)
    assert reports(live_server, token) == [("step", None), ("step", None),
                                    ("readiness", "not-checked")]
    customer.get_by_role("button", name=wizard.text("I need help: please call me")).click()
    expect(customer.get_by_role("status")).to_contain_text(
        wizard.text("Your request for help was sent"))
    assert invite_flags(live_server, token) == (1, 1, "not-checked")


def test_personal_pages_pass_axe(customer: Page, live_server: LiveServer, axe: Axe) -> None:
    """Start with the appointment, Ready with calendar and join buttons, help asked: no findings."""
    token = create_invite(live_server)
    customer.goto(f"/r/{token}")
    assert_no_axe_violations(axe, customer)
    customer.goto("/ready")
    wizard = Wizard(customer, "fi")
    join = customer.get_by_role("link", name=wizard.text("Join the Teams meeting"))
    expect(join).to_have_attribute("href", "https://teams.microsoft.com/meet/123456789?p=abc")
    assert_no_axe_violations(axe, customer)
    customer.get_by_role("button", name=wizard.text("I need help: please call me")).click()
    expect(customer.get_by_role("status")).to_be_visible()
    assert_no_axe_violations(axe, customer)
