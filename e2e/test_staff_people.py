"""Staff management in Chromium with its virtual authenticator: a second passkey replaces the
first, the last one cannot be removed, and an administrator adds a person."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, CDPSession, Page, expect

from e2e.staff_pages import Dashboard, People, SignIn
from tests.support.axe import assert_no_axe_violations
from tests.support.browsers import add_virtual_authenticator
from tests.support.live import ADMIN_NAME, add_staff, audit_actions
from tests.support.server import LiveServer
from tests.support.user_agents import DESKTOP_CHROME_UA

EN = "en"  # the staff pages are opened in English (?lang=en)


def _new_device(page: Page, replacing: tuple[CDPSession, str] | None = None
                ) -> tuple[CDPSession, str]:
    """A virtual platform authenticator, as on a new device; the old one (if any) is gone.

    One authenticator cannot hold a second passkey for the same account: the options exclude
    the passkey it already has, so the browser refuses. A person adds a passkey on another
    device; here that is another authenticator.
    """
    if replacing is not None:
        cdp, authenticator_id = replacing
        cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": authenticator_id})
    else:
        cdp = page.context.new_cdp_session(page)
        cdp.send("WebAuthn.enable")
    answer = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True}})
    return cdp, str(answer["authenticatorId"])


def _enroll_admin(page: Page, server: LiveServer) -> tuple[CDPSession, str]:
    """A new administrator enrolls a passkey in a virtual authenticator, in English; that
    authenticator."""
    device = _new_device(page)
    SignIn(page, EN).open_enrollment(add_staff(server) + "?lang=en").use_passkey()
    return device


def _other_browser(page: Page, server: LiveServer) -> BrowserContext:
    """A browser of another person (English, a desktop Chrome), beside page's."""
    browser = page.context.browser
    assert browser is not None
    return browser.new_context(base_url=server.base_url, locale="en",
                               user_agent=DESKTOP_CHROME_UA)


def test_a_second_passkey_is_added_and_the_first_removed(page: Page, live_server: LiveServer,
                                                         artifacts: object, axe: Axe) -> None:
    """Add a passkey, remove the first, sign in again with the second; the last one stays."""
    first_device = _enroll_admin(page, live_server)
    passkeys = Dashboard(page, EN).go_to_passkeys()
    expect(passkeys.heading()).to_have_text("Your passkeys")
    first = passkeys.names().all_inner_texts()
    assert first == ["Passkey"]
    assert_no_axe_violations(axe, page)

    _new_device(page, replacing=first_device)
    passkeys.add_passkey()
    expect(passkeys.success()).to_contain_text("The passkey was added.")
    expect(passkeys.names()).to_have_text(["Passkey", "Passkey 2"])
    assert_no_axe_violations(axe, page)
    page.screenshot(path=f"{artifacts}/staff-passkeys.png", full_page=True)

    passkeys.remove("Passkey")
    expect(passkeys.success()).to_contain_text("The passkey was removed.")
    expect(passkeys.names()).to_have_text(["Passkey 2"])

    dashboard = Dashboard(page, EN).open().sign_out().use_passkey()
    expect(dashboard.main()).to_contain_text(ADMIN_NAME)

    passkeys.open().remove("Passkey 2")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("You cannot remove your only passkey")
    expect(passkeys.names()).to_have_text(["Passkey 2"])
    assert_no_axe_violations(axe, page)
    actions = audit_actions(live_server)
    assert actions[-4:] == ["passkey-added", "passkey-removed", "sign-out", "sign-in"], actions


def test_an_administrator_adds_a_person(page: Page, live_server: LiveServer,
                                        artifacts: object, axe: Axe) -> None:
    """People lists the administrator; adding a person shows their one-time link, which works."""
    _enroll_admin(page, live_server)
    people = Dashboard(page, EN).go_to_people()
    expect(people.heading()).to_have_text("People")
    expect(people.row(re.compile(r"\(you\)"))).to_contain_text("Administrator")
    assert_no_axe_violations(axe, page)

    people.add_person("Bo Uusi")
    expect(people.heading()).to_have_text("Person added")
    link = people.enrollment_link()
    assert re.search(r"/staff/enroll/[A-Za-z0-9_-]{32}$", link), link
    expect(people.copy_button()).to_be_visible()
    assert_no_axe_violations(axe, page)
    page.screenshot(path=f"{artifacts}/staff-person-added.png", full_page=True)

    people.open()
    expect(people.row(re.compile("Bo Uusi"))).to_contain_text("None yet")
    page.screenshot(path=f"{artifacts}/staff-people.png", full_page=True)
    assert audit_actions(live_server)[-1] == "staff-added"

    newcomer = _other_browser(page, live_server)
    try:
        other = newcomer.new_page()
        add_virtual_authenticator(other)
        dashboard = SignIn(other, EN).open_enrollment(link).use_passkey()
        expect(dashboard.main()).to_contain_text("Bo Uusi")
    finally:
        newcomer.close()


def _enroll_elsewhere(page: Page, server: LiveServer, link: str) -> None:
    """Open an enrollment link in a browser of its own, with its own authenticator, and enroll."""
    context = _other_browser(page, server)
    try:
        other = context.new_page()
        add_virtual_authenticator(other)
        dashboard = SignIn(other, EN).open_enrollment(link).use_passkey()
        expect(dashboard.page.locator(".js-recovery-notice")).to_have_count(0)
    finally:
        context.close()


def test_a_recovery_is_told_at_the_persons_next_sign_in(page: Page, live_server: LiveServer,
                                                        artifacts: object, axe: Axe) -> None:
    """A person with a passkey gets a recovery link used elsewhere; signing in with their old
    passkey, they are told who added a passkey, and the notice passes axe."""
    _enroll_admin(page, live_server)
    people = People(page, EN).open()
    people.add_person("Cecilia Palautus")
    first_link = people.enrollment_link()

    person_context = _other_browser(page, live_server)
    try:
        person = person_context.new_page()
        add_virtual_authenticator(person)
        SignIn(person, EN).open_enrollment(first_link).use_passkey().sign_out()

        people.open().new_enrollment_link_for("Cecilia Palautus")
        _enroll_elsewhere(page, live_server, people.enrollment_link())
        assert audit_actions(live_server)[-2:] == ["recovery-issued",
                                                   "passkey-added-by-recovery"]

        dashboard = SignIn(person, EN).open().use_passkey()
        notice = dashboard.recovery_notice()
        expect(notice).to_contain_text(f"through a recovery link from {ADMIN_NAME}")
        assert_no_axe_violations(axe, person)
        person.screenshot(path=f"{artifacts}/staff-recovery-notice.png", full_page=True)
        notice.get_by_role("link", name="Your passkeys").click()
        expect(person.locator("main")).to_contain_text(
            f"Added through a recovery link from {ADMIN_NAME}")
        dashboard.open()
        expect(person.locator(".js-recovery-notice")).to_have_count(0)
    finally:
        person_context.close()
