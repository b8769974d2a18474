"""axe's verdict on a page: WCAG 2.1 A and AA and axe's best practices. The `axe` fixture
(e2e/conftest.py) gives one Axe per test run, its script read once."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

AXE_OPTIONS: dict[str, Any] = {
    "runOnly": {"type": "tag",
                "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    "resultTypes": ["violations"],
}


def assert_no_axe_violations(axe: Axe, page: Page) -> None:
    """axe finds nothing against WCAG 2.1 A and AA (and its best practices) on the page."""
    results = axe.run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()
