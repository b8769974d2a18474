"""Staff passkeys in Chromium with its virtual authenticator: enroll, sign out, sign in again."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from e2e.staff_pages import SIGN_IN_URL, Dashboard, SignIn
from tests.support.axe import assert_no_axe_violations
from tests.support.browsers import add_virtual_authenticator
from tests.support.live import ADMIN_NAME, add_staff, audit_actions
from tests.support.server import LiveServer


def test_enroll_sign_out_and_sign_in_with_a_passkey(page: Page, live_server: LiveServer,
                                                    artifacts: object, axe: Axe) -> None:
    """From a link made on the command line to the dashboard, twice."""
    add_virtual_authenticator(page)
    enrollment = SignIn(page).open_enrollment(add_staff(live_server))
    assert_no_axe_violations(axe, page)
    dashboard = enrollment.use_passkey()
    expect(dashboard.main()).to_contain_text(ADMIN_NAME)
    assert_no_axe_violations(axe, page)
    page.screenshot(path=f"{artifacts}/staff-dashboard.png", full_page=True)

    sign_in = dashboard.sign_out()
    Dashboard(page).open()
    expect(page).to_have_url(SIGN_IN_URL)
    assert_no_axe_violations(axe, page)

    dashboard = sign_in.use_passkey()
    expect(dashboard.main()).to_contain_text(ADMIN_NAME)
    actions = audit_actions(live_server)
    assert actions[-4:] == ["staff-added", "enrolled", "sign-out", "sign-in"], actions
