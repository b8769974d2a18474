"""Accessibility in a real Chromium: axe on every wizard page in every language, light and dark;
the keyboard alone from start to Ready; layout at 320 px, at 200 % text and right-to-left.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Playwright, expect

from app.i18n import LANGUAGE_BY_CODE, LANGUAGES
from e2e.devices import (
    WINDOWS_FIREFOX_UA,
    WINDOWS_IE_UA,
    customer_devices,
    desktop,
    facebook_on_android,
)
from e2e.pages import KeyboardUser, Layout, StartPage, Wizard
from tests.support.axe import assert_no_axe_violations

LANGUAGE_CODES = [language.code for language in LANGUAGES]
def submit_without_choice(wizard: Wizard) -> None:
    """Send the device form with nothing chosen, which shows the error state."""
    wizard.clear_device_choice()
    wizard.continue_()
    expect(wizard.page.get_by_role("alert")).to_contain_text(wizard.text("There is a problem"))


def walk_computer_path(wizard: Wizard) -> None:
    """Confirm every step of the computer path, from the device page to Ready."""
    wizard.continue_()
    wizard.continue_()
    wizard.check_later()
    wizard.continue_()
    wizard.understand_privacy()


def choose_phone_call(wizard: Wizard) -> None:
    """Choose a phone call on the no-video page, which then confirms the choice."""
    wizard.prefer_phone_call()
    expect(wizard.page.get_by_role("status")).to_contain_text(
        wizard.text("Your choice: a phone call"))


@dataclass(frozen=True)
class Screen:
    """A wizard page in one of its states: where it is, how to get it there, its heading."""

    name: str
    path: str
    heading: str
    prepare: Callable[[Wizard], None] | None = None


SCREENS = [
    Screen("start", "/", "Get ready for your video appointment"),
    Screen("device", "/device", "Which device will you use for the appointment?"),
    Screen("device-error", "/device", "Which device will you use for the appointment?",
           submit_without_choice),
    Screen("browser", "/computer/browser", "Your web browser"),
    Screen("install", "/phone/install", "Install the Teams app"),
    Screen("checks", "/checks", "Check your camera, microphone, speakers and connection"),
    Screen("join-computer", "/computer/join", "How to join on your computer"),
    Screen("join-phone", "/phone/join", "How to join on your phone or tablet"),
    Screen("privacy", "/privacy", "Privacy and safety"),
    Screen("ready-almost", "/ready", "Almost ready"),
    # The checks left for later: Ready with its "not checked" lines and what to do next.
    Screen("ready", "/device", "Almost ready", walk_computer_path),
    Screen("help", "/help", "If something goes wrong"),
    Screen("no-video", "/no-video", "I prefer not to use video"),
    Screen("no-video-confirmed", "/no-video", "I prefer not to use video", choose_phone_call),
    # /open-in-browser: only inside an app (in a real browser it goes on to /device), below.
    Screen("other-device", "/other-device", "Use a computer, phone or tablet"),
    Screen("not-found", "/no-such-page", "Page not found"),
    # The pages about the service (issue 18), linked from every page's footer.
    Screen("privacy-notice", "/privacy-notice", "Privacy notice"),
    Screen("accessibility-statement", "/accessibility", "Accessibility statement"),
    Screen("feedback", "/feedback", "Give feedback"),
]
SCREEN_IDS = [screen.name for screen in SCREENS]


def show(page: Page, screen: Screen, language: str) -> Wizard:
    """Open screen in language from a fresh session, in the state it names."""
    page.context.clear_cookies()
    wizard = Wizard(page, language).open(f"{screen.path}?lang={language}")
    if screen.prepare:
        screen.prepare(wizard)
    wizard.expect_heading(screen.heading)
    assert page.locator("html").get_attribute("lang") == language
    return wizard


@pytest.fixture(scope="module")
def light_page(browser: Browser, base_url: str) -> Iterator[Page]:
    """A desktop Chrome page in light mode, reused by every test in this module."""
    page = desktop().open(browser, base_url, color_scheme="light")
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def dark_page(browser: Browser, base_url: str) -> Iterator[Page]:
    """A desktop Chrome page in dark mode."""
    page = desktop().open(browser, base_url, color_scheme="dark")
    yield page
    page.context.close()


@pytest.mark.parametrize("language", LANGUAGE_CODES)
@pytest.mark.parametrize("screen", SCREENS, ids=SCREEN_IDS)
def test_no_axe_violations(light_page: Page, axe: Axe, screen: Screen, language: str) -> None:
    """Every wizard page, in every state and language, passes axe."""
    show(light_page, screen, language)
    assert_no_axe_violations(axe, light_page)


@pytest.mark.parametrize("screen", SCREENS, ids=SCREEN_IDS)
def test_no_axe_violations_in_dark_mode(dark_page: Page, axe: Axe, screen: Screen) -> None:
    """Dark mode keeps every page's contrast (Finnish, the default language)."""
    assert dark_page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    show(dark_page, screen, "fi")
    assert_no_axe_violations(axe, dark_page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("user_agent", "summary"), [
    (WINDOWS_FIREFOX_UA, "%(browser)s works with Teams, but with limits."),
    (WINDOWS_IE_UA, "%(browser)s cannot join Teams meetings."),
], ids=["limited", "unsupported"])
def test_browser_ratings_pass_axe(browser: Browser, base_url: str, axe: Axe, user_agent: str,
                                  summary: str, scheme: str) -> None:
    """The browser page's warning and error ratings keep their contrast, light and dark."""
    page = desktop(user_agent).open(browser, base_url, color_scheme=scheme)
    try:
        wizard = Wizard(page).open("/computer/browser")
        name = "Firefox 133" if "Firefox" in user_agent else "Internet Explorer 11"
        expect(page.get_by_text(wizard.text(summary, browser=name))).to_be_visible()
        assert_no_axe_violations(axe, page)
    finally:
        page.context.close()


@pytest.mark.parametrize(("language", "scheme"),
                         [*((code, "light") for code in LANGUAGE_CODES), ("fi", "dark")])
def test_open_in_browser_inside_an_app_passes_axe(browser: Browser, base_url: str,
                                                  playwright: Playwright, axe: Axe,
                                                  language: str, scheme: str) -> None:
    """Inside Facebook on Android: the Chrome button and the copy-link button pass axe, in
    every language, and in dark mode."""
    page = facebook_on_android(playwright.devices).open(browser, base_url, color_scheme=scheme)
    try:
        # The language first: the redirect from /device to /open-in-browser drops ?lang=.
        wizard = Wizard(page, language).open(f"/?lang={language}")
        wizard.start()
        wizard.expect_heading("Open this page in your web browser")
        expect(page.get_by_role("link", name=wizard.text("Open in Chrome"))).to_be_visible()
        expect(wizard.button("Copy link")).to_be_visible()
        assert_no_axe_violations(axe, page)
    finally:
        page.context.close()


@pytest.mark.parametrize("path", ["web", "app"])
def test_keyboard_alone_from_start_to_ready(browser: Browser, base_url: str, path: str) -> None:
    """Tab, arrow keys, Space and Enter reach Ready; every stop shows where focus is."""
    page = desktop().open(browser, base_url)
    try:
        wizard = Wizard(page).open("/")
        person = KeyboardUser(page)

        person.press("Tab")
        skip = page.get_by_role("link", name=wizard.text("Skip to main content"))
        assert person.has_focus(skip)
        stop = person.focused()
        assert stop is not None and (stop["outline"] or stop["shadow"]) and stop["inView"]
        person.press("Enter")
        assert person.has_focus(page.get_by_role("main"))
        person.press("Tab")  # the first thing after the skip link is in main
        start = page.get_by_role("link", name=wizard.text("Start"), exact=True)
        assert person.has_focus(start)

        person.activate(start)
        wizard.expect_heading("Which device will you use for the appointment?")
        person.tab_to(wizard.device_option("computer"))
        person.press("ArrowDown")
        assert wizard.selected_device() == "iphone-ipad"
        assert person.has_focus(wizard.device_option("iphone-ipad"))
        if path == "web":
            person.press("ArrowUp")
        person.press("Space")
        assert wizard.selected_device() == ("computer" if path == "web" else "iphone-ipad")

        buttons = (["Continue", "Continue", "Continue", "Continue",
                    "I understand"] if path == "web" else
                   ["Continue", "I have installed Teams", "Continue",
                    "Continue", "I understand"])
        for label in buttons:
            person.activate(wizard.button(label))
        # "Continue" on the checks ran none of them: not checked, so "Almost ready".
        wizard.expect_heading("Almost ready")
        assert len(person.stops) > len(buttons), "every page was walked by Tab"
    finally:
        page.context.close()


@pytest.fixture(scope="module")
def layout_page(browser: Browser, base_url: str) -> Iterator[Page]:
    """A page whose window size the layout tests set themselves."""
    page = desktop().open(browser, base_url)
    yield page
    page.context.close()


@pytest.mark.parametrize("language", LANGUAGE_CODES)
@pytest.mark.parametrize("screen", SCREENS, ids=SCREEN_IDS)
def test_layout_holds_narrow_zoomed_and_right_to_left(layout_page: Page, screen: Screen,
                                                      language: str) -> None:
    """No sideways scrolling at 320 px, 200 % text or right-to-left; Back starts the line."""
    page = layout_page
    layout = Layout(page)
    page.set_viewport_size({"width": 320, "height": 640})
    wizard = show(page, screen, language)
    assert layout.horizontal_overflow() == 0, "overflows at 320 px"

    back = wizard.back_link()
    has_back = back.count() == 1
    native = LANGUAGE_BY_CODE[language].direction
    assert page.locator("html").get_attribute("dir") == native
    # Back starts the line in the page's own direction, and in the other one when flipped.
    for direction in (native, "ltr" if native == "rtl" else "rtl"):
        page.evaluate(f"document.documentElement.dir = '{direction}'")
        assert layout.horizontal_overflow() == 0, f"overflows {direction}"
        if has_back:
            edges = layout.inline_edges(back)
            start, end = ("right", "left") if direction == "rtl" else ("left", "right")
            content = {"left": "contentLeft", "right": "contentRight"}
            assert abs(edges[start] - edges[content[start]]) <= 1, (direction, edges)
            assert abs(edges[end] - edges[content[end]]) > 1, (direction, edges)

    page.evaluate("document.documentElement.dir = 'ltr'")
    page.set_viewport_size({"width": 640, "height": 800})
    layout.zoom_text(200)
    assert layout.horizontal_overflow() == 0, "overflows at 200 % text"


def test_frame_links_are_big_enough_to_tap(layout_page: Page) -> None:
    """Brand, skip, language, back and help links: at least 44 × 44 px (WCAG 2.5.5)."""
    page = layout_page
    page.set_viewport_size({"width": 390, "height": 844})
    wizard = Wizard(page).open("/device?lang=fi")
    layout = Layout(page)
    targets = {
        "brand": page.get_by_role("link", name="Valmis"),
        "skip": page.get_by_role("link", name=wizard.text("Skip to main content")),
        "language": StartPage(page).language_menu(),
        "back": wizard.back_link(),
        "help": page.get_by_role("link", name=wizard.text("If something goes wrong")),
        "no-video": page.get_by_role("link", name=wizard.text("I prefer not to use video")),
    }
    sizes = {name: layout.target_size(target) for name, target in targets.items()}
    small = {name: size for name, size in sizes.items()
             if size["width"] < 44 or size["height"] < 44}
    assert small == {}, small


def test_a_tap_anywhere_on_a_device_card_chooses_it(layout_page: Page) -> None:
    """The device choices' whole cards are targets, the hint and the empty space too."""
    page = layout_page
    page.set_viewport_size({"width": 390, "height": 844})
    wizard = Wizard(page).open("/device?lang=fi")
    for choice in ("android", "other", "computer"):
        card = page.locator(".radio").filter(has=wizard.device_option(choice))
        card.scroll_into_view_if_needed()
        box = card.bounding_box()
        assert box is not None
        # Near the card's far corner, on its hint line, away from the radio and the title.
        page.mouse.click(box["x"] + box["width"] - 12, box["y"] + box["height"] - 12)
        assert wizard.selected_device() == choice


@pytest.mark.parametrize(("language", "back"), [("fi", "left"), ("ar", "right")])
def test_the_back_chevron_points_back(layout_page: Page, language: str, back: str) -> None:
    """The chevron before "Back" points to the line's start: left, and right in Arabic."""
    page = layout_page
    page.set_viewport_size({"width": 390, "height": 844})
    wizard = Wizard(page, language).open(f"/device?lang={language}")
    assert Layout(page).chevron_direction(wizard.back_link()) == back


@pytest.mark.parametrize("screen", SCREENS, ids=SCREEN_IDS)
def test_finnish_headings_break_between_words(layout_page: Page, screen: Screen) -> None:
    """At 320 px a Finnish main heading wraps between words or at a soft hyphen, never inside."""
    page = layout_page
    page.set_viewport_size({"width": 320, "height": 640})
    show(page, screen, "fi")
    heading = page.get_by_role("heading", level=1)
    assert Layout(page).mid_word_breaks(heading) == []


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_start_is_on_a_phones_first_screen(browser: Browser, base_url: str,
                                           playwright: Playwright, language: str) -> None:
    """On an iPhone 13 (390 × 844) Start shows without scrolling, a few Tabs from the top."""
    iphone = replace(customer_devices(playwright.devices)["iphone"],
                     viewport={"width": 390, "height": 844})
    page = iphone.open(browser, base_url)
    try:
        start = StartPage(page).open(f"?lang={language}")
        button = start.start_button()
        box = button.bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= 844, box
        # Every language stays one tap away: the menu opens in place with all eight.
        start.language_menu().click()
        menu = page.get_by_role("navigation", name=start.menu_label())
        links = menu.get_by_role("link")
        expect(links).to_have_count(len(LANGUAGES))
        for code, link in zip(LANGUAGE_CODES, links.all(), strict=True):
            assert link.get_attribute("lang") == code
            expect(link).to_have_text(LANGUAGE_BY_CODE[code].name)
        expect(menu.locator('[aria-current="true"]')).to_have_attribute("lang", language)
        start.language_menu().click()
        # Skip link, brand, language menu, then Start.
        KeyboardUser(page).tab_to(button, limit=4)
    finally:
        page.context.close()
