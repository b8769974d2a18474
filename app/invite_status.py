"""Where is this customer? An invite's status on the dashboard, from its stored columns.

Also the staff's words for what the reports say (device, check results, report kinds), so that
the dashboard, its live rows and an invite's page all say the same thing the same way. Report
values are short words chosen by app/report_contract.py; a word this module has no text for is
never shown as it is, but as a generic translated word.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from app.guidance import BROWSER_NAMES
from app.readiness import readiness_of
from app.translation import gettext as _

# Most urgent first: a call the staff must make outranks how ready the devices are.
STATUSES = ("prefers-phone", "needs-help", "not-ready", "not-checked", "ready-with-warnings",
            "ready", "in-progress", "not-opened")
# A readiness report whose checks were all skipped verified nothing: "not-checked", which
# staff must tell apart from "not-ready" (a known problem to help with) and from "ready".
_SUMMARIES = {"ready", "ready-with-warnings", "not-checked", "not-ready"}

# The checks the dashboard's row shows; an invite's report history adds the browser's.
CHECK_NAMES = ("camera", "microphone", "speaker", "connection")
HISTORY_CHECK_NAMES = (*CHECK_NAMES, "browser")
# A check result's mark: a glyph as well as a colour, so that colour is never the only sign.
SYMBOLS = {"ok": "✓", "warning": "!", "problem": "✗", "not-checked": "–"}


def invite_status(row: Any) -> str:
    """One of STATUSES for an invite row (anything with the invites table's attributes)."""
    if row.prefers_phone:
        return "prefers-phone"
    if row.needs_help:
        return "needs-help"
    if row.latest_summary in _SUMMARIES:
        return str(row.latest_summary)
    if row.opened_at is not None:
        return "in-progress"
    return "not-opened"


def status_words() -> dict[str, str]:
    """Each of STATUSES in the staff member's language."""
    return {
        "prefers-phone": _("Prefers phone"),
        "needs-help": _("Needs help"),
        "not-ready": _("Not ready"),
        "not-checked": _("Not checked"),
        "ready-with-warnings": _("Ready with warnings"),
        "ready": _("Ready"),
        "in-progress": _("In progress"),
        "not-opened": _("Not opened"),
    }


def path_words() -> dict[str, str]:
    """Each join path of app/report_contract.py PATHS in the staff member's language."""
    return {
        "web": _("Computer, web browser"),
        "app": _("Teams app"),
        "open-in-browser": _("Opening the web browser"),
        "none": _("No video"),
    }


def device_text(device: Mapping[str, Any] | None) -> str:
    """The device in words, e.g. "Android phone, Chrome"; empty when nothing was reported."""
    if not device:
        return ""
    form, system = str(device.get("form") or ""), str(device.get("os") or "")
    kinds = {
        ("desktop", "windows"): _("Windows computer"),
        ("desktop", "macos"): _("Mac computer"),
        ("desktop", "linux"): _("Linux computer"),
        ("desktop", "chromeos"): "Chromebook",
        ("phone", "ios"): "iPhone",
        ("tablet", "ipados"): "iPad",
        ("tablet", "ios"): "iPad",
        ("phone", "android"): _("Android phone"),
        ("tablet", "android"): _("Android tablet"),
    }
    forms = {"desktop": _("Computer"), "phone": _("Phone"), "tablet": _("Tablet")}
    # What the customer said on the device page, when detection could not tell.
    choices = {"computer": _("Computer"), "iphone-ipad": _("iPhone or iPad"),
               "android": _("Android phone or tablet")}
    kind = (kinds.get((form, system)) or forms.get(form)
            or choices.get(device.get("choice") or "") or _("Unknown device"))
    browser = device.get("browser")
    if not browser:
        return kind
    return f"{kind}, {BROWSER_NAMES.get(browser) or _('other web browser')}"


def check_label(name: str) -> str:
    """A check's name in words."""
    return {
        "camera": _("Camera"),
        "microphone": _("Microphone"),
        "speaker": _("Speakers"),
        "connection": _("Connection"),
        "browser": _("Web browser"),
    }.get(name, _("Other check"))


def result_text(name: str, status: str) -> str:
    """A check's result in a few words, e.g. "Not heard"."""
    special = {
        ("camera", "warning"): _("Poor picture"),
        ("microphone", "warning"): _("Too quiet"),
        ("connection", "warning"): _("May be slow"),
        ("speaker", "unsupported"): _("Test sound not played"),
    }
    words = {
        "ok": _("OK"),
        "warning": _("Warning"),
        "blocked": _("Blocked"),
        "os-blocked": _("Blocked by the device's settings"),
        "in-use": _("In use by another app"),
        "not-found": _("Not found"),
        "failed": _("Failed"),
        "insecure": _("Page not secure"),
        "skipped": _("Not checked"),
        "unsupported": _("Not supported"),
        "not-heard": _("Not heard"),
        "poor": _("Too slow"),
        "offline": _("Offline"),
    }
    return special.get((name, status)) or words.get(status) or _("Unknown result")


def media_text(verdict: str | None) -> str | None:
    """The media round trip's verdict (the Report schema's connection.media.verdict) in a few
    words for staff; None when it did not run."""
    if not verdict:
        return None
    return {
        "good": _("Test video: good"),
        "may-stutter": _("Test video: may stutter"),
        "poor": _("Test video: poor"),
        "udp-blocked": _("Test video: UDP blocked, TCP only"),
        "unreachable": _("Test video: relay not reached"),
        "not-tested": _("Test video: network not tested"),
        "failed": _("Test video: failed"),
        "unsupported": _("Test video: not possible in this browser"),
    }.get(verdict, _("Test video: unknown result"))


def _media_verdict(checks: Mapping[str, Any]) -> str | None:
    """The round trip's verdict from a report's checks ({"connection": {"media": {...}}}) or
    an invite's latest checks ({"media": "good"})."""
    latest = checks.get("media")
    if isinstance(latest, str):
        return latest
    connection = checks.get("connection")
    media = connection.get("media") if isinstance(connection, Mapping) else None
    verdict = media.get("verdict") if isinstance(media, Mapping) else None
    return verdict if isinstance(verdict, str) else None


def result_mark(name: str, status: str, problems: Collection[str]) -> str:
    """A key of SYMBOLS for a check's result, as its report ranks it.

    What is a problem and what only a warning is decided once, by readiness.mjs (and its
    server mirror app/readiness.py), into the report's problems and warnings ("camera-blocked").
    A result listed among the problems is one; any other result but "ok" and "skipped" is
    marked a warning, listed as one or not counted at all on its path (the browser's own
    check on the app path, every check in the wrong place, where "wrong-place" is the problem).
    """
    if status == "ok":
        return "ok"
    if status == "skipped":
        return "not-checked"
    return "problem" if f"{name}-{status}" in problems else "warning"


def check_results(checks: Mapping[str, Any] | None, *, problems: Collection[str],
                  names: Iterable[str] = CHECK_NAMES) -> list[dict[str, str]]:
    """Each named check's result as the staff see it; empty before any readiness report.

    checks maps a check's name to its status ({"camera": "ok"}) or to its reported object
    ({"camera": {"status": "ok", ...}}); a check missing from a report was not checked.
    problems are the report's own problem keys, which mark a result ✗ (see result_mark).
    The connection's result carries the media round trip's verdict as its detail.
    """
    if not checks:
        return []
    results = []
    for name in names:
        value = checks.get(name)
        status = str(value.get("status") if isinstance(value, Mapping) else value or "skipped")
        mark = result_mark(name, status, problems)
        detail = media_text(_media_verdict(checks)) if name == "connection" else None
        results.append({"name": name, "label": check_label(name), "mark": mark,
                        "symbol": SYMBOLS[mark], "text": result_text(name, status),
                        "detail": detail or ""})
    return results


def latest_check_results(checks: Mapping[str, str] | None,
                         path: str | None) -> list[dict[str, str]]:
    """An invite's latest checks (its latest_checks and latest_path) as the staff see them.

    The invite keeps the statuses of its latest readiness report, not its lists: the problems
    are that report's as the server decided them when it stored the report's summary
    (app/readiness.py, the mirror of readiness.mjs), so the marks and the status agree.
    """
    if not checks:
        return []
    return check_results(checks, problems=readiness_of(checks, path or "").problems)


def issue_text(key: str) -> str:
    """A readiness report's warning or problem key ("speaker-not-heard") in words."""
    if key == "wrong-place":
        return _("Opened inside another app")
    name, _separator, status = key.partition("-")
    if name in HISTORY_CHECK_NAMES and status:
        return f"{check_label(name)}: {result_text(name, status)}"
    return _("Other issue")


def step_text(step: str) -> str:
    """A wizard step's name (app/steps.py) in the staff's words."""
    return {
        "device": _("Choosing the device"),
        "browser": _("Web browser"),
        "install": _("The Teams app"),
        "checks": _("Camera, microphone, speakers and connection"),
        "join_computer": _("How to join"),
        "join_phone": _("How to join"),
        "privacy": _("Privacy and safety"),
        # Reaching the last page says nothing about the devices: the checks' result does.
        "ready": _("The last page"),
    }.get(step, _("Other step"))


def report_kind_text(kind: str, body: Mapping[str, Any]) -> str:
    """What kind of report this is, in words; a no-video report says which way it went."""
    if kind == "no-video":
        return _("Prefers phone") if body.get("value") else _("Chose video after all")
    return {
        "readiness": _("Device checks"),
        "step": _("Step reached"),
        "help": _("Asked to be called"),
    }.get(kind, _("Other report"))
