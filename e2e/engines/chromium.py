"""Debian's Chromium as a Driver, through Playwright (as the rest of e2e/ drives it).

The control for the cross-engine walk: the same page objects and tests as Firefox and WebKit,
in the engine the other end-to-end tests already cover in depth. The browser is launched by
the fixtures (e2e/conftest.py's arguments: fake camera and microphone); each driver is one
fresh context with one page, as a Windows Chrome (e2e/devices.py's desktop()).
"""

from __future__ import annotations

import contextlib
from typing import Any

from playwright.sync_api import Browser, ConsoleMessage
from playwright.sync_api import Error as PlaywrightError

from e2e.devices import desktop
from e2e.engines.driver import poll


class ChromiumDriver:
    """One page in a fresh context of a launched Chromium (see e2e/engines/driver.py)."""

    name = "chromium"

    def __init__(self, browser: Browser, base_url: str) -> None:
        """Open a page in a new context of browser on base_url."""
        self.base_url = base_url
        self._errors: list[str] = []
        self.page = desktop().open(browser, base_url)
        self.page.set_default_timeout(30_000)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self._errors.append(f"pageerror: {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        """Keep console errors."""
        if message.type == "error":
            self._errors.append(f"console: {message.text}")

    def goto(self, path: str) -> None:
        """Open base_url + path and wait until it has loaded."""
        self.page.goto(self.base_url + path, wait_until="load")

    def url(self) -> str:
        """The page's address now."""
        return self.page.url

    def evaluate(self, function: str, *args: Any) -> Any:
        """Call function with args in the page, awaited."""
        return self.page.evaluate(f"(args) => ({function})(...args)", list(args))

    def wait_until(self, function: str, *args: Any, timeout: float = 15.0) -> Any:
        """Call function until truthy (tolerating a page that is being replaced)."""
        return poll(lambda _left: self.evaluate(function, *args), function, timeout,
                    (PlaywrightError,))

    def click(self, selector: str) -> None:
        """A trusted click, after Playwright's checks that the element can be clicked."""
        self.page.click(selector)

    def errors(self) -> list[str]:
        """Console errors and uncaught exceptions or rejections so far."""
        # Playwright's sync API hands over events only during its own calls: one round trip
        # brings in whatever the page reported before it.
        with contextlib.suppress(PlaywrightError):
            self.page.evaluate("() => 0")
        return list(self._errors)

    def close(self) -> None:
        """Close the context (the browser belongs to the fixture that launched it)."""
        self.page.context.close()
