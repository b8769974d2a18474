"""The Report schema in app/api/openapi.json is the one description of a report (issue 15).

tests/test_reports_api.py holds the validation's behaviour field by field; here: the code's
words are the schema's, and what the schema library adds over the hand-written checks.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from app import readiness, report_contract, steps
from app.report_contract import (
    CHECK_STATUSES,
    DEVICE_CHOICES,
    OPENAPI_FILE,
    STEP_NAMES,
    ReportError,
    validate_report,
)
from tests.support.reports import readiness as readiness_report
from tests.support.reports import readiness_with

SCHEMAS = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))["components"]["schemas"]


def test_the_words_are_read_from_the_schema() -> None:
    """Kinds, statuses and steps come out of openapi.json, not out of a copy."""
    assert report_contract.KINDS == ("readiness", "step", "help", "no-video")
    assert tuple(SCHEMAS["StepReport"]["properties"]["step"]["enum"]) == STEP_NAMES
    for name, check in SCHEMAS["Readiness"]["properties"]["checks"]["properties"].items():
        described = SCHEMAS[check["$ref"].rsplit("/", 1)[-1]] if "$ref" in check else check
        assert CHECK_STATUSES[name] == tuple(described["properties"]["status"]["enum"])
    assert tuple(CHECK_STATUSES) == readiness.CHECK_ORDER


def test_the_wizard_agrees_with_the_schema() -> None:
    """app/steps.py's own lists (the wizard's pages, the device page's choices, in order) are
    the ones a report may carry."""
    assert DEVICE_CHOICES == steps.DEVICE_CHOICES
    assert set(STEP_NAMES) == {step for path in steps.STEPS.values() for step in path}


def test_the_server_summary_uses_the_schemas_statuses() -> None:
    """app/readiness.py, the server's mirror of readiness.mjs, knows exactly the statuses."""
    assert readiness.STATUSES == CHECK_STATUSES
    assert readiness.SUMMARIES == report_contract.SUMMARIES


@pytest.mark.parametrize(("field", "value"), [
    # A pattern's $ would let a trailing newline through in Python's re.search.
    ("device.form", "android\n"), ("checks.connection.type", "wifi\n"),
    ("warnings", ["camera-blocked\n"]),
    # RFC 3339, as JSON Schema's date-time means, and no longer than the schema's 40 characters.
    ("created_at", "2026-12-01 09:00:00+00:00"), ("created_at", "2026-12-01T09:00:00+02"),
    ("created_at", "2026-12-01T09:00:00." + "0" * 30 + "Z"),
    # Exactly the 36-character form; hyphens elsewhere are not a UUID.
    ("id", "0b7e4f5c2f1e4c7a9b1d3f0e6a9c2d41----"),
])
def test_the_schema_is_kept_to_the_letter(field: str, value: Any) -> None:
    """What the schema says is what the server holds reports to."""
    with pytest.raises(ReportError) as caught:
        validate_report(readiness_with(field, value))
    assert caught.value.field.split("[")[0] == field


def test_a_refusal_does_not_repeat_the_value() -> None:
    """A device label sent by mistake is not echoed into the answer (or a log line)."""
    for field in ("device.form", "checks.camera.status", "device.label"):
        with pytest.raises(ReportError) as caught:
            validate_report(readiness_with(field, "FaceTime HD Camera"))
        assert "FaceTime" not in str(caught.value)


def test_rfc_3339_in_either_case_is_a_moment() -> None:
    """Lowercase t and z are RFC 3339 too."""
    assert validate_report(readiness_with("created_at", "2026-12-01t09:00:00z"))


def test_the_validated_report_is_a_copy() -> None:
    """Normalising (id, whole numbers) leaves the caller's report as it was."""
    report = readiness_report()
    report["id"] = report["id"].upper()
    validate_report(report)
    assert report["id"].isupper()
