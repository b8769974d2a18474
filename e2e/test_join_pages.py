"""The store, browser and join pages in Chromium, as a person sees them: today's Teams labels
beside the seed's, each store's own button, and the meeting link copied for Chrome."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, expect

from e2e.devices import Device, customer_devices
from e2e.pages import Wizard
from tests.support.live import TEAMS_LINK, create_invite
from tests.support.server import LiveServer


@pytest.fixture
def devices(playwright: Playwright) -> dict[str, Device]:
    """The emulated customer devices."""
    return customer_devices(playwright.devices)


def _drawings_loaded(wizard: Wizard) -> list[str]:
    """The drawings on the page that the browser loaded and drew, by file name."""
    names: list[str] = wizard.page.evaluate("""async () => {
      const images = [...document.querySelectorAll("figure.illustration img")];
      // Drawings below the fold load lazily: load them now, or decode() would wait for ever.
      for (const image of images) image.loading = "eager";
      await Promise.all(images.map(image => image.decode().catch(() => null)));
      return images.filter(image => image.naturalWidth > 0)
                   .map(image => image.src.split("/").pop());
    }""")
    return names


def test_an_iphone_is_shown_the_app_stores_get_and_no_huawei_note(
        browser: Browser, base_url: str, devices: dict[str, Device], artifacts: Path) -> None:
    """On an iPhone the store page says "Hae" (Get) under the App Store's own drawing, and
    says nothing about phones without Google Play."""
    page = devices["iphone"].open(browser, base_url)
    wizard = Wizard(page, "fi", touch=True).open("/phone/install")
    caption = wizard.text("In the App Store, tap “%(get)s”, then confirm with Face ID, Touch ID "
                          "or your Apple ID password. Wait until the app is installed.",
                          get=wizard.text("Get"))
    expect(page.get_by_text(caption, exact=True)).to_be_visible()
    assert _drawings_loaded(wizard) == ["store-app-store.svg"]
    no_play = wizard.text("My phone has no Google Play (for example some Huawei phones)")
    expect(page.get_by_text(no_play)).to_have_count(0)
    wizard.screenshot(artifacts / "join-pages" / "install-iphone-fi.png")
    page.context.close()


def test_an_android_phone_is_shown_google_plays_install_and_the_huawei_note(
        browser: Browser, base_url: str, devices: dict[str, Device], artifacts: Path) -> None:
    """On Android: Google Play's "Asenna" (Install), its green drawing, and the way out for a
    phone without Google Play."""
    page = devices["android-phone"].open(browser, base_url)
    wizard = Wizard(page, "fi", touch=True).open("/phone/install")
    assert _drawings_loaded(wizard) == ["store-google-play.svg"]
    no_play = wizard.text("My phone has no Google Play (for example some Huawei phones)")
    expect(page.get_by_text(no_play)).to_be_visible()
    wizard.screenshot(artifacts / "join-pages" / "install-android-fi.png")
    page.context.close()


def test_firefox_copies_the_teams_link_to_paste_into_chrome(
        browser: Browser, base_url: str, devices: dict[str, Device],
        live_server: LiveServer, artifacts: Path) -> None:
    """Firefox on a personal link with a Teams link: "Kopioi linkki" puts the meeting's link on
    the clipboard, and the page says to paste it into Chrome's address bar."""
    token = create_invite(live_server)
    page = devices["desktop-firefox"].open(browser, base_url,
                                           permissions=["clipboard-read", "clipboard-write"])
    wizard = Wizard(page, "fi")
    wizard.open(f"/r/{token}")
    wizard.open("/computer/browser")
    field = page.locator(".copy-link", has=page.locator("#teams-link"))
    expect(field.locator("input")).to_have_value(TEAMS_LINK)
    field.get_by_role("button", name=wizard.text("Copy link"), exact=True).click()
    expect(field.get_by_role("status")).to_have_text(wizard.text("Link copied."))
    assert page.evaluate("navigator.clipboard.readText()") == TEAMS_LINK
    paste = wizard.text("Open Chrome, click the address bar at the top, paste the link "
                        "(Ctrl+V, on a Mac ⌘+V) and press Enter.")
    expect(page.get_by_text(paste, exact=True)).to_be_visible()
    wizard.screenshot(artifacts / "join-pages" / "browser-firefox-fi.png")
    page.context.close()


@pytest.mark.parametrize("language", ["fi", "ar", "so"])
def test_join_pages_show_todays_teams_and_every_drawing(
        browser: Browser, base_url: str, devices: dict[str, Device], artifacts: Path,
        language: str) -> None:
    """Both join pages name today's invitation link and the seed's, and every drawing loads;
    a screenshot of each goes to e2e/artifacts/join-pages/ for people to look at."""
    for device_name, path in [("desktop-chrome", "/computer/join"),
                              ("android-phone", "/phone/join")]:
        page = devices[device_name].open(browser, base_url)
        wizard = Wizard(page, language).open(f"{path}?lang={language}")
        first_step = page.locator("ol.steps > li").first
        for label in ("Join the meeting now", "Join Microsoft Teams Meeting", "Join:"):
            expect(first_step).to_contain_text(wizard.text(label))
        expected = page.locator("figure.illustration img").count()
        assert expected and len(_drawings_loaded(wizard)) == expected
        wizard.screenshot(artifacts / "join-pages" / f"{path.strip('/').replace('/', '-')}"
                          f"-{language}.png")
        page.context.close()
