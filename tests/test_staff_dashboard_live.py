"""dashboard.json: the dashboard's rows for dashboard-live.mjs, with an ETag and 304s."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from app import invites
from app.staff import auth
from tests.support.reports import readiness

URL = "/staff/dashboard.json"


def _invite(app: Flask) -> int:
    """An invite for tomorrow, in Finnish; its id."""
    with app.extensions["valmis.db"].begin() as connection:
        invite_id, _token = invites.create_invite(
            connection, appointment_at=datetime.now(UTC) + timedelta(days=1), language="fi",
            reference="Ti 14")
    return invite_id


def _report_ready(app: Flask, invite_id: int) -> None:
    """The customer's devices are ready."""
    report = {**readiness(), "summary": "ready", "warnings": []}
    report["checks"] = {**report["checks"], "camera": {"status": "ok"}}
    with app.extensions["valmis.db"].begin() as connection:
        invites.record_report(connection, invite_id, report, datetime.now(UTC))


def _get(client: FlaskClient, etag: str | None = None) -> Any:
    """GET the rows in English, conditionally when etag is given."""
    headers = {"Accept-Language": "en"}
    if etag:
        headers["If-None-Match"] = etag
    return client.get(URL, headers=headers)


def test_rows_are_the_dashboards_with_words(app: Flask, staff_client: FlaskClient) -> None:
    """Every field the table shows, status as key and as translated text; private."""
    invite_id = _invite(app)
    response = _get(staff_client)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["ETag"]
    (row,) = response.get_json()["rows"]
    assert set(row) == {"id", "url", "time", "reference", "language", "status",
                        "status_text", "device", "path", "checks", "last_activity"}
    assert row["device"] == "" and row["checks"] == []
    assert row["url"] == f"/staff/invites/{invite_id}"
    assert (row["id"], row["reference"], row["status"], row["status_text"]) == (
        invite_id, "Ti 14", "not-opened", "Not opened")
    assert row["time"] and row["language"] and row["path"] == row["last_activity"] == ""
    page = staff_client.get("/staff/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert row["time"] in page and "Not opened" in page


def test_the_words_follow_the_staff_members_language(app: Flask,
                                                     staff_client: FlaskClient) -> None:
    """Finnish staff get Finnish statuses, and so another ETag."""
    _invite(app)
    english = _get(staff_client)
    finnish = staff_client.get(URL, headers={"Accept-Language": "fi"})
    assert finnish.get_json()["rows"][0]["status_text"] != "Not opened"
    assert finnish.headers["ETag"] != english.headers["ETag"]


def test_unchanged_rows_answer_304_and_a_report_changes_the_etag(
        app: Flask, staff_client: FlaskClient) -> None:
    """If-None-Match with the current ETag: 304 and no body; after a report, 200 and new rows."""
    invite_id = _invite(app)
    first = _get(staff_client)
    etag = first.headers["ETag"]
    unchanged = _get(staff_client, etag)
    assert unchanged.status_code == 304
    assert unchanged.get_data() == b""
    assert unchanged.headers["ETag"] == etag

    _report_ready(app, invite_id)
    changed = _get(staff_client, etag)
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    row = changed.get_json()["rows"][0]
    assert (row["status"], row["status_text"], row["path"]) == (
        "ready", "Ready", "Computer, web browser")
    assert row["last_activity"]
    assert _get(staff_client, changed.headers["ETag"]).status_code == 304


def test_no_rows_is_an_empty_list(staff_client: FlaskClient) -> None:
    """An empty dashboard still has an ETag."""
    response = _get(staff_client)
    assert response.get_json() == {"rows": []}
    assert _get(staff_client, response.headers["ETag"]).status_code == 304


def test_an_anonymous_visitor_is_sent_to_sign_in(client: FlaskClient) -> None:
    """No rows without a session: GET goes to sign-in, like every /staff page."""
    response = client.get(URL)
    assert response.status_code in (302, 303, 401)
    if response.status_code != 401:
        assert response.headers["Location"].endswith("/staff/sign-in")


def test_polling_does_not_keep_the_session_alive(app: Flask,
                                                 staff_client: FlaskClient) -> None:
    """A dashboard left open ends its session after the idle minutes all the same."""
    seen = int(time.time()) - 60
    with staff_client.session_transaction() as session:
        session[auth.SEEN_KEY] = seen
    assert _get(staff_client).status_code == 200
    with staff_client.session_transaction() as session:
        assert session[auth.SEEN_KEY] == seen
    staff_client.get("/staff/")
    with staff_client.session_transaction() as session:
        assert session[auth.SEEN_KEY] > seen


def test_the_dashboard_is_wired_for_live_updates(app: Flask,
                                                 staff_client: FlaskClient) -> None:
    """The wrapper names the module and its URL; live region, signed-out note, Refresh."""
    _invite(app)
    html = staff_client.get("/staff/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'data-module="dashboard-live"' in html
    assert f'data-url="{URL}"' in html
    assert "data-i18n-updated=" in html
    assert 'aria-live="polite"' in html
    assert 'class="panel js-dashboard-signed-out" role="alert" hidden' in html
    assert 'href="/staff/">Refresh</a>' in html
