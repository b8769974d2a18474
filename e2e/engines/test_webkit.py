"""WebKit (Debian's WebKitGTK MiniBrowser), the engine of every iPhone and iPad browser and of
Safari on a Mac: the checks with WebKit's mock camera and microphone end, say what this engine
lacks, and deliver the report; the service worker and the outbox work.

Debian's WebKitGTK differs from Chromium here, and the tests hold the page to what a customer
on it should be told: no RTCPeerConnection (it cannot make video calls: the browser check
fails, with advice to use Chrome or Edge or the Teams app), no setSinkId (no output choice:
the volume hint stays), and a dark mock camera (a lighting warning, not "works"). What WebKit
cannot be made to do here (deny a permission, hide the page) is in tests/js/safari.test.mjs.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest

from app.invites import hash_token
from e2e.engines import webkit
from e2e.engines.pages import DeviceChecks, Wizard
from e2e.engines.webkit import WebKitDriver
from tests.support.live import create_invite, reports
from tests.support.server import LiveServer

# `make e2e-webkit` (pytest -m webkit) runs these with the walk's WebKit cases.
pytestmark = pytest.mark.webkit

SENT = "Your result has been sent."
NO_WEBRTC = ("This browser cannot make video calls, so Teams does not work in it. Open the link "
             "from your invitation in Chrome or Microsoft Edge instead. On Windows and Mac you "
             "can also use the Teams app.")

STEADY_CONNECTION = {"rttTargetMs": 60_000, "veryHighRttMs": 60_000, "jitterTargetMs": 60_000,
                     "videoMinKbps": 0, "videoRecommendedKbps": 0}

# The words of what is shown now among elements matching a selector.
SHOWN_TEXTS = """(selector) => [...document.querySelectorAll(selector)]
  .filter((element) => element.getClientRects().length > 0)
  .map((element) => element.textContent.trim().replace(/\\s+/g, " "))"""


def walk_to_checks(driver: WebKitDriver, token: str) -> DeviceChecks:
    """From the personal link, as a person on a computer would, to the running checks."""
    wizard = Wizard(driver)
    wizard.open_personal_link(f"/r/{token}")
    wizard.start()
    wizard.choose_device("computer")
    wizard.continue_()
    wizard.continue_()  # the browser page
    assert driver.url().endswith("/checks"), driver.url()
    return DeviceChecks(driver).open()


def wait_for_report(server: LiveServer, token: str,
                    seconds: float = 30.0) -> list[tuple[str, str | None]]:
    """The readiness reports stored for the token, once there is one (polled, with a limit)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        stored = [row for row in reports(server, token) if row[0] == "readiness"]
        if stored:
            return stored
        time.sleep(0.05)
    raise AssertionError(f"no readiness report stored within {seconds} s")


def stored_report_ids(server: LiveServer, token: str) -> list[str]:
    """The report ids the server keeps for the token's invite, oldest first."""
    with closing(sqlite3.connect(server.database)) as connection:
        return [row[0] for row in connection.execute(
            "SELECT r.report_id FROM reports r JOIN invites i ON i.id = r.invite_id "
            "WHERE i.token_hash = ? ORDER BY r.id", (hash_token(token),))]


def test_the_checks_end_and_say_what_webkit_cannot_do(webkit_driver: WebKitDriver,
                                                      live_server: LiveServer) -> None:
    """Every check reaches a result with WebKit's mock devices, and the summary says what a
    customer on this engine must do: not "ready", since it cannot make video calls."""
    token = create_invite(live_server)
    checks = walk_to_checks(webkit_driver, token)

    checks.play_test_sound()
    assert checks.state("speaker") == "playing"
    checks.answer_heard(True)
    assert checks.wait_for_final_state("speaker") == "ok"
    # No setSinkId: no choice of output is offered, and the hint to use the device's own
    # volume stays (not an error).
    assert not webkit_driver.evaluate(SHOWN_TEXTS, '[data-check="speaker"] .js-output-field')
    assert webkit_driver.evaluate(SHOWN_TEXTS, '[data-check="speaker"] .js-volume-hint') == [
        checks.text("Use your device's volume buttons to make the sound louder. To use "
                    "headphones, connect them before you play the sound.")]

    checks.check_camera()
    # WebKit's mock camera draws a dark picture: a lighting warning, not "your camera works".
    assert checks.wait_for_final_state("camera") == "warning"
    checks.check_microphone()
    assert checks.wait_for_final_state("microphone") == "ok"
    # The connection rated by lines no machine misses: how fast this busy machine answers
    # its own requests is not what is tested here (the measuring still runs whole).
    webkit_driver.evaluate("(given) => { Object.assign(window.ValmisTestSettings ??= {}, given); }",
                           {"connectionLimits": STEADY_CONNECTION})
    checks.check_connection()
    assert checks.wait_for_final_state("connection", timeout=90.0) == "ok"

    readiness = checks.readiness()
    assert readiness is not None
    assert readiness["checks"]["camera"]["detail"] in ("dark", "black")
    assert readiness["checks"]["speaker"] == {"status": "ok", "output_selectable": False}
    assert readiness["checks"]["browser"] == {
        "status": "unsupported", "secure_context": True, "get_user_media": True, "webrtc": False}
    assert readiness["checks"]["connection"]["udp"] == "not-checked"
    assert checks.summary() == "not-ready"
    assert "browser-unsupported" in checks.advice()
    assert "camera-warning" in checks.advice()
    said = webkit_driver.evaluate(SHOWN_TEXTS, '[data-advice="browser-unsupported"]')
    assert said == [checks.text(NO_WEBRTC)]

    # The report reached the server, through the outbox, and the page says so.
    assert wait_for_report(live_server, token) == [("readiness", "not-ready")]
    webkit_driver.wait_until(
        "(words) => document.querySelector('.js-delivery')?.textContent === words",
        checks.text(SENT))
    assert webkit_driver.errors() == []


def test_the_service_worker_and_the_outbox_work(webkit_driver: WebKitDriver,
                                                live_server: LiveServer) -> None:
    """The service worker takes control, and a report in the outbox is sent once, by the
    outbox's own flush, and leaves it empty."""
    token = create_invite(live_server)
    checks = walk_to_checks(webkit_driver, token)
    # The worker registered on an earlier page of the walk controls this one.
    assert webkit_driver.wait_until(
        "() => Boolean(navigator.serviceWorker?.controller)", timeout=30.0)
    for check in ("speaker", "camera", "microphone", "connection"):
        checks.skip(check)
    # Skipped checks prove nothing, and a browser without WebRTC is a problem on the web path.
    assert wait_for_report(live_server, token) == [("readiness", "not-ready")]
    webkit_driver.wait_until("async () => (await globalThis.ValmisOutbox.pending()).length === 0",
                             timeout=30.0)

    # A report put into the outbox (IndexedDB) by hand goes out on the next flush, once.
    readiness = checks.readiness()
    assert readiness is not None
    body = {**readiness, "id": "0b6f6c7e-5a77-4b8e-9d3c-1f2e3d4c5b6a"}
    flushed = webkit_driver.evaluate(
        """async (url, body) => {
             await globalThis.ValmisOutbox.add({id: body.id, url, body: JSON.stringify(body)});
             const before = (await globalThis.ValmisOutbox.pending()).length;
             await globalThis.ValmisOutbox.flush();
             return [before, (await globalThis.ValmisOutbox.pending()).length];
           }""", f"/api/v1/invites/{token}/reports", body)
    assert flushed == [1, 0]
    assert stored_report_ids(live_server, token)[-1] == body["id"]
    assert stored_report_ids(live_server, token).count(body["id"]) == 1
    assert webkit_driver.errors() == []


def test_errors_in_the_page_are_seen(live_server: LiveServer, tmp_path: Path) -> None:
    """The driver sees an uncaught error, an unhandled rejection and console.error, also from
    a page the tab has since left: otherwise "no errors" (the webkit_driver fixture) would
    prove nothing."""
    with webkit.webkit(live_server.base_url, tmp_path) as driver:
        driver.goto("/")
        driver.evaluate("""() => {
          setTimeout(() => { throw new Error("thrown here"); });
          Promise.reject(new Error("rejected here"));
          console.error("said here");
          return new Promise((resolve) => setTimeout(resolve, 100));
        }""")
        driver.goto("/device")
        seen = "\n".join(driver.errors())
    for words in ("thrown here", "rejected here", "said here"):
        assert words in seen, seen


def test_a_hidden_page_stops_the_camera_and_says_so(webkit_driver: WebKitDriver,
                                                    live_server: LiveServer) -> None:
    """The window minimised while the camera is watched (a real visibilitychange): the camera
    goes off and the check says the customer left the page, with "Try again"; back on the
    page, trying again gives a result."""
    checks = DeviceChecks(webkit_driver).open()
    camera = '[data-check="camera"]'
    # The camera watches for 3 s; a machine too busy to minimise the window within them gets
    # another try, rather than a result that depends on its speed.
    for attempt in range(3):
        if attempt == 0:
            checks.check_camera()
        else:
            webkit_driver.click(f"{camera} .js-retry")
        webkit_driver.wait_until(f"() => document.querySelector('{camera}').dataset.state"
                                 " === 'watching'")
        webkit_driver.hide()
        webkit_driver.wait_until("() => document.visibilityState === 'hidden'")
        stopped = checks.state("camera") == "interrupted"
        webkit_driver.show()
        webkit_driver.wait_until("() => document.visibilityState === 'visible'")
        if stopped:
            break
    assert checks.state("camera") == "interrupted"
    assert webkit_driver.evaluate(SHOWN_TEXTS, f"{camera} .js-status") == [
        checks.text("The check stopped because you left this page. Press “Try again”.")]
    # The camera is off: no live picture is shown.
    assert webkit_driver.evaluate(SHOWN_TEXTS, f"{camera} video") == []
    webkit_driver.click(f"{camera} .js-retry")
    assert checks.wait_for_final_state("camera") == "warning"
    assert webkit_driver.errors() == []


def test_without_a_camera_or_microphone(live_server: LiveServer, tmp_path: Path) -> None:
    """WebKit with no capture devices at all answers getUserMedia with OverconstrainedError
    (Chromium: NotFoundError): the checks still say that none was found, and what to do."""
    with webkit.webkit(live_server.base_url, tmp_path, capture_devices=False) as driver:
        checks = DeviceChecks(driver).open()
        checks.check_camera()
        assert checks.wait_for_final_state("camera") == "not-found"
        checks.check_microphone()
        assert checks.wait_for_final_state("microphone") == "not-found"
        assert "camera-not-found" in checks.advice()
        assert "microphone-not-found" in checks.advice()
        assert checks.unblock_steps() == []
        assert driver.errors() == []


def test_as_an_iphone_from_the_link_to_ready(live_server: LiveServer, tmp_path: Path) -> None:
    """WebKit with an iPhone's user agent and iOS's rule that sound starts only in answer to
    a tap: the app path is offered, the test sound plays because its button is the tap, and
    no WebRTC in the browser is no problem there (the Teams app makes the call)."""
    token = create_invite(live_server)
    with webkit.webkit(live_server.base_url, tmp_path, arguments=webkit.IPHONE) as driver:
        wizard = Wizard(driver)
        wizard.open_personal_link(f"/r/{token}")
        wizard.start()
        assert driver.evaluate("() => document.getElementById('device-iphone-ipad').checked")
        wizard.continue_()
        assert wizard.heading() == wizard.text("Install the Teams app")
        wizard.confirm_installed()
        checks = DeviceChecks(driver).open()
        # The rule is on: audio made without a tap stays suspended.
        assert driver.evaluate("() => new AudioContext().state") == "suspended"
        checks.play_test_sound()
        assert checks.state("speaker") == "playing"
        checks.answer_heard(True)
        checks.check_camera()
        assert checks.wait_for_final_state("camera") == "warning"
        checks.check_microphone()
        assert checks.wait_for_final_state("microphone") == "ok"
        driver.evaluate("(given) => { Object.assign(window.ValmisTestSettings ??= {}, given); }",
                        {"connectionLimits": STEADY_CONNECTION})
        checks.check_connection()
        assert checks.wait_for_final_state("connection", timeout=90.0) == "ok"
        assert checks.summary() == "ready-with-warnings"
        assert checks.advice() == ["camera-warning"]
        readiness = checks.readiness()
        assert readiness is not None
        assert readiness["path"] == "app"
        assert readiness["device"]["os"] == "ios"
        assert wait_for_report(live_server, token) == [("readiness", "ready-with-warnings")]

        checks.continue_()
        assert wizard.heading() == wizard.text("How to join on your phone or tablet")
        wizard.continue_()
        assert wizard.heading() == wizard.text("Privacy and safety")
        wizard.understand_privacy()
        assert wizard.heading() == wizard.text("You are ready")
        assert driver.errors() == []
