"""The staff dashboard shows a customer's "ready" without a reload, and how long it took."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request
import uuid

from playwright.sync_api import Page, expect

from e2e.conftest import ROOT, LiveServer
from e2e.test_staff_passkeys import add_staff, add_virtual_authenticator
from tests.test_reports_api import readiness

REFERENCE = "Live 1"
# The page is Finnish (fi-FI): "Not opened" and "Ready".
NOT_OPENED = "Ei avattu"
READY = "Valmis"


def create_invite(server: LiveServer, reference: str) -> str:
    """An invite far in the future with this reference, made with `flask invite create`."""
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "invite", "create",
         "--at", "2099-12-03 14:00", "--language", "fi", "--reference", reference],
        cwd=ROOT, env=server.environment, check=True, capture_output=True, text=True)
    match = re.search(r"/r/([A-Za-z0-9_-]+)", result.stdout)
    assert match, result.stdout
    return match.group(1)


def post_ready_report(server: LiveServer, token: str) -> None:
    """The customer's wizard reports ready devices, as readiness.mjs would."""
    report = readiness()
    report.update(id=str(uuid.uuid4()), summary="ready", warnings=[])
    report["checks"]["camera"] = {"status": "ok", "devices": 1}
    request = urllib.request.Request(  # noqa: S310 (our own loopback server)
        f"{server.base_url}/api/v1/invites/{token}/reports", data=json.dumps(report).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
        assert answer.status in (200, 201), answer.status


def test_a_report_reaches_the_open_dashboard_without_a_reload(
        page: Page, live_server: LiveServer) -> None:
    """Signed in, the dashboard shows "not opened"; a report turns it "ready" within 7 s."""
    add_virtual_authenticator(page)
    token = create_invite(live_server, REFERENCE)
    page.goto(add_staff(live_server))
    page.locator(".js-passkey-button").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))

    status = page.locator("tr", has_text=REFERENCE).locator(".invite-status")
    expect(status).to_have_text(NOT_OPENED)
    page.evaluate("window.__sameDocument = true")
    # Let the first poll learn the ETag, so the change below is a real conditional update.
    page.wait_for_timeout(1000)

    posted = time.monotonic()
    post_ready_report(live_server, token)
    expect(status).to_have_text(READY, timeout=10000)
    delay = time.monotonic() - posted
    print(f"dashboard update delay measured end-to-end: {delay:.2f} s")
    assert delay < 7, delay
    assert page.evaluate("window.__sameDocument") is True, "the page was reloaded"
    expect(page.locator(".js-dashboard-announce")).not_to_be_empty()
