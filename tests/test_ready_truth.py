"""Ready tells what the checks found (issue 14): the page, the checks' summary and the staff's
dashboard agree in every state, with or without JavaScript, with or without a personal link."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert, select

from app import accounts, db, invites
from app.readiness import readiness_of
from app.staff import auth
from tests.support.dashboard import live_rows
from tests.support.user_agents import ANDROID, WINDOWS_CHROME
from tests.support.wizard import submit

EN = {"Accept-Language": "en"}
OK = {"camera": "ok", "microphone": "ok", "speaker": "ok", "connection": "ok", "browser": "ok"}
SKIPPED = {**OK, "camera": "skipped", "microphone": "skipped", "speaker": "skipped",
           "connection": "skipped"}
# Camera and microphone refused in Chrome on Windows (the walk that found the bug).
DENIED = {**OK, "camera": "blocked", "microphone": "blocked"}
DARK = {**OK, "camera": "warning"}
# Each state: statuses as device-checks.mjs posts them, the summary, Ready's heading.
STATES = {
    "all-ok": (OK, "ready", "You are ready"),
    "all-skipped": (SKIPPED, "not-checked", "Almost ready"),
    "denied": (DENIED, "not-ready", "Not ready yet"),
    "dark-picture": (DARK, "ready-with-warnings", "You are ready"),
    "speakers-not-checked": ({**OK, "speaker": "skipped"}, "not-checked", "Almost ready"),
}
DASHBOARD = {"ready": "Ready", "not-checked": "Not checked", "not-ready": "Not ready",
             "ready-with-warnings": "Ready with warnings"}
STEPS_AFTER_CHECKS = ("/computer/join", "/privacy")
# What the checks page's form sends when the browser runs no JavaScript (its <noscript>).
WITHOUT_SCRIPT = {"checked_by": "customer"}


def walk(client: FlaskClient, checks_form: dict[str, str]) -> str:
    """The computer path from the device to Ready, the checks' Continue carrying checks_form;
    Ready's HTML, unescaped."""
    client.get("/?lang=en")
    submit(client, "/device", {"device": "computer"})
    submit(client, "/computer/browser")
    assert submit(client, "/checks", checks_form).headers["Location"] == "/computer/join"
    for url in STEPS_AFTER_CHECKS:
        submit(client, url)
    return unescape(client.get("/ready", headers={"User-Agent": WINDOWS_CHROME})
                    .get_data(as_text=True))


def from_the_browser(statuses: dict[str, str]) -> dict[str, str]:
    """The checks' form as device-checks.mjs fills it."""
    return {"checked_by": "browser", **statuses}


def heading(html: str) -> str:
    """Ready's h1."""
    match = re.search(r"<h1[^>]*>([^<]*)</h1>", html)
    assert match
    return match.group(1)


def rows(html: str) -> dict[str, str]:
    """Ready's list: each check's mark."""
    return dict(re.findall(r'data-check="([\w-]+)" data-mark="([\w-]+)"', html))


@pytest.mark.parametrize("state", STATES)
def test_ready_follows_the_checks(client: FlaskClient, state: str) -> None:
    """Heading, each check's line and the next step say what the checks found."""
    statuses, summary, words = STATES[state]
    assert readiness_of(statuses, "web").summary == summary
    html = walk(client, from_the_browser(statuses))
    assert heading(html) == words
    assert f'data-verdict="{summary}"' in html
    marks = rows(html)
    assert set(marks) == {"camera", "microphone", "speaker", "connection"}
    for name, mark in marks.items():
        assert (mark == "ok") == (statuses[name] == "ok"), name
        if statuses[name] == "skipped":
            assert mark == "not-checked"
    # The checks are four lines, never one "Done" line.
    assert "Camera, microphone, speakers and connection" not in html.split('class="summary"')[1]
    if summary in ("not-ready", "not-checked"):
        assert "Go back to the checks" in html and 'href="/checks"' in html
        assert "I prefer not to use video" in html.split('class="panel next-step')[1]
    else:
        assert 'class="panel next-step' not in html or summary == "ready-with-warnings"


def test_denied_says_what_to_do_next(client: FlaskClient) -> None:
    """The one thing to do: allow the camera and microphone, back on the checks page."""
    html = walk(client, from_the_browser(DENIED))
    panel = html.split('class="panel next-step')[1].split("</section>")[0]
    assert "Allow the camera and microphone: go back to the checks" in panel
    assert "If it still does not work, the career guidance psychologist can call you" in panel
    checks = html.split('data-check="camera"')[1].split("</li>\n  \n  <li")[0]
    assert "Done" not in checks and "Blocked" in checks


def test_all_skipped_is_not_ready_and_says_not_checked(client: FlaskClient) -> None:
    """Four "Check later": no "You are ready", every check "Not checked"."""
    html = walk(client, from_the_browser(SKIPPED))
    assert "You are ready" not in html
    assert html.count("Not checked") >= 4
    assert "Not everything has been checked yet." in html


def test_without_javascript_ready_says_the_customer_confirmed(client: FlaskClient) -> None:
    """The no-JS checklist's Continue is the customer's word, and Ready says so."""
    html = walk(client, WITHOUT_SCRIPT)
    assert heading(html) == "You are ready"
    assert ("You confirmed that your camera, microphone, speakers and connection work. "
            "This browser could not run the checks.") in html
    assert "Confirmed by you" in html
    assert "checked" not in html.split("<h1")[1].split("</ul>")[0].replace(
        "Not everything has been checked", "")


def test_the_checks_form_says_when_there_is_no_javascript(client: FlaskClient) -> None:
    """Only a browser without JavaScript sends checked_by=customer."""
    html = client.get("/checks?lang=en").get_data(as_text=True)
    form = html.split('class="step-form js-checks-form"')[1].split("</form>")[0]
    assert ('<noscript><input type="hidden" name="checked_by" value="customer"></noscript>'
            in form)


def test_continue_before_the_checks_started_is_not_checked(client: FlaskClient) -> None:
    """JavaScript on but the checks not started yet: nothing known, never "You are ready"."""
    html = walk(client, {})
    assert heading(html) == "Almost ready"
    assert 'data-verdict="not-checked"' in html
    assert set(rows(html).values()) == {"not-checked"}


def test_a_checks_step_without_an_outcome_is_not_done(client: FlaskClient) -> None:
    """A session that finished the checks before outcomes were kept: not done, not ready."""
    walk(client, WITHOUT_SCRIPT)
    with client.session_transaction() as session:
        state = session["wizard"]
        state.pop("checks")
        session["wizard"] = state
    html = unescape(client.get("/ready").get_data(as_text=True))
    assert heading(html) == "Almost ready"
    assert 'href="/checks">Not done yet' in html


def test_made_up_statuses_count_as_readiness_py_says(client: FlaskClient) -> None:
    """A form with words the checks never send: the microphone failed, the rest not checked."""
    html = walk(client, {"checked_by": "browser", "microphone": "<b>", "speaker": "great"})
    assert heading(html) == "Not ready yet"
    assert rows(html) == {"camera": "not-checked", "microphone": "problem",
                          "speaker": "not-checked", "connection": "not-checked"}


def test_the_app_path_too(client: FlaskClient) -> None:
    """On a phone, four skips are not ready either."""
    client.get("/?lang=en")
    submit(client, "/device", {"device": "android"}, ANDROID)
    submit(client, "/phone/install", user_agent=ANDROID)
    submit(client, "/checks", from_the_browser(SKIPPED), ANDROID)
    for url in ("/phone/join", "/privacy"):
        submit(client, url, user_agent=ANDROID)
    html = unescape(client.get("/ready", headers={"User-Agent": ANDROID}).get_data(as_text=True))
    assert heading(html) == "Almost ready"
    assert 'data-verdict="not-checked"' in html


@pytest.mark.parametrize("state", STATES)
def test_ready_and_the_dashboard_agree(app: Flask, client: FlaskClient, state: str) -> None:
    """A personal link: the customer's Ready page and the staff's dashboard say the same."""
    statuses, summary, _words = STATES[state]
    with app.extensions["valmis.db"].begin() as connection:
        _invite_id, token = invites.create_invite(
            connection, appointment_at=datetime.now(UTC) + timedelta(days=1), language="en")
        staff_id = accounts.create_staff(connection, "Aino")
        connection.execute(insert(db.staff_sessions).values(
            id_hash=auth.session_id_hash("s"), staff_id=staff_id, created_at=datetime.now(UTC)))
    client.get(f"/r/{token}", headers={"User-Agent": WINDOWS_CHROME})
    html = walk(client, from_the_browser(statuses))
    # The browser's report, as device-checks.mjs sends it once every check has an answer;
    # its own summary is the old page's word "ready", which the server does not take.
    report: dict[str, Any] = {
        "version": 1, "id": str(uuid.uuid4()), "kind": "readiness",
        "created_at": datetime.now(UTC).isoformat(), "path": "web", "device": {},
        "checks": {name: {"status": status} for name, status in statuses.items()},
        "summary": "ready", "warnings": [], "problems": []}
    assert client.post(f"/api/v1/invites/{token}/reports", json=report).status_code == 201
    staff = app.test_client()
    with staff.session_transaction() as session:
        session[auth.STAFF_KEY] = staff_id
        session[auth.SESSION_ID_KEY] = "s"
        session[auth.SEEN_KEY] = int(datetime.now(UTC).timestamp())
    (row,) = live_rows(staff, headers=EN)
    assert (row["status"], row["status_text"]) == (summary, DASHBOARD[summary])
    assert f'data-verdict="{summary}"' in html


def _readiness_reports(app: Flask) -> list[tuple[str, dict[str, Any]]]:
    """Every stored readiness report: (summary, body)."""
    with app.extensions["valmis.db"].connect() as connection:
        return [(row.summary, row.body) for row in connection.execute(
            select(db.reports).where(db.reports.c.kind == "readiness")
            .order_by(db.reports.c.id))]


@pytest.fixture
def personal(app: Flask, client: FlaskClient) -> FlaskClient:
    """A customer who opened a personal link."""
    with app.extensions["valmis.db"].begin() as connection:
        _invite_id, token = invites.create_invite(
            connection, appointment_at=datetime.now(UTC) + timedelta(days=1), language="en")
    client.get(f"/r/{token}", headers={"User-Agent": WINDOWS_CHROME})
    return client


@pytest.mark.parametrize(("form", "summary"), [
    # Continue before any check had an answer: the browser sent nothing.
    (from_the_browser({"browser": "ok"}), "not-checked"),
    (from_the_browser({**DENIED, "speaker": "skipped"}), "not-ready"),
    # Without JavaScript Valmis checked nothing itself.
    (WITHOUT_SCRIPT, "not-checked"),
    # Continue before the checks had started: nothing known.
    ({}, "not-checked"),
])
def test_moving_on_before_the_browser_reported_tells_staff(
        app: Flask, personal: FlaskClient, form: dict[str, str], summary: str) -> None:
    """The checks' Continue records what was found, so the dashboard is never left guessing."""
    walk(personal, form)
    ((stored, body),) = _readiness_reports(app)
    assert stored == body["summary"] == summary
    assert body["device"]["form"] == "desktop" and body["path"] == "web"


def test_no_second_report_when_the_browser_sent_its_own(app: Flask,
                                                        personal: FlaskClient) -> None:
    """Every check answered: the browser's outbox reports it, the server does not again."""
    walk(personal, {**from_the_browser(OK), "reported": "1"})
    assert _readiness_reports(app) == []


def test_the_general_guide_reports_nothing(app: Flask, client: FlaskClient) -> None:
    """Without a personal link there is nobody to tell."""
    walk(client, from_the_browser(DENIED))
    assert _readiness_reports(app) == []
