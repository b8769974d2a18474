"""Where is this customer? An invite's status on the dashboard, from its stored columns."""

from __future__ import annotations

from typing import Any

# Most urgent first: a call the staff must make outranks how ready the devices are.
STATUSES = ("prefers-phone", "needs-help", "not-ready", "ready-with-warnings", "ready",
            "in-progress", "not-opened")
_SUMMARIES = {"ready", "ready-with-warnings", "not-ready"}


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
