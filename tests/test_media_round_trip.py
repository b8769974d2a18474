"""The media round trip's verdict in the server's words: the Report schema, the staff's
dashboard and report history, the checks page and the Ready page say the same verdicts."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert, select

from app import accounts, db, guidance, invites
from app.invite_status import check_results, latest_check_results, media_text
from app.report_contract import SCHEMAS, validate_report
from app.staff import auth
from tests.support.app import migrated_app
from tests.support.dashboard import live_rows
from tests.support.reports import readiness
from tests.support.user_agents import WINDOWS_CHROME
from tests.support.wizard import submit

MEDIA = SCHEMAS["Readiness"]["properties"]["checks"]["properties"]["connection"][
    "properties"]["media"]
NOW = datetime(2099, 12, 1, 9, 0, tzinfo=UTC)
SECRET = "s3cret-for-tests-0123456789"
OK = {"camera": "ok", "microphone": "ok", "speaker": "ok", "connection": "ok", "browser": "ok"}


def with_media(**media: Any) -> dict[str, Any]:
    """A full readiness report whose connection check ran the round trip."""
    report = copy.deepcopy(readiness())
    report["checks"]["connection"]["media"] = media
    return report


def test_the_verdicts_are_the_schemas() -> None:
    """guidance's verdicts are the schema's, in its order, and each has words for both."""
    assert tuple(MEDIA["properties"]["verdict"]["enum"]) == guidance.MEDIA_VERDICTS
    assert set(guidance.media_verdicts()) == set(guidance.MEDIA_VERDICTS)
    assert set(guidance.MEDIA_VERDICTS_TO_ACT_ON) < set(guidance.MEDIA_VERDICTS)
    reasons = MEDIA["properties"]["reasons"]["items"]["enum"]
    assert [key for key, _sentence in guidance.media_reasons()] == reasons
    with_words = {media_text(verdict) for verdict in guidance.MEDIA_VERDICTS}
    assert len(with_words) == len(guidance.MEDIA_VERDICTS)
    assert media_text(None) is None


def test_the_server_accepts_the_figures_and_refuses_anything_else() -> None:
    """A round trip's figures pass; a word the schema does not know, or a label, does not."""
    figures = {"path": "relay", "transport": "tcp", "loss_pct": 0.4, "jitter_ms": 3,
               "rtt_ms": 2, "kbps": 1383, "verdict": "udp-blocked", "reasons": ["udp-blocked"]}
    validate_report(with_media(**figures))
    validate_report(with_media(verdict="unsupported"))
    for wrong in ({"verdict": "excellent"}, {"verdict": "good", "camera_label": "HD"},
                  {"verdict": "good", "transport": "quic"}, {"verdict": "good", "loss_pct": -1},
                  {"path": "relay"}):
        with pytest.raises(ValueError, match=r"checks\.connection\.media"):
            validate_report(with_media(**wrong))


def test_staff_see_the_verdict_next_to_the_connection(app: Flask) -> None:
    """Report history (the report's checks) and dashboard row (the invite's latest checks)."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        body = with_media(path="relay", transport="tcp", verdict="udp-blocked", reasons=[])
        results = {row["name"]: row for row in check_results(body["checks"], problems=())}
        assert results["connection"]["detail"] == "Test video: UDP blocked, TCP only"
        assert results["camera"]["detail"] == ""
        latest = latest_check_results({**OK, "media": "may-stutter"}, "web")
        assert {row["name"]: row["detail"] for row in latest}["connection"] == (
            "Test video: may stutter")
        assert {row["name"]: row["detail"] for row in latest_check_results(OK, "web")}[
            "connection"] == ""


def test_the_invite_keeps_the_verdict_for_the_dashboard(app: Flask) -> None:
    """latest_checks holds statuses and the verdict word, never the figures."""
    with app.extensions["valmis.db"].begin() as connection:
        invite_id, _token = invites.create_invite(
            connection, appointment_at=NOW + timedelta(days=2), language="fi", now=NOW)
        report = with_media(path="relay", transport="udp", loss_pct=0, jitter_ms=1, rtt_ms=0,
                            kbps=1378, verdict="good", reasons=[])
        invites.record_report(connection, invite_id, validate_report(report), NOW)
        latest = connection.execute(
            select(db.invites.c.latest_checks).where(db.invites.c.id == invite_id)).scalar_one()
    assert latest["media"] == "good"
    assert latest["connection"] == "ok"
    assert "1378" not in str(latest)


def ready_page(client: FlaskClient, media: str | None) -> str:
    """Ready after the checks page's Continue carried these statuses and media verdict."""
    client.get("/?lang=en")
    submit(client, "/device", {"device": "computer"})
    submit(client, "/computer/browser")
    form = {"checked_by": "browser", **OK, **({"media": media} if media else {})}
    submit(client, "/checks", form)
    for url in ("/computer/join", "/privacy"):
        submit(client, url)
    return unescape(client.get("/ready", headers={"User-Agent": WINDOWS_CHROME})
                    .get_data(as_text=True))


def test_ready_says_what_the_round_trip_found_and_what_to_try(client: FlaskClient) -> None:
    """UDP blocked: its sentence and what to try; good: its sentence, nothing to try."""
    blocked = ready_page(client, "udp-blocked")
    assert guidance.media_verdicts()["udp-blocked"] in blocked
    assert guidance.media_advice() in blocked
    assert "Test video: UDP blocked, TCP only" in blocked


def test_ready_without_advice_when_video_travelled_well(client: FlaskClient) -> None:
    """A good round trip is said, and no advice is given."""
    good = ready_page(client, "good")
    assert "Your connection carries video well." in good
    assert guidance.media_advice() not in good


def test_ready_ignores_an_unknown_verdict(client: FlaskClient) -> None:
    """A word the page does not know is not shown, and nothing breaks."""
    page = ready_page(client, "excellent")
    assert "Test video" not in page
    assert "js-media-verdict" not in page


def test_checks_page_names_the_relay_only_when_there_is_one(client: FlaskClient,
                                                            app: Flask) -> None:
    """Without TURN_URLS no credentials URL is on the page, and the lead says nothing is sent;
    every verdict's sentence is there for the script to show."""
    client.get("/?lang=en")
    submit(client, "/device", {"device": "computer"})
    page = unescape(client.get("/checks").get_data(as_text=True))
    assert 'data-turn-url=""' in page
    assert "No picture or sound is sent anywhere." in page
    assert 'data-csrf-token="' in page
    for sentence in guidance.media_verdicts().values():
        assert sentence in page


def test_with_a_relay_the_page_says_so_and_its_token_gets_credentials(tmp_path: Path) -> None:
    """With TURN_URLS the lead tells where the test video goes, and the token on the page is
    the one the credentials ask for."""
    with migrated_app(tmp_path / "t.db", TURN_SECRET=SECRET,
                      TURN_URLS="turn:127.0.0.1:3478?transport=udp") as application:
        client = application.test_client()
        page = unescape(client.get("/checks?lang=en").get_data(as_text=True))
        assert "No picture or sound is sent anywhere." not in page
        assert "sends them straight back to this page" in page
        url = re.search(r'data-turn-url="([^"]+)"', page)
        token = re.search(r'data-csrf-token="([^"]+)"', page)
        assert url and token
        answer = client.post(url.group(1), headers={"X-CSRFToken": token.group(1)})
        assert answer.status_code == 200
        assert answer.get_json()["ice_servers"][0]["urls"] == [
            "turn:127.0.0.1:3478?transport=udp"]


def test_the_dashboard_row_says_the_verdict(app: Flask) -> None:
    """A report with a round trip: the staff's row says the connection's result with it."""
    with app.extensions["valmis.db"].begin() as connection:
        _invite_id, token = invites.create_invite(
            connection, appointment_at=datetime.now(UTC) + timedelta(days=1), language="en")
        staff_id = accounts.create_staff(connection, "Aino")
        connection.execute(insert(db.staff_sessions).values(
            id_hash=auth.session_id_hash("s"), staff_id=staff_id, created_at=datetime.now(UTC)))
    customer = app.test_client()
    customer.get(f"/r/{token}", headers={"User-Agent": WINDOWS_CHROME})
    report = with_media(path="relay", transport="tcp", loss_pct=0, jitter_ms=3, rtt_ms=2,
                        kbps=1340, verdict="udp-blocked", reasons=["udp-blocked"])
    report["checks"]["connection"]["status"] = "warning"
    report["created_at"] = datetime.now(UTC).isoformat()
    assert customer.post(f"/api/v1/invites/{token}/reports", json=report).status_code == 201
    staff = app.test_client()
    with staff.session_transaction() as session:
        session[auth.STAFF_KEY] = staff_id
        session[auth.SESSION_ID_KEY] = "s"
        session[auth.SEEN_KEY] = int(datetime.now(UTC).timestamp())
    (row,) = live_rows(staff, headers={"Accept-Language": "en"})
    connection_words = [check["text"] for check in row["checks"]
                        if check["text"].startswith("Connection")]
    assert connection_words == ["Connection: May be slow (Test video: UDP blocked, TCP only)"]
