"""What did the device checks find? The readiness summary, decided the same way as the browser.

This mirrors summarise() in app/static/js/lib/readiness.mjs (a test runs both over every
combination of statuses), so that the Ready page, the checks page and the staff's dashboard
say the same thing. Pure logic: no Flask.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app import report_contract

# The checks a customer runs on the page, in report order; the browser's own check follows.
CUSTOMER_CHECKS = ("camera", "microphone", "speaker", "connection")
CHECK_ORDER = (*CUSTOMER_CHECKS, "browser")
# Per path, the checks whose result can stop the appointment (see _is_problem): while one of
# them has not run, nobody knows whether the customer is ready.
MATTERS = {"web": ("microphone", "speaker", "connection"), "app": ("speaker", "connection")}
# The report's words come from its schema (app/api/openapi.json): the summaries, and each
# check's statuses in the schema's order.
SUMMARIES = report_contract.SUMMARIES
STATUSES = report_contract.CHECK_STATUSES
# Problems on every path: not hearing, and not reaching the meeting.
_ALWAYS = {"speaker-not-heard", "connection-poor", "connection-offline"}


@dataclass(frozen=True)
class Readiness:
    """A summary (one of SUMMARIES) and its warning and problem keys ("camera-blocked")."""

    summary: str
    warnings: tuple[str, ...]
    problems: tuple[str, ...]


def status_of(name: str, check: Any) -> str:
    """A check's status from a status word or a reported object; a missing one was skipped.

    As in the browser: an unknown media status is a failure nobody named, an unknown browser
    status only warns, any other unknown status counts as not checked.
    """
    status = check.get("status") if isinstance(check, Mapping) else check
    missing = "warning" if name == "browser" else "skipped"
    if status is None:
        return missing
    if status in STATUSES[name]:
        return str(status)
    return "failed" if name in ("camera", "microphone") else missing


def _is_problem(name: str, status: str, path: str) -> bool:
    """Does this result stop the appointment on this path? (See readiness.mjs isProblem.)"""
    key = f"{name}-{status}"
    if key in _ALWAYS:
        return True
    if path != "web":
        return False
    if name == "microphone":
        return status not in ("warning", "skipped")
    return key == "browser-unsupported"


def readiness_of(checks: Mapping[str, Any] | None, path: str) -> Readiness:
    """The summary of these checks' results on this join path.

    A problem means "not-ready". Without one, a check that matters on this path left unrun
    means "not-checked", never "ready": four skipped checks verify nothing.
    """
    if path not in ("web", "app"):
        # In an in-app browser or on a device that cannot join, the checks prove nothing.
        return Readiness("not-ready", (), ("wrong-place",))
    checks = checks or {}
    warnings: list[str] = []
    problems: list[str] = []
    for name in CHECK_ORDER:
        status = status_of(name, checks.get(name))
        if status == "ok" or (name == "browser" and path == "app"):
            continue
        (problems if _is_problem(name, status, path) else warnings).append(f"{name}-{status}")
    unknown = any(status_of(name, checks.get(name)) == "skipped" for name in MATTERS[path])
    if problems:
        summary = "not-ready"
    elif unknown:
        summary = "not-checked"
    else:
        summary = "ready-with-warnings" if warnings else "ready"
    return Readiness(summary, tuple(warnings), tuple(problems))
