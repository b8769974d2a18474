"""The wizard and the device checks in every engine customers use (issue 16).

Each case runs in each engine of conftest.ENGINES (`pytest e2e/engines -m firefox` runs one
alone), through the same page objects, and fails on any console error or unhandled rejection
(conftest.open_driver). Chromium is the control: e2e/ covers it in depth; here it shows that a
difference is the engine's, not the walk's.

Firefox runs Debian's stock firefox-esr with its fake camera and microphone (prefs, see
e2e/engines/firefox.py) and plays sound into a private PulseAudio's null sink
(e2e/engines/sound.py); one case runs it with no sound server at all.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from e2e.engines import scripts
from e2e.engines.driver import Driver, OpenDriver
from e2e.engines.pages import DeviceChecks, Wizard
from tests.support.live import create_invite, reports
from tests.support.server import LiveServer, flask, free_port, start_gunicorn, stop_gunicorn

CHECKS = ("speaker", "camera", "microphone", "connection")
SENT = "Your result has been sent."
SAVED = "Your result is saved on this device. It will be sent when you are online."
# The connection rated by lines no machine misses, however busy (as e2e/pages.py's
# STEADY_CONNECTION): "ok" must not depend on how fast this machine answers its own pings.
STEADY_CONNECTION = {"rttTargetMs": 60_000, "veryHighRttMs": 60_000, "jitterTargetMs": 60_000,
                     "videoMinKbps": 0, "videoRecommendedKbps": 0}
# What each engine's customer is told to do after "Block" (app/static/js/lib/unblock.mjs): the
# Chromium driver is a Windows Chrome (e2e/devices.py's desktop()), Firefox is itself.
UNBLOCK_STEPS = {"chromium": ["chrome-desktop"], "firefox": ["firefox"]}
NO_SOUND = ("We could not play sound on this device. Check that speakers or headphones are "
            "connected and switched on and that the sound is not muted, then play the sound "
            "again. If it still does not work, you can choose a phone call instead of video.")
NO_AUDIO = ("We could not listen to the microphone on this device. Check that a microphone or "
            "headset is connected and switched on, then press “Try again”. If it still does not "
            "work, you can choose a phone call instead of video.")
# What the report calls each engine's browser (the Chromium driver is a Windows Chrome).
BROWSER = {"chromium": "chrome", "firefox": "firefox"}
# Keeps every camera and microphone track the page is given from now on (the checks ask when
# their button is pressed), so that a test can see each one end.
RECORD_TRACKS = """() => {
  window.__tracks = [];
  const media = navigator.mediaDevices;
  const getUserMedia = media.getUserMedia.bind(media);
  media.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    window.__tracks.push(...stream.getTracks());
    return stream;
  };
}"""
TRACKS = "() => window.__tracks.map((track) => track.readyState)"
OUTPUT_SELECTABLE = {"chromium": True, "firefox": False}
NO_ANSWER = ("Your browser did not answer. If it asks for permission, choose “Allow”. Close "
             "other apps that use the camera or microphone, then press “Try again”.")
# The delivery line under the checks (device-checks.mjs showDelivery), its state attribute.
DELIVERY = ".js-delivery"


def use_settings(driver: Driver, **settings: Any) -> None:
    """Hand the page's checks test settings (lib/deadline.mjs ValmisTestSettings), which they
    read when they run."""
    driver.evaluate("(given) => { Object.assign(window.ValmisTestSettings ??= {}, given); }",
                    settings)


def delivery(driver: Driver) -> str | None:
    """The delivery line's state: "sent", "saved", or None while nothing was said."""
    state: str | None = driver.evaluate(scripts.ATTRIBUTE, DELIVERY, "data-state")
    return state


def wait_for_report(server: LiveServer, token: str, seconds: float = 15) -> list[Any]:
    """The (kind, summary) of the token's readiness reports, once there is one."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [row for row in reports(server, token) if row[0] == "readiness"]
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"no readiness report within {seconds} s")


def walk_to_checks(driver: Driver, live_server: LiveServer, device: str) -> tuple[Wizard, str]:
    """Open a new personal link and walk, as a person clicks, to the device checks."""
    token = create_invite(live_server)
    wizard = Wizard(driver, "fi").open_personal_link(f"/r/{token}")
    wizard.start()
    assert wizard.heading() == wizard.text("Which device will you use for the appointment?")
    wizard.choose_device(device)
    wizard.continue_()
    if device == "computer":
        assert wizard.heading() == wizard.text("Your web browser")
        wizard.continue_()
    else:
        assert wizard.heading() == wizard.text("Install the Teams app")
        wizard.confirm_installed()
    assert wizard.heading() == wizard.text(
        "Check your camera, microphone, speakers and connection")
    DeviceChecks(driver, "fi").wait_until_started()
    return wizard, token


def walk_to_ready(wizard: Wizard, join: str) -> None:
    """From the checks, through joining and privacy, to the Ready page."""
    DeviceChecks(wizard.driver, wizard.language).continue_()
    assert wizard.heading() == wizard.text(join)
    wizard.continue_()
    assert wizard.heading() == wizard.text("Privacy and safety")
    wizard.understand_privacy()


# Not WebKit: Debian's WebKitGTK has no WebRTC and a dark mock camera, so not every check
# passes there; test_webkit.py walks its web path with what its customer should be told.
@pytest.mark.parametrize("engine", [pytest.param(name, marks=getattr(pytest.mark, name))
                                    for name in ("chromium", "firefox")])
def test_web_path_every_check_passes(engine: str, open_driver: OpenDriver,
                                     live_server: LiveServer) -> None:
    """A computer, from the personal link to "You are ready": sound heard, camera, microphone
    and connection fine, the report delivered, as it says."""
    driver = open_driver()
    wizard, token = walk_to_checks(driver, live_server, "computer")
    checks = DeviceChecks(driver, "fi")
    use_settings(driver, connectionLimits=STEADY_CONNECTION)

    checks.play_test_sound()
    assert checks.state("speaker") == "playing"
    checks.answer_heard(True)
    assert checks.wait_for_final_state("speaker") == "ok"
    driver.evaluate(RECORD_TRACKS)
    checks.check_camera()
    assert checks.wait_for_final_state("camera") == "ok"
    assert driver.evaluate(TRACKS) == ["ended"], "the camera goes off when its check ends"
    checks.check_microphone()
    assert checks.wait_for_final_state("microphone") == "ok"
    assert driver.evaluate(TRACKS) == ["ended", "ended"], "and so does the microphone"
    assert checks.summary() is None, "no verdict while a check is still to come"
    checks.check_connection()
    assert checks.wait_for_final_state("connection", timeout=60) == "ok"

    assert checks.summary() == "ready"
    assert checks.advice() == []
    assert checks.unblock_steps() == []
    readiness = checks.readiness()
    assert readiness is not None and readiness["summary"] == "ready"
    assert {name: check["status"] for name, check in readiness["checks"].items()} == {
        "speaker": "ok", "camera": "ok", "microphone": "ok", "connection": "ok",
        "browser": "ok"}
    # Web Audio's output can be chosen in Chromium only (AudioContext.setSinkId): Firefox has
    # none, and the report says so rather than offer a choice that would not work.
    assert readiness["checks"]["speaker"]["output_selectable"] is OUTPUT_SELECTABLE[engine]
    assert readiness["device"]["browser"] == BROWSER[engine]
    assert wait_for_report(live_server, token) == [("readiness", "ready")]
    driver.wait_until(f"() => ({scripts.ATTRIBUTE})('{DELIVERY}', 'data-state') === 'sent'")
    assert driver.evaluate(f"() => document.querySelector('{DELIVERY}').textContent") == \
        checks.text(SENT)

    walk_to_ready(wizard, "How to join on your computer")
    assert wizard.heading() == wizard.text("You are ready")


def test_app_path_checks_later(engine: str, open_driver: OpenDriver,
                               live_server: LiveServer) -> None:
    """An iPhone, from the personal link to "Almost ready", the checks left for later; the
    server saw each step."""
    driver = open_driver()
    wizard, token = walk_to_checks(driver, live_server, "iphone-ipad")
    walk_to_ready(wizard, "How to join on your phone or tablet")
    assert wizard.heading() == wizard.text("Almost ready")
    # Each step, and the checks' "not checked" that Continue told the server.
    stored = reports(live_server, token)
    assert [row for row in stored if row[0] == "readiness"] == [("readiness", "not-checked")]
    assert [kind for kind, _summary in stored].count("step") >= 4, stored


# Not WebKit: WebKitGTK's automation cannot refuse a permission (its mock devices are always
# granted); tests/js/safari.test.mjs covers a refusal's logic with WebKit's own words.
@pytest.mark.parametrize("engine", [pytest.param(name, marks=getattr(pytest.mark, name))
                                    for name in ("chromium", "firefox")])
def test_blocked_camera_and_microphone(engine: str, open_driver: OpenDriver,
                                       live_server: LiveServer) -> None:
    """The site's camera and microphone blocked: each check says so, the engine's own way to
    unblock them is shown, the summary is "not ready", and the report says it too."""
    driver = open_driver(media="denied")
    wizard, token = walk_to_checks(driver, live_server, "computer")
    checks = DeviceChecks(driver, "fi")
    checks.play_test_sound()
    checks.answer_heard(True)
    checks.check_camera()
    assert checks.wait_for_final_state("camera") == "blocked"
    assert checks.unblock_steps() == UNBLOCK_STEPS[engine]
    checks.check_microphone()
    assert checks.wait_for_final_state("microphone") == "blocked"
    assert checks.unblock_steps() == UNBLOCK_STEPS[engine]
    checks.skip("connection")

    assert checks.summary() == "not-ready"
    # Both blocked share one sentence, said once (device-checks.mjs saidElsewhere).
    assert checks.advice() == ["camera-blocked", "connection-skipped"]
    readiness = checks.readiness()
    assert readiness is not None
    assert readiness["checks"]["camera"]["status"] == "blocked"
    assert readiness["checks"]["microphone"]["status"] == "blocked"
    assert wait_for_report(live_server, token) == [("readiness", "not-ready")]
    walk_to_ready(wizard, "How to join on your computer")
    assert wizard.heading() == wizard.text("Not ready yet")


# Makes the page's own requests fail as they do without a network (fetch rejects with a
# TypeError), or work again; navigator.onLine is left as it is.
REFUSE_FETCH = """(refuse) => {
  window.__realFetch ??= window.fetch;
  window.fetch = refuse ? async () => { throw new TypeError("NetworkError (test)"); }
                        : window.__realFetch;
}"""


def test_outbox_keeps_a_report_until_it_can_be_sent(engine: str, open_driver: OpenDriver,
                                                    live_server: LiveServer) -> None:
    """The page cannot send the report: it keeps it (IndexedDB) and says it is saved on this
    device; once sending works and the browser is "online" again, it arrives, once.

    Where the engine has Background Sync (Chromium), the service worker may deliver the
    report on its own as soon as the page's try failed (the worker's requests are not the
    page's): then what must hold is that it arrives once and the page says so. Firefox and
    WebKit have no Background Sync: there the page alone must bring it.
    """
    driver = open_driver()
    _wizard, token = walk_to_checks(driver, live_server, "computer")
    checks = DeviceChecks(driver, "fi")
    background_sync = driver.evaluate("() => 'SyncManager' in window")
    driver.evaluate(REFUSE_FETCH, True)
    for check in CHECKS:
        checks.skip(check)
    if not background_sync:
        driver.wait_until(f"() => ({scripts.ATTRIBUTE})('{DELIVERY}', 'data-state') === 'saved'")
        assert driver.evaluate(f"() => document.querySelector('{DELIVERY}').textContent") == \
            checks.text(SAVED)
        pending = driver.evaluate(scripts.PENDING)
        assert len(pending) == 1 and pending[0]["url"] == f"/api/v1/invites/{token}/reports"
        assert [row for row in reports(live_server, token) if row[0] == "readiness"] == []

    # Four skips prove nothing; in a browser without WebRTC (WebKitGTK) the web path is also
    # not ready.
    summary = "not-ready" if engine == "webkit" else "not-checked"
    driver.evaluate(REFUSE_FETCH, False)
    driver.evaluate("() => { dispatchEvent(new Event('online')); }")
    assert wait_for_report(live_server, token) == [("readiness", summary)]
    driver.wait_until(f"() => ({scripts.ATTRIBUTE})('{DELIVERY}', 'data-state') === 'sent'")
    assert driver.evaluate(f"() => document.querySelector('{DELIVERY}').textContent") == \
        checks.text(SENT)
    driver.wait_until(f"async () => (await ({scripts.PENDING})()).length === 0")
    # Another "online" finds nothing left to send: still the one report.
    driver.evaluate("() => { dispatchEvent(new Event('online')); }")
    assert driver.evaluate(scripts.PENDING) == []
    assert [row for row in reports(live_server, token) if row[0] == "readiness"] == [
        ("readiness", summary)]


# (cache name, path) of everything in the origin's caches.
CACHED = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) urls.push([name, new URL(request.url).pathname]);
  }
  return urls;
}"""


@pytest.fixture
def own_server(tmp_path: Path, live_server: LiveServer) -> Iterator[dict[str, Any]]:
    """A server of its own (its own origin), which the test stops to be offline for real:
    no engine's offline switch is needed (Firefox's BiDi one leaves the service worker's own
    requests online)."""
    port = free_port()
    environment = {**live_server.environment, "PORT": str(port),
                   "VALMIS_INSTANCE_DIR": str(tmp_path),
                   "DATABASE_URL": f"sqlite:///{tmp_path / 'own.db'}",
                   "WEBAUTHN_ORIGIN": f"http://localhost:{port}",
                   "ACCESS_LOG": str(tmp_path / "access.log")}
    flask(environment, "init-db")
    state: dict[str, Any] = {"base_url": f"http://localhost:{port}",
                             "process": start_gunicorn(environment, tmp_path / "error.log")}
    try:
        yield state
    finally:
        stop_gunicorn(state["process"])


def test_service_worker_keeps_the_pages_for_offline(engine: str, open_driver: OpenDriver,
                                                    own_server: dict[str, Any]) -> None:
    """The worker registers, takes control and keeps every page of the language and path;
    with the server gone, those pages open from its copy, with the offline note."""
    driver = open_driver(base_url=own_server["base_url"])
    wizard = Wizard(driver, "fi").open("/?lang=fi")
    listing = driver.evaluate(
        "async () => (await fetch('/offline/pages.json?lang=fi&path=web')).json()")
    wanted = sorted({url.split("?")[0] for url in listing["pages"]})
    kept = driver.wait_until(
        f"""async (wanted) => {{
          if (!({scripts.CONTROLLED})()) return null;
          const kept = new Set((await ({CACHED})())
            .filter(([name]) => name.startsWith("valmis-pages-"))
            .map(([, path]) => path));
          return wanted.every((path) => kept.has(path)) ? [...kept] : null;
        }}""", wanted, timeout=45)
    assert set(wanted) <= set(kept)
    assert not [path for path in kept if path.startswith(("/staff/", "/api/", "/r/"))]

    stop_gunicorn(own_server["process"])
    for path in ("/device", "/checks"):
        wizard.open(path)
        assert wizard.heading(), path
        assert driver.evaluate(
            "() => document.documentElement.hasAttribute('data-offline-copy')"), path
        assert driver.evaluate(
            "() => !document.querySelector('.js-offline-note').hidden"), path


@pytest.mark.parametrize("engine", [pytest.param("firefox", marks=pytest.mark.firefox)])
def test_firefox_without_any_sound_output_ends_every_check(open_driver: OpenDriver,
                                                           engine: str) -> None:
    """Firefox with no sound server at all: the speaker and microphone checks still end, each
    within its deadline, and say what to do (they used to wait for ever)."""
    driver = open_driver(sound=False)
    checks = DeviceChecks(driver, "fi").open()
    # The deadlines as shipped (lib/deadline.mjs: 5 s to start audio): the limits below are
    # only there so that a hang fails the test instead of holding it.
    checks.play_test_sound()
    speaker = checks.state("speaker")
    if speaker == "playing":  # Firefox played into nothing: the person says they heard none.
        checks.answer_heard(False)
    assert checks.wait_for_final_state("speaker", timeout=30) in {"unsupported", "not-heard"}
    if speaker != "playing":
        assert status(driver, "speaker") == checks.text(NO_SOUND)
    checks.check_microphone()
    microphone = checks.wait_for_final_state("microphone", timeout=30)
    assert microphone in {"ok", "failed"}, microphone
    if microphone == "failed":
        assert status(driver, "microphone") == checks.text(NO_AUDIO)
    checks.check_camera()
    assert checks.wait_for_final_state("camera", timeout=30) == "ok"
    print(f"firefox without sound: speaker {checks.state('speaker')}, microphone {microphone}")


def status(driver: Driver, check: str) -> str:
    """A check's status sentence."""
    words: str = driver.evaluate(
        "(check) => document.querySelector(`[data-check=\"${check}\"] .js-status`)"
        ".textContent.trim()", check)
    return words


@pytest.mark.parametrize("engine", [pytest.param("firefox", marks=pytest.mark.firefox)])
def test_firefox_prompt_nobody_answers(open_driver: OpenDriver, engine: str) -> None:
    """Firefox asks for the camera and nobody answers (headless Chromium takes that as
    "Block"; Firefox waits): the check ends at its deadline, says the browser did not answer
    and offers "Try again", instead of waiting for ever."""
    driver = open_driver(media="prompted")
    checks = DeviceChecks(driver, "fi").open()
    use_settings(driver, deadlines={"getUserMedia": 2000})
    checks.check_camera()
    assert checks.wait_for_final_state("camera", timeout=30) == "failed"
    assert status(driver, "camera") == checks.text(NO_ANSWER)
    assert driver.evaluate(
        "() => !document.querySelector('[data-check=\"camera\"] .js-retry').hidden")
    readiness = checks.readiness()
    assert readiness is not None and readiness["checks"]["camera"]["status"] == "failed"


# Measures each AudioBuffer the page plays back (length and loudness), from now on.
WATCH_PLAYBACK = """() => {
  window.__played = [];
  const start = AudioBufferSourceNode.prototype.start;
  AudioBufferSourceNode.prototype.start = function (...args) {
    const samples = this.buffer ? this.buffer.getChannelData(0) : [];
    let sum = 0;
    for (const sample of samples) sum += sample * sample;
    window.__played.push({ seconds: this.buffer?.duration ?? 0,
      rms: samples.length ? Math.sqrt(sum / samples.length) : 0 });
    return start.apply(this, args);
  };
}"""


# The format lib/hear-self.mjs asks MediaRecorder for here (its MIME_TYPES, in order).
RECORDED_AS = """() => typeof MediaRecorder === "function" ? ["audio/webm;codecs=opus",
  "audio/webm", "audio/mp4", "audio/ogg;codecs=opus", "audio/ogg"]
  .find((type) => MediaRecorder.isTypeSupported(type)) ?? "" : null"""


@pytest.mark.parametrize("capture", ["MediaRecorder", "Web Audio"])
def test_hear_yourself(engine: str, open_driver: OpenDriver, capture: str) -> None:
    """Hear yourself in every engine: its fake microphone recorded for 4 s (by MediaRecorder,
    or by Web Audio where MediaRecorder is taken away), played back (into PulseAudio's null
    sink in Firefox), "Yes": microphone and speakers ok, microphone off."""
    driver = open_driver()
    checks = DeviceChecks(driver, "fi").open()
    driver.evaluate(RECORD_TRACKS)
    driver.evaluate(WATCH_PLAYBACK)
    if capture == "Web Audio":
        driver.evaluate("() => { delete window.MediaRecorder; }")
    recorded_as = driver.evaluate(RECORDED_AS)
    hear = '[data-check="hear-self"]'
    checks.hear_yourself()
    asked = driver.wait_until(f"""() => {{
      const state = ({scripts.ATTRIBUTE})('{hear}', 'data-state');
      return ["asking", "failed"].includes(state) ? state : null;
    }}""", timeout=40.0)
    played = driver.evaluate("() => window.__played")
    print(f"{engine} ({capture}, {recorded_as!r}): hear yourself {asked}, played {played}")
    assert asked == "asking", status(driver, "hear-self")
    assert status(driver, "hear-self") == checks.text("Did you hear your own voice?")
    assert driver.evaluate(TRACKS) == ["ended"], "the microphone is off during playback"
    [recording] = played
    assert 2.5 <= recording["seconds"] <= 4.6, recording
    assert recording["rms"] > 0.001, f"the fake microphone's sound was played back: {recording}"
    checks.answer_own_voice(True)
    assert checks.wait_for_final_state("speaker") == "ok"
    assert checks.wait_for_final_state("microphone") == "ok"
    readiness = checks.readiness()
    assert readiness is not None
    assert readiness["checks"]["speaker"]["status"] == "ok"
    assert readiness["checks"]["microphone"]["status"] == "ok"


NO_PLAYBACK = ("We could not play your recording on this device. Check that speakers or "
               "headphones are connected and switched on and that the sound is not muted, then "
               "press “Try again”.")


@pytest.mark.parametrize("engine", [pytest.param("firefox", marks=pytest.mark.firefox)])
def test_firefox_without_any_sound_output_ends_hear_yourself(open_driver: OpenDriver,
                                                             engine: str) -> None:
    """Firefox with no sound server: Hear yourself ends within its deadlines (as shipped), with
    the question if Firefox played into nothing, or saying that the recording could not be
    played; the microphone is off either way."""
    driver = open_driver(sound=False)
    checks = DeviceChecks(driver, "fi").open()
    driver.evaluate(RECORD_TRACKS)
    checks.hear_yourself()
    ended = driver.wait_until("""() => {
      const state = document.querySelector('[data-check="hear-self"]').dataset.state;
      return ["asking", "failed"].includes(state) ? state : null;
    }""", timeout=40.0)
    print(f"firefox without sound: hear yourself {ended}")
    if ended == "failed":
        assert status(driver, "hear-self") == checks.text(NO_PLAYBACK)
    assert driver.evaluate(TRACKS) in (["ended"], []), "the microphone is off"
