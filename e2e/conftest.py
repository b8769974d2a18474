"""End-to-end fixtures: gunicorn on a free loopback port, Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright

from app.security import redact_tokens

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "e2e" / "artifacts"
SYSTEM_CHROMIUM = "/usr/bin/chromium"
# A current desktop Chrome, because headless Chromium calls itself HeadlessChrome and Valmis
# (rightly) treats a headless browser as a bot.
DESKTOP_CHROME_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)


# A token after /r/, /invites/ or /enroll/ that was not redacted (tokens are 32 characters).
TOKEN_IN_LOG = re.compile(r"/(?:r|invites|enroll)/(?!\[redacted\])[A-Za-z0-9_-]{22,}")


@dataclass(frozen=True)
class LiveServer:
    """A running gunicorn: where to reach it and where it logs."""

    base_url: str
    access_log: Path
    error_log: Path
    environment: dict[str, str]
    database: Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    """Poll /healthz until it answers 200, the server dies, or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not become healthy within {seconds} s")


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
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "compile",
                    "-d", str(ROOT / "translations")], check=True)
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "init-db"],
                   cwd=ROOT, env=environment, check=True, capture_output=True)
    error_log = folder / "error.log"
    process = start_gunicorn(environment, port, error_log)
    try:
        yield LiveServer(f"http://localhost:{port}", folder / "access.log", error_log,
                         environment, folder / "e2e.db")
    finally:
        stop_gunicorn(process)
    # After every end-to-end test has used this server: no token reached either log, in any
    # spelling (redaction leaves an already redacted line as it is).
    for log in (folder / "access.log", error_log):
        text = log.read_text(errors="replace")
        leaked = TOKEN_IN_LOG.findall(text)
        assert not leaked, f"{log.name} holds tokens: {leaked[:3]}"
        unredacted = [line for line in text.splitlines() if redact_tokens(line) != line]
        assert not unredacted, f"{log.name} holds tokens: {unredacted[:3]}"


def start_gunicorn(environment: dict[str, str], port: int,
                   error_log: Path) -> subprocess.Popen[bytes]:
    """gunicorn with the project's settings on port, healthy before this returns."""
    with error_log.open("ab") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT, env=environment, stdout=errors, stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(f"http://127.0.0.1:{port}", process, seconds=30)
    except RuntimeError:
        stop_gunicorn(process)
        raise
    return process


def stop_gunicorn(process: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn: politely, then not."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


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
