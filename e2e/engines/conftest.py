"""Fixtures for the walk in every engine: a Driver per engine, granted or denied media, and a
check after each test that no page logged an error or left a rejection unhandled.

Tests take `open_driver` and are parametrized over ENGINES with the `engine` fixture; each
engine's cases carry its marker, so `pytest e2e/engines -m firefox` runs one engine alone.
test_webkit.py's own cases take `webkit_driver` (below) and carry the webkit marker.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Playwright

from e2e.engines import webkit
from e2e.engines.driver import Driver, OpenDriver
from tests.support.browsers import browser_with
from tests.support.server import LiveServer

# Every engine the walk runs in, each with its marker (pytest -m <engine>).
ENGINES = [pytest.param(name, marks=getattr(pytest.mark, name))
           for name in ("chromium", "firefox", "webkit")]


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """The engine this case runs in."""
    name: str = request.param
    return name


@pytest.fixture(scope="session")
def sound() -> Iterator[dict[str, str]]:
    """A private PulseAudio with a null sink for Firefox, for the whole session."""
    from e2e.engines.sound import sound_server

    with sound_server() as environment:
        yield environment


@pytest.fixture(scope="session")
def prompting_chromium(playwright: Playwright,
                       browser_type_launch_args: dict[str, Any]) -> Iterator[Browser]:
    """A Chromium that asks before using the camera or microphone; headless, nobody answers,
    which Chromium takes as "Block" (as e2e/test_device_checks.py's prompting_browser)."""
    launched = browser_with(playwright, browser_type_launch_args, None)
    yield launched
    launched.close()


@pytest.fixture
def open_driver(engine: str, base_url: str,
                request: pytest.FixtureRequest) -> Iterator[OpenDriver]:
    """A function that opens a Driver of this case's engine: open_driver(media="granted",
    "denied" or, in Firefox, "prompted"; sound=True, base_url=the session's server; WebKit:
    granted only, it cannot refuse a permission here, and plays sound without a server). Every
    driver opened is closed after the test, and the test fails when any of them saw a console
    error or an unhandled rejection."""
    opened: list[Driver] = []

    def open_one(media: str = "granted", sound: bool = True, base_url: str = base_url) -> Driver:
        driver: Driver
        if engine == "chromium":
            from e2e.engines.chromium import ChromiumDriver

            browser: Browser = request.getfixturevalue(
                "browser" if media == "granted" else "prompting_chromium")
            driver = ChromiumDriver(browser, base_url)
        elif engine == "firefox":
            from e2e.engines.firefox import (
                DENIED_MEDIA,
                FAKE_MEDIA,
                PROMPTED_MEDIA,
                FirefoxDriver,
            )
            from e2e.engines.sound import no_sound_server

            choices: dict[str, Mapping[str, object]] = {
                "granted": FAKE_MEDIA, "denied": DENIED_MEDIA, "prompted": PROMPTED_MEDIA}
            prefs = choices[media]
            if sound:
                environment = request.getfixturevalue("sound")
            else:
                environment = stack.enter_context(no_sound_server())
            driver = FirefoxDriver(base_url, prefs=prefs, environment=environment)
        elif engine == "webkit" and media == "granted":
            from e2e.engines.webkit import WebKitDriver

            driver = WebKitDriver(base_url)
        else:
            raise ValueError(f"{engine} with media={media}")
        opened.append(driver)
        return driver

    with contextlib.ExitStack() as stack:
        yield open_one
        errors: list[str] = []
        try:
            for driver in opened:
                errors += [f"{driver.name}: {error}" for error in driver.errors()]
        finally:
            for driver in opened:
                with contextlib.suppress(Exception):
                    driver.close()
    assert errors == [], "console errors or unhandled rejections:\n" + "\n".join(errors)


# ---- WebKit's own cases (e2e/engines/test_webkit.py) ---------------------------------------


@pytest.fixture
def webkit_driver(live_server: LiveServer, tmp_path: Path) -> Iterator[webkit.WebKitDriver]:
    """A MiniBrowser (WebKitGTK) on its own Xvfb display, on the test server; both stopped
    after the test, also when it fails. The test fails when a page logged an error or left a
    rejection unhandled, and, saying what to install, where WebKit is missing."""
    missing = webkit.available()
    if missing:
        pytest.fail(f"WebKit: {missing}")
    with webkit.webkit(live_server.base_url, tmp_path) as driver:
        yield driver
        errors = driver.errors()
    assert errors == [], "console errors or unhandled rejections:\n" + "\n".join(errors)
