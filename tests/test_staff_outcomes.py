"""Recording what happened at an appointment: one click on the dashboard or the invite's page,
only after its time, audited with the outcome's code only (issue 20)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import db, invites, outcomes
from tests.support.dashboard import live_rows, rows_of

EN = {"Accept-Language": "en"}


def _create(app: Flask, at: datetime, reference: str = "Ti 14") -> int:
    """An invite for the moment at; its id."""
    with app.extensions["valmis.db"].begin() as connection:
        invite_id, _token = invites.create_invite(connection, appointment_at=at, language="fi",
                                                  reference=reference)
    return invite_id


def _csrf(html: str) -> str:
    """The CSRF token of the page's forms."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def _outcome(app: Flask, invite_id: int) -> str | None:
    """The invite's stored outcome."""
    with app.extensions["valmis.db"].connect() as connection:
        return connection.execute(select(db.invites.c.outcome)
                                  .where(db.invites.c.id == invite_id)).scalar_one()


def _audit(app: Flask) -> list[Any]:
    """The outcome-recorded entries, oldest first."""
    with app.extensions["valmis.db"].connect() as connection:
        return list(connection.execute(select(db.audit_log).where(
            db.audit_log.c.action == "outcome-recorded").order_by(db.audit_log.c.id)))


def _page(client: FlaskClient, url: str = "/staff/") -> str:
    """A staff page's HTML in English, after a 200."""
    answer = client.get(url, headers=EN)
    assert answer.status_code == 200, answer.status_code
    return unescape(answer.get_data(as_text=True))


def _row(client: FlaskClient, invite_id: int, url: str = "/staff/") -> dict[str, Any]:
    """The dashboard row of this invite."""
    return next(row for row in rows_of(_page(client, url)) if row["id"] == invite_id)


def test_past_appointments_offer_five_outcomes_upcoming_ones_none(
        app: Flask, staff_client: FlaskClient) -> None:
    """After the time: the five buttons and "No outcome yet"; before it: neither."""
    past = _create(app, datetime.now(UTC) - timedelta(minutes=5))
    later = _create(app, datetime.now(UTC) + timedelta(days=1), reference="Later")
    day = (datetime.now(UTC) - timedelta(minutes=5)).astimezone(
        ZoneInfo("Europe/Helsinki")).date().isoformat()
    rows = {row["id"]: row for row in rows_of(_page(staff_client, f"/staff/?day={day}"))}
    rows.update({row["id"]: row for row in live_rows(staff_client)})
    assert rows[past]["buttons"] == list(outcomes.OUTCOMES)
    assert rows[past]["pressed"] == []
    assert rows[past]["outcome"].startswith("! No outcome yet")
    assert rows[later]["buttons"] == [] and rows[later]["outcome"] == ""
    page = _page(staff_client, f"/staff/invites/{later}")
    assert "The outcome can be recorded from the time of the appointment on." in page
    assert 'name="outcome"' not in page


def test_one_click_records_and_another_changes_it(app: Flask,
                                                  staff_client: FlaskClient) -> None:
    """A button's POST stores its outcome, comes back to the row, shows it pressed and in
    words; another button replaces it. The audit says the outcome's code and nothing else."""
    invite_id = _create(app, datetime.now(UTC) - timedelta(hours=1), reference="Matti M")
    token = _csrf(_page(staff_client, "/staff/?missing=1"))
    answer = staff_client.post(f"/staff/invites/{invite_id}/outcome", headers=EN, data={
        "csrf_token": token, "outcome": "video-after-help", "back": "dashboard",
        "day": "", "missing": "1"})
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/staff/?missing=1#invite-{invite_id}")
    assert _outcome(app, invite_id) == "video-after-help"
    page = _page(staff_client, "/staff/")
    assert "Outcome recorded: Joined by video after help." in page
    # Recorded, so the missing-only filter no longer lists it.
    assert [row["id"] for row in rows_of(_page(staff_client, "/staff/?missing=1"))] == []
    answer = staff_client.post(f"/staff/invites/{invite_id}/outcome", data={
        "csrf_token": token, "outcome": "phone", "back": "invite"})
    assert answer.headers["Location"].endswith(f"/staff/invites/{invite_id}")
    assert _outcome(app, invite_id) == "phone"
    page = _page(staff_client, f"/staff/invites/{invite_id}")
    assert "Outcome: Switched to a phone call" in page
    assert re.search(r'aria-pressed="true"><span aria-hidden="true">✓ </span>'
                     r'Switched to a phone call', page)
    assert page.count('aria-pressed="true"') == 1
    assert [(entry.action, entry.detail) for entry in _audit(app)] == [
        ("outcome-recorded", "video-after-help"), ("outcome-recorded", "phone")]


def test_the_server_refuses_too_early_unknown_expired_and_forged(
        app: Flask, staff_client: FlaskClient) -> None:
    """Before the time a 409, an unknown outcome a 400, past retention a 404, no CSRF a 400;
    none records anything."""
    later = _create(app, datetime.now(UTC) + timedelta(minutes=10))
    past = _create(app, datetime.now(UTC) - timedelta(minutes=10))
    expired = _create(app, datetime.now(UTC) - timedelta(days=20))
    token = _csrf(_page(staff_client))
    answer = staff_client.post(f"/staff/invites/{later}/outcome", headers=EN,
                               data={"csrf_token": token, "outcome": "video"})
    assert answer.status_code == 409
    assert "an outcome can be recorded from the time of the appointment on" in unescape(
        answer.get_data(as_text=True))
    answer = staff_client.post(f"/staff/invites/{past}/outcome", headers=EN,
                               data={"csrf_token": token, "outcome": "none"})
    assert answer.status_code == 400
    assert "choose one of the outcome buttons" in answer.get_data(as_text=True)
    assert staff_client.post(f"/staff/invites/{expired}/outcome",
                             data={"csrf_token": token, "outcome": "video"}).status_code == 404
    assert staff_client.post(f"/staff/invites/{past}/outcome",
                             data={"outcome": "video"}).status_code == 400
    assert [_outcome(app, i) for i in (later, past, expired)] == [None, None, None]
    assert _audit(app) == []


def test_the_dashboard_counts_and_filters_what_lacks_an_outcome(
        app: Flask, staff_client: FlaskClient) -> None:
    """Past appointments of every kept day without an outcome: counted, linked, filtered."""
    now = datetime.now(UTC)
    yesterday = _create(app, now - timedelta(days=1), reference="Yesterday")
    recorded = _create(app, now - timedelta(days=2), reference="Done")
    _create(app, now - timedelta(days=20), reference="Expired")
    _create(app, now + timedelta(hours=2), reference="Later")
    with app.extensions["valmis.db"].begin() as connection:
        outcomes.record_outcome(connection, recorded, "video", staff_id=None, now=now)
    page = _page(staff_client)
    assert "1 past appointment has no outcome yet" in page
    assert 'href="/staff/?missing=1"' in page
    filtered = _page(staff_client, "/staff/?missing=1")
    assert [row["id"] for row in rows_of(filtered)] == [yesterday]
    assert "1 appointment listed here has no outcome yet" in filtered
    assert [row["id"] for row in live_rows(staff_client) if row["buttons"]] == []
    answer = staff_client.get("/staff/dashboard/rows", query_string={"missing": "1"},
                              headers=EN)
    assert [row["id"] for row in rows_of(answer.get_data(as_text=True))] == [yesterday]


def test_the_rows_carry_no_per_request_value(app: Flask, staff_client: FlaskClient) -> None:
    """The buttons name the page's form, so the rows (and their ETag) stay the same until an
    outcome changes them."""
    invite_id = _create(app, datetime.now(UTC) - timedelta(minutes=1))
    first = staff_client.get("/staff/dashboard/rows?missing=1")
    second = staff_client.get("/staff/dashboard/rows?missing=1")
    assert first.headers["ETag"] == second.headers["ETag"]
    assert "csrf" not in first.get_data(as_text=True)
    assert 'form="outcome-form"' in first.get_data(as_text=True)
    assert 'id="outcome-form"' in _page(staff_client, "/staff/?missing=1")
    with app.extensions["valmis.db"].begin() as connection:
        outcomes.record_outcome(connection, invite_id, "no-show", staff_id=None,
                                now=datetime.now(UTC))
    third = staff_client.get("/staff/dashboard/rows")
    assert third.headers["ETag"] != first.headers["ETag"]
