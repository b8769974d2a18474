"""The dashboard's rows alone, for dashboard-live.mjs: the page's own HTML, an ETag and 304s."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import invites
from app.staff import auth
from tests.support.dashboard import EN, URL, rows_of
from tests.support.reports import readiness


def _invite(app: Flask, reference: str = "Ti 14") -> int:
    """An invite for tomorrow, in Finnish; its id."""
    with app.extensions["valmis.db"].begin() as connection:
        invite_id, _token = invites.create_invite(
            connection, appointment_at=datetime.now(UTC) + timedelta(days=1), language="fi",
            reference=reference)
    return invite_id


def _report_ready(app: Flask, invite_id: int) -> None:
    """The customer's devices are ready."""
    report = {**readiness(), "summary": "ready", "warnings": []}
    report["checks"] = {**report["checks"], "camera": {"status": "ok"}}
    with app.extensions["valmis.db"].begin() as connection:
        invites.record_report(connection, invite_id, report, datetime.now(UTC))


def _get(client: FlaskClient, etag: str | None = None, url: str = URL) -> Any:
    """GET the rows in English, conditionally when etag is given."""
    headers = dict(EN)
    if etag:
        headers["If-None-Match"] = etag
    return client.get(url, headers=headers)


def _page(client: FlaskClient, url: str = "/staff/") -> str:
    """The dashboard page in English."""
    return client.get(url, headers=EN).get_data(as_text=True)


def test_the_rows_are_the_pages_own_rows_and_private(app: Flask,
                                                     staff_client: FlaskClient) -> None:
    """Byte for byte what the page draws inside its table body; HTML, never cached."""
    invite_id = _invite(app)
    response = _get(staff_client)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["ETag"]
    fragment = response.get_data(as_text=True)
    page = _page(staff_client)
    body = page.split('<tbody class="js-dashboard-rows">')[1].split("</tbody>")[0]
    assert body.strip() == fragment.strip()
    (row,) = rows_of(fragment)
    assert (row["id"], row["url"], row["reference"], row["status"], row["status_text"]) == (
        invite_id, f"/staff/invites/{invite_id}", "Ti 14", "not-opened", "Not opened")
    assert row["time"] and row["language"] == "Suomi"
    assert row["device"] == row["path"] == row["last_activity"] == ""
    assert row["checks"] == []
    assert "<html" not in fragment and "<script" not in fragment and "style=" not in fragment


def test_the_page_names_its_rows_etag_so_the_first_poll_is_a_304(
        app: Flask, staff_client: FlaskClient) -> None:
    """data-etag is the ETag of the rows the page drew; after a report it is stale."""
    invite_id = _invite(app)
    page = _page(staff_client)
    etag = _get(staff_client).headers["ETag"]
    assert f'data-etag="{etag.replace(chr(34), "&#34;")}"' in page
    assert _get(staff_client, etag).status_code == 304
    _report_ready(app, invite_id)
    assert _get(staff_client, etag).status_code == 200


def test_data_is_escaped_as_text(app: Flask, staff_client: FlaskClient) -> None:
    """A reference that looks like markup stays words, in the fragment as on the page."""
    _invite(app, '<img src=x onerror="alert(1)">')
    fragment = _get(staff_client).get_data(as_text=True)
    assert "<img" not in fragment
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in fragment
    (row,) = rows_of(fragment)
    assert row["reference"] == '<img src=x onerror="alert(1)">'


def test_the_words_follow_the_staff_members_language(app: Flask,
                                                     staff_client: FlaskClient) -> None:
    """Finnish staff get Finnish statuses, and so another ETag."""
    _invite(app)
    english = _get(staff_client)
    finnish = staff_client.get(URL, headers={"Accept-Language": "fi"})
    (row,) = rows_of(finnish.get_data(as_text=True))
    assert row["status_text"] == "Ei avattu"
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
    (row,) = rows_of(changed.get_data(as_text=True))
    assert (row["status"], row["status_text"], row["path"]) == (
        "ready", "Ready", "Computer, web browser")
    assert [check["mark"] for check in row["checks"]] == ["ok"] * 4
    assert row["checks"][0] == {"mark": "ok", "symbol": "✓", "text": "Camera: OK"}
    assert row["last_activity"]
    assert _get(staff_client, changed.headers["ETag"]).status_code == 304


def test_no_rows_is_an_empty_fragment(staff_client: FlaskClient) -> None:
    """An empty dashboard still has an ETag, and the page says it is empty."""
    response = _get(staff_client)
    assert response.status_code == 200
    assert response.get_data(as_text=True).strip() == ""
    assert _get(staff_client, response.headers["ETag"]).status_code == 304
    assert rows_of(_page(staff_client)) == []


@pytest.mark.parametrize("day", ["2026-02-30", "tomorrow", "20261203", "1999-12-31"])
def test_a_day_that_is_not_a_date_is_a_400_without_rows(
        app: Flask, staff_client: FlaskClient, day: str) -> None:
    """As the page: a 400 that names the error, and no rows."""
    _invite(app, "Hidden")
    answer = staff_client.get(URL, query_string={"day": day}, headers=EN)
    assert answer.status_code == 400
    assert answer.get_json() == {"error": "day-invalid"}


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
    """The wrapper names the module, its URL and the words it reads out; live region,
    signed-out note, Refresh."""
    _invite(app)
    html = _page(staff_client)
    assert 'data-module="dashboard-live"' in html
    assert f'data-url="{URL}"' in html
    assert 'data-i18n-updated="The list of appointments was updated."' in html
    assert 'data-i18n-row-changed="Updated: %(appointment)s."' in html
    assert 'data-i18n-row-added="New appointment: %(appointment)s."' in html
    assert 'data-i18n-row-removed="No longer listed: %(appointment)s."' in html
    assert 'aria-live="polite"' in html
    assert 'class="panel js-dashboard-signed-out" role="alert" hidden' in html
    assert 'href="/staff/">Refresh</a>' in html


def test_the_words_read_out_are_translated(app: Flask,
                                           staff_client: FlaskClient) -> None:
    """In Finnish, the announcements are Finnish and keep their placeholder."""
    _invite(app)
    html = staff_client.get("/staff/", headers={"Accept-Language": "fi"}).get_data(as_text=True)
    for name in ("row-changed", "row-added", "row-removed"):
        value = html.split(f'data-i18n-{name}="')[1].split('"')[0]
        assert "%(appointment)s" in value
        assert not value.startswith(("Updated", "New appointment", "No longer")), value
