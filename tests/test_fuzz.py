"""Property-based fuzzing (hypothesis): whatever arrives, no exception escapes as a 500.

- classify_request: any header values, user agents up to 8 KB, broken client hints; the
  answer always keeps DESIGN.md's contract.
- validate_report: any JSON, and valid reports with one part replaced by anything; only a
  ReportError (a 400) or a clean report comes out.
- The reports API: any body, any content type: never a 5xx.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import device
from app.api.reports import ReportError, validate_report
from tests.test_reports_api import readiness

FORMS = {"desktop", "phone", "tablet", "bot", "other"}
OSES = {"windows", "macos", "linux", "chromeos", "ios", "ipados", "android", "other"}
PATHS = {"web", "app", "open-in-browser", "none"}
TEAMS_WEB = {"supported", "limited", "unsupported", None}
# Header values as HTTP can carry them: latin-1 text without line breaks.
HEADER_TEXT = st.text(st.characters(codec="latin-1", exclude_characters="\r\n"), max_size=8192)
HINT_TEXT = st.one_of(
    HEADER_TEXT.map(lambda text: text[:300]),
    st.lists(st.tuples(st.text(max_size=30), st.text(max_size=20)), max_size=6).map(
        lambda brands: ", ".join(f'"{name}";v="{version}"' for name, version in brands)),
    st.sampled_from(['?0', '?1', '"Android"', '"iOS"', '"Windows"', '"13.0.0"', '""', '?',
                     '"Chromium";v="131", "Not_A Brand";v="24"', '";v=', '"\\"']),
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(max_size=20), children, max_size=5),
    max_leaves=30,
)
FUZZ = settings(max_examples=300, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(user_agent=HEADER_TEXT, hints=st.dictionaries(
    st.sampled_from(device.VARY_HEADERS[1:]), HINT_TEXT, max_size=len(device.VARY_HEADERS)))
def test_any_headers_classify_within_the_contract(user_agent: str, hints: dict[str, str]) -> None:
    """Any User-Agent (up to 8 KB) and any client hints: a profile of the documented shape."""
    profile = device.classify_request({"User-Agent": user_agent, **hints}).to_json()
    assert profile["form"] in FORMS
    assert profile["os"] in OSES
    assert profile["path"] in PATHS
    assert profile["teams_web"] in TEAMS_WEB
    assert profile["browser"]["major"] is None or isinstance(profile["browser"]["major"], int)
    assert isinstance(profile["needs_client_check"], bool)
    json.dumps(profile)


@FUZZ
@given(JSON)
def test_any_json_is_a_report_or_a_named_refusal(data: Any) -> None:
    """Only ReportError (naming a field) or a valid report; never another exception."""
    try:
        validate_report(data)
    except ReportError as error:
        assert isinstance(error.field, str) and error.message


def _replace(report: dict[str, Any], path: list[str], value: Any) -> dict[str, Any]:
    """A copy of report with the value at path (keys) replaced."""
    copy = json.loads(json.dumps(report))
    target = copy
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return copy


PATHS_IN_REPORT = [["id"], ["version"], ["kind"], ["created_at"], ["path"], ["summary"],
                   ["warnings"], ["problems"], ["device"], ["device", "major"],
                   ["device", "os"], ["checks"], ["checks", "camera"],
                   ["checks", "camera", "status"], ["checks", "connection", "rtt_ms"],
                   ["checks", "speaker", "output_selectable"], ["checks", "browser"]]


@FUZZ
@given(path=st.sampled_from(PATHS_IN_REPORT), value=JSON)
def test_a_valid_report_with_one_part_replaced(path: list[str], value: Any) -> None:
    """Each part of a real report replaced by anything: accepted as valid, or refused by name."""
    try:
        clean = validate_report(_replace(readiness(), path, value))
    except ReportError as error:
        assert error.field.split(".")[0].split("[")[0] in {p[0] for p in PATHS_IN_REPORT}
    else:
        json.dumps(clean)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """The test app without rate limits: hundreds of posts to one link are the point here."""
    from tests.conftest import migrated_app

    with migrated_app(tmp_path / "fuzz.db", RATELIMIT_ENABLED=False) as application:
        yield application


@pytest.fixture
def token(app: Flask) -> str:
    """A personal link for tomorrow."""
    from datetime import UTC, datetime, timedelta

    from app import invites

    with app.extensions["valmis.db"].begin() as connection:
        return invites.create_invite(connection, language="fi",
                                     appointment_at=datetime.now(UTC) + timedelta(days=1))[1]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=st.one_of(JSON.map(lambda value: json.dumps(value).encode()),
                      st.binary(max_size=2000)),
       content_type=st.sampled_from(["application/json", "text/plain", "", "application/xml"]))
def test_the_reports_api_never_answers_5xx(app: Flask, client: FlaskClient, token: str,
                                          body: bytes, content_type: str) -> None:
    """Any bytes posted as a report: 201/200 (stored), 400 (refused by name) or 413."""
    response = client.post(f"/api/v1/invites/{token}/reports", data=body,
                           content_type=content_type)
    assert response.status_code in (200, 201, 400, 413), response.get_data(as_text=True)
    if response.status_code == 400:
        assert "message" in response.get_json()["error"]
