"""The organisation's profile in the staff area, and where customers see it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import db, invites
from app.staff import auth
from tests.support.staff import page_csrf
from tests.support.user_agents import WINDOWS_CHROME

FILLED = {"name-fi": "Ohjaamo", "name-sv": "Navigatorn", "service-name-fi": "Videovastaanotto",
          "phone": "+358 9 123 4567", "hours-fi": "ma–pe 9–15", "hours-en": "Mon–Fri 9–15",
          "email": "ohjaus@example.fi", "controller-fi": "Esimerkin kaupunki",
          "privacy-contact": "tietosuoja@example.fi", "statement-date": "2026-11-30",
          "evaluated-date": "2026-11-20", "evaluator": "Itsearvio"}


def _text(answer: Any) -> str:
    """The page's HTML with entities decoded."""
    return unescape(answer.get_data(as_text=True))


def _save(client: FlaskClient, form: dict[str, str]) -> Any:
    """Post the profile form as the page does, in English."""
    token = page_csrf(client, "/staff/organisation")
    return client.post("/staff/organisation?lang=en", data={**form, "csrf_token": token})


def _audit(app: Flask) -> list[tuple[str, int | None]]:
    """(action, staff id) of every audit entry."""
    with app.extensions["valmis.db"].connect() as connection:
        return [tuple(row) for row in connection.execute(
            select(db.audit_log.c.action, db.audit_log.c.staff_id))]


def test_only_administrators_see_and_change_the_profile(
        app: Flask, staff_client: FlaskClient) -> None:
    """Staff who are not administrators get the 403 page, for the form and its post."""
    assert staff_client.get("/staff/organisation").status_code == 403
    answer = staff_client.post("/staff/organisation", data={"phone": "09 123 4567"})
    assert answer.status_code in (400, 403)
    assert "organisation-updated" not in [action for action, _ in _audit(app)]


def test_until_filled_customers_see_no_contact_and_the_dashboard_says_what_is_missing(
        app: Flask, client: FlaskClient, admin_client: FlaskClient) -> None:
    """The empty state: the product's name, no phone number, and a list for administrators."""
    help_page = _text(client.get("/help?lang=en"))
    assert "tel:" not in help_page
    assert "Call us" not in help_page
    assert re.search(r"<span>Valmis</span>", help_page)
    dashboard = _text(admin_client.get("/staff/?lang=en"))
    assert "The organisation's details are not complete" in dashboard
    for words in ("Help phone number", "Name of the service", "Date of the last evaluation"):
        assert words in dashboard


def test_an_administrator_fills_the_profile_and_a_customer_sees_its_phone_on_the_help_page(
        app: Flask, admin_client: FlaskClient) -> None:
    """The walk of issue 18: saved, audited, then in the header and on the help page."""
    answer = _save(admin_client, FILLED)
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/staff/organisation?done=saved")
    page = _text(admin_client.get("/staff/organisation?done=saved&lang=en"))
    assert "The organisation's details are saved." in page
    assert 'value="+358 9 123 4567"' in page
    assert ("organisation-updated", _admin_id(admin_client)) in _audit(app)
    dashboard = _text(admin_client.get("/staff/?lang=en"))
    assert "not complete" not in dashboard

    customer = app.test_client()
    help_page = _text(customer.get("/help?lang=fi"))
    assert '<a class="help-line__number" href="tel:+35891234567">+358 9 123 4567</a>' in help_page
    assert "ma–pe 9–15" in help_page
    assert "Videovastaanotto" in help_page and "Ohjaamo" in help_page
    # Swedish has its own name; its hours and service name fall back to Finnish, the first filled.
    swedish = _text(customer.get("/help?lang=sv"))
    assert "Navigatorn" in swedish and "Ohjaamo" not in swedish
    assert "ma–pe 9–15" in swedish
    english = _text(customer.get("/help?lang=en"))
    assert "Mon–Fri 9–15" in english


def _admin_id(client: FlaskClient) -> int:
    """The signed-in administrator's id."""
    with client.session_transaction() as session:
        return int(session[auth.STAFF_KEY])


def test_a_wrong_field_is_refused_with_its_sentence_and_nothing_is_saved(
        app: Flask, admin_client: FlaskClient) -> None:
    """400, the error summary linked to the field, the typed values kept."""
    answer = _save(admin_client, {**FILLED, "phone": "ask at the desk", "email": "nobody"})
    assert answer.status_code == 400
    page = _text(answer)
    assert '<a href="#phone">Enter the phone number with digits' in page
    assert '<a href="#email">Contact email: enter an email address' in page
    assert 'value="ask at the desk"' in page
    assert 'aria-invalid="true"' in page
    assert "organisation-updated" not in [action for action, _ in _audit(app)]
    assert "tel:" not in _text(app.test_client().get("/help"))


def test_the_message_staff_send_names_the_organisation_and_its_help_line(
        app: Flask, admin_client: FlaskClient) -> None:
    """In the customer's language, with the name's fallback."""
    assert _save(admin_client, FILLED).status_code == 303
    day = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    token = page_csrf(admin_client, "/staff/invites/new")
    answer = admin_client.post("/staff/invites/new", data={
        "date": day, "time": "14:00", "language": "sv", "csrf_token": token})
    assert answer.status_code == 200
    message = _text(answer).split('id="invite-message"')[1].split("</textarea>")[0]
    assert "+358 9 123 4567 (ma–pe 9–15)" in message
    assert message.rstrip().endswith("Navigatorn")


def test_the_message_names_no_contact_before_the_profile_is_filled(
        staff_client: FlaskClient) -> None:
    """No help line and no signature from an empty profile."""
    day = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    token = page_csrf(staff_client, "/staff/invites/new")
    answer = staff_client.post("/staff/invites/new?lang=en", data={
        "date": day, "time": "14:00", "language": "en", "csrf_token": token})
    message = _text(answer).split('id="invite-message"')[1].split("</textarea>")[0]
    assert "If you need help" not in message
    assert "Best regards" not in message


def test_the_calendar_entry_gives_the_help_line_once_it_is_filled(
        app: Flask, admin_client: FlaskClient) -> None:
    """The customer's .ics file: no number before the profile has one, then the number."""
    with app.extensions["valmis.db"].begin() as connection:
        _, token = invites.create_invite(
            connection, appointment_at=datetime.now(UTC) + timedelta(days=2), language="en",
            reference=None, teams_url=None, timezone="Europe/Helsinki", now=datetime.now(UTC))
    customer = app.test_client()
    customer.get(f"/r/{token}", headers={"User-Agent": WINDOWS_CHROME})

    def description() -> str:
        """The calendar file's DESCRIPTION, unfolded."""
        body = customer.get("/appointment.ics").get_data(as_text=True).replace("\r\n ", "")
        return next(line for line in body.split("\r\n") if line.startswith("DESCRIPTION:"))

    assert "If you need help" not in description()
    assert _save(admin_client, FILLED).status_code == 303
    assert "If you need help\\, call +358 9 123 4567 (Mon–Fri 9–15)." in description()


def test_staff_who_are_not_administrators_are_not_asked_to_fill_the_profile(
        staff_client: FlaskClient) -> None:
    """Only administrators can fill it, so only they see what is missing."""
    dashboard = _text(staff_client.get("/staff/?lang=en"))
    assert "The organisation's details are not complete" not in dashboard
    assert "/staff/organisation" not in dashboard
