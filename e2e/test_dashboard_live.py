"""The staff dashboard shows a customer's "ready" without a reload, and how long it took;
the live row shows the same device and check results as the server draws; the invite's page.
"""

from __future__ import annotations

import json
import time
import urllib.request
import uuid

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

from e2e.staff_pages import SignIn
from tests.support.axe import assert_no_axe_violations
from tests.support.browsers import add_virtual_authenticator
from tests.support.live import add_staff, create_invite
from tests.support.reports import readiness
from tests.support.server import LiveServer

REFERENCE = "Live 1"
# The page is Finnish (fi-FI): "Not opened" and "Ready".
NOT_OPENED = "Ei avattu"
READY = "Valmis"


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


def cell_texts(row: Locator) -> list[str]:
    """The text of each cell of a table row, header cell included, without whitespace.

    textContent, not innerText: innerText depends on layout at the moment it is read (it
    came back without the list's line breaks once in a few runs right after a reload), and
    the point here is that the server and the live redraw write the same words.
    """
    return ["".join(text.split()) for text in row.locator("th, td").all_text_contents()]


def test_a_report_reaches_the_open_dashboard_without_a_reload(
        page: Page, live_server: LiveServer, artifacts: object, axe: Axe) -> None:
    """Signed in, the dashboard shows "not opened"; a report turns it "ready" at the next poll,
    with the device and each check's result drawn as the server draws them."""
    add_virtual_authenticator(page)
    token = create_invite(live_server, REFERENCE, teams_url=None)
    dashboard = SignIn(page).open_enrollment(add_staff(live_server)).use_passkey()

    status = dashboard.status(REFERENCE)
    expect(status).to_have_text(NOT_OPENED)
    page.evaluate("window.__sameDocument = true")
    # Let the first poll learn the ETag, so the change below is a real conditional update.
    page.wait_for_timeout(1000)

    polls: list[str] = []
    page.on("response", lambda response: polls.append(response.url)
            if "/staff/dashboard.json" in response.url else None)
    posted = time.monotonic()
    post_ready_report(live_server, token)
    expect(status).to_have_text(READY, timeout=30_000)
    delay = time.monotonic() - posted
    print(f"dashboard update delay measured end-to-end: {delay:.2f} s, {len(polls)} polls")
    # The first poll after the report shows it (one more may have been on its way as it was
    # posted): counted in polls, not seconds, so that a busy machine does not fail it.
    assert 1 <= len(polls) <= 2, polls
    assert page.evaluate("window.__sameDocument") is True, "the page was reloaded"
    expect(page.locator(".js-dashboard-announce")).not_to_be_empty()

    # The live row has the words of dashboard.json: the device, and four checks with marks.
    row = page.locator("tr", has_text=REFERENCE)
    (data,) = [item for item in page.request.get("/staff/dashboard.json").json()["rows"]
               if item["reference"] == REFERENCE]
    assert data["device"] and len(data["checks"]) == 4
    expect(row.locator("td").nth(3)).to_have_text(data["device"])
    results = row.locator(".check-result")
    expect(results).to_have_count(4)
    for index, check in enumerate(data["checks"]):
        expect(results.nth(index)).to_have_class(f"check-result check-result--{check['mark']}")
        expect(results.nth(index)).to_have_text(
            f"{check['symbol']} {check['label']}: {check['text']}")
    expect(row.locator(".check-result__symbol").first).to_have_attribute("aria-hidden", "true")
    live = cell_texts(row)
    assert_no_axe_violations(axe, page)

    # The server draws the same cells after a reload.
    page.reload()
    assert cell_texts(page.locator("tr", has_text=REFERENCE)) == live

    # At 320 px only the table's own wrapper scrolls sideways, never the page.
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.locator(".table-wrap").evaluate("element => element.scrollWidth > "
                                                "element.clientWidth")
    page.screenshot(path=f"{artifacts}/staff-dashboard-320.png", full_page=True)

    # The time links to the invite's page, with its report history.
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(dashboard.open_invite(REFERENCE).reports()).to_have_count(1)
    assert_no_axe_violations(axe, page)
    page.screenshot(path=f"{artifacts}/staff-invite.png", full_page=True)

    # A day that is not a date: the error summary and the day filter pass axe too.
    dashboard.open("?day=2099-02-30")
    expect(page.get_by_role("alert")).to_be_visible()
    assert_no_axe_violations(axe, page)
