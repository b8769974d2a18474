"""The dashboard's columns and day filter, an invite's page with its history, and deleting it."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, insert, select, update

from app import db, invites
from app.invite_status import (
    SYMBOLS,
    check_label,
    check_results,
    device_text,
    issue_text,
    latest_check_results,
    report_kind_text,
    result_text,
    step_text,
)
from app.readiness import STATUSES, readiness_of
from tests.support.dashboard import live_rows
from tests.support.reports import readiness

ZONE = ZoneInfo("Europe/Helsinki")
EN = {"Accept-Language": "en"}
TEAMS = "https://teams.microsoft.com/l/meetup-join/abc"


def _create(app: Flask, at: datetime, reference: str = "Ti 14", **options: Any) -> int:
    """An invite for the moment at; its id."""
    with app.extensions["valmis.db"].begin() as connection:
        invite_id, _token = invites.create_invite(connection, appointment_at=at, language="fi",
                                                  reference=reference, **options)
    return invite_id


def _record(app: Flask, invite_id: int, kind: str, created_at: str, **fields: Any) -> None:
    """A report of this kind, made by the browser at created_at, received now."""
    body = {"version": 1, "id": str(uuid.uuid4()), "kind": kind, "created_at": created_at,
            **fields}
    with app.extensions["valmis.db"].begin() as connection:
        assert invites.record_report(connection, invite_id, body, datetime.now(UTC))


def _android_not_heard(app: Flask, invite_id: int, created_at: str = "2026-12-01T09:00:00Z",
                       ) -> None:
    """A readiness report from an Android phone in Chrome whose speakers were not heard."""
    report = readiness()
    report.update(id=str(uuid.uuid4()), created_at=created_at, path="app",
                  device={"form": "phone", "os": "android", "browser": "chrome",
                          "choice": "android"},
                  summary="not-ready", warnings=["camera-warning", "microphone-skipped"],
                  problems=["speaker-not-heard"])
    report["checks"]["speaker"] = {"status": "not-heard"}
    report["checks"]["microphone"] = {"status": "skipped"}
    with app.extensions["valmis.db"].begin() as connection:
        assert invites.record_report(connection, invite_id, report, datetime.now(UTC))


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment of day in Helsinki."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


def _today() -> date:
    """Today in Helsinki."""
    return datetime.now(ZONE).date()


def _page(client: FlaskClient, url: str) -> tuple[int, str]:
    """The status and the unescaped English HTML of url."""
    response = client.get(url, headers=EN)
    return response.status_code, unescape(response.get_data(as_text=True))


def _references(html: str) -> list[str]:
    """The references in the dashboard's rows, in order."""
    rows = html.split('class="js-dashboard-rows"')[1].split("</tbody>")[0]
    return re.findall(r"</th>\s*<td>([^<]*)</td>", rows)


def _csrf(html: str) -> str:
    """The page's CSRF token."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def _audit(app: Flask, action: str) -> list[Any]:
    """The audit entries of this action, oldest first."""
    with app.extensions["valmis.db"].connect() as connection:
        return list(connection.execute(select(db.audit_log).where(
            db.audit_log.c.action == action).order_by(db.audit_log.c.id)))


def _count(app: Flask, table: Any, invite_id: int) -> int:
    """How many rows of table belong to this invite."""
    column = table.c.id if table is db.invites else table.c.invite_id
    with app.extensions["valmis.db"].connect() as connection:
        return int(connection.execute(select(func.count()).where(column == invite_id))
                   .scalar_one())


# The words, without a page


@pytest.mark.parametrize(("device", "words"), [
    ({"form": "phone", "os": "android", "browser": "chrome"}, "Android phone, Chrome"),
    ({"form": "desktop", "os": "windows", "browser": "edge"}, "Windows computer, Microsoft Edge"),
    ({"form": "tablet", "os": "ipados", "browser": "safari"}, "iPad, Safari"),
    # Words nobody has translated fall back to translated generic words, never shown as sent.
    ({"form": "desktop", "os": "plan9", "browser": "netsurf"}, "Computer, other web browser"),
    ({"form": "other", "choice": "iphone-ipad"}, "iPhone or iPad"),
    ({"form": "fridge", "os": "fridgeos"}, "Unknown device"),
    ({}, ""),
    (None, ""),
])
def test_the_device_in_words(app: Flask, device: dict[str, str] | None, words: str) -> None:
    """Form and system as one phrase, then the browser's name."""
    with app.test_request_context(headers=EN):
        assert device_text(device) == words


def test_check_results_have_a_mark_a_glyph_and_words(app: Flask) -> None:
    """Four checks in order; warnings and problems differ by glyph, not only by colour."""
    with app.test_request_context(headers=EN):
        results = check_results({"camera": "ok", "microphone": "warning",
                                 "speaker": "not-heard", "browser": "ok"},
                                problems=["speaker-not-heard"])
        unknown = check_results({"camera": {"status": "melted"}}, problems=())[0]
        assert check_results(None, problems=()) == check_results({}, problems=()) == []
    assert [(r["name"], r["label"], r["mark"], r["symbol"], r["text"]) for r in results] == [
        ("camera", "Camera", "ok", "✓", "OK"),
        ("microphone", "Microphone", "warning", "!", "Too quiet"),
        ("speaker", "Speakers", "problem", "✗", "Not heard"),
        # Missing from the report: not checked.
        ("connection", "Connection", "not-checked", "–", "Not checked"),
    ]
    assert len(set(SYMBOLS.values())) == len(SYMBOLS)
    assert (unknown["mark"], unknown["text"]) == ("warning", "Unknown result")


def _marks(checks: dict[str, str], path: str) -> dict[str, str]:
    """Each check's mark on the dashboard for an invite whose latest report had these
    statuses on this path."""
    return {check["name"]: check["mark"] for check in latest_check_results(checks, path)}


def test_marks_follow_the_reports_problems() -> None:
    """The severity is readiness.mjs's (app/readiness.py mirrors it), not a table of the
    dashboard's own: a blocked camera only warns, a blocked microphone stops the web path."""
    blocked = {"camera": "blocked", "microphone": "blocked", "speaker": "ok",
               "connection": "ok"}
    assert _marks(blocked, "web") == {"camera": "warning", "microphone": "problem",
                                      "speaker": "ok", "connection": "ok"}
    # In the Teams app the app asks for the microphone itself: the browser's block only warns.
    assert _marks(blocked, "app")["microphone"] == "warning"
    assert _marks({**blocked, "speaker": "not-heard"}, "app")["speaker"] == "problem"
    assert latest_check_results(None, None) == []


@pytest.mark.parametrize("path", ["web", "app", "open-in-browser", "none"])
@pytest.mark.parametrize(("name", "status"), [
    (name, status) for name, statuses in STATUSES.items() for status in statuses])
def test_a_result_is_a_problem_exactly_when_the_report_says(path: str, name: str,
                                                            status: str) -> None:
    """For every status of every check on every path: ✗ exactly when the report lists the
    result among its problems; a listed warning is ! (or – when the check was skipped)."""
    found = readiness_of({name: status}, path)
    (result,) = check_results({name: status}, problems=found.problems, names=[name])
    assert (result["mark"] == "problem") == (f"{name}-{status}" in found.problems)
    if f"{name}-{status}" in found.warnings:
        assert result["mark"] == ("not-checked" if status == "skipped" else "warning")


@pytest.mark.parametrize(("name", "status"), [
    (name, status) for name, statuses in STATUSES.items() for status in statuses])
def test_every_result_the_schema_allows_has_the_staffs_words(app: Flask, name: str,
                                                             status: str) -> None:
    """A status added to the Report schema needs its words here before staff can read it."""
    with app.test_request_context(headers=EN):
        assert result_text(name, status) != "Unknown result"
        assert issue_text(f"{name}-{status}") == f"{check_label(name)}: {result_text(name, status)}"


@pytest.mark.parametrize(("key", "words"), [
    ("speaker-not-heard", "Speakers: Not heard"),
    ("connection-poor", "Connection: Too slow"),
    ("camera-os-blocked", "Camera: Blocked by the device's settings"),
    ("wrong-place", "Opened inside another app"),
    ("camera-", "Other issue"),
    ("toaster-burnt", "Other issue"),
])
def test_warning_and_problem_keys_in_words(app: Flask, key: str, words: str) -> None:
    """A key names a check and its result; anything else is a generic issue."""
    with app.test_request_context(headers=EN):
        assert issue_text(key) == words


def test_a_no_video_report_says_which_way_it_went(app: Flask) -> None:
    """true is a preference for the phone; false is a return to video."""
    with app.test_request_context(headers=EN):
        assert report_kind_text("no-video", {"value": True}) == "Prefers phone"
        assert report_kind_text("no-video", {"value": False}) == "Chose video after all"
        assert report_kind_text("readiness", {}) == "Device checks"


# The dashboard's columns


def test_the_page_and_its_live_rows_show_device_checks_and_a_link_to_the_invite(
        app: Flask, staff_client: FlaskClient) -> None:
    """After a readiness report: the device in words and each check with its mark."""
    invite_id = _create(app, datetime.now(UTC) + timedelta(days=1))
    _android_not_heard(app, invite_id)

    (row,) = live_rows(staff_client)
    assert row["url"] == f"/staff/invites/{invite_id}"
    assert (row["status_text"], row["device"], row["path"]) == (
        "Not ready", "Android phone, Chrome", "Teams app")
    assert [(check["text"], check["mark"]) for check in row["checks"]] == [
        ("Camera: Poor picture", "warning"), ("Microphone: Not checked", "not-checked"),
        ("Speakers: Not heard", "problem"), ("Connection: OK", "ok")]

    _status, html = _page(staff_client, "/staff/")
    for header in ("Time", "Reference", "Language", "Status", "Device", "Path", "Checks",
                   "Last activity"):
        assert f'<th scope="col">{header}</th>' in html
    assert f'<th scope="row"><a href="/staff/invites/{invite_id}">{row["time"]}</a></th>' in html
    assert "<td>Android phone, Chrome</td>" in html
    assert ('<li class="check-result check-result--problem"><span class="check-result__symbol" '
            'aria-hidden="true">✗</span> Speakers: Not heard</li>') in html
    assert '<span class="check-result__symbol" aria-hidden="true">–</span> Microphone: ' \
           'Not checked' in html
    # The wrapper scrolls on a narrow screen and a keyboard can scroll it.
    assert re.search(r'class="table-wrap js-dashboard-table" role="region" '
                     r'aria-labelledby="invites-title" tabindex="0"', html)


SKIPPED = {"status": "skipped"}


@pytest.mark.parametrize(("checks", "path", "words"), [
    # Every check skipped, sent as "ready" by an older page: nothing was verified.
    ({"camera": SKIPPED, "microphone": SKIPPED, "speaker": SKIPPED, "connection": SKIPPED},
     "web", "Not checked"),
    ({"camera": SKIPPED, "microphone": SKIPPED, "speaker": SKIPPED, "connection": SKIPPED},
     "app", "Not checked"),
    # Camera and microphone denied on Windows Chrome.
    ({"camera": {"status": "blocked"}, "microphone": {"status": "blocked"}}, "web", "Not ready"),
    ({"camera": SKIPPED}, "web", "Ready with warnings"),
    ({}, "web", "Ready"),
])
def test_the_dashboard_status_follows_the_checks_not_the_browsers_word(
        app: Flask, staff_client: FlaskClient,
        checks: dict[str, Any], path: str, words: str) -> None:
    """The status, the dashboard's words and the invite page's history agree with the checks."""
    invite_id = _create(app, datetime.now(UTC) + timedelta(days=1))
    report = readiness()
    report.update(path=path, summary="ready", warnings=[], problems=[])
    report["checks"] = {**report["checks"], "camera": {"status": "ok"}, **checks}
    with app.extensions["valmis.db"].begin() as connection:
        assert invites.record_report(connection, invite_id, report, datetime.now(UTC))
    (row,) = live_rows(staff_client)
    assert row["status_text"] == words
    _status, html = _page(staff_client, f"/staff/invites/{invite_id}")
    history = html.split('class="invites report-history"')[1].split("</table>")[0]
    assert f"<td>{words}, " in history


def test_reaching_the_last_page_does_not_read_as_ready(app: Flask) -> None:
    """A step report for the Ready page names the page, not the customer's readiness."""
    with app.test_request_context(headers=EN):
        assert step_text("ready") == "The last page"


def test_before_any_readiness_report_device_and_checks_are_empty(
        app: Flask, staff_client: FlaskClient) -> None:
    """No words are made up for a customer who has not checked anything."""
    _create(app, datetime.now(UTC) + timedelta(days=1))
    (row,) = live_rows(staff_client)
    assert (row["device"], row["checks"]) == ("", [])
    assert 'class="check-results"' not in _page(staff_client, "/staff/")[1]


# The day filter


def test_a_day_shows_only_that_days_invites_in_the_default_zone(
        app: Flask, staff_client: FlaskClient) -> None:
    """From local midnight to local midnight; the page, its data-url and its live rows agree."""
    day = _today() + timedelta(days=3)
    _create(app, _local(day - timedelta(days=1), 23, 59), "Before")
    _create(app, _local(day, 0, 0), "Midnight")
    _create(app, _local(day, 23, 30), "Late")
    _create(app, _local(day + timedelta(days=1), 0, 0), "After")

    status, html = _page(staff_client, f"/staff/?day={day.isoformat()}")
    assert status == 200
    assert _references(html) == ["Midnight", "Late"]
    assert f'<h2 id="invites-title">{format_date(day, "full", locale="en")}</h2>' in html
    assert f'data-url="/staff/dashboard/rows?day={day.isoformat()}"' in html
    assert f'value="{day.isoformat()}"' in html
    assert f'href="/staff/?day={(day - timedelta(days=1)).isoformat()}">Previous day<' in html
    assert f'href="/staff/?day={(day + timedelta(days=1)).isoformat()}">Next day<' in html
    assert 'href="/staff/">Today and upcoming<' in html

    rows = live_rows(staff_client, day.isoformat())
    assert [row["reference"] for row in rows] == ["Midnight", "Late"]

    # Without a day: today and upcoming, all four; an empty day field means the same.
    for url in ("/staff/", "/staff/?day="):
        status, html = _page(staff_client, url)
        assert status == 200
        assert _references(html) == ["Before", "Midnight", "Late", "After"]
        assert 'data-url="/staff/dashboard/rows"' in html
        assert 'href="/staff/" aria-current="page">Today and upcoming<' in html


def test_an_empty_day_says_so(staff_client: FlaskClient) -> None:
    """The day's own sentence, not "today or later"."""
    status, html = _page(staff_client, f"/staff/?day={_today().isoformat()}")
    assert status == 200
    assert "No appointments on this day." in html
    assert "No appointments today or later." not in html


def test_a_past_day_shows_invites_until_retention_ends(app: Flask,
                                                       staff_client: FlaskClient) -> None:
    """Three days ago is still there, twenty days ago is past retention like its page."""
    recent = datetime.now(UTC) - timedelta(days=3)
    old = datetime.now(UTC) - timedelta(days=20)
    _create(app, recent, "Recent")
    _create(app, old, "Old")
    assert "Recent" not in _page(staff_client, "/staff/")[1]
    assert _references(_page(staff_client,
                             f"/staff/?day={recent.astimezone(ZONE).date()}")[1]) == ["Recent"]
    assert _references(_page(staff_client,
                             f"/staff/?day={old.astimezone(ZONE).date()}")[1]) == []


@pytest.mark.parametrize("day", ["2026-02-30", "tomorrow", "20261203", "2026-1-03",
                                 "1999-12-31", "٢٠٢٦-١٢-٠٣"])
def test_a_day_that_is_not_a_date_is_a_400_with_a_message(
        app: Flask, staff_client: FlaskClient, day: str) -> None:
    """The page says what to do and lists nothing; its live rows name the error."""
    _create(app, datetime.now(UTC) + timedelta(days=1), "Hidden")
    response = staff_client.get("/staff/", query_string={"day": day}, headers=EN)
    assert response.status_code == 400
    html = unescape(response.get_data(as_text=True))
    assert "The day is not a real date. Choose a day with the date field." in html
    assert 'class="error-summary" role="alert"' in html
    assert 'aria-invalid="true"' in html
    assert "<title>Error: " in html
    assert "Hidden" not in html and 'data-module="dashboard-live"' not in html

    answer = staff_client.get("/staff/dashboard/rows", query_string={"day": day}, headers=EN)
    assert answer.status_code == 400
    assert answer.get_json() == {"error": "day-invalid"}


# An invite's page


def test_the_invite_page_shows_the_invite_and_its_history_newest_first(
        app: Flask, staff_client: FlaskClient) -> None:
    """By the browser's moment, whatever order the reports arrived in."""
    made = datetime.now(UTC) - timedelta(hours=1)
    invite_id = _create(app, datetime.now(UTC) + timedelta(days=1), "Ti 14", teams_url=TEAMS,
                        now=made)

    def minutes(count: int) -> str:
        """A browser's moment count minutes after the invite was made (all before now)."""
        return (made + timedelta(minutes=count)).isoformat()

    _record(app, invite_id, "step", minutes(10), step="checks", path="app")
    _android_not_heard(app, invite_id, created_at=minutes(20))
    # Made offline before both, arriving last.
    _record(app, invite_id, "help", minutes(5))
    _record(app, invite_id, "no-video", minutes(30), value=True)

    status, html = _page(staff_client, f"/staff/invites/{invite_id}")
    assert status == 200
    body = html.split('class="invites report-history"')[1].split("</table>")[0]
    kinds = re.findall(r"</td>\s*<td>(Device checks|Step reached|Asked to be called|"
                       r"Prefers phone)</td>", body)
    assert kinds == ["Prefers phone", "Device checks", "Step reached", "Asked to be called"]
    assert "<td>Not ready, Teams app, Android phone, Chrome</td>" in body
    assert "<td>Camera, microphone, speakers and connection, Teams app</td>" in body
    # Every check of the readiness report, the browser's too, and its keys in words.
    assert "Speakers: Not heard" in body and "Web browser: OK" in body
    assert ('<span class="visually-hidden">Problem:</span> Speakers: Not heard') in body
    assert ('<span class="visually-hidden">Warning:</span> Camera: Poor picture') in body
    assert "camera-warning" not in html and "speaker-not-heard" not in html
    facts = html.split('class="facts"')[1].split("</dl>")[0]
    for words in ("Ti 14", "Suomi", "Prefers phone", "Android phone, Chrome", "Teams app",
                  "<dt>Teams meeting link</dt><dd>Yes</dd>"):
        assert words in facts, words
    assert TEAMS not in html
    assert "the personal link is not stored" in html
    assert f'action="/staff/invites/{invite_id}/delete"' in html


def test_an_invite_without_reports_or_teams_link(app: Flask,
                                                 staff_client: FlaskClient) -> None:
    """No history table, a sentence instead; no Teams link; not opened."""
    invite_id = _create(app, datetime.now(UTC) + timedelta(days=1))
    status, html = _page(staff_client, f"/staff/invites/{invite_id}")
    assert status == 200
    assert "No reports yet." in html and "report-history" not in html
    assert "<dt>Teams meeting link</dt><dd>No</dd>" in html
    assert "<dt>Opened</dt><dd>Not opened</dd>" in html


def test_viewing_an_invite_is_audited_by_id_without_customer_data(
        app: Flask, staff_client: FlaskClient) -> None:
    """One entry per view, naming the invite's id and the staff member; no reference."""
    invite_id = _create(app, datetime.now(UTC) + timedelta(days=1), "Matti Meikäläinen")
    staff_client.get(f"/staff/invites/{invite_id}")
    staff_client.get(f"/staff/invites/{invite_id}")
    entries = _audit(app, "invite-viewed")
    assert [entry.detail for entry in entries] == [f"invite {invite_id}"] * 2
    assert all(entry.staff_id is not None for entry in entries)
    with app.extensions["valmis.db"].connect() as connection:
        details = connection.execute(select(db.audit_log.c.detail)).scalars().all()
    assert not any("Matti" in (detail or "") for detail in details)


def test_unknown_and_expired_invites_are_404s_and_not_audited(
        app: Flask, staff_client: FlaskClient) -> None:
    """Past retention an invite is as gone as one that never was."""
    expired = _create(app, datetime.now(UTC) - timedelta(days=20))
    token = _csrf(staff_client.get("/staff/").get_data(as_text=True))
    for invite_id in (expired, 9999):
        assert staff_client.get(f"/staff/invites/{invite_id}").status_code == 404
        answer = staff_client.post(f"/staff/invites/{invite_id}/delete",
                                   data={"confirm": "yes", "csrf_token": token})
        assert answer.status_code == 404
    assert _audit(app, "invite-viewed") == []
    assert _audit(app, "invite-deleted") == []
    assert _count(app, db.invites, expired) == 1


# Deleting an invite


def test_deleting_needs_the_box_ticked(app: Flask, staff_client: FlaskClient) -> None:
    """Without "I understand": a 400 page that says so, and nothing is deleted."""
    invite_id = _create(app, datetime.now(UTC) + timedelta(days=1))
    _, html = _page(staff_client, f"/staff/invites/{invite_id}")
    answer = staff_client.post(f"/staff/invites/{invite_id}/delete",
                               data={"csrf_token": _csrf(html)}, headers=EN)
    assert answer.status_code == 400
    page = unescape(answer.get_data(as_text=True))
    assert "Tick the box to confirm that you want to delete this invite." in page
    assert 'href="#confirm-delete"' in page and 'id="confirm-delete"' in page
    assert _count(app, db.invites, invite_id) == 1
    assert _audit(app, "invite-deleted") == []


def test_deleting_needs_the_csrf_token(app: Flask, staff_client: FlaskClient) -> None:
    """A forged form from elsewhere deletes nothing."""
    invite_id = _create(app, datetime.now(UTC) + timedelta(days=1))
    answer = staff_client.post(f"/staff/invites/{invite_id}/delete", data={"confirm": "yes"})
    assert answer.status_code == 400
    assert _count(app, db.invites, invite_id) == 1


def test_deleting_removes_the_invite_and_its_reports_only(
        app: Flask, staff_client: FlaskClient) -> None:
    """Gone with its reports, audited by id, and the dashboard says so once."""
    invite_id = _create(app, datetime.now(UTC) + timedelta(days=1), "Delete me")
    other = _create(app, datetime.now(UTC) + timedelta(days=1), "Keep me")
    _android_not_heard(app, invite_id)
    _android_not_heard(app, other)
    _, html = _page(staff_client, f"/staff/invites/{invite_id}")

    answer = staff_client.post(f"/staff/invites/{invite_id}/delete",
                               data={"confirm": "yes", "csrf_token": _csrf(html)}, headers=EN)
    assert answer.status_code == 303
    assert answer.location.endswith("/staff/")
    assert _count(app, db.invites, invite_id) == _count(app, db.reports, invite_id) == 0
    assert _count(app, db.invites, other) == _count(app, db.reports, other) == 1
    (entry,) = _audit(app, "invite-deleted")
    assert (entry.detail, entry.staff_id is not None) == (f"invite {invite_id}", True)

    _, dashboard = _page(staff_client, "/staff/")
    assert '<p class="panel panel--success" role="status">The invite and its reports were ' \
           'deleted.</p>' in dashboard
    assert _references(dashboard) == ["Keep me"]
    assert "were deleted" not in _page(staff_client, "/staff/")[1]
    assert staff_client.get(f"/staff/invites/{invite_id}").status_code == 404


def test_delete_invite_answers_whether_there_was_one(app: Flask) -> None:
    """The query function itself: True once, then False."""
    invite_id = _create(app, datetime.now(UTC) + timedelta(days=1))
    with app.extensions["valmis.db"].begin() as connection:
        assert invites.delete_invite(connection, invite_id) is True
        assert invites.delete_invite(connection, invite_id) is False


# Not signed in


@pytest.mark.parametrize("url", ["/staff/invites/1", "/staff/?day=2026-12-03"])
def test_anonymous_visitors_are_sent_to_sign_in(app: Flask, client: FlaskClient,
                                                url: str) -> None:
    """Pages go to sign-in; nothing is audited."""
    _create(app, datetime.now(UTC) + timedelta(days=1))
    answer = client.get(url)
    assert answer.status_code == 302
    assert answer.location.endswith("/staff/sign-in")
    assert _audit(app, "invite-viewed") == []


def test_an_anonymous_delete_is_refused(app: Flask, client: FlaskClient) -> None:
    """A POST without a session gets 401 and deletes nothing (CSRF off to reach the check)."""
    app.config["WTF_CSRF_ENABLED"] = False
    invite_id = _create(app, datetime.now(UTC) + timedelta(days=1))
    answer = client.post(f"/staff/invites/{invite_id}/delete", data={"confirm": "yes"})
    assert answer.status_code == 401
    assert _count(app, db.invites, invite_id) == 1


def test_any_stored_moment_renders_on_the_invite_page_and_the_dashboard(
        app: Flask, staff_client: FlaskClient) -> None:
    """Rows stored before the browser's clock was bounded may hold any date Python can: the
    pages show them rather than fail, so the delete form stays within reach."""
    invite_id = _create(app, datetime.now(UTC) + timedelta(hours=1), "Far off")
    last = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    first = datetime(1, 1, 1, tzinfo=UTC)
    with app.extensions["valmis.db"].begin() as connection:
        for moment in (last, first):
            body = {**readiness(), "id": str(uuid.uuid4()),
                    "created_at": moment.isoformat(), "summary": "ready"}
            connection.execute(insert(db.reports).values(
                invite_id=invite_id, report_id=body["id"], received_at=moment, kind="readiness",
                created_at=moment, effective_at=moment, summary="ready", body=body))
        connection.execute(update(db.invites).where(db.invites.c.id == invite_id).values(
            latest_summary="ready", latest_report_at=last, opened_at=first,
            last_activity_at=last))
    status, html = _page(staff_client, f"/staff/invites/{invite_id}")
    assert status == 200
    assert "9999" in html and f'action="/staff/invites/{invite_id}/delete"' in html
    status, html = _page(staff_client, "/staff/")
    assert status == 200 and "Far off" in html
    assert live_rows(staff_client)[0]["status"] == "ready"


def test_a_current_report_after_a_future_dated_one_shows_everywhere(
        app: Flask, staff_client: FlaskClient) -> None:
    """A "ready" dated 2099 and then a current "not ready", both through the API: the
    dashboard, its live rows and the invite's page say "not ready", and the page lists the
    current report first."""
    with app.extensions["valmis.db"].begin() as connection:
        invite_id, token = invites.create_invite(
            connection, appointment_at=datetime.now(UTC) + timedelta(days=1), language="fi",
            reference="Clock")
    future = {**readiness(), "id": str(uuid.uuid4()), "created_at": "2099-01-01T00:00:00Z",
              "summary": "ready", "warnings": []}
    future["checks"] = {**future["checks"], "camera": {"status": "ok"}}
    url = f"/api/v1/invites/{token}/reports"
    assert staff_client.post(url, json=future).status_code == 201
    current = {**readiness(), "id": str(uuid.uuid4()),
               "created_at": datetime.now(UTC).isoformat(), "summary": "not-ready",
               "warnings": ["camera-warning"], "problems": ["microphone-blocked"]}
    current["checks"] = {**current["checks"], "microphone": {"status": "blocked"}}
    assert staff_client.post(url, json=current).status_code == 201
    status, html = _page(staff_client, "/staff/")
    assert status == 200
    row = html.split('class="js-dashboard-rows"')[1].split("</tr>")[0]
    assert "Not ready" in row
    assert [item["status"] for item in live_rows(staff_client)] == ["not-ready"]
    status, html = _page(staff_client, f"/staff/invites/{invite_id}")
    facts = html.split('class="facts"')[1].split("</dl>")[0]
    assert "Not ready" in facts
    history = html.split('class="invites report-history"')[1].split("</table>")[0]
    assert history.index("Not ready") < history.index("Ready,")
