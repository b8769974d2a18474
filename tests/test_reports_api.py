"""POST /api/v1/invites/<token>/reports: validation naming the field, limits, idempotency."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app import db, invites
from app.api.views import MAX_REPORT_BYTES
from app.report_contract import STEP_NAMES, ReportError, validate_report
from app.steps import STEPS
from tests.support.reports import REPORT_ID, readiness, readiness_with

ROOT = Path(__file__).resolve().parent.parent
@pytest.fixture
def token(app: Flask) -> str:
    """A personal link's token for an appointment in two days."""
    with app.extensions["valmis.db"].begin() as connection:
        _invite_id, plain = invites.create_invite(
            connection, appointment_at=datetime.now(UTC) + timedelta(days=2), language="fi")
    return plain


def post(client: FlaskClient, token: str, body: Any) -> Any:
    """POST body as JSON to the token's reports."""
    return client.post(f"/api/v1/invites/{token}/reports", json=body)


def invite_row(app: Flask) -> Any:
    """The only invite's row."""
    with app.extensions["valmis.db"].connect() as connection:
        return connection.execute(select(db.invites)).one()


def test_every_valid_kind_is_accepted() -> None:
    """readiness, step, help and no-video, each in its own shape."""
    common = {"version": 1, "id": REPORT_ID, "created_at": "2026-12-01T11:00:00+02:00"}
    assert validate_report(readiness()) == readiness()
    assert validate_report({**common, "kind": "step", "step": "checks", "path": "app"})
    assert validate_report({**common, "kind": "help"})
    assert validate_report({**common, "kind": "no-video", "value": False})["value"] is False


def test_steps_are_the_wizards() -> None:
    """A step report names one of the wizard's own steps."""
    assert set(STEP_NAMES) == {step for steps in STEPS.values() for step in steps}


def test_the_id_is_lowercased() -> None:
    """One report id, however the browser cased it, so a resend is recognised."""
    assert validate_report({**readiness(), "id": REPORT_ID.upper()})["id"] == REPORT_ID


# Each wrong value, and the field the answer must name.
WRONG = [
    ("version", 2), ("version", True), ("version", "1"), ("id", "not-a-uuid"), ("id", 7),
    ("id", "0b7e4f5c2f1e4c7a9b1d3f0e6a9c2d41"), ("kind", "other"), ("kind", None),
    ("created_at", "yesterday"), ("created_at", "2026-12-01T09:00:00"), ("created_at", 1),
    # Real dates whose offset carries them past year 9999 or before year 1 in UTC.
    ("created_at", "9999-12-31T23:59:59-01:00"), ("created_at", "0001-01-01T00:00:00+01:00"),
    ("path", "desktop"), ("device", []), ("device.form", "Desktop PC"),
    ("device.os", "x" * 21), ("device.browser", 5), ("device.major", -1),
    ("device.major", 1.5), ("device.choice", "tv"), ("checks", None),
    ("checks.camera", "ok"), ("checks.camera.status", "great"), ("checks.camera.status", ...),
    ("checks.camera.detail", "blurry"), ("checks.camera.devices", "1"),
    ("checks.microphone.status", "loud"), ("checks.microphone.devices", True),
    ("checks.speaker.status", "yes"), ("checks.speaker.output_selectable", "true"),
    ("checks.connection.status", "fast"), ("checks.connection.rtt_ms", -5),
    ("checks.connection.down_kbps", 12.5), ("checks.connection.udp", "open"),
    ("checks.connection.save_data", 0), ("checks.connection.type", "Home WiFi"),
    ("checks.browser.status", "good"), ("checks.browser.webrtc", None),
    ("summary", "ok"), ("summary", ...), ("warnings", "camera-warning"),
    ("warnings", ["x"] * 21), ("problems", [1]), ("problems", ["Camera blocked!"]),
]


@pytest.mark.parametrize(("field", "value"), WRONG)
def test_a_wrong_field_is_named(field: str, value: Any) -> None:
    """The error names the field that is wrong (or its item, for lists)."""
    with pytest.raises(ReportError) as caught:
        validate_report(readiness_with(field, value))
    assert caught.value.field.split("[")[0] == field
    assert caught.value.message


@pytest.mark.parametrize("field", [
    "label", "device.label", "device.model", "checks.camera.label", "checks.camera.deviceId",
    "checks.gps", "checks.connection.ip", "checks.speaker.name",
])
def test_unknown_keys_are_refused(field: str) -> None:
    """No key outside the schema, at any depth: that is how a label could sneak in."""
    with pytest.raises(ReportError) as caught:
        validate_report(readiness_with(field, "FaceTime HD Camera"))
    assert caught.value.field == field
    assert "not a field" in caught.value.message


@pytest.mark.parametrize(("body", "field"), [
    ({"version": 1, "id": REPORT_ID, "kind": "step", "created_at": "2026-12-01T09:00:00Z",
      "step": "elsewhere", "path": "web"}, "step"),
    ({"version": 1, "id": REPORT_ID, "kind": "step", "created_at": "2026-12-01T09:00:00Z",
      "step": "device"}, "path"),
    ({"version": 1, "id": REPORT_ID, "kind": "help", "created_at": "2026-12-01T09:00:00Z",
      "summary": "ready"}, "summary"),
    ({"version": 1, "id": REPORT_ID, "kind": "no-video", "created_at": "2026-12-01T09:00:00Z"},
     "value"),
    ({"version": 1, "id": REPORT_ID, "kind": "no-video", "created_at": "2026-12-01T09:00:00Z",
      "value": "yes"}, "value"),
    ({"version": 1, "id": REPORT_ID, "created_at": "2026-12-01T09:00:00Z"}, "kind"),
    ({"version": 1, "kind": "help", "created_at": "2026-12-01T09:00:00Z"}, "id"),
    ([1, 2], ""),
])
def test_other_kinds_are_checked_too(body: Any, field: str) -> None:
    """Step, help and no-video have their own fields and no others."""
    with pytest.raises(ReportError) as caught:
        validate_report(body)
    assert caught.value.field == field


def test_first_report_is_stored(app: Flask, client: FlaskClient, token: str) -> None:
    """201 and stored: true; the invite's status follows the report."""
    response = post(client, token, readiness())
    assert response.status_code == 201
    assert response.json == {"stored": True}
    assert response.headers["Cache-Control"] == "no-store"
    current = invite_row(app)
    assert (current.latest_summary, current.latest_path) == ("ready-with-warnings", "web")
    assert current.last_activity_at is not None


def test_a_repeat_is_stored_once(app: Flask, client: FlaskClient, token: str) -> None:
    """The same id again: 200 and stored: false, one row."""
    assert post(client, token, readiness()).status_code == 201
    again = post(client, token, readiness())
    assert again.status_code == 200
    assert again.json == {"stored": False}
    with app.extensions["valmis.db"].connect() as connection:
        assert connection.execute(select(func.count()).select_from(db.reports)).scalar_one() == 1


def test_status_follows_later_reports(app: Flask, client: FlaskClient, token: str) -> None:
    """Help and no-video set the invite's flags; a later readiness report its summary."""
    common = {"version": 1, "created_at": "2026-12-01T09:05:00Z"}
    assert post(client, token, readiness()).status_code == 201
    assert post(client, token, {**common, "id": "00000000-0000-4000-8000-000000000002",
                                "kind": "help"}).status_code == 201
    assert post(client, token, {**common, "id": "00000000-0000-4000-8000-000000000003",
                                "kind": "no-video", "value": True}).status_code == 201
    better = {**readiness(), "id": "00000000-0000-4000-8000-000000000004", "summary": "ready",
              "warnings": []}
    better["checks"] = {**better["checks"], "camera": {"status": "ok"}}
    assert post(client, token, better).status_code == 201
    current = invite_row(app)
    assert current.latest_summary == "ready"
    assert (current.needs_help, current.prefers_phone) == (True, True)


def test_a_wrong_field_is_a_400_naming_it(client: FlaskClient, token: str) -> None:
    """The JSON error says which field and why."""
    response = post(client, token, readiness_with("checks.camera.status", "great"))
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == 400 and error["field"] == "checks.camera.status"
    assert "must be one of" in error["message"]


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00",
                                    "9999-12-31T23:59:59.999999-23:59"])
def test_a_moment_beyond_the_calendar_in_utc_is_a_400(client: FlaskClient, token: str,
                                                      moment: str) -> None:
    """An offset that carries created_at out of years 1 to 9999 is refused, naming the field."""
    response = post(client, token, readiness_with("created_at", moment))
    assert response.status_code == 400
    assert response.json["error"]["field"] == "created_at"


@pytest.mark.parametrize("body", [b"{not json", b"", b"\xff\xfe", b"null"])
def test_bad_json_is_a_400(client: FlaskClient, token: str, body: bytes) -> None:
    """A body that is not JSON (or not an object) is refused, nothing stored."""
    response = client.post(f"/api/v1/invites/{token}/reports", data=body,
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json is not None and response.json["error"]["code"] == 400


def test_json_without_its_content_type_is_read(client: FlaskClient, token: str) -> None:
    """A beacon may send text/plain; the body still counts."""
    response = client.post(f"/api/v1/invites/{token}/reports", data=json.dumps(readiness()),
                           content_type="text/plain")
    assert response.status_code == 201


def test_more_than_16_kb_is_a_413(client: FlaskClient, token: str) -> None:
    """The limit is the route's own, below the app's 64 KiB."""
    body = json.dumps({**readiness(), "pad": "x" * MAX_REPORT_BYTES}).encode()
    response = client.post(f"/api/v1/invites/{token}/reports", data=body,
                           content_type="application/json")
    assert response.status_code == 413
    assert response.json is not None and response.json["error"]["code"] == 413


def test_unknown_token_is_a_404(client: FlaskClient, token: str) -> None:
    """Another token, or no token shape at all, finds nothing: 404 in JSON."""
    for other in (invites.new_token(), "x", token[:-1]):
        response = post(client, other, readiness())
        assert response.status_code == 404
        assert response.json["error"]["code"] == 404


def test_expired_token_is_a_404(app: Flask, client: FlaskClient) -> None:
    """A link past retention takes no more reports."""
    with app.extensions["valmis.db"].begin() as connection:
        _invite_id, old = invites.create_invite(
            connection, appointment_at=datetime.now(UTC) - timedelta(days=15), language="fi")
    assert post(client, old, readiness()).status_code == 404


def test_the_report_route_needs_no_csrf_token(app: Flask, token: str) -> None:
    """The JSON API is exempt from CSRF: the personal token is what authorises a report."""
    app.config["WTF_CSRF_ENABLED"] = True
    response = app.test_client().post(f"/api/v1/invites/{token}/reports", json=readiness())
    assert response.status_code == 201


REPORT_SCRIPT = """
import { buildReadiness } from './app/static/js/lib/readiness.mjs';
const report = buildReadiness({
  id: '0b7e4f5c-2f1e-4c7a-9b1d-3f0e6a9c2d41', createdAt: 0, path: 'app',
  device: { form: 'phone', os: 'android', browser: 'Chrome Mobile', major: 131, choice: 'android',
            label: 'Pixel 8' },
  checks: { camera: { status: 'ok', devices: [{ label: 'Front camera' }], label: 'x' },
            microphone: { status: 'blocked' }, connection: { status: 'ok', rtt_ms: 33.4 } },
});
console.log(JSON.stringify({ ...report, kind: 'readiness' }));
"""


def test_what_the_browser_builds_is_accepted() -> None:
    """readiness.mjs's buildReadiness, plus its kind, passes the server's validation."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed (make node installs it)")
    result = subprocess.run([node, "--input-type=module", "-e", REPORT_SCRIPT], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    built = json.loads(result.stdout)
    assert validate_report(built)["checks"]["camera"] == {"status": "ok", "devices": 1}


def test_a_whole_number_written_as_a_float_is_whole() -> None:
    """JSON's 131.0 is JSON Schema's integer 131 (as schemathesis rightly sends); 131.5 is not."""
    report = readiness()
    report["device"]["major"] = 131.0
    report["checks"]["connection"]["rtt_ms"] = 40.0
    clean = validate_report(report)
    assert clean["device"]["major"] == 131 and isinstance(clean["device"]["major"], int)
    assert clean["checks"]["connection"]["rtt_ms"] == 40
    report["device"]["major"] = 131.5
    with pytest.raises(ReportError, match="whole number"):
        validate_report(report)
