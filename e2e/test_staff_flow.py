"""The whole staff story in Chromium, from a new administrator to a live "ready" and a purge.

Staff: enroll with a passkey (virtual authenticator), create a personal link with the form.
Customer: a second, phone-emulated browser context opens the link and runs every check with
Chromium's fake camera and microphone. Staff: the open dashboard turns "ready" without a
reload, then "needs help" when the customer asks. Finally `flask purge` removes an invite
whose retention has passed, and only that one.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from app.invites import hash_token
from e2e.devices import customer_devices
from e2e.pages import STEADY_CONNECTION, DeviceChecks, Wizard, translator
from e2e.staff_pages import Dashboard, SignIn
from tests.support.browsers import add_virtual_authenticator
from tests.support.live import add_staff
from tests.support.server import LiveServer, flask

REFERENCE = "Flow 7"
FINNISH = translator("fi")


def words(msgid: str) -> str:
    """The Finnish wording of msgid (the staff browser is fi-FI)."""
    translated: str = FINNISH.gettext(msgid)
    return translated


@pytest.fixture
def customer(browser: Browser, playwright: Playwright, base_url: str) -> Iterator[Page]:
    """A customer on an Android phone (Pixel 7, touch, with its client hints).

    Its connection is rated by STEADY_CONNECTION's lines: "ok" must not hang on this machine's
    speed.
    """
    page = customer_devices(playwright.devices)["android-phone"].open(browser, base_url)
    page.context.add_init_script(STEADY_CONNECTION)
    yield page
    page.context.close()


def create_link_with_the_form(dashboard: Dashboard) -> str:
    """Fill in the staff form for an appointment next week; the personal link's token."""
    when = datetime.now(ZoneInfo("Europe/Helsinki")) + timedelta(days=7)
    return dashboard.create_a_personal_link().create(
        date=when.strftime("%Y-%m-%d"), time="10:30", language="fi", reference=REFERENCE,
        teams_url="https://teams.microsoft.com/meet/2233445566?p=Flow7")


def run_every_check(customer: Page) -> None:
    """Speakers heard, camera and microphone working, connection measured: ready."""
    checks = DeviceChecks(customer, "fi")
    checks.expect_state("speaker", "ready")
    checks.play_test_sound()
    checks.answer_heard(True)
    checks.check_camera()
    checks.expect_state("camera", "ok")
    checks.check_microphone()
    checks.expect_state("microphone", "ok")
    checks.check_connection()
    checks.expect_state("connection", "ok", timeout=30_000)
    assert checks.summary() == "ready"


def invite_count(server: LiveServer, token: str) -> int:
    """How many invites have this token (0 once purged)."""
    with closing(sqlite3.connect(server.database)) as connection:
        row = connection.execute("SELECT count(*) FROM invites WHERE token_hash = ?",
                                 (hash_token(token),)).fetchone()
    return int(row[0])


def test_from_a_new_administrator_to_a_live_ready_and_a_call(
        page: Page, customer: Page, live_server: LiveServer) -> None:
    """Enroll, create a link, the phone gets ready, staff see it live; help appears too."""
    add_virtual_authenticator(page)
    dashboard = SignIn(page).open_enrollment(add_staff(live_server)).use_passkey()
    token = create_link_with_the_form(dashboard)

    status = dashboard.open().status(REFERENCE)
    expect(status).to_have_text(words("Not opened"))
    page.evaluate("window.__sameDocument = true")

    customer.goto(f"/r/{token}")
    wizard = Wizard(customer, "fi", touch=True)
    wizard.start()
    expect(wizard.device_option("android")).to_be_checked()
    wizard.continue_()
    wizard.confirm_installed()
    run_every_check(customer)
    finished = time.monotonic()
    expect(status).to_have_text(words("Ready"), timeout=10_000)
    print(f"phone's checks finished → dashboard shows ready: {time.monotonic() - finished:.2f} s")

    customer.get_by_role("button", name=wizard.text("I need help: please call me")).click()
    expect(customer.get_by_role("status")).to_contain_text(
        wizard.text("Your request for help was sent"))
    expect(status).to_have_text(words("Needs help"), timeout=10_000)
    assert page.evaluate("window.__sameDocument") is True, "the dashboard was reloaded"


def test_purge_removes_what_has_expired(page: Page, live_server: LiveServer) -> None:
    """An appointment 30 days ago goes; one tomorrow stays, and its link still opens."""
    soon = (datetime.now(ZoneInfo("Europe/Helsinki")) + timedelta(days=1))
    tokens = []
    for _ in range(2):
        output = flask(live_server.environment, "invite", "create",
                       "--at", soon.strftime("%Y-%m-%d %H:%M"), "--language", "fi")
        match = re.search(r"/r/([A-Za-z0-9_-]+)", output)
        assert match, output
        tokens.append(match.group(1))
    expired, kept = tokens
    # `--at` refuses the past, so the first appointment is moved back in the database itself
    # (naive UTC, as SQLAlchemy stores it in SQLite).
    past = datetime.now(UTC) - timedelta(days=30)
    with closing(sqlite3.connect(live_server.database)) as connection:
        connection.execute("UPDATE invites SET appointment_at = ? WHERE token_hash = ?",
                           (past.strftime("%Y-%m-%d %H:%M:%S.%f"), hash_token(expired)))
        connection.commit()
    assert invite_count(live_server, expired) == 1

    output = flask(live_server.environment, "purge")
    assert re.search(r"Deleted [1-9]\d* invite", output), output
    assert invite_count(live_server, expired) == 0
    assert invite_count(live_server, kept) == 1
    for token, status in ((expired, 404), (kept, 200)):
        response = page.goto(f"/r/{token}")
        assert response is not None and response.status == status, token
