"""The connection check's media round trip in Chromium with fake media (issue 17): through a
real coturn on loopback over UDP, over TCP when coturn has UDP off (a network that blocks UDP),
and without a relay inside the page. The figures reach the report staff get, and the page says
the verdict in words.

Each test prints how long the check took (the round trip's share of the checks page) and the
figures it measured, for the benchmark notes; nothing here depends on this machine's speed but
the generous limits.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from app import guidance
from app.invites import hash_token
from e2e.devices import desktop
from e2e.pages import STEADY_CONNECTION, DeviceChecks, check_settings_script
from tests.support.live import create_invite
from tests.support.relay_server import RECORD_STATS, relay_server
from tests.support.server import LiveServer

# A whole check: the HTTP figures (a few seconds), up to 15 s to reach the relay, 10 s of
# media, closing. Far above what it takes, so a busy machine does not fail it.
CHECK_LIMIT_MS = 90_000


@pytest.fixture(scope="module")
def udp_relay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Path]]:
    """gunicorn with a coturn that relays over UDP and TCP; the server and coturn's log."""
    with relay_server(tmp_path_factory.mktemp("relay-udp"), "udp") as (server, turn):
        assert turn is not None
        yield server, turn.log


@pytest.fixture(scope="module")
def tcp_relay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Path]]:
    """gunicorn with a coturn started with --no-udp: TURN over TCP only."""
    with relay_server(tmp_path_factory.mktemp("relay-tcp"), "tcp") as (server, turn):
        assert turn is not None
        yield server, turn.log


@pytest.fixture(scope="module")
def lossy_relay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """gunicorn with a coturn reached over UDP through a forwarder that loses 5 % of the
    media datagrams each way: a degraded path, made honestly."""
    with relay_server(tmp_path_factory.mktemp("relay-lossy"), "udp", drop=0.05) as (server, _t):
        yield server


def open_checks(browser: Browser, server: LiveServer, token: str | None = None,
                settings: str = "") -> DeviceChecks:
    """The checks page in English on a Windows Chrome, through a personal link when token."""
    page = desktop().open(browser, server.base_url)
    page.context.add_init_script(STEADY_CONNECTION + settings)
    page.context.add_init_script(RECORD_STATS)
    if token:
        page.goto(f"/r/{token}")
    return DeviceChecks(page, "en").open()


def run_connection_check(checks: DeviceChecks, final: str, *, travels: bool = True) -> float:
    """Skip the other checks, run the connection's and wait for its final state (a regular
    expression's alternatives, e.g. "warning|poor"); seconds.
    travels: the test video is sent (a countdown is shown meanwhile)."""
    for check in ("speaker", "camera", "microphone"):
        checks.skip(check)
    began = time.monotonic()
    checks.check_connection()
    if travels:
        checks.expect_state("connection", "measuring-media", timeout=CHECK_LIMIT_MS)
        # While the test video travels, a countdown shows how long is left.
        media = checks.section("connection").locator(".js-media")
        expect(media.locator(".js-media-progress-field")).to_be_visible()
        expect(media.locator("progress")).to_have_attribute("max", re.compile(r"^\d+$"))
        expect(media.locator(".js-media-left")).to_have_text(re.compile(r"\d"))
    expect(checks.section("connection")).to_have_attribute(
        "data-state", re.compile(f"^({final})$"), timeout=CHECK_LIMIT_MS)
    return time.monotonic() - began


def shown_verdict(page: Page) -> str:
    """The verdict sentence the connection check shows (exactly one)."""
    shown = page.locator("[data-media-verdict]:visible")
    expect(shown).to_have_count(1)
    return shown.inner_text()


def selected_candidates(page: Page) -> set[tuple[str, str]]:
    """(candidate type, protocol to the relay) of each connection's selected pair's local
    candidate, from the page's recorded getStats answers (RECORD_STATS)."""
    found: set[tuple[str, str]] = set()
    for snapshot in page.evaluate("window.__valmisStats"):
        stats = {entry["id"]: entry for entry in snapshot["stats"]}
        for transport in (e for e in stats.values() if e["type"] == "transport"):
            pair = stats.get(transport.get("selectedCandidatePairId"))
            if pair:
                local = stats[pair["localCandidateId"]]
                found.add((local["candidateType"], local.get("relayProtocol") or ""))
    return found


def stored_reports(server: LiveServer, token: str) -> list[dict[str, Any]]:
    """The readiness reports stored for the token's invite, as the staff's pages read them."""
    with closing(sqlite3.connect(server.database)) as connection:
        rows = connection.execute(
            "SELECT r.body FROM reports r JOIN invites i ON i.id = r.invite_id "
            "WHERE i.token_hash = ? AND r.kind = 'readiness' ORDER BY r.id",
            (hash_token(token),)).fetchall()
    return [json.loads(row[0]) for row in rows]


def delivered_media(checks: DeviceChecks, server: LiveServer, token: str) -> dict[str, Any]:
    """The connection.media of the report this page delivered to the server."""
    expect(checks.page.locator(".js-delivery")).to_have_attribute("data-state", "sent",
                                                                 timeout=30_000)
    stored = stored_reports(server, token)
    assert stored, "no readiness report arrived"
    media: dict[str, Any] = stored[-1]["checks"]["connection"]["media"]
    return media


def test_through_the_relay_over_udp(browser: Browser, udp_relay: tuple[LiveServer, Path]) -> None:
    """Media goes through coturn over UDP; figures in the delivered report; a verdict shown."""
    server, _log = udp_relay
    token = create_invite(server)
    checks = open_checks(browser, server, token)
    try:
        seconds = run_connection_check(checks, "ok")
        media = delivered_media(checks, server, token)
        print(f"\nround trip over UDP: check took {seconds:.1f} s, media {json.dumps(media)}")
        assert media["path"] == "relay"
        assert media["transport"] == "udp"
        # A relay on the same machine: every figure measured, media really came back.
        for figure in ("loss_pct", "jitter_ms", "rtt_ms", "kbps"):
            assert isinstance(media[figure], int | float), figure
        assert media["kbps"] > 0
        assert media["verdict"] in {"good", "may-stutter"}
        assert shown_verdict(checks.page) == guidance.media_verdicts()[media["verdict"]]
        assert checks.readiness()["checks"]["connection"]["media"] == media  # type: ignore[index]
        # Both ends used candidates the relay allocated: the media went through coturn.
        assert selected_candidates(checks.page) == {("relay", "udp")}
        figures = checks.section("connection").locator(".js-media-figures")
        expect(figures.locator(".js-media-transport")).to_have_text("UDP")
        expect(figures.locator(".js-media-kbps")).not_to_have_text("–")
    finally:
        checks.page.context.close()


def test_udp_blocked_falls_back_to_tcp_and_warns(
        browser: Browser, tcp_relay: tuple[LiveServer, Path]) -> None:
    """coturn without UDP: the media goes over TCP, and the customer is told UDP is blocked,
    that Teams still works with lower quality, and what to try."""
    server, _log = tcp_relay
    token = create_invite(server)
    checks = open_checks(browser, server, token)
    try:
        seconds = run_connection_check(checks, "warning")
        media = delivered_media(checks, server, token)
        print(f"\nround trip over TCP: check took {seconds:.1f} s, media {json.dumps(media)}")
        assert media["path"] == "relay"
        assert media["transport"] == "tcp"
        assert media["verdict"] in {"udp-blocked", "poor"}
        assert "udp-blocked" in media["reasons"]
        assert media["kbps"] > 0
        assert shown_verdict(checks.page) == guidance.media_verdicts()[media["verdict"]]
        section = checks.section("connection")
        expect(section.locator('[data-media-reason="udp-blocked"]')).to_be_visible()
        expect(section.locator(".js-media-advice")).to_have_text(guidance.media_advice())
        expect(section.locator(".js-media-transport")).to_have_text("TCP")
        assert selected_candidates(checks.page) == {("relay", "tcp")}
        # Staff read the same: the summary warns about the connection.
        assert checks.summary() in {"ready-with-warnings", "not-checked", "not-ready"}
    finally:
        checks.page.context.close()


def test_a_lossy_path_is_measured_and_said(browser: Browser, lossy_relay: LiveServer) -> None:
    """Media lost on the way shows in the figures, and the page says video may stutter (or,
    past Twilio's 8 %, that it will not work well) because of the loss."""
    checks = open_checks(browser, lossy_relay)
    try:
        seconds = run_connection_check(checks, "warning|poor")
        readiness = checks.readiness()
        assert readiness is not None
        media = readiness["checks"]["connection"]["media"]
        print(f"\nround trip with 5 % of video datagrams dropped each way: check took "
              f"{seconds:.1f} s, media {json.dumps(media)}")
        assert media["transport"] == "udp"
        assert 1 <= media["loss_pct"] <= 30, media
        assert media["verdict"] in {"may-stutter", "poor"}
        assert "loss" in media["reasons"]
        assert shown_verdict(checks.page) == guidance.media_verdicts()[media["verdict"]]
        section = checks.section("connection")
        expect(section.locator('[data-media-reason="loss"]')).to_be_visible()
        expect(section.locator(".js-media-advice")).to_be_visible()
        expect(section.locator(".js-media-loss")).not_to_have_text("0")
    finally:
        checks.page.context.close()


def test_without_a_relay_inside_the_page(browser: Browser, live_server: LiveServer) -> None:
    """make run's default (no TURN_URLS): the two connections meet inside the page, the page
    says the network was not tested, and no credentials are asked for."""
    checks = open_checks(browser, live_server, settings=check_settings_script()
                         + "window.ValmisTestSettings.mediaSeconds = 3;")
    asked: list[str] = []
    checks.page.on("request", lambda request: asked.append(request.url)
                   if "turn-credentials" in request.url else None)
    try:
        seconds = run_connection_check(checks, "ok")
        readiness = checks.readiness()
        assert readiness is not None
        media = readiness["checks"]["connection"]["media"]
        print(f"\nround trip inside the page (3 s): check took {seconds:.1f} s, "
              f"media {json.dumps(media)}")
        assert media["path"] == "loopback"
        assert "transport" not in media
        assert media["verdict"] == "not-tested"
        assert media["kbps"] > 0
        assert shown_verdict(checks.page) == guidance.media_verdicts()["not-tested"]
        assert asked == []
    finally:
        checks.page.context.close()


def test_a_browser_without_webrtc_is_told_and_never_waits(
        browser: Browser, udp_relay: tuple[LiveServer, Path]) -> None:
    """No RTCPeerConnection: no round trip, no credentials, an honest sentence, and the HTTP
    figures still give the connection's result."""
    server, _log = udp_relay
    checks = open_checks(browser, server,
                         settings="delete window.RTCPeerConnection; "
                                  "delete window.webkitRTCPeerConnection;")
    asked: list[str] = []
    checks.page.on("request", lambda request: asked.append(request.url)
                   if "turn-credentials" in request.url else None)
    try:
        run_connection_check(checks, "ok", travels=False)
        media = checks.readiness()["checks"]["connection"]["media"]  # type: ignore[index]
        assert media["verdict"] == "unsupported"
        assert "path" not in media
        assert [media[figure] for figure in ("loss_pct", "jitter_ms", "rtt_ms", "kbps")] == [
            None] * 4
        assert shown_verdict(checks.page) == guidance.media_verdicts()["unsupported"]
        assert asked == []
    finally:
        checks.page.context.close()
