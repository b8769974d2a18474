"""What to tell this customer about their device, browser, store and in-app browser.

Facts from ../shared/TEAMS-FACTS.md; every sentence is translated here, so templates only
place them.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from flask_babel import gettext as _

from app import device

CHROME_DOWNLOAD_URL = "https://www.google.com/chrome/"
EDGE_DOWNLOAD_URL = "https://www.microsoft.com/edge/download"
JOIN_BY_ID_URL = "https://www.microsoft.com/microsoft-teams/join-a-meeting"

BROWSER_NAMES = {
    "chrome": "Chrome",
    "edge": "Microsoft Edge",
    "firefox": "Firefox",
    "safari": "Safari",
    "samsung-internet": "Samsung Internet",
    "opera": "Opera",
    "ie": "Internet Explorer",
    "yandex": "Yandex Browser",
    "brave": "Brave",
    "chromium": "Chromium",
}


@dataclass(frozen=True, slots=True)
class BrowserAssessment:
    """How well this browser joins Teams on the web, and what to do about it."""

    level: str  # "good" | "limited" | "unsupported"
    browser: str  # the browser's name, e.g. "Chrome 131"
    summary: str
    advice: str | None
    get_chrome: bool


@dataclass(frozen=True, slots=True)
class Store:
    """An app store that has Teams for this device."""

    name: str
    url: str


def browser_name(profile: device.DeviceProfile) -> str | None:
    """The browser's name with its major version ("Chrome 131"), or None when unknown."""
    name = BROWSER_NAMES.get(profile.browser_family)
    if name is None:
        return None
    return f"{name} {profile.browser_major}" if profile.browser_major else name


def device_description(profile: device.DeviceProfile) -> str:
    """One sentence that says what detection thinks this device is."""
    sentences = {
        ("desktop", "windows"): _("You seem to be using a Windows computer."),
        ("desktop", "macos"): _("You seem to be using a Mac computer."),
        ("desktop", "linux"): _("You seem to be using a Linux computer."),
        ("desktop", "chromeos"): _("You seem to be using a Chromebook."),
        ("phone", "ios"): _("You seem to be using an iPhone."),
        ("tablet", "ipados"): _("You seem to be using an iPad."),
        ("tablet", "ios"): _("You seem to be using an iPad."),
        ("phone", "android"): _("You seem to be using an Android phone."),
        ("tablet", "android"): _("You seem to be using an Android tablet."),
    }
    sentence = sentences.get((profile.form, profile.os))
    if sentence is None:
        sentence = {
            "desktop": _("You seem to be using a computer."),
            "phone": _("You seem to be using a phone."),
            "tablet": _("You seem to be using a tablet."),
        }.get(profile.form, _("We could not tell which device you are using."))
    name = browser_name(profile)
    if name and profile.form in {"desktop", "phone", "tablet"}:
        # Translators: follows "You seem to be using …"; %(browser)s is e.g. "Chrome 131".
        sentence = " ".join([sentence, _("Your web browser is %(browser)s.", browser=name)])
    return sentence


def browser_assessment(profile: device.DeviceProfile) -> BrowserAssessment:
    """Rate this computer's browser for Teams on the web and say what to do."""
    name = browser_name(profile) or _("Your web browser")
    on_linux = profile.os == "linux"
    if profile.teams_web == "supported" and profile.browser_family in {"chrome", "edge"}:
        return BrowserAssessment(
            "good", name, _("%(browser)s works well with Teams.", browser=name), None, False)
    if profile.teams_web == "supported":
        return BrowserAssessment(
            "good", name, _("%(browser)s works with Teams.", browser=name),
            _("We recommend Chrome, because it has the fewest problems with Teams."), False)
    if profile.teams_web == "limited":
        advice = (_("On Linux, use Chrome or Microsoft Edge: Teams has no app for Linux.")
                  if on_linux else
                  _("Some things may not work in it, such as sending your video. "
                    "We recommend Chrome."))
        return BrowserAssessment(
            "limited", name, _("%(browser)s works with Teams, but with limits.", browser=name),
            advice, True)
    return BrowserAssessment(
        "unsupported", name,
        _("%(browser)s cannot join Teams meetings.", browser=name),
        _("Install Chrome, which is free, and open this page again in Chrome."), True)


def stores_for(choice: str | None, os: str) -> list[Store]:
    """The store(s) to install Teams from: the chosen or detected system's, both when unknown."""
    apple = Store("App Store", device.APP_STORE_URL)
    google = Store("Google Play", device.PLAY_STORE_URL)
    if choice == "iphone-ipad" or (choice is None and os in {"ios", "ipados"}):
        return [apple]
    if choice == "android" or (choice is None and os == "android"):
        return [google]
    return [apple, google]


def in_app_menu_route(app_name: str | None, os: str) -> str:
    """Where this app hides "open in browser", in the customer's words."""
    on_ios = os in {"ios", "ipados"}
    if app_name in {"Facebook", "Messenger", "Instagram"}:
        return (_("Tap the three dots ⋯ at the top right, then “Open in external browser”.")
                if on_ios else
                _("Tap the three dots ⋮ at the top right, then “Open in external browser”."))
    if app_name == "LINE":
        return _("Tap the menu at the top right, then “Open in other apps” or “Open in browser”.")
    if on_ios:
        return _("Look for a menu (⋯ or the share button) and choose “Open in Safari” or "
                 "“Open in browser”.")
    return _("Look for a menu (⋮ or ⋯) and choose “Open in browser” or “Open in Chrome”.")


def android_chrome_intent(url: str) -> str:
    """An Android intent link that opens url in Chrome, falling back to the url itself."""
    parts = urlsplit(url)
    target = parts.netloc + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return (f"intent://{target}#Intent;scheme={parts.scheme};package=com.android.chrome;"
            f"S.browser_fallback_url={quote(url, safe='')};end")
