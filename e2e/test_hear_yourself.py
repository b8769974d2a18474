"""Hear yourself in a real Chromium with fake audio (issue 17).

The session's browser (e2e/conftest.py) has --use-fake-device-for-media-stream: its microphone
beeps. One test gives Chromium a WAV of our own (--use-file-for-fake-audio-capture), a steady
440 Hz tone made here with Python's wave module, and finds that tone in what the page plays
back: the recording really is what the microphone heard.

What the page plays is watched by an init script: each AudioBuffer it starts is measured (its
length, loudness and pitch by zero crossings) and each blob URL it makes is counted, so a test
can see that a URL made is a URL revoked.
"""

from __future__ import annotations

import math
import re
import struct
import time
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, Playwright, Request, expect

from e2e.devices import desktop
from e2e.pages import STEADY_CONNECTION, DeviceChecks, check_settings_script
from tests.support.axe import assert_no_axe_violations

RECORD_SECONDS = 4
TONE_HZ = 440

# Measures every AudioBuffer the page plays and counts blob URLs made and revoked.
WATCH_PLAYBACK = """(() => {
  window.__played = [];
  window.__urls = { made: 0, revoked: 0 };
  const start = AudioBufferSourceNode.prototype.start;
  AudioBufferSourceNode.prototype.start = function (...args) {
    const buffer = this.buffer;
    if (buffer) {
      const samples = buffer.getChannelData(0);
      let sum = 0, crossings = 0, loud = 0;
      for (let i = 0; i < samples.length; i++) {
        sum += samples[i] * samples[i];
        if (i && (samples[i - 1] < 0) !== (samples[i] < 0)) crossings++;
      }
      window.__played.push({ seconds: buffer.duration, rms: Math.sqrt(sum / samples.length),
        hz: crossings / 2 / buffer.duration });
    }
    return start.apply(this, args);
  };
  const make = URL.createObjectURL, revoke = URL.revokeObjectURL;
  URL.createObjectURL = (object) => { window.__urls.made++; return make(object); };
  URL.revokeObjectURL = (url) => { window.__urls.revoked++; return revoke(url); };
})();"""

# What this origin keeps: Web Storage, the IndexedDB databases, and every Cache Storage entry
# with its content type.
STORED = """async () => {
  const entries = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      entries.push([request.url, response.headers.get("content-type") || ""]);
    }
  }
  const databases = indexedDB.databases ? (await indexedDB.databases()).map((db) => db.name) : [];
  return { local: { ...localStorage }, session: { ...sessionStorage }, databases, entries };
}"""

# How far the page scrolls sideways (0 at 320 px: WCAG 1.4.10 reflow).
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"

NO_MEDIA_RECORDER = "delete window.MediaRecorder;"

# A device whose sound output never plays: the buffer "starts" but never ends.
ENDED_NEVER_COMES = """(() => {
  AudioBufferSourceNode.prototype.start = function () {};
  HTMLMediaElement.prototype.play = () => new Promise(() => {});
})();"""


class HearSelf:
    """The Hear yourself section of the checks page."""

    def __init__(self, checks: DeviceChecks) -> None:
        """Wrap the opened checks page."""
        self.checks = checks
        self.section = checks.section("hear-self")

    def button(self, msgid: str) -> Locator:
        """One of the section's buttons by its msgid."""
        return self.section.get_by_role("button", name=self.checks.text(msgid), exact=True)

    def record(self) -> None:
        """Press "Record and listen"."""
        self.button("Record and listen").click()

    def expect_state(self, state: str, timeout: float = 20_000) -> None:
        """Wait until the section is in state."""
        self.checks.expect_state("hear-self", state, timeout=timeout)

    def answer(self, heard: bool) -> None:
        """Answer "Did you hear your own voice?"."""
        self.expect_state("asking")
        self.button("Yes" if heard else "No").click()


def open_page(browser: Browser, base_url: str, *scripts: str) -> DeviceChecks:
    """The checks page in Finnish, its playback watched, after scripts."""
    page = desktop().open(browser, base_url)
    for script in (WATCH_PLAYBACK, STEADY_CONNECTION, *scripts):
        page.context.add_init_script(script)
    return DeviceChecks(page, "fi").open()


@pytest.fixture
def checks(browser: Browser, base_url: str) -> Iterator[DeviceChecks]:
    """The checks page in the browser whose microphone beeps."""
    opened = open_page(browser, base_url)
    yield opened
    opened.page.context.close()


def played(checks: DeviceChecks) -> list[dict[str, float]]:
    """The AudioBuffers the page has played: seconds, rms, hz."""
    result: list[dict[str, float]] = checks.page.evaluate("() => window.__played")
    return result


@pytest.mark.parametrize("capture", ["MediaRecorder", "Web Audio"])
def test_hearing_yourself_settles_microphone_and_speakers(
        browser: Browser, base_url: str, axe: Axe, capture: str) -> None:
    """Record with a countdown, play back, "Yes": microphone and speakers are ok."""
    scripts = (NO_MEDIA_RECORDER,) if capture == "Web Audio" else ()
    checks = open_page(browser, base_url, *scripts)
    try:
        hear = HearSelf(checks)
        began = time.monotonic()
        hear.record()
        hear.expect_state("recording")
        expect(checks.status("hear-self")).to_have_text(checks.text(
            "Recording for 4 seconds. Say something now, for example your name."))
        # The countdown, for the eyes: a progress bar and a number of seconds left.
        progress = hear.section.get_by_role("progressbar", name=checks.text("Recording"))
        expect(progress).to_be_visible()
        left = hear.section.locator(".js-left")
        seconds = checks.text("%(number)s seconds left")
        expect(left).to_have_text(re.compile("^" + seconds.replace("%(number)s", "[1-4]") + "$"))
        # It counts down: the last second is shown before the recording ends.
        expect(left).to_have_text(seconds.replace("%(number)s", "1"))
        expect(hear.section.get_by_role("meter", name=checks.text("Sound level"))).to_be_visible()
        hear.expect_state("playing")
        expect(progress).to_be_hidden()
        hear.expect_state("asking")
        took = time.monotonic() - began
        expect(checks.status("hear-self")).to_have_text(checks.text("Did you hear your own voice?"))
        # The microphone went off before playback.
        assert checks.page.evaluate("() => window.__played.length") == 1
        [recording] = played(checks)
        assert RECORD_SECONDS - 1.5 <= recording["seconds"] <= RECORD_SECONDS + 0.6, recording
        assert recording["rms"] > 0.005, f"the beeps were recorded and played: {recording}"
        assert_no_axe_violations(axe, checks.page)
        hear.answer(True)
        hear.expect_state("heard")
        expect(checks.status("hear-self")).to_have_text(
            checks.text("You heard your own voice: your microphone and speakers work."))
        checks.expect_state("speaker", "ok")
        checks.expect_state("microphone", "ok")
        readiness = checks.readiness()
        assert readiness is not None
        assert readiness["checks"]["microphone"]["status"] == "ok"
        assert readiness["checks"]["speaker"]["status"] == "ok"
        urls = checks.page.evaluate("() => window.__urls")
        assert urls["made"] == urls["revoked"], urls
        print(f"\nhear yourself ({capture}): press to question in {took:.1f} s")
    finally:
        checks.page.context.close()


def tone_wav(path: Path, seconds: float = 8.0, rate: int = 48_000) -> Path:
    """A 16-bit mono WAV of a steady TONE_HZ tone, as Chromium's fake microphone plays."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = (int(12_000 * math.sin(2 * math.pi * TONE_HZ * i / rate))
                  for i in range(int(seconds * rate)))
        out.writeframes(b"".join(struct.pack("<h", frame) for frame in frames))
    return path


@pytest.fixture(scope="module")
def tone_browser(playwright: Playwright, browser_type_launch_args: dict[str, Any],
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """A Chromium whose fake microphone plays our own WAV."""
    wav = tone_wav(tmp_path_factory.mktemp("audio") / "tone.wav")
    arguments = [*browser_type_launch_args["args"], f"--use-file-for-fake-audio-capture={wav}"]
    launched = playwright.chromium.launch(**{**browser_type_launch_args, "args": arguments})
    yield launched
    launched.close()


def test_the_playback_is_what_the_microphone_heard(tone_browser: Browser, base_url: str) -> None:
    """Our WAV's 440 Hz tone goes in through the microphone and comes out of the playback."""
    checks = open_page(tone_browser, base_url)
    try:
        hear = HearSelf(checks)
        hear.record()
        hear.expect_state("asking")
        [recording] = played(checks)
        assert recording["rms"] > 0.05, recording
        assert abs(recording["hz"] - TONE_HZ) < TONE_HZ * 0.1, recording
    finally:
        checks.page.context.close()


def test_not_hearing_yourself_gives_advice_and_another_try(checks: DeviceChecks) -> None:
    """"No" shows what to check and "Try again"; neither check is marked, a retry settles.
    At 320 px, nothing scrolls sideways while recording or with the advice shown."""
    checks.page.set_viewport_size({"width": 320, "height": 640})
    hear = HearSelf(checks)
    hear.record()
    hear.expect_state("recording")
    assert checks.page.evaluate(SIDEWAYS) == 0
    hear.answer(False)
    hear.expect_state("not-heard")
    expect(checks.status("hear-self")).to_have_text(checks.text("You did not hear your own voice."))
    advice = hear.section.locator(".js-advice")
    expect(advice).to_be_visible()
    expect(advice.get_by_role("listitem")).to_have_text([
        checks.text("Turn the volume up, and check that the sound is not muted."),
        checks.text("If you use a headset or headphones, check that they are plugged in or "
                    "connected."),
        checks.text("If your device lets you choose where the sound comes from (“Sound comes from” "
                    "under “Speakers or headphones”), choose another one."),
        checks.text("Check that the right microphone is chosen in “Microphone to use”, if it is "
                    "shown."),
    ])
    # Not hearing oneself does not say which of the two failed: neither is reported.
    readiness = checks.readiness() or {"checks": {}}
    assert readiness["checks"].get("speaker", {}).get("status") in (None, "skipped")
    assert readiness["checks"].get("microphone", {}).get("status") in (None, "skipped")
    assert checks.page.evaluate(SIDEWAYS) == 0
    retry = hear.button("Try again")
    expect(retry).to_be_visible()
    retry.click()
    hear.answer(True)
    hear.expect_state("heard")
    expect(advice).to_be_hidden()
    checks.expect_state("speaker", "ok")


def test_cannot_speak_plays_the_test_sound(checks: DeviceChecks) -> None:
    """"I can't speak now" runs the test sound, and its question takes the focus."""
    HearSelf(checks).button("I can't speak now: play a test sound instead").click()
    checks.expect_state("speaker", "playing")
    expect(checks.button("speaker", "heard")).to_be_focused()
    checks.answer_heard(True)
    checks.expect_state("speaker", "ok")
    checks.expect_state("hear-self", "ready")


def test_keyboard_only(checks: DeviceChecks) -> None:
    """Enter starts it, and Tab from where the focus is reaches "Yes"."""
    hear = HearSelf(checks)
    hear.button("Record and listen").focus()
    checks.page.keyboard.press("Enter")
    hear.expect_state("asking")
    checks.page.keyboard.press("Tab")
    expect(hear.button("Yes")).to_be_focused()
    checks.page.keyboard.press("Enter")
    hear.expect_state("heard")


def test_nothing_is_stored_or_sent(checks: DeviceChecks) -> None:
    """No request carries the recording; storage holds nothing new and no audio."""
    page = checks.page
    before = page.evaluate(STORED)
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))
    hear = HearSelf(checks)
    hear.record()
    hear.answer(True)
    hear.expect_state("heard")
    hear.record()
    hear.answer(False)
    hear.expect_state("not-heard")
    after = page.evaluate(STORED)
    for request in requests:
        assert request.method == "GET" and not request.post_data_buffer, request.url
        assert request.url.startswith(("http://", "https://")), request.url
        assert "audio" not in (request.headers.get("content-type") or ""), request.url
    assert after["local"] == before["local"]
    assert after["databases"] == before["databases"]
    assert set(after["session"]) <= {*before["session"], "valmis.readiness"}
    assert len(after["session"].get("valmis.readiness", "")) < 4000
    new_entries = [entry for entry in after["entries"] if entry not in before["entries"]]
    for url, content_type in new_entries:
        assert url.startswith(checks.page.url.split("/checks")[0]), url
        assert not content_type.startswith(("audio/", "video/", "application/octet-stream")), url
    urls = page.evaluate("() => window.__urls")
    assert urls["made"] == urls["revoked"], urls


@pytest.mark.parametrize("broken", ["ended", "resume"])
def test_no_sound_output_ends_the_check_in_words(browser: Browser, base_url: str,
                                                 broken: str) -> None:
    """Playback that never ends, or audio that never starts, fails within its deadline."""
    script = ENDED_NEVER_COMES if broken == "ended" else \
        "AudioContext.prototype.resume = () => new Promise(() => {});"
    checks = open_page(browser, base_url, script, check_settings_script(
        deadlines={"resume": 500, "playback": 500, "play": 500, "decode": 2000}))
    try:
        hear = HearSelf(checks)
        hear.record()
        hear.expect_state("failed")
        expect(checks.status("hear-self")).to_have_text(checks.text(
            "We could not play your recording on this device. Check that speakers or headphones "
            "are connected and switched on and that the sound is not muted, then press “Try "
            "again”."))
        expect(hear.button("Try again")).to_be_visible()
    finally:
        checks.page.context.close()


# Keeps each MediaRecorder the page makes, and each track it is given.
KEEP_RECORDERS = """(() => {
  window.__recorders = [];
  window.__tracks = [];
  const Recorder = window.MediaRecorder;
  window.MediaRecorder = class extends Recorder {
    constructor(...args) { super(...args); window.__recorders.push(this); }
  };
  const media = navigator.mediaDevices;
  const getUserMedia = media.getUserMedia.bind(media);
  media.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    window.__tracks.push(...stream.getTracks());
    return stream;
  };
})();"""

# The page hidden, as when the customer switches to another app or locks the screen.
HIDE_PAGE = """() => {
  Object.defineProperty(document, "hidden", { value: true, configurable: true });
  document.dispatchEvent(new Event("visibilitychange"));
}"""


def test_hiding_the_page_drops_the_recording(browser: Browser, base_url: str) -> None:
    """Hidden while recording: the recorder and the microphone stop, nothing is played, the
    check says why; "Try again" records anew."""
    checks = open_page(browser, base_url, KEEP_RECORDERS)
    try:
        page = checks.page
        hear = HearSelf(checks)
        hear.record()
        hear.expect_state("recording")
        page.wait_for_function("() => window.__recorders.some((r) => r.state === 'recording')")
        page.evaluate(HIDE_PAGE)
        hear.expect_state("interrupted")
        expect(checks.status("hear-self")).to_have_text(checks.text(
            "The check stopped because you left this page. Press “Try again”."))
        assert page.evaluate("() => window.__recorders.map((r) => r.state)") == ["inactive"]
        assert page.evaluate("() => window.__tracks.map((t) => t.readyState)") == ["ended"]
        assert played(checks) == []
        page.evaluate("() => { delete document.hidden; }")
        hear.button("Try again").click()
        hear.expect_state("asking")
        assert len(played(checks)) == 1
    finally:
        checks.page.context.close()
