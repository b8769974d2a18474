"""GET /r/<token>: a person opens their link; a link previewer never counts as them."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import db, ics, invites
from tests.support.user_agents import WINDOWS_CHROME

# Thursday 3 December 2099, 14:00 in Helsinki (UTC+2 in winter).
APPOINTMENT = datetime(2099, 12, 3, 12, 0, tzinfo=UTC)
DESKTOP = WINDOWS_CHROME
BOTS = ["SkypeUriPreview Preview/0.5", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"]


@pytest.fixture
def link(app: Flask) -> tuple[int, str]:
    """A Finnish invite's id and token."""
    with app.extensions["valmis.db"].begin() as connection:
        return invites.create_invite(connection, appointment_at=APPOINTMENT, language="fi",
                                     now=APPOINTMENT - timedelta(days=2))


def invite_row(app: Flask, invite_id: int) -> Any:
    """The invite's row."""
    with app.extensions["valmis.db"].connect() as connection:
        return connection.execute(select(db.invites).where(db.invites.c.id == invite_id)).one()


def open_link(client: FlaskClient, token: str, user_agent: str = DESKTOP, **kwargs: Any) -> Any:
    """GET the personal link as user_agent."""
    headers = {"User-Agent": user_agent, **kwargs.pop("headers", {})}
    return client.get(f"/r/{token}", headers=headers, **kwargs)


def test_a_person_opens_the_link(app: Flask, client: FlaskClient,
                                 link: tuple[int, str]) -> None:
    """Marked opened, the session knows the invite, the page shows the appointment in Finnish."""
    invite_id, token = link
    response = open_link(client, token)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="fi"' in page
    # The date and time in the invite's language and zone: "torstaina 3. joulukuuta 2099
    # klo 14.00" once the catalogue has the sentence.
    assert "torstaina 3. joulukuuta 2099" in page and "14.00" in page
    row = invite_row(app, invite_id)
    assert row.opened_at is not None and row.last_activity_at == row.opened_at
    with client.session_transaction() as session:
        assert session["wizard"]["invite"] == invite_id
    checks = client.get("/checks", headers={"User-Agent": DESKTOP}).get_data(as_text=True)
    assert f'data-report-url="/api/v1/invites/{token}/reports"' in checks


def test_opening_again_keeps_the_first_time(app: Flask, client: FlaskClient,
                                            link: tuple[int, str]) -> None:
    """The second visit moves last activity, not opened_at."""
    invite_id, token = link
    open_link(client, token)
    first = invite_row(app, invite_id).opened_at
    open_link(client, token)
    again = invite_row(app, invite_id)
    assert again.opened_at == first and again.last_activity_at >= first


@pytest.mark.parametrize("user_agent", BOTS)
def test_a_link_previewer_does_not_count(app: Flask, client: FlaskClient,
                                         link: tuple[int, str], user_agent: str) -> None:
    """A neutral start page: not marked opened, no appointment time, no session."""
    invite_id, token = link
    response = open_link(client, token, user_agent)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "joulukuuta" not in page and "December" not in page and "14.00" not in page
    assert "Set-Cookie" not in response.headers
    assert invite_row(app, invite_id).opened_at is None


def test_a_head_request_does_not_count(app: Flask, client: FlaskClient,
                                       link: tuple[int, str]) -> None:
    """Link checkers ask with HEAD; a person's browser never does."""
    invite_id, token = link
    assert client.head(f"/r/{token}", headers={"User-Agent": DESKTOP}).status_code == 200
    assert invite_row(app, invite_id).opened_at is None


def test_the_invites_language_is_used(client: FlaskClient, link: tuple[int, str]) -> None:
    """Over the browser's Accept-Language, and on the pages after the link too."""
    _invite_id, token = link
    page = open_link(client, token, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fi"' in page
    following = client.get("/device", headers={"User-Agent": DESKTOP, "Accept-Language": "en"})
    assert '<html lang="fi"' in following.get_data(as_text=True)


def test_the_customers_own_choice_wins(client: FlaskClient, link: tuple[int, str]) -> None:
    """A chosen language (?lang= or its cookie) beats the invite's; the date follows it."""
    _invite_id, token = link
    page = open_link(client, token, query_string={"lang": "en"}).get_data(as_text=True)
    assert '<html lang="en"' in page
    assert "Thursday, December 3, 2099" in page and "2:00" in page
    # The cookie now remembers a choice; a Swedish one gives Swedish.
    client.set_cookie("lang", "sv")
    page = open_link(client, token).get_data(as_text=True)
    assert '<html lang="sv"' in page and "3 december 2099" in page and "14:00" in page


def test_another_invite_starts_afresh(client: FlaskClient, app: Flask,
                                      link: tuple[int, str]) -> None:
    """Progress made for one invite (a shared computer) does not carry over to another."""
    first_id, first_token = link
    open_link(client, first_token)
    client.post("/device", data={"device": "computer"}, headers={"User-Agent": DESKTOP})
    with app.extensions["valmis.db"].begin() as connection:
        second_id, second_token = invites.create_invite(
            connection, appointment_at=APPOINTMENT, language="sv")
    open_link(client, second_token)
    with client.session_transaction() as session:
        assert session["wizard"] == {"invite": second_id}
    checks = client.get("/checks", headers={"User-Agent": DESKTOP}).get_data(as_text=True)
    assert f'data-report-url="/api/v1/invites/{second_token}/reports"' in checks
    assert second_id != first_id


def test_the_plain_start_page_shows_no_appointment(client: FlaskClient) -> None:
    """/ is for everyone: no appointment sentence."""
    page = client.get("/", headers={"User-Agent": DESKTOP}).get_data(as_text=True)
    assert "2099" not in page


@pytest.mark.parametrize("token", ["x", "a" * 32, "a" * 200, "not/a/token"])
def test_unknown_token_is_the_404_page(client: FlaskClient, token: str) -> None:
    """The calm 404 page, in HTML."""
    response = client.get(f"/r/{token}", headers={"User-Agent": DESKTOP})
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_expired_link_is_the_404_page(app: Flask, client: FlaskClient) -> None:
    """RETENTION_DAYS after the appointment the link no longer opens."""
    with app.extensions["valmis.db"].begin() as connection:
        _invite_id, token = invites.create_invite(
            connection, appointment_at=datetime.now(UTC) - timedelta(days=15), language="fi")
    assert client.get(f"/r/{token}", headers={"User-Agent": DESKTOP}).status_code == 404


def test_the_token_never_reaches_a_log(app: Flask, client: FlaskClient,
                                       link: tuple[int, str],
                                       caplog: pytest.LogCaptureFixture,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Not for a 404, an opened link, a report post, nor an error Flask logs with the path."""
    _invite_id, token = link
    unknown = invites.new_token()
    caplog.set_level(logging.DEBUG)
    assert client.get(f"/r/{unknown}", headers={"User-Agent": DESKTOP}).status_code == 404
    assert open_link(client, token).status_code == 200
    client.post(f"/api/v1/invites/{unknown}/reports", json={})

    def broken(*_args: Any) -> None:
        """Fail as a database outage would."""
        raise RuntimeError("database went away")

    monkeypatch.setattr(invites, "mark_opened", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert open_link(client, token).status_code == 500
    assert "Exception on /r/[redacted]" in caplog.text
    for secret in (token, unknown):
        assert secret not in caplog.text


def _teams_invite(app: Flask) -> str:
    """A Swedish invite with a Teams link; answers its token."""
    with app.extensions["valmis.db"].begin() as connection:
        _id, token = invites.create_invite(
            connection, appointment_at=APPOINTMENT, language="sv",
            teams_url="https://teams.microsoft.com/meet/123456789?p=abc")
    return token


def test_ready_shows_the_appointment_calendar_and_join_button(app: Flask,
                                                              client: FlaskClient) -> None:
    """Ready of a personal link: the time, 'add to calendar', and the Teams link unchanged."""
    open_link(client, _teams_invite(app))
    page = client.get("/ready", headers={"User-Agent": DESKTOP}).get_data(as_text=True)
    assert "3 december 2099" in page and "14:00" in page
    assert 'href="https://teams.microsoft.com/meet/123456789?p=abc"' in page
    assert 'href="/appointment.ics"' in page


def test_ready_without_a_personal_link_has_no_appointment(client: FlaskClient) -> None:
    """The general guide has no time, no calendar file and no join button."""
    page = client.get("/ready?lang=en").get_data(as_text=True)
    assert "appointment.ics" not in page and "teams.microsoft.com" not in page
    assert client.get("/appointment.ics").status_code == 404


def test_calendar_file_is_valid_icalendar(app: Flask, client: FlaskClient) -> None:
    """A VEVENT at the appointment in UTC, an hour long, folded lines, CRLF, the Teams URL."""
    open_link(client, _teams_invite(app))
    response = client.get("/appointment.ics", headers={"User-Agent": DESKTOP})
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    lines = body.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = body.replace("\r\n ", "")
    assert "DTSTART:20991203T120000Z" in unfolded
    assert "DTEND:20991203T130000Z" in unfolded
    assert "URL:https://teams.microsoft.com/meet/123456789?p=abc" in unfolded
    assert "SUMMARY:Videomöte för karriärvägledning" in unfolded


def test_calendar_text_is_escaped_and_folded() -> None:
    """Commas, semicolons and newlines are escaped; a long line folds without splitting a letter."""
    body = ics.appointment_ics(
        uid="x@valmis", start=APPOINTMENT, minutes=45, summary="a, b; c\nd",
        description="ä" * 80, url=None, now=APPOINTMENT)
    assert "SUMMARY:a\\, b\\; c\\nd\r\n" in body
    assert "DTEND:20991203T124500Z" in body
    description = next(line for line in body.split("\r\n") if line.startswith("DESCRIPTION:ä"))
    assert len(description.encode()) <= 75
    assert "ä" * 80 in body.replace("\r\n ", "")


def _reports(app: Flask) -> list[Any]:
    """Every stored report, oldest first."""
    with app.extensions["valmis.db"].connect() as connection:
        return list(connection.execute(select(db.reports).order_by(db.reports.c.id)))


def _submit(client: FlaskClient, url: str, data: dict[str, str] | None = None) -> Any:
    """Post url's form with its CSRF token, as a desktop browser."""
    html = client.get(url, headers={"User-Agent": DESKTOP}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token
    return client.post(url, data={"csrf_token": token.group(1), **(data or {})},
                       headers={"User-Agent": DESKTOP})


def test_each_finished_step_is_reported_for_a_personal_link(app: Flask, client: FlaskClient,
                                                            link: tuple[int, str]) -> None:
    """The wizard's own posts tell staff the step and path: no JavaScript needed."""
    invite_id, token = link
    open_link(client, token)
    _submit(client, "/device", {"device": "computer"})
    _submit(client, "/computer/browser")
    steps = [(r.kind, r.body["step"], r.body["path"]) for r in _reports(app)]
    assert steps == [("step", "device", "web"), ("step", "browser", "web")]
    assert invite_row(app, invite_id).latest_path == "web"


def test_the_general_guide_reports_nothing(app: Flask, client: FlaskClient) -> None:
    """Without a personal link nothing is stored, and no 'I need help' button is offered."""
    _submit(client, "/device", {"device": "computer"})
    page = client.get("/help?lang=en").get_data(as_text=True)
    assert "I need help: please call me" not in page
    assert _reports(app) == []


def test_i_need_help_flags_the_invite(app: Flask, client: FlaskClient,
                                      link: tuple[int, str]) -> None:
    """'I need help' is on every page of a personal link; pressing it flags the invite."""
    invite_id, token = link
    open_link(client, token)
    assert "Tarvitsen apua: soittakaa minulle" in client.get(
        "/privacy", headers={"User-Agent": DESKTOP}).get_data(as_text=True)
    response = _submit(client, "/help")
    assert response.headers["Location"] == "/help"
    assert invite_row(app, invite_id).needs_help is True
    assert "Avunpyyntösi on lähetetty" in client.get(
        "/help", headers={"User-Agent": DESKTOP}).get_data(as_text=True)


def test_no_video_is_reported_both_ways(app: Flask, client: FlaskClient,
                                        link: tuple[int, str]) -> None:
    """Preferring a phone call flags the invite; changing one's mind clears it."""
    invite_id, token = link
    open_link(client, token)
    _submit(client, "/no-video", {"choice": "phone"})
    assert invite_row(app, invite_id).prefers_phone is True
    _submit(client, "/no-video", {"choice": "video"})
    assert invite_row(app, invite_id).prefers_phone is False


def test_checks_page_names_where_results_go_only_for_a_personal_link(
        client: FlaskClient, link: tuple[int, str]) -> None:
    """The report URL carries the token only on a personal link's page."""
    assert 'data-report-url=""' in client.get("/checks").get_data(as_text=True)
    _invite_id, token = link
    open_link(client, token)
    page = client.get("/checks", headers={"User-Agent": DESKTOP}).get_data(as_text=True)
    assert f'data-report-url="/api/v1/invites/{token}/reports"' in page


# Outlook on an iPhone opens links in its own web view (no "Safari/" in the UA); Gmail and
# Outlook on Android in an Android web view ("; wv)").
OUTLOOK_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                  "(KHTML, like Gecko) Mobile/15E148")
ANDROID_WEB_VIEW = ("Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/UQ1A.240205.004; wv) "
                    "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/131.0.6778.135 "
                    "Mobile Safari/537.36")
IPHONE_SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")


def _way_out(client: FlaskClient, token: str, user_agent: str) -> str:
    """Open the personal link inside an app, press Start, follow to the way-out page: its HTML."""
    open_link(client, token, user_agent)
    response = client.get("/device", headers={"User-Agent": user_agent})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/r/{token}/open-in-browser"
    page = client.get(response.headers["Location"], headers={"User-Agent": user_agent},
                      query_string={"lang": "en"})
    assert page.status_code == 200
    return page.get_data(as_text=True)


@pytest.mark.parametrize("user_agent", [OUTLOOK_IPHONE, ANDROID_WEB_VIEW])
def test_the_way_out_of_an_app_keeps_the_personal_link(client: FlaskClient,
                                                       link: tuple[int, str],
                                                       user_agent: str) -> None:
    """In a web view the page to copy is the customer's own link, not the site's root; the
    app's own "open in browser" opens the page's address, which carries it too."""
    _invite_id, token = link
    page = _way_out(client, token, user_agent)
    assert f'value="http://localhost/r/{token}"' in page
    assert 'value="http://localhost/"' not in page
    # A web view is not an app the customer knows by that name.
    assert "WebView" not in page


def test_open_in_chrome_opens_the_personal_link(client: FlaskClient,
                                                link: tuple[int, str]) -> None:
    """Android's intent link opens the personal link in Chrome, and falls back to it."""
    _invite_id, token = link
    page = _way_out(client, token, ANDROID_WEB_VIEW)
    assert (f'href="intent://localhost/r/{token}#Intent;scheme=http;'
            f'package=com.android.chrome;S.browser_fallback_url=http%3A%2F%2Flocalhost%2Fr%2F'
            f'{token};end"') in page


def test_the_general_way_out_page_moves_to_the_personal_one(client: FlaskClient,
                                                            link: tuple[int, str]) -> None:
    """/open-in-browser in an app, for a session that knows its link, goes to the address
    that carries it (so that the app's menu opens the customer's own link)."""
    _invite_id, token = link
    open_link(client, token, ANDROID_WEB_VIEW)
    response = client.get("/open-in-browser", headers={"User-Agent": ANDROID_WEB_VIEW})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/r/{token}/open-in-browser"


@pytest.mark.parametrize("user_agent", [IPHONE_SAFARI, DESKTOP])
def test_the_way_out_opened_in_a_real_browser_continues(app: Flask, link: tuple[int, str],
                                                        user_agent: str) -> None:
    """The app's menu opened the page's address in Safari or Chrome: a new session there
    knows the invite and goes on to the first step, without asking again."""
    invite_id, token = link
    browser = app.test_client()
    response = browser.get(f"/r/{token}/open-in-browser", headers={"User-Agent": user_agent})
    assert response.status_code == 302
    assert response.headers["Location"] == "/device"
    assert invite_row(app, invite_id).opened_at is not None
    with browser.session_transaction() as session:
        assert session["wizard"]["invite"] == invite_id
    device = browser.get("/device", headers={"User-Agent": user_agent})
    assert device.status_code == 200
    assert '<html lang="fi"' in device.get_data(as_text=True)
    help_page = browser.get("/help?lang=en", headers={"User-Agent": user_agent})
    assert "I need help: please call me" in help_page.get_data(as_text=True)


def test_the_general_way_out_in_a_real_browser_continues(client: FlaskClient) -> None:
    """/open-in-browser opened in a real browser does not ask again: it goes to step one."""
    response = client.get("/open-in-browser", headers={"User-Agent": IPHONE_SAFARI})
    assert response.status_code == 302
    assert response.headers["Location"] == "/device"


def test_continue_here_anyway_on_the_personal_way_out(client: FlaskClient,
                                                      link: tuple[int, str]) -> None:
    """Staying in the app from the personal page leads to the device step, as before."""
    _invite_id, token = link
    page = _way_out(client, token, ANDROID_WEB_VIEW)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    stay = client.post(f"/r/{token}/open-in-browser", data={"csrf_token": csrf.group(1)},
                       headers={"User-Agent": ANDROID_WEB_VIEW})
    assert stay.headers["Location"] == "/device"
    device = client.get("/device?lang=en", headers={"User-Agent": ANDROID_WEB_VIEW})
    assert device.status_code == 200
    assert "Step 1 of 6" in device.get_data(as_text=True)


def test_an_unknown_token_on_the_way_out_is_the_404_page(client: FlaskClient) -> None:
    """Like /r/<token>: a miss is a 404 (and counts against the address's look-ups)."""
    response = client.get(f"/r/{invites.new_token()}/open-in-browser",
                          headers={"User-Agent": IPHONE_SAFARI})
    assert response.status_code == 404


@pytest.mark.parametrize("user_agent", BOTS)
def test_a_previewer_on_the_way_out_does_not_count(app: Flask, client: FlaskClient,
                                                   link: tuple[int, str],
                                                   user_agent: str) -> None:
    """Nothing recorded, nothing personal shown, no session."""
    invite_id, token = link
    response = client.get(f"/r/{token}/open-in-browser", headers={"User-Agent": user_agent})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "joulukuuta" not in page and "December" not in page and "14.00" not in page
    assert "Set-Cookie" not in response.headers
    assert invite_row(app, invite_id).opened_at is None


def test_the_way_out_never_puts_the_token_in_a_log(app: Flask, client: FlaskClient,
                                                   link: tuple[int, str],
                                                   caplog: pytest.LogCaptureFixture,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """An error Flask logs with the new path names it redacted."""
    _invite_id, token = link
    caplog.set_level(logging.DEBUG)

    def broken(*_args: Any) -> None:
        """Fail as a database outage would."""
        raise RuntimeError("database went away")

    monkeypatch.setattr(invites, "mark_opened", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get(f"/r/{token}/open-in-browser", headers={"User-Agent": IPHONE_SAFARI})
    assert response.status_code == 500
    assert "Exception on /r/[redacted]/open-in-browser" in caplog.text
    assert token not in caplog.text


CHECKED = {"checked_by": "browser", "camera": "ok", "microphone": "ok", "speaker": "ok",
           "connection": "ok", "browser": "ok"}


def test_the_checks_page_reports_what_the_checks_found(app: Flask, client: FlaskClient,
                                                      link: tuple[int, str]) -> None:
    """Without JavaScript's own report, the checks page's post is the readiness report."""
    invite_id, token = link
    open_link(client, token)
    _submit(client, "/device", {"device": "computer"})
    _submit(client, "/checks", CHECKED)
    readiness = [r.body for r in _reports(app) if r.kind == "readiness"]
    assert [report["summary"] for report in readiness] == ["ready"]
    assert invite_row(app, invite_id).latest_summary == "ready"


def test_a_report_the_server_makes_is_held_to_the_schema(
        app: Flask, client: FlaskClient, link: tuple[int, str], monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """The wizard's own reports go through app/report_contract.py as the browser's do: one
    that does not fit the schema (here a device label) is not stored, and the log says so
    without the label."""
    from app.wizard import views

    _invite_id, token = link
    open_link(client, token)
    _submit(client, "/device", {"device": "computer"})
    facts = views._device_facts
    monkeypatch.setattr(views, "_device_facts",
                        lambda: {**facts(), "label": "FaceTime HD Camera"})
    with caplog.at_level(logging.WARNING):
        _submit(client, "/checks", CHECKED)
    assert [r.kind for r in _reports(app)] == ["step", "step"]
    assert "a readiness report did not fit the schema" in caplog.text
    assert "device.label" in caplog.text and "FaceTime" not in caplog.text
