"""Property-based fuzzing (hypothesis): whatever arrives, no exception escapes as a 500.

- classify_request: any header values, user agents up to 8 KB, broken client hints; the
  answer always keeps DESIGN.md's contract.
- validate_report: any JSON, and valid reports with one part replaced by anything; only a
  ReportError (a 400) or a clean report comes out.
- The reports API: any body, any content type: never a 5xx.
- The shapes that once made a 500 (issue 13) are generated on purpose, inside JSON and as
  bodies of their own: nesting thousands deep, dates at the calendar's ends with extreme
  offsets, integers beyond 64 bits, control, bidi and separator characters. They go to the
  reports API, the passkey ceremonies and, as ids, every staff route that takes one; the
  invite's page and the dashboard must still render whatever was stored.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import IntegerConverter

from app import device, invites
from app.report_contract import ReportError, validate_report
from tests.support.reports import readiness
from tests.support.staff import add_person, page_csrf

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
# JSON nested far deeper than Python's recursion limit, and bracket soup with strings in it.
DEEP_JSON = st.one_of(
    st.integers(1, 6000).map(lambda depth: "[" * depth + "]" * depth),
    st.integers(1, 2500).map(lambda depth: '{"a":' * depth + "1" + "}" * depth),
    st.text(alphabet='[]{}",:\\1 ', max_size=4000),
)
# Offsets up to ±23:59 on dates from year 1 to 9999: some cannot be turned into UTC at all.
OFFSETS = st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(
    lambda minutes: timezone(timedelta(minutes=minutes)))
EXTREME_MOMENTS = st.one_of(
    st.builds(lambda moment, zone: moment.replace(tzinfo=zone).isoformat(),
              st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime.max), OFFSETS),
    st.sampled_from(["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00",
                     "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "2099-01-01T00:00:00Z",
                     "1970-01-01T00:00:00Z", "9999-12-31T23:59:59.999999+00:00"]),
)
# Beyond PostgreSQL's 32-bit and SQLite's 64-bit integers, and below them.
HUGE_INTEGERS = st.one_of(st.integers(2**31 - 2, 2**64 + 2), st.integers(10**20, 10**40),
                          st.integers(max_value=-(2**31)))
# NUL, CR/LF, right-to-left override, line separator, no-break space and their kin.
CONTROL_TEXT = st.text(st.one_of(
    st.characters(categories=("Cc", "Cf", "Zl", "Zp", "Zs")),
    st.sampled_from("\x00\r\n\u202e\u2028\u2029\xa0\ufeff"),
    st.characters(codec="ascii")), min_size=1, max_size=30)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50)
    | EXTREME_MOMENTS | HUGE_INTEGERS | CONTROL_TEXT,
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
    from tests.support.app import migrated_app

    with migrated_app(tmp_path / "fuzz.db", RATELIMIT_ENABLED=False) as application:
        yield application


@pytest.fixture
def token(app: Flask) -> str:
    """A personal link for tomorrow."""
    with app.extensions["valmis.db"].begin() as connection:
        return invites.create_invite(connection, language="fi",
                                     appointment_at=datetime.now(UTC) + timedelta(days=1))[1]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=st.one_of(JSON.map(lambda value: json.dumps(value).encode()),
                      st.binary(max_size=2000), DEEP_JSON.map(str.encode)),
       content_type=st.sampled_from(["application/json", "text/plain", "", "application/xml"]))
def test_the_reports_api_never_answers_5xx(app: Flask, client: FlaskClient, token: str,
                                          body: bytes, content_type: str) -> None:
    """Any bytes posted as a report: 201/200 (stored), 400 (refused by name) or 413."""
    response = client.post(f"/api/v1/invites/{token}/reports", data=body,
                           content_type=content_type)
    assert response.status_code in (200, 201, 400, 413), response.get_data(as_text=True)
    if response.status_code == 400:
        assert "message" in response.get_json()["error"]


def _report_with(path: list[str], value: Any) -> dict[str, Any]:
    """A fresh readiness report (its own id) with the value at path."""
    report = _replace(readiness(), path, value)
    report["id"] = str(uuid.uuid4())
    return report


STAFF_PAGES_FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@STAFF_PAGES_FUZZ
@given(report=st.one_of(
    st.builds(_report_with, st.just(["created_at"]), EXTREME_MOMENTS),
    st.builds(_report_with, st.sampled_from([["device", "major"], ["checks", "camera", "devices"],
                                             ["checks", "connection", "rtt_ms"]]),
              HUGE_INTEGERS),
    st.builds(_report_with, st.sampled_from([["device", "os"], ["summary"], ["path"]]),
              CONTROL_TEXT)))
def test_whatever_a_report_carries_the_staff_pages_render(
        app: Flask, admin_client: FlaskClient, token: str,
        report: dict[str, Any]) -> None:
    """Stored (201) or refused by name (400), never a 5xx; and with everything stored so far,
    the invite's page, the dashboard and its live rows still answer 200."""
    answer = admin_client.post(f"/api/v1/invites/{token}/reports", json=report)
    assert answer.status_code in (201, 400), answer.get_data(as_text=True)
    with app.extensions["valmis.db"].connect() as connection:
        invite = invites.find_invite(connection, token)
    assert invite is not None
    for url in (f"/staff/invites/{invite.id}", "/staff/", "/staff/dashboard/rows"):
        assert admin_client.get(url).status_code == 200, url


def _id_urls(app: Flask, number: int) -> list[tuple[str, str]]:
    """(method, URL) of every route that takes a number, with number in each one's place."""
    urls = []
    for rule in app.url_map.iter_rules():
        names = [name for name, converter in rule._converters.items()
                 if isinstance(converter, IntegerConverter)]
        if names:
            url = rule.rule
            for name in names:
                url = re.sub(rf"<[^>:]+:{name}>", str(number), url)
            urls.append(("POST" if "POST" in (rule.methods or ()) else "GET", url))
    return urls


@STAFF_PAGES_FUZZ
@given(number=st.one_of(HUGE_INTEGERS, st.integers(0, 2**31 - 1)))
def test_any_number_as_an_id_is_never_a_5xx(app: Flask, admin_client: FlaskClient,
                                            number: int) -> None:
    """Any whole number, of any size or sign, in any staff route's id: a page or a 404."""
    csrf = page_csrf(admin_client, "/staff/people")
    for method, url in _id_urls(app, number):
        answer = admin_client.open(url, method=method,
                                   data={"csrf_token": csrf, "name": "x", "confirm": "yes"})
        assert answer.status_code < 500, (method, url, answer.status_code)


@STAFF_PAGES_FUZZ
@given(body=st.one_of(DEEP_JSON, JSON.map(json.dumps),
                      DEEP_JSON.map(lambda deep: json.dumps({"credential": deep}))))
def test_the_passkey_ceremonies_never_answer_5xx(app: Flask, client: FlaskClient,
                                                 body: str) -> None:
    """Sign-in and enrollment, options then verify, with any JSON or deep nesting: never a
    5xx (a refusal is a 400)."""
    _staff_id, enrollment = add_person(app, "Aino")
    for page, base in (("/staff/sign-in", "/staff/sign-in"),
                       (f"/staff/enroll/{enrollment}", f"/staff/enroll/{enrollment}")):
        headers = {"X-CSRFToken": page_csrf(client, page), "Content-Type": "application/json"}
        for step in ("options", "verify"):
            answer = client.post(f"{base}/{step}", data=body, headers=headers)
            assert answer.status_code < 500, (base, step, answer.status_code)
