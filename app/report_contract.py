"""Is this readiness report acceptable? The `Report` schema in app/api/openapi.json decides.

That schema is the only description of a report: the browser's code is tested against it
(tests/js/report-contract.test.mjs), and the server checks every report against it here, the
ones the browser posts and the ones the wizard makes itself. Every object in it refuses keys it
does not know, and free text is limited to short lowercase words, so that no device label, name
or other personal data can ride along in a report.

fastjsonschema compiles each kind's schema to Python once; a refusal names the field that is
wrong (a dotted path) and says why in words of our own, without echoing the value back.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import fastjsonschema

OPENAPI_FILE = Path(__file__).resolve().parent / "api" / "openapi.json"
_DOCUMENT: dict[str, Any] = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
SCHEMAS: dict[str, Any] = _DOCUMENT["components"]["schemas"]


def _resolved(schema: dict[str, Any]) -> dict[str, Any]:
    """A schema with its (local) $ref followed."""
    while "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _enum(schema: dict[str, Any]) -> tuple[Any, ...]:
    """A schema's allowed values, without null."""
    return tuple(value for value in _resolved(schema)["enum"] if value is not None)


# The kind decides the rest of the report: OpenAPI's discriminator names each kind's schema.
_KIND_SCHEMAS: dict[str, str] = {
    kind: reference.rsplit("/", 1)[-1]
    for kind, reference in SCHEMAS["Report"]["discriminator"]["mapping"].items()}
_READINESS = SCHEMAS["Readiness"]["properties"]

# The schema's words, for the code that produces and shows reports (and for its tests).
VERSION: int = SCHEMAS["Readiness"]["properties"]["version"]["const"]
KINDS = tuple(_KIND_SCHEMAS)
PATHS = _enum(_READINESS["path"])
SUMMARIES = _enum(_READINESS["summary"])
STEP_NAMES = _enum(SCHEMAS["StepReport"]["properties"]["step"])
DEVICE_CHOICES = _enum(_READINESS["device"]["properties"]["choice"])
# Each check's statuses, in the schema's order: {"camera": ("ok", "warning", ...), ...}.
CHECK_STATUSES: dict[str, tuple[str, ...]] = {
    name: _enum(_resolved(check)["properties"]["status"])
    for name, check in _READINESS["checks"]["properties"].items()}
MEDIA_STATUSES = CHECK_STATUSES["camera"]

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# RFC 3339's date-time, which JSON Schema's "date-time" format means.
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def _is_uuid(value: str) -> bool:
    """A UUID in its usual 36-character form, any case."""
    return _UUID.fullmatch(value) is not None


def _is_moment(value: str) -> bool:
    """An RFC 3339 date and time that is a moment of years 1 to 9999 in UTC too (the server
    orders and stores reports in UTC)."""
    if not _DATE_TIME.fullmatch(value):
        return False
    try:
        # 9999-12-31T23:59:59-01:00 is a date Python reads but cannot turn into UTC.
        datetime.fromisoformat(value.upper()).astimezone(UTC)
    except (ValueError, OverflowError):
        return False
    return True


_FORMATS = {"uuid": _is_uuid, "date-time": _is_moment}
_FORMAT_WORDS = {
    "uuid": "must be a UUID such as 0b7e4f5c-2f1e-4c7a-9b1d-3f0e6a9c2d41",
    "date-time": "must be an ISO 8601 date and time with a time zone, "
                 "e.g. 2026-12-03T12:00:00.000Z",
}
_TYPE_WORDS = {"object": "an object", "array": "a list", "boolean": "true or false",
               "integer": "a whole number", "string": "text", "null": "null"}

_VALIDATORS = {
    kind: fastjsonschema.compile(
        {"$ref": f"#/components/schemas/{name}", "components": _DOCUMENT["components"]},
        formats=_FORMATS)
    for kind, name in _KIND_SCHEMAS.items()}


class ReportError(ValueError):
    """A report that is not acceptable: which field (dotted path) and why."""

    def __init__(self, field: str, message: str) -> None:
        """Keep the field apart from the message, for the JSON answer."""
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _listed(values: Any) -> str:
    """Allowed values as a developer reads them: "ok, warning, null"."""
    return ", ".join("null" if item is None else str(item) for item in values)


def _refusal(error: fastjsonschema.JsonSchemaValueException) -> ReportError:
    """The ReportError for the first rule the report broke, naming the field."""
    field = (error.name or "data").removeprefix("data").removeprefix(".")
    rule, definition, value = error.rule, error.definition or {}, error.value

    def child(key: str) -> str:
        """The dotted path of a key of this field."""
        return f"{field}.{key}" if field else key

    if rule == "additionalProperties" and isinstance(value, dict):
        known = definition.get("properties", {})
        extra = next(key for key in value if key not in known)
        return ReportError(child(str(extra)), "is not a field this report can have")
    if rule == "required" and isinstance(value, dict):
        missing = next(key for key in definition["required"] if key not in value)
        return ReportError(child(missing), "is missing")
    if rule == "enum":
        return ReportError(field, f"must be one of: {_listed(definition['enum'])}")
    if rule == "const":
        return ReportError(field, f"must be {definition['const']}")
    if rule == "type":
        wanted = definition["type"]
        words = [_TYPE_WORDS.get(name) or str(name) for name in
                 (wanted if isinstance(wanted, list) else [wanted])]
        return ReportError(field, "must be " + " or ".join(words))
    if rule == "minimum":
        return ReportError(field, f"must be {definition['minimum']} or more")
    if rule == "maxItems":
        return ReportError(field, f"must have at most {definition['maxItems']} items")
    if rule == "maxLength":
        return ReportError(field, f"must be at most {definition['maxLength']} characters")
    if rule == "pattern":
        return ReportError(field, f"must match {definition['pattern']}")
    if rule == "format":
        return ReportError(field, _FORMAT_WORDS.get(definition["format"], "has a wrong format"))
    return ReportError(field, f"breaks the schema's {rule} rule")


def _whole_numbers(value: Any) -> Any:
    """value with whole floats as ints: JSON does not tell 3 from 3.0, and JSON Schema calls
    both integers (every number in a report is one), so the stored report keeps them whole."""
    if isinstance(value, dict):
        return {key: _whole_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(item) for item in value]
    if isinstance(value, float):
        return int(value)
    return value


def validate_report(data: Any) -> dict[str, Any]:
    """The report, checked against the schema and normalised (lowercase id, whole numbers as
    ints); ReportError names what is wrong."""
    if not isinstance(data, dict):
        raise ReportError("", "the report must be a JSON object")
    # The kind decides the other fields, so it is checked first.
    if "kind" not in data:
        raise ReportError("kind", "is missing")
    kind = data["kind"]
    if not isinstance(kind, str) or kind not in _VALIDATORS:
        raise ReportError("kind", f"must be one of: {_listed(KINDS)}")
    try:
        _VALIDATORS[kind](data)
    except fastjsonschema.JsonSchemaValueException as error:
        raise _refusal(error) from None
    report: dict[str, Any] = _whole_numbers(data)
    report["id"] = report["id"].lower()
    return report
