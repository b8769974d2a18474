"""The connection check when the server says "too many" (429): a final state with advice, not
a hang and not a false "your connection is too slow"."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Route, expect

from e2e.devices import desktop
from e2e.pages import DeviceChecks


@pytest.fixture
def checks(browser: Browser, base_url: str) -> Iterator[DeviceChecks]:
    """The checks page in Finnish on a Windows Chrome."""
    page = desktop().open(browser, base_url)
    yield DeviceChecks(page, "fi").open()
    page.context.close()


def too_many(route: Route) -> None:
    """Answer as the server does once a link or address has used its checks' bytes."""
    route.fulfill(status=429, headers={"Retry-After": "1800"}, content_type="application/json",
                  body=json.dumps({"error": {"code": 429, "message": "Too many"}}))


@pytest.mark.parametrize("endpoint", ["download", "upload"])
def test_a_refused_transfer_ends_the_check_with_advice(checks: DeviceChecks,
                                                       endpoint: str) -> None:
    """The check ends as not measured, says to try later or go on, and offers Try again."""
    checks.page.route(f"**/api/v1/{endpoint}*", too_many)
    checks.check_connection()
    checks.expect_state("connection", "skipped")
    expect(checks.status("connection")).to_have_text(checks.text(
        "The connection has been checked many times. Try again later, or go on without it."))
    expect(checks.button("connection", "retry")).to_be_visible()
    readiness = checks.readiness()
    assert readiness is not None
    assert readiness["checks"]["connection"]["status"] == "skipped"
