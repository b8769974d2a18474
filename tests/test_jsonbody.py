"""JSON from clients: nesting deeper than any real body is a 400 before anything recurses."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from webauthn.helpers import bytes_to_base64url

from app import db, invites
from app.jsonbody import MAX_JSON_DEPTH, TooDeepError, check_depth, nesting_depth
from tests.support.staff import SoftAuthenticator, add_person, enroll, page_csrf, post_json, sign_in

# The shape from the issue: about 14 KB of brackets, thousands deep.
DEEP = "[" * 7000 + "]" * 7000
DEEP_OBJECT = '{"a":' * 2000 + "1" + "}" * 2000


@pytest.mark.parametrize(("text", "depth"), [
    ("1", 0), ("[]", 1), ('{"a": [1, {"b": []}]}', 4),
    ('["[[[[", "\\"[[[", {"x": "]]]{{{"}]', 2),  # brackets inside strings do not count
    ('"\\\\"', 0), ('["\\\\", [[]]]', 3),  # an escaped backslash ends before the quote
    (DEEP, 7000),
    # An unterminated string holds the rest of the text (JSON refuses it anyway).
    ('[["' + "[" * 100, 2), ('["' + '\\"[' * 1000, 1),
])
def test_nesting_depth_counts_brackets_outside_strings(text: str, depth: int) -> None:
    """The scan counts arrays and objects, never what a string holds."""
    assert nesting_depth(text) == depth
    assert nesting_depth(text.encode("utf-8")) == depth


def test_the_limit_lets_real_bodies_through_and_refuses_deeper() -> None:
    """MAX_JSON_DEPTH deep is read; one more is a TooDeepError, a ValueError like bad JSON."""
    check_depth("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH)
    with pytest.raises(TooDeepError):
        check_depth("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1))
    assert issubclass(TooDeepError, ValueError)


def test_utf16_bodies_are_scanned_as_json_reads_them() -> None:
    """json.loads takes UTF-16 bytes; the scan decodes them alike, not byte by byte."""
    text = '["\u2022[[[", [[]]]'
    assert nesting_depth(text.encode("utf-16")) == 3


def _no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    """Nothing was logged as an error (an unhandled exception logs one with its traceback)."""
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.fixture
def token(app: Flask) -> str:
    """A personal link's token."""
    with app.extensions["valmis.db"].begin() as connection:
        _invite_id, token = invites.create_invite(
            connection, appointment_at=datetime.now(UTC) + timedelta(days=1), language="fi")
    return token


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT])
def test_the_reports_api_refuses_deep_json(client: FlaskClient, token: str, body: str,
                                           caplog: pytest.LogCaptureFixture) -> None:
    """A 400 naming the problem, and no traceback in the log."""
    answer = client.post(f"/api/v1/invites/{token}/reports", data=body,
                         content_type="application/json")
    assert answer.status_code == 400
    assert "nested" in answer.get_json()["error"]["message"]
    _no_tracebacks(caplog)


def _ceremony_bodies() -> list[Any]:
    """Deep shapes a ceremony endpoint may get: the body, or a credential that is a string,
    or a clientDataJSON that py_webauthn would parse; and credentials of no shape at all."""
    deep_client_data = bytes_to_base64url(DEEP.encode())
    return [
        DEEP,
        DEEP_OBJECT,
        json.dumps({"credential": DEEP}),
        json.dumps({"credential": {
            "id": "AAAA", "rawId": "AAAA", "type": "public-key",
            "response": {"clientDataJSON": deep_client_data, "attestationObject": "AAAA",
                         "authenticatorData": "AAAA", "signature": "AAAA"},
            "clientExtensionResults": {}}}),
        "{}",
        "[]",
        json.dumps({"credential": None}),
        json.dumps({"credential": [1]}),
    ]


@pytest.mark.parametrize("body", _ceremony_bodies())
def test_sign_in_refuses_deep_json(client: FlaskClient, body: str,
                                   caplog: pytest.LogCaptureFixture) -> None:
    """Options and verify of the sign-in ceremony answer 400."""
    csrf = page_csrf(client)
    headers = {"X-CSRFToken": csrf, "Content-Type": "application/json"}
    assert client.post("/staff/sign-in/options", data=body, headers=headers).status_code == 200
    assert client.post("/staff/sign-in/verify", data=body, headers=headers).status_code == 400
    _no_tracebacks(caplog)


@pytest.mark.parametrize("body", _ceremony_bodies())
def test_enrollment_refuses_deep_json(app: Flask, client: FlaskClient, body: str,
                                      caplog: pytest.LogCaptureFixture) -> None:
    """Options and verify of the enrollment ceremony answer 400."""
    _staff_id, enrollment = add_person(app, "Aino")
    page = f"/staff/enroll/{enrollment}"
    headers = {"X-CSRFToken": page_csrf(client, page), "Content-Type": "application/json"}
    assert client.post(f"{page}/options", data=body, headers=headers).status_code == 200
    assert client.post(f"{page}/verify", data=body, headers=headers).status_code == 400
    _no_tracebacks(caplog)


@pytest.mark.parametrize("body", _ceremony_bodies())
def test_adding_a_passkey_refuses_deep_json(app: Flask, client: FlaskClient, body: str,
                                            caplog: pytest.LogCaptureFixture) -> None:
    """Options and verify of adding a passkey, signed in, answer 400."""
    _staff_id, enrollment = add_person(app, "Aino")
    key = SoftAuthenticator()
    assert enroll(app.test_client(), enrollment, key).status_code == 200
    assert sign_in(client, key).status_code == 200
    headers = {"X-CSRFToken": page_csrf(client, "/staff/passkeys"),
               "Content-Type": "application/json"}
    assert client.post("/staff/passkeys/options", data=body, headers=headers).status_code == 200
    assert client.post("/staff/passkeys/verify", data=body, headers=headers).status_code == 400
    _no_tracebacks(caplog)


def test_a_real_report_still_goes_in(app: Flask, client: FlaskClient, token: str) -> None:
    """The provider changes nothing for ordinary bodies."""
    report = {"version": 1, "id": str(uuid.uuid4()), "kind": "help",
              "created_at": datetime.now(UTC).isoformat()}
    assert post_json(client, f"/api/v1/invites/{token}/reports", "", report).status_code == 201
    with app.extensions["valmis.db"].connect() as connection:
        assert connection.execute(db.reports.select()).first() is not None
