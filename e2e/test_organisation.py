"""Issue 18 in Chromium: an administrator fills the organisation's profile and a customer sees
its phone number on the help page; a customer sends feedback and the administrator answers it.
Every page on the way passes axe."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from e2e.pages import translator
from e2e.staff_pages import Dashboard, SignIn
from tests.support.axe import assert_no_axe_violations
from tests.support.browsers import add_virtual_authenticator
from tests.support.live import add_staff, audit_actions
from tests.support.server import LiveServer
from tests.support.user_agents import DESKTOP_CHROME_UA

EN = "en"
FI = translator("fi")


@pytest.fixture
def clean_profile(live_server: LiveServer) -> Iterator[None]:
    """The session's server shares its database: leave no profile or feedback behind."""
    try:
        yield
    finally:
        with closing(sqlite3.connect(live_server.database)) as connection, connection:
            connection.execute("DELETE FROM organisation")
            connection.execute("DELETE FROM feedback")


def test_an_administrator_fills_the_profile_and_a_customer_calls_its_number(
        page: Page, live_server: LiveServer, axe: Axe, clean_profile: None) -> None:
    """Empty state, a refused phone number, the saved profile, then the customer's help page,
    feedback from the customer, and its answer."""
    add_virtual_authenticator(page)
    SignIn(page, EN).open_enrollment(add_staff(live_server) + "?lang=en").use_passkey()
    dashboard = Dashboard(page, EN)
    expect(dashboard.main()).to_contain_text("The organisation's details are not complete")

    profile = dashboard.go_to_organisation()
    expect(profile.heading()).to_have_text("Organisation")
    assert_no_axe_violations(axe, page)
    profile.fill_in("name-fi", "Esimerkin työllisyysalue")
    profile.fill_in("service-name-fi", "Videovastaanotto")
    profile.fill_in("hours-fi", "ma–pe 9–15")
    profile.fill_in("phone", "call the desk")
    profile.save()
    expect(profile.error_summary()).to_contain_text("Enter the phone number with digits")
    assert_no_axe_violations(axe, page)
    profile.fill_in("phone", "+358 9 123 4567")
    profile.save()
    expect(profile.saved()).to_contain_text("The organisation's details are saved.")
    assert "organisation-updated" in audit_actions(live_server)

    browser = page.context.browser
    assert browser is not None
    customer = browser.new_context(base_url=live_server.base_url, locale="fi",
                                   user_agent=DESKTOP_CHROME_UA).new_page()
    try:
        customer.goto("/help?lang=fi")
        number = customer.get_by_role("link", name="+358 9 123 4567")
        expect(number).to_have_attribute("href", "tel:+35891234567")
        expect(customer.get_by_text(FI.gettext("Opening hours: %(hours)s")
                                    % {"hours": "ma–pe 9–15"})).to_be_visible()
        expect(customer.locator("header")).to_contain_text("Videovastaanotto")
        assert_no_axe_violations(axe, customer)

        customer.get_by_role("link", name=FI.gettext("Give feedback")).click()
        expect(customer.locator("h1")).to_have_text(FI.gettext("Give feedback"))
        assert_no_axe_violations(axe, customer)
        customer.get_by_label(FI.gettext("Your feedback")).fill("Numero löytyi helposti.")
        customer.get_by_role("button", name=FI.gettext("Send feedback")).click()
        expect(customer.get_by_role("status")).to_contain_text(
            FI.gettext("Thank you. Your feedback was sent."))
    finally:
        customer.context.close()

    feedback = Dashboard(page, EN).open().go_to_feedback()
    item = feedback.message("Numero löytyi helposti.")
    expect(item).to_contain_text("Answer by")
    expect(item).to_contain_text("/help")
    assert_no_axe_violations(axe, page)
    feedback.mark_answered("Numero löytyi helposti.")
    expect(feedback.message("Numero löytyi helposti.")).to_contain_text("Answered")
    assert "feedback-answered" in audit_actions(live_server)
