"""Benchmark the connection check's media round trip on loopback: the figures it reports and
how long it adds to the checks page.

Run from anywhere: `python bench/bench_media.py [ROUNDS]` (default 3). For each way (coturn
with UDP, coturn with `--no-udp`, no relay) it starts the servers (tests/support/relay_server.py,
the end-to-end tests' harness), runs the connection check ROUNDS times in Chromium with fake
media, and prints each round's figures, the time of the HTTP part and of the round trip, and
the medians. With `--record DIR` it also writes each way's first round of getStats() answers
as the node tests' fixtures (tests/js/fixtures). Needs coturn and Chromium (`make services
browser`); takes about a minute per ten rounds.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from e2e.devices import desktop  # noqa: E402
from e2e.pages import STEADY_CONNECTION, DeviceChecks  # noqa: E402
from tests.support.relay_server import RECORD_STATS, relay_server  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--use-fake-device-for-media-stream",
                 "--use-fake-ui-for-media-stream", "--disable-background-networking"]
WAYS = {"udp": "coturn, UDP and TCP", "tcp": "coturn --no-udp (TCP only)",
        None: "no relay (inside the page)"}
FIXTURES = {"udp": "chromium-relay-udp", "tcp": "chromium-relay-tcp", None: "chromium-loopback"}


def one_round(browser: Any, base_url: str) -> tuple[dict[str, Any], float, float, list[Any]]:
    """One connection check: its media result, seconds of HTTP and of media, getStats."""
    page = desktop().open(browser, base_url)
    page.context.add_init_script(STEADY_CONNECTION + RECORD_STATS)
    try:
        checks = DeviceChecks(page, "en").open()
        section = checks.section("connection")
        began = time.monotonic()
        checks.check_connection()
        checks.expect_state("connection", "measuring-media", timeout=60_000)
        media_began = time.monotonic()
        expect(section).not_to_have_attribute("data-state", re.compile("^measuring"),
                                              timeout=90_000)
        ended = time.monotonic()
        readiness = checks.readiness() or {}
        media = readiness["checks"]["connection"]["media"]
        return media, media_began - began, ended - media_began, page.evaluate(
            "window.__valmisStats")
    finally:
        page.context.close()


def fixture(stats: list[dict[str, Any]], way: str | None) -> dict[str, Any]:
    """A node test fixture from one round's getStats answers (certificates left out)."""
    def clean(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
        return [entry for entry in snapshot["stats"] if entry["type"] != "certificate"]
    sender = [snapshot for snapshot in stats if snapshot["role"] == "sender"]
    receiver = [snapshot for snapshot in stats if snapshot["role"] == "receiver"]
    return {"recorded": f"bench/bench_media.py, {WAYS[way]}, Chromium with fake media",
            "sender": {"before": clean(sender[0]), "after": clean(sender[-1])},
            "receiver": {"before": clean(receiver[0]), "after": clean(receiver[-1])}}


def main() -> None:
    """Run the rounds and print the figures."""
    arguments = sys.argv[1:]
    record = None
    if "--record" in arguments:
        at = arguments.index("--record")
        record = Path(arguments[at + 1])
        del arguments[at:at + 2]
    rounds = int(arguments[0]) if arguments else 3
    with sync_playwright() as playwright:
        # Debian's Chromium where it exists (as the end-to-end tests), else Playwright's.
        system = Path("/usr/bin/chromium")
        browser = playwright.chromium.launch(
            executable_path=str(system) if system.exists() else None, args=CHROMIUM_ARGS)
        try:
            for way, words in WAYS.items():
                with tempfile.TemporaryDirectory() as folder, \
                        relay_server(Path(folder), way) as (server, _turn):
                    print(f"\n{words}:")
                    results = []
                    for number in range(rounds):
                        media, http, trip, stats = one_round(browser, server.base_url)
                        results.append((media, http, trip))
                        print(f"  round {number + 1}: HTTP part {http:.1f} s, round trip "
                              f"{trip:.1f} s, {json.dumps(media)}")
                        if record and number == 0:
                            record.mkdir(parents=True, exist_ok=True)
                            (record / f"{FIXTURES[way]}.json").write_text(
                                json.dumps(fixture(stats, way), indent=0) + "\n")
                    def median(key: str, items: list[Any] = results) -> float | None:
                        values = [media[key] for media, _h, _t in items
                                  if media.get(key) is not None]
                        return statistics.median(values) if values else None
                    print(f"  median: loss {median('loss_pct')} %, jitter "
                          f"{median('jitter_ms')} ms, round trip {median('rtt_ms')} ms, "
                          f"{median('kbps')} kbit/s; the round trip adds "
                          f"{statistics.median(t for _m, _h, t in results):.1f} s")
        finally:
            browser.close()


if __name__ == "__main__":
    main()
