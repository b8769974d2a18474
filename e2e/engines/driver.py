"""What a cross-engine test needs from a browser, whatever drives it.

Each engine implements this with the tool that drives its Debian build: Playwright for
Chromium, WebDriver BiDi for Firefox ESR, Selenium (WebKitWebDriver) for WebKitGTK. Page
objects (e2e/engines/pages.py) are written against this protocol only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol


class Driver(Protocol):
    """One browser tab on the test server."""

    name: str
    """"chromium", "firefox" or "webkit"."""

    base_url: str
    """The test server, e.g. http://localhost:8123 (no trailing slash)."""

    def goto(self, path: str) -> None:
        """Open base_url + path and wait until the page has loaded."""

    def url(self) -> str:
        """The address the tab shows now."""

    def evaluate(self, function: str, *args: Any) -> Any:
        """Call a JavaScript function expression (e.g. "(a) => a + 1") with JSON-able args in
        the page; await it when it returns a promise; return its JSON-able result."""

    def wait_until(self, function: str, *args: Any, timeout: float = 15.0) -> Any:
        """Call function (as evaluate) until it returns something truthy; return that. Raise
        TimeoutError with the last value after timeout seconds."""

    def click(self, selector: str) -> None:
        """Click the first element matching a CSS selector as a person would: a trusted
        event, with user activation (audio may start after it)."""

    def errors(self) -> list[str]:
        """Every console error and unhandled rejection in the page since the driver started."""

    def close(self) -> None:
        """Close the browser and everything it started."""


# What the engine fixtures hand a test (e2e/engines/conftest.py's open_driver): opens a Driver
# of the case's engine, e.g. open_driver(media="denied"), closed and checked for errors after.
OpenDriver = Callable[..., Driver]


def poll(call: Callable[[float], Any], function: str, timeout: float,
         changing: tuple[type[Exception], ...], pause: float = 0.05) -> Any:
    """Driver.wait_until for every engine: call(seconds left) until it answers something
    truthy, and return that; an exception in changing (the page was replaced during the call)
    counts as a falsy answer. TimeoutError with the last answer after timeout seconds."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"not true within {timeout} s: {function[:160]!r}, "
                               f"last {last!r}")
        try:
            answer = call(left)
        except changing as error:
            last = str(error).splitlines()[0] if str(error) else repr(error)
            time.sleep(0.1)
            continue
        if answer:
            return answer
        last = answer
        time.sleep(pause)
