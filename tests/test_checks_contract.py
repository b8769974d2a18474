"""The checks page's texts and the browser code's keys stay one set (node reads the modules)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import Flask

from app import guidance

ROOT = Path(__file__).resolve().parent.parent

# Every key summarise() can return, found by running it over every status it knows.
KEYS_SCRIPT = """
import * as r from './app/static/js/lib/readiness.mjs';
import { UNBLOCK_KEYS } from './app/static/js/lib/unblock.mjs';
import { rateConnection } from './app/static/js/lib/thresholds.mjs';
const advice = new Set();
const add = (result) => [...result.warnings, ...result.problems].forEach((k) => advice.add(k));
for (const path of ['web', 'app', 'open-in-browser']) {
  for (const status of r.MEDIA_STATUSES) {
    add(r.summarise({ camera: { status }, microphone: { status } }, path));
  }
  for (const status of r.SPEAKER_STATUSES) add(r.summarise({ speaker: { status } }, path));
  for (const status of r.CONNECTION_STATUSES) add(r.summarise({ connection: { status } }, path));
  for (const status of r.BROWSER_STATUSES) add(r.summarise({ browser: { status } }, path));
}
const reasons = new Set();
const samples = [{ online: false }, {}, { downKbps: 1, upKbps: 1, rttMs: 900, jitterMs: 99,
  saveData: true, effectiveType: '2g' }, { downKbps: 200, upKbps: 200, rttMs: 200 }];
for (const sample of samples) rateConnection(sample).reasons.forEach((k) => reasons.add(k));
console.log(JSON.stringify({ advice: [...advice], unblock: UNBLOCK_KEYS, reasons: [...reasons] }));
"""


@pytest.fixture(scope="module")
def browser_keys() -> dict[str, list[str]]:
    """The keys the browser modules can produce."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed (make node installs it)")
    result = subprocess.run([node, "--input-type=module", "-e", KEYS_SCRIPT], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    keys: dict[str, list[str]] = json.loads(result.stdout)
    return keys


def test_every_advice_key_has_a_sentence(app: Flask, browser_keys: dict[str, list[str]]) -> None:
    """Each warning or problem the summary can show has advice, and no advice is orphaned."""
    with app.test_request_context():
        ours = {key for key, _sentence in guidance.check_advice()}
    assert set(browser_keys["advice"]) == ours


def test_every_unblock_key_has_steps(app: Flask, browser_keys: dict[str, list[str]]) -> None:
    """Each browser or system the page may pick has unblock steps."""
    with app.test_request_context():
        blocks = guidance.unblock_steps()
    assert sorted(block.key for block in blocks) == sorted(browser_keys["unblock"])
    assert all(len(block.steps) >= 2 for block in blocks)


def test_every_connection_reason_has_a_sentence(app: Flask,
                                                browser_keys: dict[str, list[str]]) -> None:
    """Each reason the connection rating gives can be shown in words."""
    with app.test_request_context():
        ours = {key for key, _sentence in guidance.connection_reasons()}
    assert set(browser_keys["reasons"]) == ours


def test_checks_page_carries_every_text(client) -> None:  # type: ignore[no-untyped-def]
    """The page renders one block per unblock key and one item per advice key, translated."""
    html = client.get("/checks?lang=fi").get_data(as_text=True)
    assert html.count('data-unblock="') == 14
    assert 'data-advice="microphone-blocked"' in html
    assert "Salli kamera ja mikrofoni tälle sivustolle" in html
    assert 'data-module="device-checks"' in html
    assert 'data-ping-url="/api/v1/ping"' in html


# A check's finish(status, "detail") in the browser code, and the section it belongs to.
FINISH_DETAIL = re.compile(r'finish\("[a-z-]+", "([a-z-]+)"\)')
DETAIL_SECTIONS = {"speaker-check.mjs": ["speaker"], "microphone-check.mjs": ["microphone"],
                   "media-check.mjs": ["camera", "microphone"]}


def test_every_detail_a_check_ends_with_has_words(client) -> None:  # type: ignore[no-untyped-def]
    """Each detail a check can end with (no sound, no answer…) has its sentence on the page."""
    html = client.get("/checks?lang=fi").get_data(as_text=True)
    sections = dict(re.findall(r'<section[^>]*data-check="([a-z]+)"([^>]*)>', html))
    found = 0
    for name, checks in DETAIL_SECTIONS.items():
        code = (ROOT / "app" / "static" / "js" / name).read_text(encoding="utf-8")
        for detail in FINISH_DETAIL.findall(code):
            found += 1
            for check in checks:
                assert re.search(rf'data-i18n-detail-{detail}="[^"]+"', sections[check]), (
                    check, detail)
    assert found >= 3
