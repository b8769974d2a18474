"""Emulated customer devices: user agent, screen, touch, and the client hints a real one sends.

Playwright's Chromium derives Sec-CH-UA client hints from any user agent it is given, always
with its own brand ("Chromium") and version, so an emulated Firefox or Safari would tell the
server it is Chromium. Each device here therefore sets its user agent through the DevTools
protocol itself: with the hints a real Chrome of that UA sends, or with none at all for Safari
and Firefox, which do not send client hints.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Browser, Page, ViewportSize

from tests.support.user_agents import DESKTOP_CHROME_UA, WINDOWS_FIREFOX

MAC_SAFARI_UA = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Safari/605.1.15"
)
IPAD_SAFARI_UA = (
    "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
WINDOWS_FIREFOX_UA = WINDOWS_FIREFOX
WINDOWS_IE_UA = "Mozilla/5.0 (Windows NT 10.0; Trident/7.0; rv:11.0) like Gecko"
FACEBOOK_ANDROID_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/UQ1A.240205.004; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/131.0.6778.135 Mobile Safari/537.36 "
    "[FB_IAB/FB4A;FBAV/489.0.0.45.109;]"
)
# Outlook on an iPhone shows links in its own web view: WebKit without Safari's "Safari/".
OUTLOOK_IPHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148"
)
# Gmail and Outlook on Android show links in an Android web view ("; wv)").
ANDROID_WEB_VIEW_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/UQ1A.240205.004; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/131.0.6778.135 Mobile Safari/537.36"
)


@dataclass(frozen=True)
class ChromeHints:
    """What a real Chrome sends as Sec-CH-UA-*: platform, its version, model, mobile."""

    platform: str
    platform_version: str
    mobile: bool
    model: str = ""
    brand: str = "Google Chrome"

    def metadata(self, user_agent: str) -> dict[str, Any]:
        """The DevTools `UserAgentMetadata` for this Chrome, versioned as its user agent is."""
        found = re.search(r"Chrome/(\d+)\.[\d.]+", user_agent)
        major = found.group(1) if found else "131"
        full = found.group(0).split("/")[1] if found else f"{major}.0.0.0"
        brands = [(self.brand, major), ("Chromium", major), ("Not_A Brand", "24")]
        return {
            "brands": [{"brand": brand, "version": version} for brand, version in brands],
            "fullVersionList": [{"brand": brand, "version": full if version == major else
                                 f"{version}.0.0.0"} for brand, version in brands],
            "platform": self.platform,
            "platformVersion": self.platform_version,
            "architecture": "" if self.mobile else "x86",
            "bitness": "" if self.mobile else "64",
            "model": self.model,
            "mobile": self.mobile,
        }


@dataclass(frozen=True)
class Device:
    """A customer's device as the browser presents it to Valmis."""

    name: str  # a folder-safe name for artefacts, e.g. "iphone"
    user_agent: str
    viewport: ViewportSize
    is_mobile: bool
    has_touch: bool
    device_scale_factor: float = 1
    hints: ChromeHints | None = None  # None: no client hints (Safari, Firefox, IE)
    navigator: dict[str, Any] = field(default_factory=dict)  # properties the page must see

    def init_script(self) -> str:
        """JavaScript run before any page script: navigator as this device's browser has it."""
        lines = [
            f"Object.defineProperty(Navigator.prototype, {json.dumps(name)}, "
            f"{{get: () => {json.dumps(value)}, configurable: true}});"
            for name, value in self.navigator.items()
        ]
        if self.hints is None:
            # Safari and Firefox have no User-Agent Client Hints API at all.
            lines.append("delete Navigator.prototype.userAgentData;")
        return "\n".join(lines)

    def open(self, browser: Browser, base_url: str, locale: str = "fi-FI",
             **options: Any) -> Page:
        """A page in a fresh context that looks like this device to the server and the page."""
        context = browser.new_context(
            base_url=base_url, user_agent=self.user_agent, viewport=self.viewport,
            is_mobile=self.is_mobile, has_touch=self.has_touch,
            device_scale_factor=self.device_scale_factor, locale=locale,
            timezone_id="Europe/Helsinki", **options)
        context.add_init_script(self.init_script())
        page = context.new_page()
        override: dict[str, Any] = {"userAgent": self.user_agent, "acceptLanguage": locale}
        if self.hints is not None:
            override["userAgentMetadata"] = self.hints.metadata(self.user_agent)
        context.new_cdp_session(page).send("Emulation.setUserAgentOverride", override)
        return page


def _descriptor(playwright_devices: dict[str, Any], name: str) -> dict[str, Any]:
    """A Playwright device descriptor without the engine choice (we only drive Chromium)."""
    return {key: value for key, value in playwright_devices[name].items()
            if key != "default_browser_type"}


def customer_devices(playwright_devices: dict[str, Any]) -> dict[str, Device]:
    """The devices the wizard's walks run on, by name."""
    iphone = _descriptor(playwright_devices, "iPhone 13")
    pixel = _descriptor(playwright_devices, "Pixel 7")
    tab = _descriptor(playwright_devices, "Galaxy Tab S4")
    ipad = _descriptor(playwright_devices, "iPad Pro 11")
    devices = [
        Device("iphone", iphone["user_agent"], iphone["viewport"], is_mobile=True,
               has_touch=True, device_scale_factor=iphone["device_scale_factor"],
               navigator={"platform": "iPhone", "maxTouchPoints": 5}),
        Device("android-phone", pixel["user_agent"], pixel["viewport"], is_mobile=True,
               has_touch=True, device_scale_factor=pixel["device_scale_factor"],
               hints=ChromeHints("Android", "14.0.0", mobile=True, model="Pixel 7")),
        Device("android-tablet", tab["user_agent"], tab["viewport"], is_mobile=True,
               has_touch=True, device_scale_factor=tab["device_scale_factor"],
               hints=ChromeHints("Android", "8.1.0", mobile=False, model="SM-T837A")),
        # iPadOS Safari asks for the desktop site by default: a Mac's UA, but a touch screen,
        # and navigator.platform "MacIntel" as on a Mac.
        Device("ipad-desktop-mode", MAC_SAFARI_UA, ipad["viewport"], is_mobile=False,
               has_touch=True, device_scale_factor=ipad["device_scale_factor"],
               navigator={"platform": "MacIntel", "maxTouchPoints": 5}),
        Device("ipad", IPAD_SAFARI_UA, ipad["viewport"], is_mobile=True, has_touch=True,
               device_scale_factor=ipad["device_scale_factor"],
               navigator={"platform": "iPad", "maxTouchPoints": 5}),
        desktop(DESKTOP_CHROME_UA, "desktop-chrome"),
        desktop(WINDOWS_FIREFOX_UA, "desktop-firefox"),
    ]
    return {device.name: device for device in devices}


def facebook_on_android(playwright_devices: dict[str, Any]) -> Device:
    """An Android phone showing the page in Facebook's in-app browser (an Android WebView)."""
    pixel = _descriptor(playwright_devices, "Pixel 7")
    return Device("facebook-android", FACEBOOK_ANDROID_UA, pixel["viewport"], is_mobile=True,
                  has_touch=True, device_scale_factor=pixel["device_scale_factor"],
                  hints=ChromeHints("Android", "14.0.0", mobile=True, model="Pixel 7",
                                    brand="Android WebView"))


def outlook_on_iphone(playwright_devices: dict[str, Any]) -> Device:
    """An iPhone showing the page in Outlook's web view (no client hints, as Safari)."""
    iphone = _descriptor(playwright_devices, "iPhone 13")
    return Device("outlook-iphone", OUTLOOK_IPHONE_UA, iphone["viewport"], is_mobile=True,
                  has_touch=True, device_scale_factor=iphone["device_scale_factor"],
                  navigator={"platform": "iPhone", "maxTouchPoints": 5})


def web_view_on_android(playwright_devices: dict[str, Any]) -> Device:
    """An Android phone showing the page in an app's web view, as Gmail and Outlook do."""
    pixel = _descriptor(playwright_devices, "Pixel 7")
    return Device("web-view-android", ANDROID_WEB_VIEW_UA, pixel["viewport"], is_mobile=True,
                  has_touch=True, device_scale_factor=pixel["device_scale_factor"],
                  hints=ChromeHints("Android", "14.0.0", mobile=True, model="Pixel 7",
                                    brand="Android WebView"))


def desktop(user_agent: str = DESKTOP_CHROME_UA, name: str = "desktop") -> Device:
    """A Windows computer with this browser (Chrome with its real client hints by default)."""
    hints = ChromeHints("Windows", "15.0.0", mobile=False) if "Chrome/" in user_agent else None
    return Device(name, user_agent, {"width": 1280, "height": 800}, is_mobile=False,
                  has_touch=False, hints=hints,
                  navigator={} if hints else {"platform": "Win32"})
