"""After an appointment, staff record what happened by keyboard alone, and see it on the
dashboard; the live updates keep the keyboard on its button when another person changes it;
the pages with the outcome buttons pass axe (issue 20)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from app.invites import hash_token
from e2e.pages import translator
from e2e.staff_pages import SignIn
from tests.support.axe import assert_no_axe_violations
from tests.support.browsers import add_virtual_authenticator
from tests.support.live import add_staff, create_invite
from tests.support.server import LiveServer

REFERENCE = "Outcome 1"
FINNISH = translator("fi")


def words(msgid: str) -> str:
    """The Finnish wording of msgid (the staff browser is fi-FI)."""
    translated: str = FINNISH.gettext(msgid)
    return translated


def move_appointment(server: LiveServer, token: str, at: datetime) -> None:
    """Set the invite's appointment to at (`--at` refuses the past), naive UTC as stored."""
    with closing(sqlite3.connect(server.database)) as connection:
        connection.execute("UPDATE invites SET appointment_at = ? WHERE token_hash = ?",
                           (at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"),
                            hash_token(token)))
        connection.commit()


def set_outcome(server: LiveServer, token: str, outcome: str) -> None:
    """Another staff member records an outcome (straight into the database)."""
    with closing(sqlite3.connect(server.database)) as connection:
        connection.execute("UPDATE invites SET outcome = ? WHERE token_hash = ?",
                           (outcome, hash_token(token)))
        connection.commit()


def test_an_outcome_recorded_by_keyboard_shows_on_the_dashboard(
        page: Page, live_server: LiveServer, axe: Axe, artifacts: object) -> None:
    """Tab from the appointment's link to its outcome buttons, press Enter: the dashboard
    comes back at the row with that outcome pressed and named; a change by someone else
    arrives live with the keyboard still on its button."""
    add_virtual_authenticator(page)
    token = create_invite(live_server, REFERENCE, teams_url=None)
    past = datetime.now(UTC) - timedelta(hours=1)
    move_appointment(live_server, token, past)
    day = past.astimezone(ZoneInfo("Europe/Helsinki")).date().isoformat()
    dashboard = SignIn(page).open_enrollment(add_staff(live_server)).use_passkey()
    dashboard.open(f"?day={day}")

    row = dashboard.row(REFERENCE)
    cell = row.locator("td").last
    expect(cell).to_contain_text(words("No outcome yet"))
    buttons = row.locator(".outcome-choice")
    expect(buttons).to_have_count(5)
    for index in range(5):
        expect(buttons.nth(index)).to_have_attribute("aria-pressed", "false")
    assert_no_axe_violations(axe, page)

    # Keyboard only: from the time's link, Tab to the first outcome, Tab to the second, Enter.
    row.get_by_role("link").focus()
    page.keyboard.press("Tab")
    expect(buttons.nth(0)).to_be_focused()
    page.keyboard.press("Tab")
    after_help = words("Joined by video after help")
    expect(buttons.nth(1)).to_be_focused()
    expect(buttons.nth(1)).to_have_text(after_help)
    page.keyboard.press("Enter")

    page.wait_for_url(f"**/staff/?day={day}#invite-*")
    expect(page.get_by_role("status").filter(
        has_text=words("Outcome recorded: %(outcome)s.") % {"outcome": after_help})).to_be_visible()
    expect(buttons.nth(1)).to_have_attribute("aria-pressed", "true")
    expect(buttons.nth(1)).to_contain_text(after_help)
    expect(buttons.nth(0)).to_have_attribute("aria-pressed", "false")
    expect(cell).to_contain_text(f"{words('Outcome:')} {after_help}")
    expect(cell).not_to_contain_text(words("No outcome yet"))
    assert_no_axe_violations(axe, page)
    # The Outcome column is the table's last: scrolled into view for the screenshot.
    page.locator(".table-wrap").evaluate("element => { element.scrollLeft = 10000; }")
    page.screenshot(path=f"{artifacts}/staff-dashboard-outcome.png", full_page=True)

    # Someone else changes it while the keyboard is on this button: the next poll swaps the
    # cell in and the focus stays on the same button of the new cell.
    page.evaluate("window.__sameDocument = true")
    buttons.nth(1).focus()
    set_outcome(live_server, token, "phone")
    expect(buttons.nth(2)).to_have_attribute("aria-pressed", "true", timeout=30_000)
    expect(cell).to_contain_text(f"{words('Outcome:')} {words('Switched to a phone call')}")
    expect(buttons.nth(1)).to_be_focused()
    assert page.evaluate("window.__sameDocument") is True, "the dashboard was reloaded"

    # The invite's own page offers the same five, the chosen one pressed.
    invite = dashboard.open_invite(REFERENCE)
    pressed = invite.page.locator(".outcome-choice[aria-pressed=true]")
    expect(pressed).to_have_count(1)
    expect(pressed).to_contain_text(words("Switched to a phone call"))
    assert_no_axe_violations(axe, page)
    page.screenshot(path=f"{artifacts}/staff-invite-outcome.png", full_page=True)
