"""Fixtures of the cross-engine tests (the server comes from e2e/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from e2e.engines import webkit
from tests.support.server import LiveServer

# ---- WebKit (e2e/engines/webkit.py) -------------------------------------------------------


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

# ---- end of WebKit -------------------------------------------------------------------------
