"""Staff management in Chromium with its virtual authenticator: a second passkey replaces the
first, the last one cannot be removed, and an administrator adds a person."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import CDPSession, Page, expect

from tests.support.axe import assert_no_axe_violations
from tests.support.browsers import add_virtual_authenticator
from tests.support.live import ADMIN_NAME, add_staff, audit_actions
from tests.support.server import LiveServer
from tests.support.user_agents import DESKTOP_CHROME_UA


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
    """A new administrator enrolls a passkey in a virtual authenticator; that authenticator."""
    device = _new_device(page)
    page.goto(add_staff(server) + "?lang=en")
    page.locator(".js-passkey-button").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))
    return device


def _passkey_sections(page: Page) -> list[str]:
    """The headings (names) of the passkeys listed on /staff/passkeys."""
    return page.locator("section.panel h2").all_inner_texts()


def test_a_second_passkey_is_added_and_the_first_removed(page: Page, live_server: LiveServer,
                                                         artifacts: object, axe: Axe) -> None:
    """Add a passkey, remove the first, sign in again with the second; the last one stays."""
    first_device = _enroll_admin(page, live_server)
    page.get_by_role("navigation", name="Staff area").get_by_role(
        "link", name="Your passkeys").click()
    expect(page).to_have_url(re.compile(r"/staff/passkeys$"))
    expect(page.locator("h1")).to_have_text("Your passkeys")
    first = _passkey_sections(page)
    assert first == ["Passkey"]
    assert_no_axe_violations(axe, page)

    _new_device(page, replacing=first_device)
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.locator(".panel--success")).to_contain_text("The passkey was added.")
    expect(page.locator("section.panel h2")).to_have_text(["Passkey", "Passkey 2"])
    assert_no_axe_violations(axe, page)
    page.screenshot(path=f"{artifacts}/staff-passkeys.png", full_page=True)

    page.get_by_role("button", name="Remove passkey “Passkey”").click()
    expect(page.locator(".panel--success")).to_contain_text("The passkey was removed.")
    expect(page.locator("section.panel h2")).to_have_text(["Passkey 2"])

    page.goto("/staff/")
    page.locator("form[action$='/staff/sign-out'] button").click()
    expect(page).to_have_url(re.compile(r"/staff/sign-in$"))
    page.locator(".js-passkey-button").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))
    expect(page.locator("main")).to_contain_text(ADMIN_NAME)

    page.goto("/staff/passkeys")
    page.get_by_role("button", name="Remove passkey “Passkey 2”").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("You cannot remove your only passkey")
    expect(page.locator("section.panel h2")).to_have_text(["Passkey 2"])
    assert_no_axe_violations(axe, page)
    actions = audit_actions(live_server)
    assert actions[-4:] == ["passkey-added", "passkey-removed", "sign-out", "sign-in"], actions


def test_an_administrator_adds_a_person(page: Page, live_server: LiveServer,
                                        artifacts: object, axe: Axe) -> None:
    """People lists the administrator; adding a person shows their one-time link, which works."""
    _enroll_admin(page, live_server)
    page.get_by_role("navigation", name="Staff area").get_by_role("link", name="People").click()
    expect(page.locator("h1")).to_have_text("People")
    expect(page.get_by_role("row", name=re.compile(r"\(you\)"))).to_contain_text("Administrator")
    assert_no_axe_violations(axe, page)

    page.get_by_label("Name", exact=True).fill("Bo Uusi")
    page.get_by_role("button", name="Add the person and make an enrollment link").click()
    expect(page.locator("h1")).to_have_text("Person added")
    link = page.get_by_label("Enrollment link").input_value()
    assert re.search(r"/staff/enroll/[A-Za-z0-9_-]{32}$", link), link
    expect(page.get_by_role("button", name="Copy link")).to_be_visible()
    assert_no_axe_violations(axe, page)
    page.screenshot(path=f"{artifacts}/staff-person-added.png", full_page=True)

    page.goto("/staff/people")
    expect(page.get_by_role("row", name=re.compile("Bo Uusi"))).to_contain_text("None yet")
    page.screenshot(path=f"{artifacts}/staff-people.png", full_page=True)
    assert audit_actions(live_server)[-1] == "staff-added"

    newcomer = page.context.browser.new_context(base_url=live_server.base_url, locale="en",
                                                user_agent=DESKTOP_CHROME_UA)
    try:
        other = newcomer.new_page()
        add_virtual_authenticator(other)
        other.goto(link)
        other.locator(".js-passkey-button").click()
        expect(other).to_have_url(re.compile(r"/staff/$"))
        expect(other.locator("main")).to_contain_text("Bo Uusi")
    finally:
        newcomer.close()


def _enroll_elsewhere(page: Page, server: LiveServer, link: str) -> None:
    """Open an enrollment link in a browser of its own, with its own authenticator, and enroll."""
    context = page.context.browser.new_context(base_url=server.base_url, locale="en",
                                               user_agent=DESKTOP_CHROME_UA)
    try:
        other = context.new_page()
        add_virtual_authenticator(other)
        other.goto(link)
        other.locator(".js-passkey-button").click()
        expect(other).to_have_url(re.compile(r"/staff/$"))
        expect(other.locator(".js-recovery-notice")).to_have_count(0)
    finally:
        context.close()


def test_a_recovery_is_told_at_the_persons_next_sign_in(page: Page, live_server: LiveServer,
                                                        artifacts: object, axe: Axe) -> None:
    """A person with a passkey gets a recovery link used elsewhere; signing in with their old
    passkey, they are told who added a passkey, and the notice passes axe."""
    _enroll_admin(page, live_server)
    page.goto("/staff/people")
    page.get_by_label("Name", exact=True).fill("Cecilia Palautus")
    page.get_by_role("button", name="Add the person and make an enrollment link").click()
    first_link = page.get_by_label("Enrollment link").input_value()

    person_context = page.context.browser.new_context(
        base_url=live_server.base_url, locale="en", user_agent=DESKTOP_CHROME_UA)
    try:
        person = person_context.new_page()
        add_virtual_authenticator(person)
        person.goto(first_link)
        person.locator(".js-passkey-button").click()
        expect(person).to_have_url(re.compile(r"/staff/$"))
        person.locator("form[action$='/staff/sign-out'] button").click()

        page.goto("/staff/people")
        page.get_by_role("button", name="New enrollment link for Cecilia Palautus").click()
        _enroll_elsewhere(page, live_server, page.get_by_label("Enrollment link").input_value())
        assert audit_actions(live_server)[-2:] == ["recovery-issued",
                                                   "passkey-added-by-recovery"]

        person.goto("/staff/sign-in")
        person.locator(".js-passkey-button").click()
        expect(person).to_have_url(re.compile(r"/staff/$"))
        notice = person.get_by_role("status").filter(has_text="recovery link")
        expect(notice).to_contain_text(f"through a recovery link from {ADMIN_NAME}")
        assert_no_axe_violations(axe, person)
        person.screenshot(path=f"{artifacts}/staff-recovery-notice.png", full_page=True)
        notice.get_by_role("link", name="Your passkeys").click()
        expect(person.locator("main")).to_contain_text(
            f"Added through a recovery link from {ADMIN_NAME}")
        person.goto("/staff/")
        expect(person.locator(".js-recovery-notice")).to_have_count(0)
    finally:
        person_context.close()
