"""Is this readiness report acceptable? Validation by hand, naming the field that is wrong.

The rules follow the `Report` schema in app/api/openapi.json. Every object refuses keys it does
not know, and free text is limited to short lowercase words, so that no device label, name or
other personal data can ride along in a report.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from typing import Any

from app.steps import STEPS

VERSION = 1
KINDS = ("readiness", "step", "help", "no-video")
PATHS = ("web", "app", "open-in-browser", "none")
# As app/readiness.py decides them; the server stores its own summary of the checks.
SUMMARIES = ("ready", "ready-with-warnings", "not-checked", "not-ready")
STEP_NAMES = tuple(sorted({step for steps in STEPS.values() for step in steps}))
MEDIA_STATUSES = ("ok", "warning", "blocked", "os-blocked", "in-use", "not-found", "failed",
                  "insecure", "skipped", "unsupported")
DEVICE_CHOICES = ("computer", "iphone-ipad", "android", "other")
# The same shape readiness.mjs allows for device words ("android", "4g"): no room for a name.
_WORD = re.compile(r"[a-z0-9-]{1,20}")
# Warning and problem keys are "<check>-<status>" or "wrong-place".
_KEY = re.compile(r"[a-z-]{1,40}")
MAX_KEYS = 20

Validator = Callable[[Any, str], Any]


class ReportError(ValueError):
    """A report that is not acceptable: which field (dotted path) and why."""

    def __init__(self, field: str, message: str) -> None:
        """Keep the field apart from the message, for the JSON answer."""
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _enum(allowed: Collection[Any]) -> Validator:
    """A value that must be one of allowed."""
    def check(value: Any, field: str) -> Any:
        """Refuse anything else, listing what is allowed."""
        # bool is an int in Python; True must not pass for 1.
        if isinstance(value, bool) or value not in allowed:
            shown = ", ".join("null" if item is None else str(item) for item in allowed)
            raise ReportError(field, f"must be one of: {shown}")
        return value
    return check


def _boolean(value: Any, field: str) -> bool:
    """true or false."""
    if not isinstance(value, bool):
        raise ReportError(field, "must be true or false")
    return value


def _count(nullable: bool) -> Validator:
    """A whole number ≥ 0 (or null when nullable)."""
    def check(value: Any, field: str) -> int | None:
        """Refuse fractions, negatives, text and booleans."""
        if value is None and nullable:
            return None
        # JSON does not tell 3 from 3.0 (JSON Schema calls both integers); keep it whole.
        if isinstance(value, float) and value.is_integer() and abs(value) <= 2**53:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ReportError(field, "must be a whole number, 0 or more"
                              + (", or null" if nullable else ""))
        return value
    return check


def _word(value: Any, field: str) -> str | None:
    """null or a short lowercase word such as "android" or "4g"."""
    if value is None:
        return None
    if not isinstance(value, str) or not _WORD.fullmatch(value):
        raise ReportError(field, "must be null or a short lowercase word (a-z, 0-9, -)")
    return value


def _keys(value: Any, field: str) -> list[str]:
    """A list of at most 20 warning or problem keys."""
    if not isinstance(value, list):
        raise ReportError(field, "must be a list")
    if len(value) > MAX_KEYS:
        raise ReportError(field, f"must have at most {MAX_KEYS} items")
    for index, item in enumerate(value):
        if not isinstance(item, str) or not _KEY.fullmatch(item):
            raise ReportError(f"{field}[{index}]", "must be a key such as camera-blocked")
    return list(value)


def _object(fields: dict[str, Validator], required: Collection[str] = ()) -> Validator:
    """An object with only these fields, the required ones present."""
    def check(value: Any, field: str) -> dict[str, Any]:
        """Check each field in turn; the first wrong one is reported."""
        if not isinstance(value, dict):
            raise ReportError(field, "must be an object")
        return _fields(value, fields, required, field)
    return check


def _fields(value: dict[str, Any], fields: dict[str, Validator], required: Collection[str],
            prefix: str) -> dict[str, Any]:
    """The checked copy of value's fields; unknown or missing ones raise ReportError."""
    def name(key: str) -> str:
        """The dotted path of a key."""
        return f"{prefix}.{key}" if prefix else key

    for key in value:
        if key not in fields:
            raise ReportError(name(key), "is not a field this report can have")
    for key in required:
        if key not in value:
            raise ReportError(name(key), "is missing")
    return {key: fields[key](item, name(key)) for key, item in value.items()}


def _media_check() -> Validator:
    """A camera or microphone result."""
    return _object({"status": _enum(MEDIA_STATUSES),
                    "detail": _enum(("dark", "bright", "black", "frozen", None)),
                    "devices": _count(nullable=True)}, required=("status",))


_CHECKS = _object({
    "camera": _media_check(),
    "microphone": _media_check(),
    "speaker": _object({"status": _enum(("ok", "not-heard", "skipped", "unsupported")),
                        "output_selectable": _boolean}, required=("status",)),
    "connection": _object({
        "status": _enum(("ok", "warning", "poor", "offline", "skipped")),
        "rtt_ms": _count(nullable=True),
        "jitter_ms": _count(nullable=True),
        "down_kbps": _count(nullable=True),
        "up_kbps": _count(nullable=True),
        "udp": _enum(("ok", "blocked", "not-checked")),
        "save_data": _boolean,
        "type": _word,
    }, required=("status",)),
    "browser": _object({"status": _enum(("ok", "warning", "unsupported")),
                        "secure_context": _boolean,
                        "get_user_media": _boolean,
                        "webrtc": _boolean}, required=("status",)),
})

_DEVICE = _object({"form": _word, "os": _word, "browser": _word,
                   "major": _count(nullable=True), "choice": _enum((*DEVICE_CHOICES, None))})


def _version(value: Any, field: str) -> int:
    """Only version 1 exists."""
    if isinstance(value, bool) or value != VERSION:
        raise ReportError(field, f"must be {VERSION}")
    return VERSION


def _report_id(value: Any, field: str) -> str:
    """A UUID made by the browser, in its usual 36-character form, lowercased."""
    try:
        if not isinstance(value, str) or len(value) != 36:
            raise ValueError
        return str(uuid.UUID(value))
    except ValueError:
        raise ReportError(field, "must be a UUID such as "
                                 "0b7e4f5c-2f1e-4c7a-9b1d-3f0e6a9c2d41") from None


def _moment(value: Any, field: str) -> str:
    """An ISO 8601 date and time with a time zone, e.g. 2026-12-03T12:00:00.000Z, that is a
    moment of years 1 to 9999 in UTC too (the server orders and stores reports in UTC)."""
    try:
        if not isinstance(value, str) or len(value) > 40:
            raise ValueError
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError
        # 9999-12-31T23:59:59-01:00 is a date Python reads but cannot turn into UTC.
        moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise ReportError(field, "must be an ISO 8601 date and time with a time zone, "
                                 "e.g. 2026-12-03T12:00:00.000Z") from None
    return value


_COMMON: dict[str, Validator] = {
    "version": _version,
    "id": _report_id,
    "kind": _enum(KINDS),
    "created_at": _moment,
}
_COMMON_REQUIRED = ("version", "id", "kind", "created_at")

# Per kind: the fields it adds to the common ones, and which of those are required.
_KIND_FIELDS: dict[str, tuple[dict[str, Validator], tuple[str, ...]]] = {
    "readiness": ({"path": _enum(PATHS), "device": _DEVICE, "checks": _CHECKS,
                   "summary": _enum(SUMMARIES), "warnings": _keys, "problems": _keys},
                  ("path", "device", "checks", "summary", "warnings", "problems")),
    "step": ({"step": _enum(STEP_NAMES), "path": _enum(PATHS)}, ("step", "path")),
    "help": ({}, ()),
    "no-video": ({"value": _boolean}, ("value",)),
}


def validate_report(data: Any) -> dict[str, Any]:
    """The report, checked and normalised (lowercase id); ReportError names what is wrong."""
    if not isinstance(data, dict):
        raise ReportError("", "the report must be a JSON object")
    # The kind decides the other fields, so it is checked first.
    if "kind" not in data:
        raise ReportError("kind", "is missing")
    kind = _COMMON["kind"](data["kind"], "kind")
    extra, extra_required = _KIND_FIELDS[kind]
    return _fields(data, {**_COMMON, **extra}, (*_COMMON_REQUIRED, *extra_required), "")
