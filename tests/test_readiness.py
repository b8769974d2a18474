"""The server's readiness summary (app/readiness.py) and the browser's (readiness.mjs) agree."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from app.readiness import CUSTOMER_CHECKS, STATUSES, SUMMARIES, Readiness, readiness_of

ROOT = Path(__file__).resolve().parent.parent
PATHS = ("web", "app", "open-in-browser", "none")
# Every status each check knows, "missing" for a check absent from the report, and one
# unknown word.
CHOICES = {name: (*statuses, "missing", "weird") for name, statuses in STATUSES.items()}
NAMES = tuple(CHOICES)

BROWSER_SCRIPT = """
import { summarise } from './app/static/js/lib/readiness.mjs';
const choices = JSON.parse(process.argv[1]);
const names = Object.keys(choices);
const out = [];
const walk = (index, checks) => {
  if (index === names.length) {
    for (const path of ['web', 'app', 'open-in-browser', 'none']) {
      const r = summarise(checks, path);
      out.push([r.summary, r.warnings.join(' '), r.problems.join(' ')].join('|'));
    }
    return;
  }
  for (const status of choices[names[index]]) {
    const next = { ...checks };
    if (status !== 'missing') next[names[index]] = { status };
    walk(index + 1, next);
  }
};
walk(0, {});
console.log(out.join('\\n'));
"""


def _server_results() -> list[str]:
    """The server's summaries in the order the script walks the combinations."""
    results = []
    for combination in itertools.product(*(CHOICES[name] for name in NAMES)):
        checks = {name: {"status": status}
                  for name, status in zip(NAMES, combination, strict=True)
                  if status != "missing"}
        for path in PATHS:
            found = readiness_of(checks, path)
            results.append("|".join((found.summary, " ".join(found.warnings),
                                     " ".join(found.problems))))
    return results


def test_server_and_browser_agree_on_every_combination() -> None:
    """For every status of every check, on every path, both sides give the same result."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed (make node installs it)")
    browser = subprocess.run(
        [node, "--input-type=module", "-e", BROWSER_SCRIPT, json.dumps(CHOICES)],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout.splitlines()
    server = _server_results()
    assert len(browser) == len(server)
    differences = [(number, ours, theirs)
                   for number, (ours, theirs) in enumerate(zip(server, browser, strict=True))
                   if ours != theirs]
    assert differences[:5] == []


def test_nothing_checked_is_never_ready() -> None:
    """Four skipped checks verify nothing: "not-checked", on both paths."""
    skipped = {name: "skipped" for name in CUSTOMER_CHECKS} | {"browser": "ok"}
    for path in ("web", "app"):
        assert readiness_of(skipped, path) == Readiness(
            "not-checked", tuple(f"{name}-skipped" for name in CUSTOMER_CHECKS), ())
    assert readiness_of({}, "web").summary == "not-checked"
    assert readiness_of(None, "app").summary == "not-checked"


def test_denied_camera_and_microphone_on_the_web_are_not_ready() -> None:
    """The Windows Chrome walk of issue 14: both refused."""
    checks = {"camera": "blocked", "microphone": "blocked", "speaker": "ok",
              "connection": "ok", "browser": "ok"}
    assert readiness_of(checks, "web") == Readiness("not-ready", ("camera-blocked",),
                                                    ("microphone-blocked",))


def test_every_result_is_one_of_the_summaries() -> None:
    """The vocabulary is closed."""
    assert {line.split("|")[0] for line in _server_results()} <= set(SUMMARIES)
