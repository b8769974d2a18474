"""What happened at an appointment, and the words the anonymous counters are kept in.

Staff record one of OUTCOMES on an invite after its time. When the purge deletes the invite,
each of DIMENSIONS gets one coarse value from it and insight_counts (app/tables.py) adds one
to (month, dimension, value, outcome): counters of one dimension at a time, never a row per
person or a combination of dimensions. Pure: no Flask.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, insert, select, update

from app.report_contract import CHECK_STATUSES, PATHS, SUMMARIES
from app.tables import insight_counts, invites

# The outcomes staff choose from, in the order the dashboard offers them.
OUTCOMES = (
    "video",             # joined by video without help
    "video-after-help",  # joined by video after help
    "phone",             # switched to a phone call
    "no-show",           # did not attend
    "no-video",          # the customer chose no video
)

# The outcome counted for an invite purged before anyone recorded one.
NO_OUTCOME = "none"

# What the counters split by. "all" has the one value "all" (the month's total); the rest take
# coarse values only: a device kind, an OS or browser family (never a version), a path, each
# check's final status, the readiness summary, yes/no for help asked and the wizard used.
DIMENSIONS = (
    "all",
    "used-wizard",
    "device-kind",
    "os-family",
    "browser-family",
    "path",
    "camera",
    "microphone",
    "speaker",
    "connection",
    "summary",
    "asked-help",
)

# The values each dimension takes; anything else, or nothing known, counts as "unknown".
# device-kind, os-family and browser-family are the report's device.form/os/browser as
# app/device.py names them; path and summary the report contract's enums; camera, microphone,
# speaker and connection are the final status of that check (report_contract.CHECK_STATUSES),
# "not-run" when the latest report had none. Help asked and the wizard used are yes or no.
UNKNOWN = "unknown"
DEVICE_KINDS = ("desktop", "phone", "tablet", "other")
OS_FAMILIES = ("windows", "macos", "linux", "chromeos", "ios", "ipados", "android", "other")
BROWSER_FAMILIES = ("chrome", "edge", "firefox", "safari", "samsung-internet", "opera", "ie",
                    "yandex", "brave", "chromium", "other")
YES_NO = ("yes", "no")
NOT_RUN = "not-run"

# A cell counting fewer customers than this is shown as "fewer than 5", never as its number.
SMALLEST_SHOWN = 5

# The checks whose final status is a dimension of its own.
CHECK_DIMENSIONS = ("camera", "microphone", "speaker", "connection")

# The invite's columns the counting reads: never the reference, token, times beyond the month.
COUNTED_COLUMNS = ("appointment_at", "timezone", "opened_at", "latest_device", "latest_path",
                   "latest_checks", "latest_summary", "needs_help", "outcome")

# A counter's key: (month "YYYY-MM", dimension, value, outcome).
CountKey = tuple[str, str, str, str]


class OutcomeTooEarly(ValueError):
    """The appointment has not begun: nothing has happened yet to record."""


def is_outcome(value: str) -> bool:
    """Whether value is one of OUTCOMES."""
    return value in OUTCOMES


def can_record(appointment_at: datetime, now: datetime) -> bool:
    """An outcome can be recorded from the appointment's time on (until the purge)."""
    return appointment_at <= now


def record_outcome(connection: Connection, invite_id: int, outcome: str, *, staff_id: int | None,
                   now: datetime) -> bool:
    """Record (or change) what happened at an invite's appointment; False when no such invite.

    ValueError for an outcome not in OUTCOMES, OutcomeTooEarly before the appointment's time.
    The caller checks retention (invites.invite_by_id) and audits.
    """
    if not is_outcome(outcome):
        raise ValueError(f"unknown outcome {outcome!r}")
    appointment_at = connection.execute(
        select(invites.c.appointment_at).where(invites.c.id == invite_id)).scalar_one_or_none()
    if appointment_at is None:
        return False
    if not can_record(appointment_at, now):
        raise OutcomeTooEarly("the appointment has not begun yet")
    connection.execute(update(invites).where(invites.c.id == invite_id)
                       .values(outcome=outcome, outcome_at=now, outcome_by=staff_id))
    return True


def month_of(appointment_at: datetime, zone: str | None) -> str:
    """The appointment's month, "YYYY-MM", in the invite's own time zone (UTC if unknown).

    The invite's zone is where the appointment was booked, so an appointment at 00:30 on
    1 March in Helsinki counts in March, as staff and customer knew it.
    """
    try:
        local = appointment_at.astimezone(ZoneInfo(zone or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        local = appointment_at.astimezone(UTC)
    return f"{local.year:04d}-{local.month:02d}"


def _word(value: Any, allowed: Iterable[str]) -> str:
    """value when it is one of allowed, UNKNOWN otherwise (nothing, a version, a typo)."""
    return value if isinstance(value, str) and value in allowed else UNKNOWN


def _check_status(checks: Any, name: str) -> str:
    """A check's final status, NOT_RUN when the latest report (or none at all) had none."""
    status = checks.get(name) if isinstance(checks, Mapping) else None
    if status is None:
        return NOT_RUN
    return _word(status, CHECK_STATUSES[name])


def dimension_values(invite: Mapping[Any, Any]) -> dict[str, str]:
    """One coarse value for each of DIMENSIONS from an invite's row (a mapping of columns).

    Only the columns that already sum up the reports are read: device words, path, check
    statuses, summary, whether help was asked and whether the link was opened. Anything not in
    the vocabulary counts as UNKNOWN, so no free text or version reaches the counters.
    """
    device = invite.get("latest_device")
    device = device if isinstance(device, Mapping) else {}
    checks = invite.get("latest_checks")
    values = {
        "all": "all",
        "used-wizard": "yes" if invite.get("opened_at") is not None else "no",
        "device-kind": _word(device.get("form"), DEVICE_KINDS),
        "os-family": _word(device.get("os"), OS_FAMILIES),
        "browser-family": _word(device.get("browser"), BROWSER_FAMILIES),
        "path": _word(invite.get("latest_path"), PATHS),
        "summary": _word(invite.get("latest_summary"), SUMMARIES),
        "asked-help": "yes" if invite.get("needs_help") else "no",
    }
    for name in CHECK_DIMENSIONS:
        values[name] = _check_status(checks, name)
    return {dimension: values[dimension] for dimension in DIMENSIONS}


def counts_of(rows: Iterable[Mapping[Any, Any]]) -> Counter[CountKey]:
    """What purging these invite rows adds to the counters: one per dimension per invite."""
    counts: Counter[CountKey] = Counter()
    for invite in rows:
        month = month_of(invite["appointment_at"], invite.get("timezone"))
        outcome = _word(invite.get("outcome"), OUTCOMES)
        outcome = NO_OUTCOME if outcome == UNKNOWN else outcome
        for dimension, value in dimension_values(invite).items():
            counts[(month, dimension, value, outcome)] += 1
    return counts


def add_counts(connection: Connection, counts: Mapping[CountKey, int]) -> None:
    """Add counts to insight_counts, in the caller's transaction.

    Read, then update or insert: portable to SQLite and PostgreSQL. Two purges at once are
    kept apart by housekeeping's claim (one daily run); should two still race, the second
    insert of a key fails its primary key and that whole purge rolls back, deleting nothing.
    """
    if not counts:
        return
    months = sorted({key[0] for key in counts})
    existing = {
        (row["month"], row["dimension"], row["value"], row["outcome"]): row["count"]
        for row in connection.execute(
            select(insight_counts).where(insight_counts.c.month.in_(months))).mappings()}
    new_rows = []
    for key, count in sorted(counts.items()):
        if count <= 0:
            continue
        month, dimension, value, outcome = key
        if key in existing:
            connection.execute(
                update(insight_counts)
                .where(insight_counts.c.month == month, insight_counts.c.dimension == dimension,
                       insight_counts.c.value == value, insight_counts.c.outcome == outcome)
                .values(count=insight_counts.c.count + count))
        else:
            new_rows.append({"month": month, "dimension": dimension, "value": value,
                             "outcome": outcome, "count": count})
    if new_rows:
        connection.execute(insert(insight_counts), new_rows)


def all_counts(connection: Connection) -> dict[CountKey, int]:
    """Every counter, for tests and the insights page: {(month, dimension, value, outcome): n}."""
    return {(row["month"], row["dimension"], row["value"], row["outcome"]): row["count"]
            for row in connection.execute(select(insight_counts)).mappings()}
