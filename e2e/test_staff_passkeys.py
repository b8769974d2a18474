"""Staff passkeys in Chromium with its virtual authenticator: enroll, sign out, sign in again."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from contextlib import closing

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from e2e.conftest import ROOT, LiveServer
from e2e.test_accessibility import assert_no_axe_violations

NAME = "Testi Ylläpitäjä"


def add_staff(server: LiveServer) -> str:
    """An administrator made with `flask staff add --admin`; the enrollment link's path."""
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "staff", "add", NAME, "--admin"],
        cwd=ROOT, env=server.environment, check=True, capture_output=True, text=True)
    match = re.search(r"/staff/enroll/[A-Za-z0-9_-]+", result.stdout)
    assert match, result.stdout
    return match.group(0)


def add_virtual_authenticator(page: Page) -> None:
    """A platform authenticator that holds passkeys and verifies the user (CTAP2, internal)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True}})


def audit_actions(server: LiveServer) -> list[str]:
    """The audit log's actions, oldest first."""
    with closing(sqlite3.connect(server.database)) as connection:
        return [row[0] for row in connection.execute("SELECT action FROM audit_log ORDER BY id")]


def test_enroll_sign_out_and_sign_in_with_a_passkey(page: Page, live_server: LiveServer,
                                                    artifacts: object) -> None:
    """From a link made on the command line to the dashboard, twice."""
    axe = Axe()
    add_virtual_authenticator(page)
    page.goto(add_staff(live_server))
    assert_no_axe_violations(axe, page)
    page.locator(".js-passkey-button").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))
    expect(page.locator("main")).to_contain_text(NAME)
    assert_no_axe_violations(axe, page)
    page.screenshot(path=f"{artifacts}/staff-dashboard.png", full_page=True)

    page.locator("form[action$='/staff/sign-out'] button").click()
    expect(page).to_have_url(re.compile(r"/staff/sign-in$"))
    page.goto("/staff/")
    expect(page).to_have_url(re.compile(r"/staff/sign-in$"))
    assert_no_axe_violations(axe, page)

    page.locator(".js-passkey-button").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))
    expect(page.locator("main")).to_contain_text(NAME)
    actions = audit_actions(live_server)
    assert actions[-4:] == ["staff-added", "enrolled", "sign-out", "sign-in"], actions
