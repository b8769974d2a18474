"""The pages about the service: the privacy notice, written from the settings and the profile."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import accounts, feedback, housekeeping, organisation, tables
from app.accessibility_shortcomings import known_shortcomings
from app.i18n import LANGUAGE_CODES
from tests.support.app import migrated_app
from tests.support.staff import page_csrf

ABOUT_PAGES = ("/privacy-notice", "/accessibility", "/feedback")


def _text(answer: Any) -> str:
    """The page's HTML with entities decoded."""
    return unescape(answer.get_data(as_text=True))


def _main(answer: Any) -> str:
    """The page's main content, without tags."""
    html = _text(answer)
    main = html[html.index("<main"):html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


@pytest.mark.parametrize("page", ABOUT_PAGES)
@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_every_about_page_is_written_in_every_language(
        client: FlaskClient, page: str, language: str) -> None:
    """200 with the page checks, in the language asked, and not in English but for English."""
    answer = client.get(f"{page}?lang={language}")
    assert answer.status_code == 200
    assert f'<html lang="{language}"' in _text(answer)
    if language != "en":
        english = set(re.split(r"(?<=[.:])\s", _main(client.get(f"{page}?lang=en"))))
        own = set(re.split(r"(?<=[.:])\s", _main(answer)))
        untranslated = {s for s in english & own if len(s) > 30 and "@" not in s}
        assert untranslated == set()


@pytest.mark.parametrize("days", [1, 14, 30, 365])
def test_the_stated_retention_is_retention_days(tmp_path: Path, days: int) -> None:
    """In every language the retention sentence names RETENTION_DAYS and no other number."""
    with migrated_app(tmp_path / "t.db", RETENTION_DAYS=days) as app:
        client = app.test_client()
        for language in LANGUAGE_CODES:
            html = _text(client.get(f"/privacy-notice?lang={language}"))
            match = re.search(r'data-retention-days="([0-9]+)">([^<]+)<', html)
            assert match, language
            assert int(match.group(1)) == days
            assert re.findall(r"[0-9]+", match.group(2)) == [str(days)], (language, match[2])


def test_without_a_relay_or_stun_server_no_other_server_is_named(client: FlaskClient) -> None:
    """The default settings send nothing anywhere else, and the notice says only that."""
    html = _text(client.get("/privacy-notice?lang=en"))
    assert "js-relay" not in html and "js-stun" not in html
    assert "The data is not given to anyone else." in html


def test_a_configured_relay_and_stun_server_are_named(tmp_path: Path) -> None:
    """The operator's TURN relay and a STUN server's host appear once they are set."""
    with migrated_app(tmp_path / "t.db", TURN_URLS="turn:turn.example.fi:3478",
                      TURN_SECRET="s" * 32, STUN_URL="stun:stun.example.org:3478") as app:
        html = _text(app.test_client().get("/privacy-notice?lang=en"))
    assert "through the controller's own relay server" in html
    assert "your browser contacts the server stun.example.org," in html


def test_the_notice_says_what_is_stored_and_never_pictures_or_sound(client: FlaskClient) -> None:
    """The report schema's contents, the staff who see it, the rights and the ombudsman."""
    main = _main(client.get("/privacy-notice?lang=en"))
    for words in ("operating system and web browser", "camera, microphone, speaker and "
                  "connection checks", "Pictures and sound are never stored or sent",
                  "Data Protection Ombudsman", "Article 6(1)(e)", "staff area"):
        assert words in main
    assert 'href="https://tietosuoja.fi"' in _text(client.get("/privacy-notice"))


def test_the_notice_describes_the_anonymous_counts_kept_after_deletion(
        client: FlaskClient) -> None:
    """Issue 20: what is counted, that it is kept, why it names nobody, and who sees it."""
    main = _main(client.get("/privacy-notice?lang=en"))
    for words in ("Anonymous counts kept afterwards", "counts per month", "without versions",
                  "the final result of each check", "the readiness summary",
                  "whether you asked to be called", "what happened at the appointment",
                  "kept after your data is deleted", "no names, times, references, links or "
                  "versions", "fewer than 5 people is never shown",
                  "Only the controller's administrators see them."):
        assert words in main


def test_the_controller_comes_from_the_profile_and_nothing_is_made_up(
        app: Flask, client: FlaskClient) -> None:
    """Empty profile: no address at all. Filled: the controller and both contacts."""
    html = _text(client.get("/privacy-notice?lang=en"))
    assert "mailto:" not in html
    assert "The organisation that gave you the link to this guide." in html
    with app.extensions["valmis.db"].begin() as connection:
        staff_id = _admin(connection)
        organisation.save_profile(connection, organisation.Profile(
            controllers={"fi": "Esimerkin kaupunki"}, email="ohjaus@example.fi",
            privacy_contact="tietosuoja@example.fi"), staff_id=staff_id, now=datetime.now(UTC))
    html = _text(client.get("/privacy-notice?lang=en"))
    assert "<dd>Esimerkin kaupunki</dd>" in html
    assert 'href="mailto:tietosuoja@example.fi"' in html
    assert 'href="mailto:ohjaus@example.fi"' in html


def _admin(connection: Any) -> int:
    """A staff member to be the profile's editor."""
    return accounts.create_staff(connection, "Aino", is_admin=True)


@pytest.mark.parametrize("page", ["/", "/help", "/checks", "/privacy-notice", "/staff/sign-in"])
def test_every_page_footer_links_the_privacy_notice(client: FlaskClient, page: str) -> None:
    """Customer and staff pages alike."""
    html = _text(client.get(page))
    footer = html[html.index("<footer"):]
    assert 'href="/privacy-notice"' in footer
    assert 'href="/accessibility"' in footer


def test_the_statement_lists_every_known_shortcoming_from_its_file(client: FlaskClient) -> None:
    """app/accessibility_shortcomings.py is the list: each entry appears, translated."""
    for language in LANGUAGE_CODES:
        answer = client.get(f"/accessibility?lang={language}")
        with client.application.test_request_context(f"/?lang={language}"):
            expected = known_shortcomings()
        html = _text(answer)
        for item in expected:
            assert item.what in html and item.meanwhile in html
        assert html.count("<li>\n    <p><strong>") == len(expected)


def test_the_statement_without_a_profile_names_no_dates_or_contacts(client: FlaskClient) -> None:
    """No made-up date, evaluator, authority or address."""
    main = _main(client.get("/accessibility?lang=en"))
    assert "The organisation has not yet given the date of this statement." in main
    assert "last evaluated" not in main
    assert "mailto:" not in _text(client.get("/accessibility?lang=en"))
    assert "The supervisory authority is" not in main
    assert 'href="https://www.saavutettavuusvaatimukset.fi"' in _text(client.get("/accessibility"))


def test_the_statement_takes_its_variable_parts_from_the_profile(
        app: Flask, client: FlaskClient) -> None:
    """Dates in the page's language, the evaluator, the authority and the contact email."""
    with app.extensions["valmis.db"].begin() as connection:
        organisation.save_profile(connection, organisation.Profile(
            names={"en": "Example City"}, statement_date=date(2026, 11, 30),
            evaluated_date=date(2026, 11, 20), evaluator="Self-evaluation",
            authority="Example Agency", email="ohjaus@example.fi"),
            staff_id=_admin(connection), now=datetime.now(UTC))
    main = _main(client.get("/accessibility?lang=en"))
    assert "Example City wants everyone to be able to use" in main
    assert "This statement was made on November 30, 2026." in main
    assert "last evaluated on November 20, 2026 by: Self-evaluation." in main
    assert "The supervisory authority is Example Agency." in main
    assert "ohjaus@example.fi" in main
    assert "30. marraskuuta 2026" in _main(client.get("/accessibility?lang=fi"))


# The feedback form


def _feedback_rows(app: Flask) -> list[Any]:
    """Every stored feedback message."""
    with app.extensions["valmis.db"].connect() as connection:
        return list(connection.execute(select(tables.feedback).order_by(tables.feedback.c.id)))


def _send(client: FlaskClient, data: dict[str, str], page: str = "/feedback?lang=en") -> Any:
    """Post the form as the page does, with its CSRF token."""
    token = page_csrf(client, page)
    return client.post("/feedback?lang=en", data={**data, "csrf_token": token})


def test_feedback_is_stored_with_its_page_and_no_contact_unless_given(
        app: Flask, client: FlaskClient) -> None:
    """The footer's link names the page's route; the sender need not say who they are."""
    footer = _text(client.get("/checks?lang=en"))
    link = re.search(r'href="(/feedback\?from=[^"]+)"', footer)
    assert link and link.group(1) == "/feedback?from=/checks"
    form = _text(client.get(link.group(1)))
    assert 'name="page" value="/checks"' in form
    assert "Your contact details (optional)" in form
    answer = _send(client, {"message": "The sound check\r\nwas too quiet.", "page": "/checks"})
    assert answer.status_code == 303
    assert "Thank you. Your feedback was sent." in _text(client.get(answer.headers["Location"]))
    [row] = _feedback_rows(app)
    assert (row.message, row.page, row.name, row.contact, row.language) == (
        "The sound check\nwas too quiet.", "/checks", None, None, "en")


def test_a_personal_link_is_never_the_stored_page(app: Flask, client: FlaskClient) -> None:
    """A made-up page or a real path with a token is dropped; the route pattern is kept."""
    assert _send(client, {"message": "a", "page": "/r/abcdefghijklmnop"}).status_code == 303
    assert _send(client, {"message": "b", "page": "/r/<token>"}).status_code == 303
    assert [row.page for row in _feedback_rows(app)] == [None, "/r/<token>"]


def test_an_empty_or_hidden_message_is_refused(app: Flask, client: FlaskClient) -> None:
    """400 with the error summary; nothing stored."""
    answer = _send(client, {"message": "   ", "name": "Aino"})
    assert answer.status_code == 400
    assert '<a href="#message">Write your feedback</a>' in _text(answer)
    assert 'value="Aino"' in _text(answer)
    assert _send(client, {"message": "hi\u202e"}).status_code == 400
    assert _feedback_rows(app) == []


def test_the_form_needs_its_csrf_token(app: Flask, client: FlaskClient) -> None:
    """Without the token nothing is stored."""
    assert client.post("/feedback", data={"message": "hello"}).status_code == 400
    assert _feedback_rows(app) == []


def test_feedback_is_rate_limited_per_address(tmp_path: Path) -> None:
    """Beyond FEEDBACK_RATE_LIMIT the answer is 429 and nothing more is stored."""
    with migrated_app(tmp_path / "t.db", FEEDBACK_RATE_LIMIT="2/minute",
                      RATELIMIT_ENABLED=True) as app:
        client = app.test_client()
        codes = [_send(client, {"message": f"m{i}"}).status_code for i in range(3)]
        assert codes == [303, 303, 429]
        assert len(_feedback_rows(app)) == 2


def test_administrators_see_age_and_deadline_and_mark_an_answer(
        app: Flask, client: FlaskClient, admin_client: FlaskClient) -> None:
    """Unanswered first with its deadline, overdue said in words; answering is audited."""
    now = datetime.now(UTC)
    with app.extensions["valmis.db"].begin() as connection:
        old = feedback.store_feedback(connection, feedback.Feedback(
            "Old one", None, "ohjaus@example.fi", None), language="fi",
            now=now - timedelta(days=20))
        new = feedback.store_feedback(connection, feedback.Feedback(
            "New one", "Aino", None, "/help"), language="sv", now=now - timedelta(days=3))
    dashboard = _text(admin_client.get("/staff/?lang=en"))
    assert "2 feedback messages wait for an answer" in dashboard
    page = _text(admin_client.get("/staff/feedback?lang=en"))
    assert page.index("Old one") < page.index("New one")
    assert "Arrived 20 days ago." in page and "Overdue: the answer was due by" in page
    assert "Arrived 3 days ago." in page and "Answer by" in page
    assert "Svenska" in page and "/help" in page
    token = page_csrf(admin_client, "/staff/feedback")
    answer = admin_client.post(f"/staff/feedback/{old}/answered",
                               data={"csrf_token": token})
    assert answer.status_code == 303
    page = _text(admin_client.get("/staff/feedback?lang=en"))
    assert page.index("New one") < page.index("Old one")
    assert "Answered " in page
    assert admin_client.post(f"/staff/feedback/{old}/answered",
                             data={"csrf_token": token}).status_code == 404
    with app.extensions["valmis.db"].connect() as connection:
        actions = [row.detail for row in connection.execute(select(tables.audit_log).where(
            tables.audit_log.c.action == "feedback-answered"))]
    assert actions == [f"feedback {old}"]
    assert new


def test_only_administrators_see_feedback(staff_client: FlaskClient) -> None:
    """Other staff get the 403 page."""
    assert staff_client.get("/staff/feedback").status_code == 403


def test_feedback_is_purged_after_its_retention(app: Flask) -> None:
    """The daily purge deletes messages older than FEEDBACK_RETENTION_DAYS, not newer ones."""
    now = datetime.now(UTC)
    engine = app.extensions["valmis.db"]
    with engine.begin() as connection:
        for days in (181, 179):
            feedback.store_feedback(connection, feedback.Feedback(
                f"{days}", None, None, None), language="fi", now=now - timedelta(days=days))
    assert housekeeping.purge_if_due(engine, 14, now, feedback_days=180) == 0
    assert [row.message for row in _feedback_rows(app)] == ["179"]
