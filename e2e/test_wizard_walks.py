"""Walks from the start page to Ready on each path, on emulated phones, tablets and computers.

Each walk counts the taps or clicks it takes and saves a screenshot of every page under
e2e/artifacts/<device>/; the counts go to e2e/artifacts/taps.json for the closing note.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from app.steps import STEPS
from e2e.devices import Device, customer_devices
from e2e.pages import RequestLog, Wizard

STEP_HEADINGS = {
    "device": "Which device will you use for the appointment?",
    "browser": "Your web browser",
    "install": "Install the Teams app",
    "checks": "Check your camera, microphone, speakers and connection",
    "join_computer": "How to join on your computer",
    "join_phone": "How to join on your phone or tablet",
    "privacy": "Privacy and safety",
    # Every walk leaves the checks for later: nothing was checked, so never "You are ready".
    "ready": "Almost ready",
}


@dataclass(frozen=True)
class Walk:
    """One walk: the device, its language, and what the wizard should make of the device."""

    device: str
    locale: str
    language: str
    detected: str  # the device choice the page must pre-select
    sentence: str  # msgid of "You seem to be using …"
    names_browser: bool  # whether the sentence goes on to name the browser
    path: str  # "web" or "app"

    @property
    def name(self) -> str:
        """The walk's name: the device, and the language when it is not the device's usual."""
        usual = self.language in ("fi", "sv", "en")
        return self.device if usual else f"{self.device}-{self.language}"


WALKS = [
    Walk("iphone", "fi-FI", "fi", "iphone-ipad", "You seem to be using an iPhone.", True, "app"),
    Walk("android-phone", "sv-SE", "sv", "android",
         "You seem to be using an Android phone.", True, "app"),
    Walk("android-tablet", "fi-FI", "fi", "android",
         "You seem to be using an Android tablet.", True, "app"),
    # The server sees a Mac; the page's own check must correct that to an iPad.
    Walk("ipad-desktop-mode", "fi-FI", "fi", "iphone-ipad",
         "You seem to be using an iPad.", False, "app"),
    Walk("ipad", "en-GB", "en", "iphone-ipad", "You seem to be using an iPad.", True, "app"),
    Walk("desktop-chrome", "fi-FI", "fi", "computer",
         "You seem to be using a Windows computer.", True, "web"),
    Walk("desktop-firefox", "fi-FI", "fi", "computer",
         "You seem to be using a Windows computer.", True, "web"),
    # Right to left, and a Cyrillic script: on a phone and on a computer each.
    Walk("android-phone", "ar", "ar", "android",
         "You seem to be using an Android phone.", True, "app"),
    Walk("desktop-chrome", "ar", "ar", "computer",
         "You seem to be using a Windows computer.", True, "web"),
    Walk("iphone", "uk-UA", "uk", "iphone-ipad", "You seem to be using an iPhone.", True, "app"),
    Walk("desktop-chrome", "uk-UA", "uk", "computer",
         "You seem to be using a Windows computer.", True, "web"),
]


def browser_name(user_agent: str) -> str:
    """The browser and major version a user agent names, as the wizard words it ("Chrome 131")."""
    for name, pattern in (("Firefox", r"Firefox/(\d+)"), ("Chrome", r"Chrome/(\d+)"),
                          ("Safari", r"Version/(\d+)")):
        found = re.search(pattern, user_agent)
        if found:
            return f"{name} {found.group(1)}"
    raise ValueError(user_agent)


class Album:
    """Numbered full-page screenshots of one walk, in e2e/artifacts/<device>/."""

    def __init__(self, wizard: Wizard, folder: Path) -> None:
        """Start an empty folder for this walk."""
        self.wizard = wizard
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()
        self.count = 0

    def take(self, name: str) -> None:
        """Save the page as <nn>-<name>.png."""
        self.count += 1
        self.wizard.screenshot(self.folder / f"{self.count:02d}-{name}.png")


def record_taps(artifacts: Path, walk: Walk, taps: int, pages: list[str]) -> None:
    """Add this walk's tap count to e2e/artifacts/taps.json."""
    file = artifacts / "taps.json"
    counts = json.loads(file.read_text()) if file.exists() else {}
    counts[walk.name] = {"path": walk.path, "language": walk.language, "taps": taps,
                           "pages": pages}
    file.write_text(json.dumps(counts, indent=2, sort_keys=True) + "\n")
    print(f"{walk.name}: {taps} taps from start to ready ({' → '.join(pages)})")


@pytest.fixture
def devices(playwright: Playwright) -> dict[str, Device]:
    """The emulated customer devices."""
    return customer_devices(playwright.devices)


def check_device_page(wizard: Wizard, walk: Walk, device: Device) -> None:
    """The device page describes the device and pre-selects the right choice."""
    sentence = wizard.text(walk.sentence)
    if walk.names_browser:
        browser = wizard.text("Your web browser is %(browser)s.",
                              browser=browser_name(device.user_agent))
        sentence = f"{sentence} {browser}"
    expect(wizard.page.get_by_text(sentence, exact=True)).to_be_visible()
    expect(wizard.device_option(walk.detected)).to_be_checked()
    assert wizard.selected_device() == walk.detected


def check_ipad_correction(wizard: Wizard) -> None:
    """The server took the iPad for a Mac; the page's check has put that right before use."""
    served = wizard.page.request.get("/device").text()
    assert re.search(r'value="computer"[^>]*checked', served), "the server should guess a Mac"
    mac = wizard.text("You seem to be using a Mac computer.")
    assert mac in served
    expect(wizard.page.get_by_text(mac)).to_have_count(0)


def check_browser_page(wizard: Wizard, device: Device) -> None:
    """Chrome is rated good; Firefox works with limits, and Chrome is recommended."""
    name = browser_name(device.user_agent)
    get_chrome = wizard.page.get_by_role("heading", name=wizard.text("How to get Chrome"))
    if name.startswith("Chrome"):
        summary = wizard.text("%(browser)s works well with Teams.", browser=name)
        expect(get_chrome).to_have_count(0)
    else:
        summary = wizard.text("%(browser)s works with Teams, but with limits.", browser=name)
        expect(wizard.page.get_by_text(wizard.text(
            "Some things may not work in it, such as sending your video. "
            "We recommend Chrome."))).to_be_visible()
        expect(get_chrome).to_be_visible()
    expect(wizard.page.get_by_text(summary, exact=True)).to_be_visible()


def check_install_page(wizard: Wizard, walk: Walk) -> None:
    """Only the store of the device's own system is offered."""
    stores = {"App Store": walk.detected == "iphone-ipad",
              "Google Play": walk.detected == "android"}
    for store, offered in stores.items():
        link = wizard.page.get_by_role(
            "link", name=wizard.text("Get Teams from %(store)s", store=store))
        expect(link).to_have_count(1 if offered else 0)


def check_back_button_after_post(wizard: Wizard, requests: RequestLog, previous: str,
                                 current: str) -> None:
    """The browser's Back returns to the previous step without re-sending a form (PRG)."""
    page = wizard.page
    before = len(requests.methods)
    page.go_back()
    wizard.expect_heading(STEP_HEADINGS[previous])
    assert "POST" not in requests.methods[before:], "Back re-sent a form"
    page.go_forward()
    wizard.expect_heading(STEP_HEADINGS[current])
    assert "POST" not in requests.methods[before:], "Forward re-sent a form"


@pytest.mark.parametrize("walk", WALKS, ids=[walk.name for walk in WALKS])
def test_walk_from_start_to_ready(browser: Browser, base_url: str, artifacts: Path,
                                  devices: dict[str, Device], walk: Walk) -> None:
    """Start → device → each step → Ready ("Almost ready": checks left), one tap a page, nothing
    foreign."""
    device = devices[walk.device]
    page: Page = device.open(browser, base_url, locale=walk.locale)
    try:
        requests = RequestLog(page)
        wizard = Wizard(page, walk.language, touch=device.has_touch)
        album = Album(wizard, artifacts / walk.name)
        steps = STEPS[walk.path]

        wizard.open("/")
        assert page.locator("html").get_attribute("lang") == walk.language
        wizard.expect_heading("Get ready for your video appointment")
        album.take("start")
        wizard.start()

        pages = ["start"]
        for number, step in enumerate(steps, start=1):
            wizard.expect_heading(STEP_HEADINGS[step])
            assert wizard.current_step() == (number, len(steps))
            pages.append(step)
            if step == "device":
                check_device_page(wizard, walk, device)
                if walk.device == "ipad-desktop-mode":
                    check_ipad_correction(wizard)
            elif step == "browser":
                check_browser_page(wizard, device)
            elif step == "install":
                check_install_page(wizard, walk)
            elif step == "checks":
                # Two forms have been posted by now: Back must not land on a form's answer.
                check_back_button_after_post(wizard, requests, steps[number - 2], step)
            album.take(step)
            if step == "install":
                wizard.confirm_installed()
            elif step == "checks":
                wizard.check_later()
            elif step == "privacy":
                wizard.understand_privacy()
            elif step != "ready":
                wizard.continue_()

        # Every step but the checks is done; the four checks each read "Not checked".
        done = page.get_by_text(wizard.text("Done"), exact=True)
        expect(done).to_have_count(len(steps) - 2)
        not_checked = page.locator('.summary [data-mark="not-checked"]')
        expect(not_checked).to_have_count(4)
        expect(not_checked.first).to_contain_text(wizard.text("Not checked"))
        assert wizard.taps == len(steps), "one tap to start and one for each step"
        assert requests.foreign(base_url) == []
        record_taps(artifacts, walk, wizard.taps, pages)
    finally:
        page.context.close()


def test_back_links_lead_back_along_the_path(browser: Browser, base_url: str,
                                             devices: dict[str, Device]) -> None:
    """From Privacy, each page's own back link goes one step back, to the start page."""
    page = devices["desktop-chrome"].open(browser, base_url)
    try:
        wizard = Wizard(page).open("/privacy")
        for step in reversed(STEPS["web"][:-2]):
            wizard.back()
            wizard.expect_heading(STEP_HEADINGS[step])
        wizard.back()
        wizard.expect_heading("Get ready for your video appointment")
    finally:
        page.context.close()


def test_choosing_another_device_changes_the_path(browser: Browser, base_url: str,
                                                  devices: dict[str, Device]) -> None:
    """A computer's user who will join on an Android phone is sent down the app path."""
    page = devices["desktop-chrome"].open(browser, base_url)
    try:
        wizard = Wizard(page).open("/device")
        assert wizard.selected_device() == "computer"
        wizard.choose_device("android")
        assert wizard.selected_device() == "android"
        wizard.continue_()
        wizard.expect_heading(STEP_HEADINGS["install"])
        assert wizard.current_step() == (2, len(STEPS["app"]))
        play = wizard.text("Get Teams from %(store)s", store="Google Play")
        expect(page.get_by_role("link", name=play)).to_be_visible()
        assert wizard.taps == 2
    finally:
        page.context.close()
