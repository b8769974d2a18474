"""End-to-end fixtures: gunicorn on a free loopback port, Debian's Chromium driven by Playwright,
one axe. Helpers the tests share live in tests/support/ and e2e/pages.py."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, Playwright

from app.security import redact_tokens
from tests.support import ROOT
from tests.support.server import LiveServer, compile_catalogues, flask, free_port, gunicorn
from tests.support.user_agents import DESKTOP_CHROME_UA

ARTIFACTS = ROOT / "e2e" / "artifacts"
SYSTEM_CHROMIUM = "/usr/bin/chromium"


# A token after /r/, /invites/ or /enroll/ that was not redacted (tokens are 32 characters).
TOKEN_IN_LOG = re.compile(r"/(?:r|invites|enroll)/(?!\[redacted\])[A-Za-z0-9_-]{22,}")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Start gunicorn as production would (testing settings, own database), stop it after."""
    folder = tmp_path_factory.mktemp("server")
    port = free_port()
    environment = {
        **os.environ,
        "VALMIS_ENV": "testing",
        "VALMIS_INSTANCE_DIR": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'e2e.db'}",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "ACCESS_LOG": str(folder / "access.log"),
        # Passkeys: the pages are opened on http://localhost:<port>, the RP ID is localhost.
        "WEBAUTHN_RP_ID": "localhost",
        "WEBAUTHN_ORIGIN": f"http://localhost:{port}",
    }
    compile_catalogues()
    flask(environment, "init-db")
    error_log = folder / "error.log"
    with gunicorn(environment, error_log):
        yield LiveServer(f"http://localhost:{port}", folder / "access.log", error_log,
                         environment, folder / "e2e.db")
    # After every end-to-end test has used this server: no token reached either log, in any
    # spelling (redaction leaves an already redacted line as it is).
    for log in (folder / "access.log", error_log):
        text = log.read_text(errors="replace")
        leaked = TOKEN_IN_LOG.findall(text)
        assert not leaked, f"{log.name} holds tokens: {leaked[:3]}"
        unredacted = [line for line in text.splitlines() if redact_tokens(line) != line]
        assert not unredacted, f"{log.name} holds tokens: {unredacted[:3]}"


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    """Pages are opened on localhost (a secure context, and the passkey RP ID)."""
    return live_server.base_url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium where it exists, with fake media devices and no background traffic."""
    arguments = {
        **browser_type_launch_args,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
        ],
    }
    if Path(SYSTEM_CHROMIUM).exists():
        arguments["executable_path"] = SYSTEM_CHROMIUM
    elif shutil.which("chromium"):
        arguments["executable_path"] = shutil.which("chromium")
    return arguments


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A desktop Chrome in Finland unless a test asks for another device."""
    return {**browser_context_args, "user_agent": DESKTOP_CHROME_UA, "locale": "fi-FI",
            "timezone_id": "Europe/Helsinki"}


@pytest.fixture
def phone_context(browser: Browser, playwright: Playwright,
                  base_url: str) -> Iterator[BrowserContext]:
    """An emulated Android phone (Pixel 7): touch, small screen, a phone's user agent."""
    context = browser.new_context(**playwright.devices["Pixel 7"], base_url=base_url,
                                  locale="fi-FI", timezone_id="Europe/Helsinki")
    yield context
    context.close()


@pytest.fixture
def phone_page(phone_context: BrowserContext) -> Page:
    """A page in the emulated phone."""
    return phone_context.new_page()


@pytest.fixture
def artifacts() -> Path:
    """The git-ignored folder for screenshots that people look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def axe() -> Axe:
    """One axe for the run, its script read once (tests.support.axe judges with it)."""
    return Axe()
