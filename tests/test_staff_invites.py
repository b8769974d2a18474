"""Creating a personal link in the staff area, and the dashboard that lists the invites."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from app import db, invites
from app.invite_form import read_invite_form
from app.invite_status import invite_status
from tests.support.clock import next_clock_change

ZONE = "Europe/Helsinki"
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
TEAMS = "https://teams.microsoft.com/l/meetup-join/abc"


def _tomorrow() -> str:
    """Tomorrow's date in Helsinki, as <input type=date> sends it."""
    return (datetime.now(ZoneInfo(ZONE)) + timedelta(days=1)).date().isoformat()


def _csrf(client: FlaskClient) -> str:
    """The form's CSRF token."""
    html = client.get("/staff/invites/new").get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def _post(client: FlaskClient, accept: str = "fi", **fields: str) -> Any:
    """Post the form with these fields (a complete valid form by default)."""
    data = {"date": _tomorrow(), "time": "14:00", "language": "fi", "reference": "",
            "teams-url": ""}
    data.update({key.replace("_", "-"): value for key, value in fields.items()})
    data["csrf_token"] = _csrf(client)
    return client.post("/staff/invites/new", data=data, headers={"Accept-Language": accept})


def _invite_rows(app: Flask) -> list[Any]:
    """Every invite."""
    with app.extensions["valmis.db"].connect() as connection:
        return list(connection.execute(select(db.invites)))


# The form's rules, without Flask


def test_a_complete_form_is_read_in_the_default_zone() -> None:
    """Local date and time become an aware moment; empty optionals become None."""
    invite, errors = read_invite_form(
        {"date": "2026-12-03", "time": "14:00", "language": "sv", "reference": " Mon 14 ",
         "teams-url": ""}, zone=ZONE, now=NOW)
    assert errors == {}
    assert invite is not None
    assert invite.appointment_at == datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    assert (invite.language, invite.reference, invite.teams_url) == ("sv", "Mon 14", None)


@pytest.mark.parametrize(("fields", "field", "code"), [
    ({"date": ""}, "date", "date-missing"),
    ({"date": "3.12.2026"}, "date", "date-invalid"),
    ({"date": "2026-11-30"}, "date", "date-past"),
    ({"time": ""}, "time", "time-missing"),
    ({"time": "25:99"}, "time", "time-invalid"),
    ({"date": "2026-12-01", "time": "11:00"}, "time", "time-past"),
    ({"language": "de"}, "language", "language-missing"),
    ({"reference": "x" * 41}, "reference", "reference-too-long"),
    ({"teams-url": "https://evil.example/l/meetup-join/1"}, "teams-url", "teams-not-teams"),
    ({"teams-url": "http://teams.microsoft.com/l/1"}, "teams-url", "teams-not-https"),
    ({"date": "2026-W50-4"}, "date", "date-invalid"),
    ({"date": "20261210"}, "date", "date-invalid"),
    ({"time": "1400"}, "time", "time-invalid"),
    ({"time": "14:00+05:00"}, "time", "time-invalid"),
    ({"date": "0001-01-01", "time": "00:00"}, "date", "date-past"),
    ({"date": "9999-12-31"}, "date", "date-too-far"),
    ({"date": "2027-03-28", "time": "03:30"}, "time", "time-nonexistent"),
    ({"date": "2027-10-31", "time": "03:30"}, "fold", "time-ambiguous"),
    ({"date": "2027-10-31", "time": "03:30", "fold": "third"}, "fold", "time-ambiguous"),
    ({"reference": "Mon\u202e41 noM"}, "reference", "reference-hidden"),
    ({"reference": "Mon\x0014"}, "reference", "reference-hidden"),
    ({"teams-url": "https://teams.microsoft.com/l/\u2028x"}, "teams-url", "teams-hidden"),
])
def test_each_wrong_field_has_its_code(fields: dict[str, str], field: str, code: str) -> None:
    """One error code per wrong field, keyed by the field's id."""
    form = {"date": "2026-12-03", "time": "14:00", "language": "fi"} | fields
    invite, errors = read_invite_form(form, zone=ZONE, now=NOW)
    assert invite is None
    assert errors == {field: code}


@pytest.mark.parametrize(("fold", "moment"), [
    ("first", datetime(2027, 10, 31, 0, 30, tzinfo=UTC)),
    ("second", datetime(2027, 10, 31, 1, 30, tzinfo=UTC)),
])
def test_the_fold_chooses_which_of_a_time_that_comes_twice(fold: str, moment: datetime) -> None:
    """03:30 on the autumn night: the first is still summer time (UTC+3), the second is not."""
    invite, errors = read_invite_form({"date": "2027-10-31", "time": "03:30", "fold": fold,
                                       "language": "fi"}, zone=ZONE, now=NOW)
    assert errors == {}
    assert invite is not None
    assert invite.appointment_at == moment


# invite_status


def _row(**changes: Any) -> SimpleNamespace:
    """An invite row that nobody has opened."""
    values = {"prefers_phone": False, "needs_help": False, "latest_summary": None,
              "opened_at": None}
    return SimpleNamespace(**(values | changes))


@pytest.mark.parametrize(("changes", "status"), [
    ({}, "not-opened"),
    ({"opened_at": NOW}, "in-progress"),
    ({"opened_at": NOW, "latest_summary": "ready"}, "ready"),
    ({"opened_at": NOW, "latest_summary": "ready-with-warnings"}, "ready-with-warnings"),
    ({"opened_at": NOW, "latest_summary": "not-ready"}, "not-ready"),
    ({"opened_at": NOW, "latest_summary": "not-checked"}, "not-checked"),
    ({"opened_at": NOW, "latest_summary": "ready", "needs_help": True}, "needs-help"),
    ({"needs_help": True, "prefers_phone": True}, "prefers-phone"),
])
def test_invite_status(changes: dict[str, Any], status: str) -> None:
    """Calls to make outrank readiness; readiness outranks merely having opened the link."""
    assert invite_status(_row(**changes)) == status


# The form page


def test_anonymous_visitors_go_to_sign_in(client: FlaskClient) -> None:
    """The form is for signed-in staff only."""
    answer = client.get("/staff/invites/new")
    assert answer.status_code == 302
    assert answer.location.endswith("/staff/sign-in")


def test_every_error_is_summarised_and_linked_to_its_field(app: Flask,
                                                          staff_client: FlaskClient) -> None:
    """A 400 page with a summary linking to each wrong field and the same words beside it."""
    answer = _post(staff_client, "en", date="", time="x", reference="x" * 41,
                   teams_url="https://evil.example/meet", language="")
    assert answer.status_code == 400
    html = unescape(answer.get_data(as_text=True))
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    for target, words in [("date", "Enter the date of the appointment"),
                          ("time", "Enter the time of the appointment as hours and minutes"),
                          ("language-fi", "Choose the customer's language"),
                          ("reference", "The reference must be 40 characters or fewer"),
                          ("teams-url", "Enter a Microsoft Teams meeting link")]:
        assert re.search(f'href="#{target}">{re.escape(words)}', summary), target
        assert f'id="{target}"' in html, target
        assert f'id="{target.split("-")[0] if target.startswith("language") else target}-error"' \
            in html, target
    assert html.count('class="field-error"') == 5
    assert _invite_rows(app) == []


@pytest.mark.parametrize(("fields", "words"), [
    ({"date": "2020-01-01"}, "must be today or later"),
    ({"teams_url": "http://teams.microsoft.com/l/1"}, "must start with https://"),
])
def test_past_dates_and_plain_http_teams_links_are_refused(
        staff_client: FlaskClient, fields: dict[str, str], words: str) -> None:
    """In English, the messages say what to fix."""
    answer = _post(staff_client, "en", **fields)
    assert answer.status_code == 400
    assert words in unescape(answer.get_data(as_text=True))


def test_a_time_the_clocks_skip_is_refused_with_the_hour_after(
        app: Flask, staff_client: FlaskClient) -> None:
    """03:30 on the spring night does not exist: the page says so and offers 04:30."""
    answer = _post(staff_client, "en", date=next_clock_change(3).isoformat(), time="03:30")
    assert answer.status_code == 400
    html = unescape(answer.get_data(as_text=True))
    assert re.search(r'href="#time">There is no 03:30 on that day: the clocks go forward an hour '
                     r'that night\. Did you mean 04:30\?', html)
    assert 'name="fold"' not in html
    assert _invite_rows(app) == []


def test_a_time_that_comes_twice_is_asked_about_then_made(app: Flask,
                                                          staff_client: FlaskClient) -> None:
    """03:30 on the autumn night: a choice of the two, linked from the summary; then the link."""
    day = next_clock_change(10)
    answer = _post(staff_client, "en", date=day.isoformat(), time="03:30")
    assert answer.status_code == 400
    html = unescape(answer.get_data(as_text=True))
    assert re.search(r'href="#fold-first">03:30 comes twice on that day', html)
    assert "Which 03:30 do you mean?" in html
    assert re.search(r'id="fold-first" name="fold" value="first">\s*<label[^>]*>The first 03:30, '
                     r'before the clocks go back \(UTC\+03:00\)</label>', html)
    assert re.search(r'id="fold-second" name="fold" value="second">\s*<label[^>]*>The second '
                     r'03:30, after the clocks go back \(UTC\+02:00\)</label>', html)
    assert _invite_rows(app) == []
    chosen = _post(staff_client, "en", date=day.isoformat(), time="03:30", fold="second")
    assert chosen.status_code == 200
    [row] = _invite_rows(app)
    assert row.appointment_at == datetime.combine(day, datetime.min.time(), tzinfo=UTC) \
        + timedelta(hours=1, minutes=30)


@pytest.mark.parametrize(("fields", "words"), [
    ({"date": "2026-W50-4"}, "Enter the date of the appointment as a real date"),
    ({"time": "14:00+05:00"}, "Enter the time of the appointment as hours and minutes"),
    ({"date": "9999-12-31"}, "must be at most 730 days from today"),
    ({"date": "9999-12-31", "time": "23:59"}, "must be at most 730 days from today"),
    ({"date": "0001-01-01", "time": "00:00"}, "must be today or later"),
    ({"date": "0001-01-01", "time": "1400"}, "must be today or later"),
    ({"reference": "Mon\u202e41 noM"}, "The reference contains a character that cannot be seen "
                                       "or that changes how text is shown (U+202E RIGHT-TO-LEFT "
                                       "OVERRIDE)"),
    ({"teams_url": "https://teams.microsoft.com/l/a\u00a0b"},
     "The Teams meeting link contains a character that cannot be seen or that changes how the "
     "link is shown (U+00A0 NO-BREAK SPACE)"),
])
def test_other_writings_and_hidden_characters_are_refused(
        app: Flask, staff_client: FlaskClient, fields: dict[str, str], words: str) -> None:
    """The documented format only, and no character that hides or disguises text."""
    answer = _post(staff_client, "en", **fields)
    assert answer.status_code == 400
    assert words in unescape(answer.get_data(as_text=True))
    assert _invite_rows(app) == []


def test_the_form_needs_its_csrf_token(app: Flask, staff_client: FlaskClient) -> None:
    """Without the token nothing is made."""
    answer = staff_client.post("/staff/invites/new", data={"date": _tomorrow(), "time": "14:00",
                                                          "language": "fi"})
    assert answer.status_code == 400
    assert _invite_rows(app) == []


# The result page


def test_success_shows_the_link_once_with_qr_and_a_message_in_the_customers_language(
        app: Flask, staff_client: FlaskClient) -> None:
    """One invite whose hash matches the shown link; the message is Swedish on a Finnish page."""
    answer = _post(staff_client, reference="Ti 14", teams_url=TEAMS, language="sv")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    html = unescape(answer.get_data(as_text=True))
    assert 'lang="fi"' in html.split(">")[1]
    match = re.search(r'value="(http://localhost/r/([A-Za-z0-9_-]+))"', html)
    assert match, "no absolute personal link"
    rows = _invite_rows(app)
    assert len(rows) == 1
    assert rows[0].token_hash == invites.hash_token(match.group(2))
    assert (rows[0].language, rows[0].reference, rows[0].teams_url) == ("sv", "Ti 14", TEAMS)
    message = html.split('id="invite-message"')[1].split("</textarea>")[0]
    # The appointment is named in Swedish (Babel's month and weekday names), not in Finnish.
    moment = rows[0].appointment_at.astimezone(ZoneInfo(ZONE))
    assert format_date(moment, "EEEE d MMMM", locale="sv") in message, message
    assert format_date(moment, "MMMM", locale="fi") not in message
    assert "14.00" in message or "14:00" in message
    assert match.group(1) in message
    assert TEAMS in message
    # The QR code is the page's own first drawing (the header's language globe comes before it).
    qr_start = html.index("<svg", html.index("<main"))
    svg = html[qr_start:html.index("</svg>", qr_start)]
    assert 'role="img"' in svg and "aria-label=" in svg
    assert "style" not in svg
    assert "<style" not in html
    assert 'data-module="copy-link"' in html
    # The token is nowhere but in this answer: not in the session cookie.
    assert match.group(2) not in (answer.headers.get("Set-Cookie") or "")
    with staff_client.session_transaction() as session:
        assert match.group(2) not in str(dict(session))


def test_the_link_uses_public_url_when_set(app: Flask, staff_client: FlaskClient) -> None:
    """PUBLIC_URL is where customers reach Valmis."""
    app.config["PUBLIC_URL"] = "https://valmis.example.fi"
    html = _post(staff_client).get_data(as_text=True)
    assert 'value="https://valmis.example.fi/r/' in html


def test_creating_an_invite_is_audited_without_customer_data(
        app: Flask, staff_client: FlaskClient) -> None:
    """The audit row names the invite id, not the reference or the link."""
    _post(staff_client, reference="Secret ref")
    with app.extensions["valmis.db"].connect() as connection:
        entries = list(connection.execute(select(db.audit_log).where(
            db.audit_log.c.action == "invite-created")))
        invite_id = connection.execute(select(func.max(db.invites.c.id))).scalar_one()
    assert len(entries) == 1
    assert entries[0].detail == f"invite {invite_id}"
    assert entries[0].staff_id is not None


def test_the_invite_page_names_who_created_it(app: Flask, staff_client: FlaskClient) -> None:
    """The team shares every invite (README, "Decisions"), but each page says whose it is."""
    _post(staff_client)
    invite_id = _invite_rows(app)[0].id
    with app.extensions["valmis.db"].connect() as connection:
        aino = connection.execute(select(db.staff.c.id).where(
            db.staff.c.name == "Aino")).scalar_one()
    assert _invite_rows(app)[0].created_by == aino
    html = unescape(staff_client.get(f"/staff/invites/{invite_id}",
                                     headers={"Accept-Language": "en"}).get_data(as_text=True))
    assert "<dt>Created by</dt><dd>Aino</dd>" in html
    # One made on the command line has nobody to name.
    with app.extensions["valmis.db"].begin() as connection:
        other, _token = invites.create_invite(
            connection, appointment_at=datetime.now(UTC) + timedelta(days=1), language="fi")
    html = unescape(staff_client.get(f"/staff/invites/{other}",
                                     headers={"Accept-Language": "en"}).get_data(as_text=True))
    assert "<dt>Created by</dt><dd>Not recorded</dd>" in html


# The dashboard


def test_the_dashboard_lists_upcoming_invites_with_their_status(
        app: Flask, staff_client: FlaskClient) -> None:
    """Not opened at first, ready after a readiness report; past days are left out."""
    with app.extensions["valmis.db"].begin() as connection:
        invite_id, _ = invites.create_invite(
            connection, appointment_at=datetime.now(UTC) + timedelta(days=1),
            language="sv", reference="Ti 14")
        invites.create_invite(connection, appointment_at=datetime.now(UTC) - timedelta(days=3),
                              language="fi", reference="Old one")
    page = staff_client.get("/staff/", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert 'href="/staff/invites/new"' in html
    assert "Ti 14" in html and "Svenska" in html
    assert "Not opened" in html
    # The language menu keeps its three languages.
    assert html.count('hreflang="sv"') == 1
    assert "Old one" not in html
    with app.extensions["valmis.db"].begin() as connection:
        invites.record_report(connection, invite_id, {
            "version": 1, "id": "00000000-0000-4000-8000-000000000001", "kind": "readiness",
            "created_at": "2026-12-01T09:00:00.000Z", "path": "web", "device": {},
            "checks": {name: {"status": "ok"} for name in ("camera", "microphone", "speaker",
                                                              "connection", "browser")},
            "summary": "ready", "warnings": [], "problems": []},
            datetime.now(UTC))
    html = staff_client.get("/staff/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "invite-status--ready\">Ready<" in html
    assert "Computer, web browser" in html


@pytest.mark.parametrize(("staff_language", "customer_language"), [("en", "fi"), ("fi", "sv")])
def test_every_label_of_the_letter_is_in_the_customers_language(
        app: Flask, staff_client: FlaskClient, staff_language: str,
        customer_language: str) -> None:
    """The printed letter is the customer's: its name and its QR code's name are in their
    language, not in the staff member's (a Finnish letter said "Letter" and "QR code …")."""
    answer = _post(staff_client, accept=staff_language, language=customer_language)
    html = unescape(answer.get_data(as_text=True))
    letter = html[html.index('<section class="letter"'):html.index("</section>")]
    with app.test_request_context(), force_locale(customer_language):
        letter_name, qr_name = gettext("Letter"), gettext("QR code of the personal link")
    with app.test_request_context(), force_locale(staff_language):
        staff_names = {gettext("Letter"), gettext("QR code of the personal link")}
    assert f'lang="{customer_language}" aria-label="{letter_name}"' in letter
    assert f'aria-label="{qr_name}"' in letter
    assert not staff_names & set(re.findall(r'aria-label="([^"]*)"', letter))
