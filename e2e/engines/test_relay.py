"""The media round trip through a real coturn in Firefox: the relay over UDP, and over TCP
where UDP is blocked (issue 17). e2e/test_media_round_trip.py covers Chromium in depth; here
Firefox's getStats() shapes (its selected pair without a transport entry, its own names) go
through the same reading in lib/call-quality.mjs, and must give the same figures and verdict.
WebKitGTK's MiniBrowser has no WebRTC (test_webkit.py), so it is not here.

With VALMIS_RECORD_STATS=1 in the environment, each run also writes Firefox's getStats()
answers to tests/js/fixtures/firefox-relay-<transport>.json, which the node tests read.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app import guidance
from e2e.engines import scripts
from e2e.engines.driver import Driver
from e2e.engines.firefox import FAKE_MEDIA, FirefoxDriver
from e2e.engines.pages import DeviceChecks
from tests.support.relay_server import RECORD_STATS, relay_server
from tests.support.server import LiveServer

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "js" / "fixtures"
# The connection rated by lines no machine misses, however busy (as test_walks.py's).
STEADY_CONNECTION = {"rttTargetMs": 60_000, "veryHighRttMs": 60_000, "jitterTargetMs": 60_000,
                     "videoMinKbps": 0, "videoRecommendedKbps": 0}
# The HTTP figures, up to 15 s to reach the relay, 10 s of media, closing: far above it.
CHECK_SECONDS = 90.0
# Firefox leaves loopback addresses out of ICE unless told ("set only for testing in offline
# environments", its greprefs.js): the relay and its allocations are on 127.0.0.1 here.
LOOPBACK_ICE = {"media.peerconnection.ice.loopback": True}


@pytest.fixture(scope="module")
def udp_relay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """gunicorn with a coturn that relays over UDP and TCP."""
    with relay_server(tmp_path_factory.mktemp("ff-relay-udp"), "udp") as (server, _turn):
        yield server


@pytest.fixture(scope="module")
def tcp_relay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """gunicorn with a coturn started with --no-udp: TURN over TCP only."""
    with relay_server(tmp_path_factory.mktemp("ff-relay-tcp"), "tcp") as (server, _turn):
        yield server


@pytest.fixture
def firefox(sound: dict[str, str]) -> Iterator[Callable[[LiveServer], FirefoxDriver]]:
    """Opens Firefox (fake media, loopback ICE, the session's sound server) on a server;
    closed after the test, which fails on any console error or unhandled rejection."""
    opened: list[FirefoxDriver] = []

    def open_on(server: LiveServer) -> FirefoxDriver:
        opened.append(FirefoxDriver(server.base_url, prefs={**FAKE_MEDIA, **LOOPBACK_ICE},
                                    environment=sound))
        return opened[-1]

    try:
        yield open_on
        errors = [error for driver in opened for error in driver.errors()]
    finally:
        for driver in opened:
            driver.close()
    assert errors == [], "console errors or unhandled rejections:\n" + "\n".join(errors)


def round_trip(driver: FirefoxDriver) -> tuple[str, dict[str, Any], str]:
    """Run the connection check alone (the others skipped) through the relay; its final
    state, the media result the page keeps, and the verdict sentence shown."""
    driver.add_init_script(RECORD_STATS)
    checks = DeviceChecks(driver, "en").open()
    driver.evaluate("(given) => { Object.assign(window.ValmisTestSettings ??= {}, given); }",
                    {"connectionLimits": STEADY_CONNECTION})
    for check in ("speaker", "camera", "microphone"):
        checks.skip(check)
    checks.check_connection()
    state = checks.wait_for_final_state("connection", timeout=CHECK_SECONDS)
    readiness = checks.readiness()
    assert readiness is not None
    media: dict[str, Any] = readiness["checks"]["connection"]["media"]
    shown: list[str] = driver.evaluate(
        """() => [...document.querySelectorAll("[data-media-verdict]")]
                 .filter((e) => e.offsetParent !== null).map((e) => e.innerText.trim())""")
    assert len(shown) == 1, shown
    return state, media, shown[0]


def selected_candidates(driver: Driver) -> set[tuple[str, str]]:
    """(candidate type, protocol to the relay) of each connection's selected pair's local
    candidate, from the recorded getStats answers; Firefox marks the pair `selected` itself."""
    found: set[tuple[str, str]] = set()
    for snapshot in driver.evaluate("() => window.__valmisStats"):
        stats = {entry["id"]: entry for entry in snapshot["stats"]}
        for pair in stats.values():
            if pair["type"] == "candidate-pair" and pair.get("selected"):
                local = stats[pair["localCandidateId"]]
                found.add((local["candidateType"], local.get("relayProtocol") or ""))
    return found


def record(driver: Driver, transport: str) -> None:
    """Keep the first and last getStats answers of each side as a node-test fixture, in
    the shape of the Chromium recordings, when VALMIS_RECORD_STATS=1."""
    if os.environ.get("VALMIS_RECORD_STATS") != "1":
        return
    snapshots = driver.evaluate("() => window.__valmisStats")
    sides = {role: [s["stats"] for s in snapshots if s["role"] == role]
             for role in ("sender", "receiver")}
    version = subprocess.run(["firefox-esr", "--version"], capture_output=True, text=True,
                             check=False).stdout.strip()
    offered = "UDP and TCP offered" if transport == "udp" else "started with --no-udp"
    (FIXTURES / f"firefox-relay-{transport}.json").write_text(json.dumps({
        "recorded": f"{version} with fake media through coturn on 127.0.0.1 ({offered})."
                    " Recorded by e2e/engines/test_relay.py in a run of the checks page's round"
                    " trip (10 s).",
        **{role: {"before": found[0], "after": found[-1]} for role, found in sides.items()},
    }, indent=0) + "\n")


@pytest.mark.firefox
def test_firefox_through_the_relay_over_udp(firefox: Callable[[LiveServer], FirefoxDriver],
                                            udp_relay: LiveServer) -> None:
    """Firefox sends media through coturn over UDP; its figures are measured and judged."""
    driver = firefox(udp_relay)
    state, media, shown = round_trip(driver)
    print(f"\nFirefox round trip over UDP: {json.dumps(media)}")
    record(driver, "udp")
    # On a clean loopback path only a busy machine's slower encoder can lower the rate, so
    # "may stutter" is allowed, for the bitrate alone (the node tests judge the recording).
    assert (state, media["verdict"]) in {("ok", "good"), ("warning", "may-stutter")}
    assert set(media["reasons"]) <= {"bitrate"}
    assert media["path"] == "relay" and media["transport"] == "udp"
    for figure in ("loss_pct", "jitter_ms", "rtt_ms", "kbps"):
        assert isinstance(media[figure], int | float), figure
    assert media["kbps"] > 0
    assert shown == guidance.media_verdicts()[media["verdict"]]
    assert selected_candidates(driver) == {("relay", "udp")}


@pytest.mark.firefox
def test_firefox_falls_back_to_tcp_and_warns(firefox: Callable[[LiveServer], FirefoxDriver],
                                             tcp_relay: LiveServer) -> None:
    """coturn without UDP: Firefox's media goes over TCP and the customer is told UDP is
    blocked, as in Chromium."""
    driver = firefox(tcp_relay)
    state, media, shown = round_trip(driver)
    print(f"\nFirefox round trip over TCP: {json.dumps(media)}")
    record(driver, "tcp")
    assert state == "warning"
    assert media["path"] == "relay" and media["transport"] == "tcp"
    assert media["verdict"] in {"udp-blocked", "poor"}
    assert "udp-blocked" in media["reasons"]
    assert media["kbps"] > 0
    assert shown == guidance.media_verdicts()[media["verdict"]]
    assert driver.evaluate(scripts.SHOWN_KEYS, "[data-media-reason]",
                           "data-media-reason").count("udp-blocked") == 1
    assert selected_candidates(driver) == {("relay", "tcp")}
