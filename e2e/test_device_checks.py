"""The device checks in a real Chromium with fake camera and microphone (issue 4).

The session's browser (e2e/conftest.py) runs with --use-fake-device-for-media-stream, which
gives a camera picture ("fake_device_0") and a microphone that beeps, and with
--use-fake-ui-for-media-stream, which answers every permission prompt with "Allow".
Blocking needs browsers of its own:

- `prompting_browser` leaves the fake-UI flag out, so Chromium asks as it does for a person.
  Headless, nobody answers; Chromium counts that as a refusal: getUserMedia rejects with
  NotAllowedError ("Permission denied") and the Permissions API then reads "denied", which is
  the page's "blocked". `context.grant_permissions()` lifts it, as "Allow" in the site settings
  would, and "Try again" then succeeds.
- `refusing_browser` passes --use-fake-ui-for-media-stream=deny. That refusal cannot be lifted:
  after grant_permissions() the Permissions API reads "granted" yet getUserMedia still rejects,
  which is just what a browser does when the operating system holds the switch ("os-blocked").

A missing camera and a camera held by another app are the browser's documented errors
(NotFoundError, NotReadableError), raised by an init script in place of the fake camera.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, Page, Playwright, Request, Route, expect
from playwright.sync_api import Error as PlaywrightError

from app.i18n import LANGUAGES
from app.report_contract import validate_report
from e2e.devices import customer_devices, desktop
from e2e.pages import (
    RECORD_LIVE_REGIONS,
    STEADY_CONNECTION,
    DeviceChecks,
    Wizard,
    check_settings_script,
    live_region_changes,
)
from tests.support.axe import assert_no_axe_violations
from tests.support.browsers import browser_with

ROOT = Path(__file__).resolve().parent.parent
LANGUAGE_CODES = [language.code for language in LANGUAGES]
API = "/api/v1/"
MAX_TRANSFER_BYTES = 3_000_000  # the page promises "about 3 MB"
# A measured figure with its unit, e.g. "1 234 kbit/s" (grouped as the language groups).
FIGURE = re.compile(r"^\d[\d\s,.]* (ms|kbit/s|Mbit/s)$")
MIRRORED = "matrix(-1, 0, 0, 1, 0, 0)"  # scaleX(-1), as computed

# Keeps every camera and microphone track the page is given, so a test can see each one end.
RECORD_TRACKS = """(() => {
  window.__tracks = [];
  const media = navigator.mediaDevices;
  const getUserMedia = media.getUserMedia.bind(media);
  media.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    window.__tracks.push(...stream.getTracks());
    return stream;
  };
})();"""

# Notes, when the page is left, whether each recorded track had ended by then; sessionStorage
# outlives the page within the tab. Added once the checks have started, so that it runs after
# the page's own pagehide handler.
REPORT_TRACKS_ON_PAGEHIDE = """() => addEventListener("pagehide", () => sessionStorage.setItem(
  "test.tracks", JSON.stringify(window.__tracks.map((track) => track.readyState))))"""

# The media devices' labels and ids as the page could read them, which no result may carry.
DEVICE_NAMES = """async () => (await navigator.mediaDevices.enumerateDevices())
  .flatMap((device) => [device.label, device.deviceId, device.groupId])
  .filter((name) => name && name !== "default" && name !== "communications")"""


def refuse_camera(error: str) -> str:
    """An init script: asking for the camera fails with the browser's DOMException error."""
    return f"""(() => {{
  const media = navigator.mediaDevices;
  const getUserMedia = media.getUserMedia.bind(media);
  media.getUserMedia = async (constraints) => {{
    if (constraints && constraints.video) throw new DOMException("", {json.dumps(error)});
    return getUserMedia(constraints);
  }};
}})();"""


# A browser with no working sound output (Firefox without a sound server, a desktop with no
# speakers) never settles AudioContext.resume(); a stuck <video> never settles play(); an
# output never chosen never settles setSinkId(). Here all three, at once.
NO_SOUND_OUTPUT = """(() => {
  const never = () => new Promise(() => {});
  AudioContext.prototype.resume = never;
  AudioContext.prototype.setSinkId = never;
  HTMLMediaElement.prototype.play = never;
})();"""

# A busy machine, as the page sees it: every answer from the API comes 300 ms late, which on
# Teams' figures is a slow connection (a round trip over 100 ms).
SLOW_MACHINE = """(() => {
  const fetch = window.fetch.bind(window);
  window.fetch = async (...request) => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return fetch(...request);
  };
})();"""


def tracks(page: Page) -> list[str]:
    """The readyState of every track the page was given, in order."""
    states: list[str] = page.evaluate("() => window.__tracks.map((track) => track.readyState)")
    return states


def transform(element: Locator) -> str:
    """The element's computed CSS transform."""
    value: str = element.evaluate("(element) => getComputedStyle(element).transform")
    return value


@pytest.fixture(scope="module")
def prompting_browser(playwright: Playwright,
                      browser_type_launch_args: dict[str, Any]) -> Iterator[Browser]:
    """A Chromium that asks for permission as for a person; headless, the answer is "Block"."""
    launched = browser_with(playwright, browser_type_launch_args, None)
    yield launched
    launched.close()


@pytest.fixture(scope="module")
def refusing_browser(playwright: Playwright,
                     browser_type_launch_args: dict[str, Any]) -> Iterator[Browser]:
    """A Chromium that refuses every camera and microphone, even where the site is allowed."""
    launched = browser_with(playwright, browser_type_launch_args,
                            "--use-fake-ui-for-media-stream=deny")
    yield launched
    launched.close()


def open_checks(browser: Browser, base_url: str, language: str = "fi",
                scripts: tuple[str, ...] = ()) -> DeviceChecks:
    """The checks page on a Windows Chrome whose tracks are recorded, after scripts.

    The connection is rated by STEADY_CONNECTION's lines, so a test expecting "ok" holds on
    a busy machine.
    """
    page = desktop().open(browser, base_url)
    for script in (RECORD_TRACKS, STEADY_CONNECTION, *scripts):
        page.context.add_init_script(script)
    return DeviceChecks(page, language).open()


@pytest.fixture
def checks(browser: Browser, base_url: str) -> Iterator[DeviceChecks]:
    """The checks page in Finnish, in the browser that allows everything."""
    opened = open_checks(browser, base_url)
    yield opened
    opened.page.context.close()


@pytest.fixture
def blocked_checks(prompting_browser: Browser, base_url: str) -> Iterator[DeviceChecks]:
    """The checks page in Finnish, in the browser whose prompts are answered "Block"."""
    opened = open_checks(prompting_browser, base_url)
    yield opened
    opened.page.context.close()


class Transfers:
    """The requests a page makes and the bytes each moved, headers and bodies both ways."""

    def __init__(self, page: Page) -> None:
        """Start listening."""
        self.urls: list[str] = []
        self.bytes = 0
        page.on("request", lambda request: self.urls.append(request.url))
        page.on("requestfinished", self._count)

    def _count(self, request: Request) -> None:
        """Add the finished request's sizes."""
        sizes = request.sizes()
        self.bytes += (sizes["requestHeadersSize"] + sizes["requestBodySize"]
                       + sizes["responseHeadersSize"] + sizes["responseBodySize"])


def test_all_checks_pass(checks: DeviceChecks, base_url: str, axe: Axe) -> None:
    """Speakers, camera, microphone and connection pass; the result says ready, and no more."""
    page = checks.page
    expect(page.get_by_role("heading", name=checks.text("Check these yourself"))).to_be_hidden()
    ipad_button = page.get_by_role("button", name=checks.text("Continue with the Teams app"))
    expect(ipad_button).to_be_hidden()
    assert checks.summary() is None

    checks.play_test_sound()
    expect(checks.status("speaker")).to_have_text(checks.text("Did you hear three rising notes?"))
    checks.answer_heard(True)
    checks.expect_state("speaker", "ok")

    checks.check_camera()
    checks.expect_state("camera", "watching")
    preview = checks.section("camera").locator("video")
    expect(preview).to_be_visible()
    live = preview.evaluate("""(video) => ({width: video.videoWidth, playing: !video.paused,
      track: video.srcObject.getVideoTracks()[0].readyState})""")
    assert live["width"] > 0 and live["playing"] and live["track"] == "live", live
    assert transform(preview) == MIRRORED
    checks.expect_state("camera", "ok")
    expect(checks.status("camera")).to_have_text(checks.text("Your camera works."))
    still = checks.section("camera").get_by_role(
        "img", name=checks.text("A still picture from your camera, as in a mirror"))
    expect(still).to_be_visible()
    expect(preview).to_be_hidden()
    assert transform(still) == MIRRORED
    assert tracks(page) == ["ended"], "the camera goes off when its check ends"

    checks.check_microphone()
    checks.expect_state("microphone", "ok")
    expect(checks.status("microphone")).to_have_text(checks.text("Your microphone works."))
    assert tracks(page) == ["ended", "ended"], "the microphone goes off when its check ends"

    transfers = Transfers(page)
    checks.check_connection()
    checks.expect_state("connection", "ok")
    expect(checks.status("connection")).to_have_text(
        checks.text("Your connection is good for video."))
    # The HTTP figures (the media round trip's own follow in .js-media).
    figures = checks.section("connection").locator(".js-results").get_by_role("definition")
    expect(figures).to_have_text([FIGURE] * 4)
    paths = {url.removeprefix(base_url).split("?")[0] for url in transfers.urls}
    assert paths == {f"{API}ping", f"{API}download", f"{API}upload"}, transfers.urls
    assert all(url.startswith(base_url + API) for url in transfers.urls), transfers.urls
    assert 0 < transfers.bytes <= MAX_TRANSFER_BYTES, transfers.bytes

    assert checks.summary() == "ready"
    assert checks.advice() == []
    readiness = checks.readiness()
    assert readiness is not None
    # The server takes it exactly as the browser posts it (checks.readiness() validated it).
    assert validate_report(readiness) == readiness
    assert readiness["summary"] == "ready" and readiness["path"] == "web"
    assert {name: check["status"] for name, check in readiness["checks"].items()} == {
        "camera": "ok", "microphone": "ok", "speaker": "ok", "connection": "ok",
        "browser": "ok"}
    connection = readiness["checks"]["connection"]
    for figure in ("rtt_ms", "down_kbps", "up_kbps"):
        assert isinstance(connection[figure], int) and connection[figure] >= 0, connection
    stored = json.dumps(readiness)
    names = page.evaluate(DEVICE_NAMES)
    assert any("fake" in name.lower() for name in names), "the fake devices should be named"
    assert [name for name in names if name in stored] == []
    assert "fake" not in stored.lower()
    assert_no_axe_violations(axe, page)


def test_not_hearing_the_sound_is_not_ready(checks: DeviceChecks) -> None:
    """"I did not hear it": not ready, with what to do, and the sound can be played again."""
    checks.play_test_sound()
    checks.answer_heard(False)
    checks.expect_state("speaker", "not-heard")
    expect(checks.status("speaker")).to_have_text(checks.text("You did not hear the sound."))
    assert checks.summary() == "not-ready"
    assert "speaker-not-heard" in checks.advice()
    checks.play_test_sound()
    checks.answer_heard(True)
    checks.expect_state("speaker", "ok")
    assert "speaker-not-heard" not in checks.advice()


def test_blocked_camera_shows_chrome_steps_and_recovers(blocked_checks: DeviceChecks,
                                                        base_url: str) -> None:
    """Blocked: Chrome's own unblock steps and advice; allowed, "Try again" passes."""
    checks = blocked_checks
    checks.check_camera()
    checks.expect_state("camera", "blocked")
    expect(checks.status("camera")).to_have_text(
        checks.text("The camera is blocked in your browser."))
    help_box = checks.page.get_by_role(
        "region", name=checks.text("How to allow the camera and microphone"))
    expect(help_box).to_be_visible()
    assert checks.unblock_steps() == ["chrome-desktop"]
    chrome = help_box.locator('[data-unblock="chrome-desktop"]')
    expect(chrome.get_by_role("heading", name=checks.text("Chrome on a computer"))).to_be_visible()
    expect(chrome.get_by_role("listitem")).to_have_text([checks.text(step) for step in (
        "Click the icon just left of the web address (a padlock or two sliders).",
        "Set Camera and Microphone to “Allow”.",
        "Reload this page and press “Try again”.",
        "Or: Chrome menu ⋮ › Settings › Privacy and security › Site settings.")])
    assert "camera-blocked" in checks.advice()
    # Checks not yet run are not reported as "not checked" before the end.
    assert "speaker-skipped" not in checks.advice()
    expect(checks.button("camera", "retry")).to_be_visible()
    assert tracks(checks.page) == []

    checks.page.context.grant_permissions(["camera", "microphone"], origin=base_url)
    checks.try_again("camera")
    checks.expect_state("camera", "ok")
    expect(help_box).to_be_hidden()
    assert "camera-blocked" not in checks.advice()
    expect(checks.button("camera", "retry")).to_be_hidden()
    assert tracks(checks.page) == ["ended"]


@pytest.mark.parametrize(("device", "summary", "steps"), [
    ("desktop-chrome", "not-ready", "chrome-desktop"),
    # Speakers and connection not run yet: the Teams app's own camera question is still to
    # come, so not ready, only not checked.
    ("android-phone", "not-checked", "chrome-android"),
], ids=["web-path", "app-path"])
def test_blocked_microphone_stops_the_web_path_only(prompting_browser: Browser, base_url: str,
                                                    playwright: Playwright, device: str,
                                                    summary: str, steps: str) -> None:
    """A blocked microphone means "not ready" in the browser; the Teams app asks on its own."""
    page = customer_devices(playwright.devices)[device].open(prompting_browser, base_url)
    try:
        checks = DeviceChecks(page).open()
        checks.check_microphone()
        checks.expect_state("microphone", "blocked")
        expect(checks.status("microphone")).to_have_text(
            checks.text("The microphone is blocked in your browser."))
        assert checks.unblock_steps() == [steps]
        assert checks.summary() == summary
        assert "microphone-blocked" in checks.advice()
        readiness = checks.readiness()
        assert readiness is not None
        assert readiness["summary"] == summary
        listed = readiness["problems"] if summary == "not-ready" else readiness["warnings"]
        assert summary != "not-checked" or "microphone-blocked" in readiness["warnings"]
        assert "microphone-blocked" in listed
    finally:
        page.context.close()


def test_refused_although_allowed_is_the_systems_block(refusing_browser: Browser,
                                                       base_url: str) -> None:
    """Refused while the site is allowed: the system's switch, with Windows' own steps."""
    checks = open_checks(refusing_browser, base_url)
    try:
        checks.check_camera()
        checks.expect_state("camera", "blocked")
        checks.page.context.grant_permissions(["camera", "microphone"], origin=base_url)
        checks.try_again("camera")
        checks.expect_state("camera", "os-blocked")
        expect(checks.status("camera")).to_have_text(
            checks.text("Your device's settings block the camera."))
        assert checks.unblock_steps() == ["windows-system"]
        assert "camera-os-blocked" in checks.advice()
    finally:
        checks.page.context.close()


@pytest.mark.parametrize(("error", "state", "sentence"), [
    ("NotFoundError", "not-found", "No camera was found."),
    ("NotReadableError", "in-use", "Another app is using the camera."),
], ids=["no-camera", "camera-in-use"])
def test_camera_failures_say_what_happened(browser: Browser, base_url: str, error: str,
                                           state: str, sentence: str) -> None:
    """No camera, or one another app holds: said so, with advice and no unblock steps."""
    checks = open_checks(browser, base_url, scripts=(refuse_camera(error),))
    try:
        checks.check_camera()
        checks.expect_state("camera", state)
        expect(checks.status("camera")).to_have_text(checks.text(sentence))
        assert f"camera-{state}" in checks.advice()
        assert checks.unblock_steps() == []
        expect(checks.button("camera", "retry")).to_be_visible()
        # Video may be declined, but the other checks have not run: not checked, never ready.
        assert checks.summary() == "not-checked"
    finally:
        checks.page.context.close()


def test_ipad_in_desktop_mode_is_sent_to_the_app(browser: Browser, base_url: str,
                                                 playwright: Playwright) -> None:
    """An iPad that says it is a Mac, on the computer path, is offered the Teams app instead."""
    page = customer_devices(playwright.devices)["ipad-desktop-mode"].open(browser, base_url)
    try:
        wizard = Wizard(page, touch=True).open("/device")
        wizard.choose_device("computer")
        wizard.continue_()
        checks = DeviceChecks(page).open()
        expect(page.get_by_text(checks.text(
            "You are using an iPad. On an iPad you join with the Teams app, not in the browser."
        ))).to_be_visible()
        with page.expect_navigation():
            page.get_by_role("button", name=checks.text("Continue with the Teams app")).tap()
        assert page.url.split("?")[0] == f"{base_url}/phone/install"
        wizard.expect_heading("Install the Teams app")
    finally:
        page.context.close()


def test_offline_then_online_again(checks: DeviceChecks) -> None:
    """Offline: the connection result says so and the device is not ready; online, it passes."""
    checks.page.context.set_offline(True)
    checks.check_connection()
    checks.expect_state("connection", "offline")
    expect(checks.status("connection")).to_have_text(checks.text("You are offline."))
    assert checks.summary() == "not-ready"
    assert "connection-offline" in checks.advice()

    checks.page.context.set_offline(False)
    checks.try_again("connection")
    checks.expect_state("connection", "ok")
    assert "connection-offline" not in checks.advice()


def test_connection_rating_holds_on_a_slow_machine(browser: Browser, base_url: str) -> None:
    """With every answer slowed as a busy machine slows it, the test's lines still say "ok"."""
    checks = open_checks(browser, base_url, scripts=(SLOW_MACHINE,))
    try:
        checks.check_connection()
        checks.expect_state("connection", "ok", timeout=30_000)
        readiness = checks.readiness()
        assert readiness is not None
        assert readiness["checks"]["connection"]["rtt_ms"] >= 300, "the delay was measured"
    finally:
        checks.page.context.close()


def test_checks_end_without_a_sound_output(browser: Browser, base_url: str) -> None:
    """No sound output: speakers and microphone still end, each saying what to do."""
    quick = check_settings_script(deadlines={"resume": 1000, "setSinkId": 1000, "play": 1000})
    checks = open_checks(browser, base_url, scripts=(NO_SOUND_OUTPUT, quick))
    try:
        checks.button("speaker", "play").click()
        checks.expect_state("speaker", "unsupported")
        expect(checks.status("speaker")).to_have_text(checks.text(
            "We could not play sound on this device. Check that speakers or headphones are "
            "connected and switched on and that the sound is not muted, then play the sound "
            "again. If it still does not work, you can choose a phone call instead of video."))
        # The sound can be tried again, once the speakers are on.
        expect(checks.button("speaker", "play")).to_be_visible()

        checks.check_microphone()
        checks.expect_state("microphone", "failed")
        expect(checks.status("microphone")).to_have_text(checks.text(
            "We could not listen to the microphone on this device. Check that a microphone or "
            "headset is connected and switched on, then press “Try again”. If it still does "
            "not work, you can choose a phone call instead of video."))
        expect(checks.button("microphone", "retry")).to_be_visible()
        assert tracks(checks.page) == ["ended"], "the microphone goes off when its check ends"

        # A camera preview that never plays does not hold its check either.
        checks.check_camera()
        expect(checks.section("camera")).to_have_attribute(
            "data-state", re.compile("^(ok|warning|failed)$"), timeout=15_000)

        advice = checks.advice()
        assert "speaker-unsupported" in advice and "microphone-failed" in advice, advice
        readiness = checks.readiness()
        assert readiness is not None
        assert readiness["checks"]["speaker"]["status"] == "unsupported"
        assert readiness["checks"]["microphone"]["status"] == "failed"
    finally:
        checks.page.context.close()


@pytest.mark.parametrize(("check", "running"), [
    ("camera", "^watching$"),
    ("microphone", "^(listening|hearing)$"),
])
def test_every_track_stops_when_the_page_is_left(checks: DeviceChecks, check: str,
                                                 running: str) -> None:
    """A camera or microphone still on when "Continue" is pressed has ended by pagehide."""
    page = checks.page
    page.evaluate(REPORT_TRACKS_ON_PAGEHIDE)
    checks.button(check, check).click()
    # One check at a time: each stays live for seconds, so this does not race its own end.
    expect(checks.section(check)).to_have_attribute("data-state", re.compile(running))
    assert tracks(page) == ["live"]
    checks.continue_()
    Wizard(page).expect_heading("How to join on your computer")
    left = page.evaluate("() => sessionStorage.getItem('test.tracks')")
    assert json.loads(left or "null") == ["ended"]


@pytest.mark.parametrize(("check", "running", "lasts_ms"), [
    ("camera", "watching", 3500),
    ("connection", "measuring-download", 1500),
])
def test_check_later_ends_a_running_check(checks: DeviceChecks, check: str, running: str,
                                          lasts_ms: int) -> None:
    """"Check later" while a check runs ends it for good: it stays skipped, the camera off."""
    held: list[Route] = []
    if check == "connection":
        # Hold the download, so the check is surely still measuring when "Check later" comes.
        checks.page.route("**/api/v1/download*", lambda route: held.append(route))
    checks.button(check, check).click()
    checks.expect_state(check, running)
    checks.skip(check)
    for route in held:
        with contextlib.suppress(PlaywrightError):
            route.continue_()
    checks.expect_state(check, "skipped")
    assert tracks(checks.page) == (["ended"] if check == "camera" else [])
    expect(checks.section("camera").locator("video")).to_be_hidden()
    checks.page.wait_for_timeout(lasts_ms)  # the check would have finished by now
    assert checks.state(check) == "skipped"
    readiness = checks.readiness()
    assert readiness is not None and readiness["checks"][check]["status"] == "skipped"


def test_every_check_later(checks: DeviceChecks) -> None:
    """Every check left for later: not checked (never ready), each named; Continue goes on."""
    for check in ("speaker", "camera", "microphone", "connection"):
        checks.skip(check)
        checks.expect_state(check, "skipped")
        expect(checks.status(check)).to_have_text(checks.text("Not checked."))
    assert checks.summary() == "not-checked"
    expect(checks.page.locator('[data-summary-heading="not-checked"] .status__text')).to_have_text(
        checks.text("Not everything has been checked yet."))
    assert checks.advice() == ["camera-skipped", "microphone-skipped", "speaker-skipped",
                               "connection-skipped"]
    readiness = checks.readiness()
    assert readiness is not None and readiness["summary"] == "not-checked"
    assert readiness["warnings"] == ["camera-skipped", "microphone-skipped", "speaker-skipped",
                                     "connection-skipped"]
    with checks.page.expect_request(lambda request: request.method == "POST"
                                    and request.url.split("?")[0].endswith("/checks")):
        checks.continue_()
    Wizard(checks.page).expect_heading("How to join on your computer")


def test_without_javascript_the_checklist_is_shown(browser: Browser, base_url: str) -> None:
    """No JavaScript: the note and the checklist to go through by hand; Continue works."""
    page = desktop().open(browser, base_url, java_script_enabled=False)
    try:
        wizard = Wizard(page).open("/checks")
        # Playwright's text search skips <noscript>, so the note is found by its place.
        note = page.locator("noscript p")
        expect(note).to_be_visible()
        expect(note).to_have_text(wizard.text(
            "The checks need JavaScript, which is off in this browser. You can check these "
            "things yourself instead."))
        checklist = page.get_by_role("heading", name=wizard.text("Check these yourself"))
        expect(checklist).to_be_visible()
        expect(page.get_by_text(wizard.text("Your camera is not covered."))).to_be_visible()
        for check in ("speaker", "camera", "microphone", "connection"):
            expect(page.locator(f'[data-check="{check}"]')).to_be_hidden()
        expect(page.get_by_role("button", name=wizard.text("Check the camera"))).to_be_hidden()
        wizard.continue_()
        wizard.expect_heading("How to join on your computer")
    finally:
        page.context.close()


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_checks_page_passes_axe(browser: Browser, prompting_browser: Browser, base_url: str,
                                axe: Axe, language: str) -> None:
    """axe finds nothing at the start, when offline, and with the camera blocked."""
    checks = open_checks(browser, base_url, language)
    try:
        assert_no_axe_violations(axe, checks.page)
        checks.page.context.set_offline(True)
        checks.check_connection()
        checks.expect_state("connection", "offline")
        assert_no_axe_violations(axe, checks.page)
    finally:
        checks.page.context.close()
    checks = open_checks(prompting_browser, base_url, language)
    try:
        checks.check_camera()
        checks.expect_state("camera", "blocked")
        assert checks.unblock_steps() == ["chrome-desktop"]
        assert_no_axe_violations(axe, checks.page)
    finally:
        checks.page.context.close()


@pytest.mark.parametrize("language", [code for code in LANGUAGE_CODES if code != "fi"])
def test_all_passed_passes_axe(browser: Browser, base_url: str, axe: Axe,
                               language: str) -> None:
    """axe finds nothing once every check has passed (Finnish: in test_all_checks_pass)."""
    checks = open_checks(browser, base_url, language)
    try:
        checks.play_test_sound()
        checks.answer_heard(True)
        checks.check_camera()
        checks.check_microphone()
        checks.check_connection()
        for check in ("speaker", "camera", "microphone", "connection"):
            checks.expect_state(check, "ok")
        assert checks.summary() == "ready"
        assert_no_axe_violations(axe, checks.page)
    finally:
        checks.page.context.close()


def has_focus(target: Locator) -> bool:
    """Whether target is the focused element."""
    focused: bool = target.evaluate("element => element === document.activeElement")
    return focused


def test_the_answer_leaves_focus_on_the_result(checks: DeviceChecks) -> None:
    """"I heard it" hides itself: the focus goes to the result it gave, not to the page."""
    checks.play_test_sound()
    checks.button("speaker", "heard").focus()
    checks.page.keyboard.press("Enter")
    checks.expect_state("speaker", "ok")
    assert has_focus(checks.status("speaker"))


def test_loading_the_checks_announces_nothing(browser: Browser, base_url: str) -> None:
    """Opened and left alone, the page changes no live region's words: nothing is read out."""
    checks = open_checks(browser, base_url, scripts=(RECORD_LIVE_REGIONS,))
    try:
        for check in ("camera", "microphone", "connection"):
            checks.expect_state(check, "ready")
        assert live_region_changes(checks.page) == []
        # What the person does is said: a skipped check says so (and the result appears).
        checks.skip("camera")
        checks.expect_state("camera", "skipped")
        changed = {change["words"] for change in live_region_changes(checks.page)}
        assert checks.text("Not checked.") in changed, changed
    finally:
        checks.page.context.close()


def test_the_result_appears_in_a_live_region_already_there(checks: DeviceChecks) -> None:
    """The result's live region is on the page, shown, before there is a result to say."""
    region = checks.page.locator(".js-summary").locator("xpath=ancestor-or-self::*[@aria-live]")
    expect(region).to_have_count(1)
    assert region.evaluate("live => live.closest('[hidden]') === null && live.checkVisibility()")
    assert checks.summary() is None
    checks.play_test_sound()
    checks.answer_heard(False)
    checks.expect_state("speaker", "not-heard")
    expect(region).to_contain_text(checks.text("Your device is not ready yet."))


# The connection measured as it is, and rated "may be slow" whatever this machine manages.
SLOW_FOR_VIDEO = check_settings_script(connection_limits={
    "rttTargetMs": 60_000, "veryHighRttMs": 60_000, "jitterTargetMs": 60_000,
    "videoMinKbps": 0, "videoRecommendedKbps": 10**12,
})


def test_one_way_to_run_a_check_again(browser: Browser, base_url: str) -> None:
    """Skipped: "Check the …" alone; may be slow or failed: "Try again" alone."""
    checks = open_checks(browser, base_url,
                         scripts=(SLOW_FOR_VIDEO, refuse_camera("NotReadableError")))
    try:
        for check, run in (("camera", "camera"), ("connection", "connection")):
            checks.skip(check)
            checks.expect_state(check, "skipped")
            expect(checks.button(check, run)).to_be_visible()
            expect(checks.button(check, "retry")).to_be_hidden()
        checks.check_connection()
        checks.expect_state("connection", "warning", timeout=30_000)
        expect(checks.status("connection")).to_have_text(
            checks.text("Your connection may be slow for video."))
        expect(checks.button("connection", "retry")).to_be_visible()
        expect(checks.button("connection", "connection")).to_be_hidden()
        checks.check_camera()
        checks.expect_state("camera", "in-use")
        expect(checks.button("camera", "retry")).to_be_visible()
        expect(checks.button("camera", "camera")).to_be_hidden()
        # The figures read as people read speeds: Mbit/s from 1,000 kbit/s, two figures.
        figures = checks.section("connection").locator(".js-results").get_by_role(
            "definition").all_inner_texts()
        speeds = [figure for figure in figures if figure.endswith("bit/s")]
        assert len(speeds) == 2, figures
        for speed in speeds:
            assert FIGURE.match(speed), speed
            number, unit = speed.rsplit(" ", 1)
            digits = re.sub(r"\s", "", number)  # Finnish groups digits with a space
            # Two significant figures ("450", "1,5", "4000"); kbit/s only below 1,000.
            assert re.fullmatch(r"[1-9]\d?0*|0|\d,\d", digits), speed
            assert unit == "Mbit/s" or len(digits) <= 3, speed
    finally:
        checks.page.context.close()


def test_blocked_camera_and_microphone_advise_once(blocked_checks: DeviceChecks) -> None:
    """Both blocked: the sentence on how to allow them is given once, not for each."""
    checks = blocked_checks
    checks.check_camera()
    checks.expect_state("camera", "blocked")
    checks.check_microphone()
    checks.expect_state("microphone", "blocked")
    shown = checks.page.locator("[data-advice]:visible").all_inner_texts()
    assert shown, "the summary advises"
    repeated = [(one, other) for i, one in enumerate(shown) for j, other in enumerate(shown)
                if i != j and one in other]
    assert repeated == [], repeated
