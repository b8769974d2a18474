"""The staff area: commands, enrollment, passkey sign-in, sessions and who may see what.

The ceremonies run with tests/support/staff.py's software authenticator, whose credentials
py_webauthn verifies as it would a browser's.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from app import accounts, db
from app.security import redact_tokens
from app.staff import auth, passkeys
from app.staff.auth import login_required
from tests.support.staff import SoftAuthenticator, add_person, enroll, page_csrf, post_json, sign_in

PUBLIC_ENDPOINTS = {"staff.sign_in", "staff.sign_in_options", "staff.sign_in_verify",
                    "staff.enroll", "staff.enroll_options", "staff.enroll_verify"}


def _audit(app: Flask) -> list[str]:
    """The audit log's actions, oldest first."""
    with app.extensions["valmis.db"].connect() as connection:
        return list(connection.execute(
            select(db.audit_log.c.action).order_by(db.audit_log.c.id)).scalars())


# Commands


def test_staff_add_prints_a_one_time_link_and_stores_only_its_hash(app: Flask,
                                                                   runner: Any) -> None:
    """`flask staff add NAME --admin` makes an administrator and prints /staff/enroll/<token>."""
    result = runner.invoke(args=["staff", "add", "Aino Virtanen", "--admin"])
    assert result.exit_code == 0, result.output
    match = re.search(r"/staff/enroll/([A-Za-z0-9_-]+)", result.output)
    assert match, result.output
    token = match.group(1)
    assert len(base64url_to_bytes(token)) * 8 == 192
    with app.extensions["valmis.db"].connect() as connection:
        member = connection.execute(select(db.staff)).one()
        enrollment = connection.execute(select(db.enrollments)).one()
    assert member.name == "Aino Virtanen" and member.is_admin and not member.disabled
    assert len(base64url_to_bytes(member.webauthn_user_id)) == 32
    assert enrollment.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(tuple(enrollment))
    hours = (enrollment.expires_at - datetime.now(UTC)) / timedelta(hours=1)
    assert 23.9 < hours <= 24
    assert _audit(app) == ["staff-added"]


def test_staff_add_prints_the_whole_link_with_public_url(app: Flask, runner: Any) -> None:
    """With PUBLIC_URL the link is complete, as `flask invite create` does."""
    app.config["PUBLIC_URL"] = "https://valmis.example.fi"
    result = runner.invoke(args=["staff", "add", "Bo"])
    assert "https://valmis.example.fi/staff/enroll/" in result.output
    assert "Staff member" in result.output


def test_staff_add_refuses_an_empty_or_long_name(runner: Any) -> None:
    """A name is 1 to 80 characters."""
    assert runner.invoke(args=["staff", "add", "  "]).exit_code != 0
    assert runner.invoke(args=["staff", "add", "x" * 81]).exit_code != 0


@pytest.mark.parametrize(("name", "named"), [
    ("Aino\x00", "U+0000 NULL"),
    ("Aino\nVirtanen", "U+000A LINE FEED"),
    ("Aino \u202eenitraV", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("Aino\u00a0Virtanen", "U+00A0 NO-BREAK SPACE"),
])
def test_staff_add_refuses_hidden_characters(app: Flask, runner: Any, name: str,
                                             named: str) -> None:
    """A name that hides or breaks text is a clear status 2, and nobody is added."""
    result = runner.invoke(args=["staff", "add", name])
    assert result.exit_code == 2, result.output
    assert named in result.output
    with app.extensions["valmis.db"].connect() as connection:
        assert not accounts.any_staff(connection)


def test_staff_add_takes_a_name_in_any_script(runner: Any) -> None:
    """An Arabic name needs no bidi controls and is added as written."""
    result = runner.invoke(args=["staff", "add", "عائشة محمد"])
    assert result.exit_code == 0, result.output
    assert "(عائشة محمد) added" in result.output


def test_bootstrap_makes_the_first_administrator_once(app: Flask, runner: Any) -> None:
    """On an empty table: an administrator and a link; afterwards: where to sign in."""
    first = runner.invoke(args=["staff", "bootstrap", "--base-url", "http://localhost:8123"])
    assert first.exit_code == 0, first.output
    assert re.search(r"http://localhost:8123/staff/enroll/[A-Za-z0-9_-]{32}", first.output)
    second = runner.invoke(args=["staff", "bootstrap", "--base-url", "http://localhost:8123"])
    assert second.output.strip() == "Staff sign-in: http://localhost:8123/staff/sign-in"
    with app.extensions["valmis.db"].connect() as connection:
        members = connection.execute(select(db.staff)).all()
    assert [(m.name, m.is_admin) for m in members] == [("Administrator", True)]


# Enrollment


def test_enrollment_page_has_the_passkey_button(app: Flask, client: FlaskClient) -> None:
    """The page names the endpoints for passkey.mjs and says JavaScript is needed."""
    _staff_id, token = add_person(app)
    html = client.get(f"/staff/enroll/{token}").get_data(as_text=True)
    assert 'data-module="passkey"' in html
    assert f'data-options-url="/staff/enroll/{token}/options"' in html
    assert f'data-verify-url="/staff/enroll/{token}/verify"' in html
    assert "JavaScript" in html


def test_enrollment_stores_the_passkey_and_signs_in(app: Flask, client: FlaskClient) -> None:
    """A verified passkey is stored, the link is used up and the person is signed in."""
    staff_id, token = add_person(app, "Aino")
    key = SoftAuthenticator()
    answer = enroll(client, token, key)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {"redirect": "/staff/"}
    assert "Aino" in client.get("/staff/").get_data(as_text=True)
    with app.extensions["valmis.db"].connect() as connection:
        passkey = connection.execute(select(db.passkeys)).one()
        used_at = connection.execute(select(db.enrollments.c.used_at)).scalar_one()
    assert passkey.staff_id == staff_id
    assert passkey.credential_id == bytes_to_base64url(key.credential_id)
    assert passkey.sign_count == 1 and used_at is not None
    assert _audit(app) == ["enrolled"]


def test_registration_options_require_user_verification(app: Flask,
                                                        client: FlaskClient) -> None:
    """User verification is required; a resident key preferred; the RP is from config."""
    _staff_id, token = add_person(app)
    options = post_json(client, f"/staff/enroll/{token}/options",
                        page_csrf(client, f"/staff/enroll/{token}")).get_json()
    selection = options["authenticatorSelection"]
    assert selection["userVerification"] == "required"
    assert selection["residentKey"] == "preferred"
    assert options["rp"] == {"id": "localhost", "name": "Valmis"}


def test_an_enrollment_link_works_once(app: Flask, client: FlaskClient) -> None:
    """After use the page is 404, and a second ceremony is refused."""
    _staff_id, token = add_person(app)
    assert enroll(client, token, SoftAuthenticator()).status_code == 200
    assert client.get(f"/staff/enroll/{token}").status_code == 404
    assert client.post(f"/staff/enroll/{token}/options",
                       headers={"X-CSRFToken": page_csrf(client, "/staff/")}).status_code == 404


def test_an_expired_enrollment_link_is_refused(app: Flask, client: FlaskClient) -> None:
    """24 hours later the link is gone."""
    _staff_id, token = add_person(app)
    with app.extensions["valmis.db"].begin() as connection:
        connection.execute(update(db.enrollments).values(
            expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert client.get(f"/staff/enroll/{token}").status_code == 404
    assert client.get("/staff/enroll/not-a-token-at-all-but-long-enough").status_code == 404


def test_a_disabled_persons_link_is_refused(app: Flask, client: FlaskClient) -> None:
    """A disabled person cannot enroll."""
    _staff_id, token = add_person(app)
    with app.extensions["valmis.db"].begin() as connection:
        connection.execute(update(db.staff).values(disabled=True))
    assert client.get(f"/staff/enroll/{token}").status_code == 404


def test_registration_from_another_origin_is_refused(app: Flask, client: FlaskClient) -> None:
    """The origin must be the configured one."""
    _staff_id, token = add_person(app)
    page = f"/staff/enroll/{token}"
    csrf = page_csrf(client, page)
    options = post_json(client, f"{page}/options", csrf).get_json()
    credential = SoftAuthenticator().create(options, origin="http://localhost:9999")
    answer = post_json(client, f"{page}/verify", csrf, {"credential": credential})
    assert answer.status_code == 400
    assert answer.get_json() == {"error": "invalid-credential"}


def test_the_registration_challenge_is_popped_once(app: Flask, client: FlaskClient) -> None:
    """A failed verify uses the challenge up; replaying a good credential is then refused."""
    _staff_id, token = add_person(app)
    page = f"/staff/enroll/{token}"
    csrf = page_csrf(client, page)
    options = post_json(client, f"{page}/options", csrf).get_json()
    credential = SoftAuthenticator().create(options)
    bad = post_json(client, f"{page}/verify", csrf, {"credential": {"id": "x"}})
    assert bad.get_json() == {"error": "invalid-credential"}
    replay = post_json(client, f"{page}/verify", csrf, {"credential": credential})
    assert replay.status_code == 400
    assert replay.get_json() == {"error": "no-challenge"}


# Sign-in


def test_sign_in_with_a_passkey(app: Flask, client: FlaskClient,
                                enrolled: tuple[int, SoftAuthenticator]) -> None:
    """A valid assertion signs in, saves the count and the time, and is audited."""
    _staff_id, key = enrolled
    answer = sign_in(client, key)
    assert answer.status_code == 200, answer.get_json()
    assert client.get("/staff/").status_code == 200
    with app.extensions["valmis.db"].connect() as connection:
        passkey = connection.execute(select(db.passkeys)).one()
    assert passkey.sign_count == 2 and passkey.last_used_at is not None
    assert _audit(app)[-1] == "sign-in"


def test_sign_in_options_allow_any_discoverable_credential(client: FlaskClient) -> None:
    """No credential list (discoverable passkeys), user verification required."""
    options = post_json(client, "/staff/sign-in/options", page_csrf(client)).get_json()
    assert options.get("allowCredentials", []) == []
    assert options["userVerification"] == "required"
    assert options["rpId"] == "localhost"


def test_sign_in_starts_a_new_session(client: FlaskClient,
                                      enrolled: tuple[int, SoftAuthenticator]) -> None:
    """Whatever the session held before is gone, and the session id is new each time."""
    _staff_id, key = enrolled
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    sign_in(client, key)
    with client.session_transaction() as session:
        assert "planted" not in session
        first = session[auth.SESSION_ID_KEY]
    sign_in(client, key)
    with client.session_transaction() as session:
        assert session[auth.SESSION_ID_KEY] != first


def test_the_sign_in_challenge_is_popped_once(client: FlaskClient,
                                              enrolled: tuple[int, SoftAuthenticator]) -> None:
    """The same assertion sent twice: the second finds no challenge."""
    _staff_id, key = enrolled
    csrf = page_csrf(client)
    options = post_json(client, "/staff/sign-in/options", csrf).get_json()
    assertion = key.get(options)
    assert post_json(client, "/staff/sign-in/verify", csrf,
                     {"credential": assertion}).status_code == 200
    csrf = page_csrf(client, "/staff/")
    replay = post_json(client, "/staff/sign-in/verify", csrf, {"credential": assertion})
    assert replay.get_json() == {"error": "no-challenge"}


def test_an_expired_challenge_is_refused(app: Flask, client: FlaskClient,
                                         enrolled: tuple[int, SoftAuthenticator]) -> None:
    """A challenge older than CHALLENGE_SECONDS is not accepted."""
    _staff_id, key = enrolled
    csrf = page_csrf(client)
    options = post_json(client, "/staff/sign-in/options", csrf).get_json()
    with app.extensions["valmis.db"].begin() as connection:
        connection.execute(update(db.ceremonies).values(
            expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    answer = post_json(client, "/staff/sign-in/verify", csrf, {"credential": key.get(options)})
    assert answer.get_json() == {"error": "challenge-expired"}


def test_challenges_are_kept_server_side(app: Flask, client: FlaskClient,
                                         enrolled: tuple[int, SoftAuthenticator]) -> None:
    """The cookie holds only a random id; a copied cookie replayed after use finds nothing.

    Signed cookies cannot be revoked: with the challenge in the cookie, a copy taken before
    verification could be sent again. Here the row is gone once verify has run.
    """
    _staff_id, key = enrolled
    csrf = page_csrf(client)
    options = post_json(client, "/staff/sign-in/options", csrf).get_json()
    with client.session_transaction() as session:
        ceremony_id = session[passkeys.AUTHENTICATION_KEY]
        copied = dict(session)
    assert options["challenge"] not in json.dumps(copied)
    with app.extensions["valmis.db"].connect() as connection:
        row = connection.execute(select(db.ceremonies)).one()
    assert (row.id, row.kind, row.challenge) == (ceremony_id, "sign-in", options["challenge"])
    assertion = key.get(options)
    assert post_json(client, "/staff/sign-in/verify", csrf,
                     {"credential": assertion}).status_code == 200
    with app.extensions["valmis.db"].connect() as connection:
        assert connection.execute(select(db.ceremonies)).all() == []
    # Put the old cookie back, as someone holding a copy would.
    with client.session_transaction() as session:
        session.clear()
        session.update(copied)
    replay = post_json(client, "/staff/sign-in/verify", page_csrf(client),
                       {"credential": assertion})
    assert replay.get_json() == {"error": "no-challenge"}


def test_a_ceremony_of_one_kind_cannot_finish_another(
        client: FlaskClient, enrolled: tuple[int, SoftAuthenticator]) -> None:
    """A sign-in ceremony's id planted as a registration's is not found."""
    _staff_id, _key = enrolled
    _token_staff, token = add_person(client.application)
    csrf = page_csrf(client)
    post_json(client, "/staff/sign-in/options", csrf)
    with client.session_transaction() as session:
        session[passkeys.REGISTRATION_KEY] = session[passkeys.AUTHENTICATION_KEY]
    credential = SoftAuthenticator().create({"user": {"id": "AA"}, "challenge": "AA"})
    answer = post_json(client, f"/staff/enroll/{token}/verify", csrf,
                       {"credential": credential})
    assert answer.get_json() == {"error": "no-challenge"}


def test_expired_ceremonies_are_swept(app: Flask, client: FlaskClient) -> None:
    """Starting a ceremony deletes everyone's expired ones."""
    csrf = page_csrf(client)
    post_json(client, "/staff/sign-in/options", csrf)
    with app.extensions["valmis.db"].begin() as connection:
        connection.execute(update(db.ceremonies).values(
            expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    post_json(client, "/staff/sign-in/options", csrf)
    with app.extensions["valmis.db"].connect() as connection:
        assert len(connection.execute(select(db.ceremonies)).all()) == 1


def test_sign_in_without_user_verification_is_refused(
        client: FlaskClient, enrolled: tuple[int, SoftAuthenticator]) -> None:
    """Presence alone (no fingerprint, face or PIN) is not enough."""
    _staff_id, key = enrolled
    answer = sign_in(client, key, flags=0x01)
    assert answer.status_code == 400
    assert client.get("/staff/").status_code == 302


def test_a_disabled_person_cannot_sign_in(app: Flask, client: FlaskClient,
                                          enrolled: tuple[int, SoftAuthenticator]) -> None:
    """Disabled: refused, audited; and a session already open ends on the next request."""
    _staff_id, key = enrolled
    assert sign_in(client, key).status_code == 200
    with app.extensions["valmis.db"].begin() as connection:
        connection.execute(update(db.staff).values(disabled=True))
    assert client.get("/staff/").status_code == 302
    answer = sign_in(client, key)
    assert answer.status_code == 403
    assert answer.get_json() == {"error": "disabled"}
    assert _audit(app)[-1] == "sign-in-refused"


def test_an_unknown_passkey_is_refused(client: FlaskClient) -> None:
    """A credential the database does not know signs nobody in."""
    stranger = SoftAuthenticator()
    answer = sign_in(client, stranger)
    assert answer.get_json() == {"error": "unknown-passkey"}


def test_a_sign_count_going_backwards_is_refused(
        app: Flask, client: FlaskClient, enrolled: tuple[int, SoftAuthenticator]) -> None:
    """A counter that does not move on (a cloned authenticator?) is refused and audited."""
    _staff_id, key = enrolled
    with app.extensions["valmis.db"].begin() as connection:
        connection.execute(update(db.passkeys).values(sign_count=50))
    answer = sign_in(client, key)
    assert answer.status_code == 400
    assert _audit(app)[-1] == "sign-in-refused"
    assert client.get("/staff/").status_code == 302


def test_a_passkey_that_never_counts_is_accepted(app: Flask, client: FlaskClient) -> None:
    """Synced passkeys report 0 every time: 0 then 0 is fine."""
    _staff_id, token = add_person(app)
    key = SoftAuthenticator(counting=False)
    assert enroll(client, token, key).status_code == 200
    assert sign_in(client, key).status_code == 200
    assert sign_in(client, key).status_code == 200


@pytest.mark.parametrize(("stored", "new", "fresh"), [
    (0, 0, True), (0, 1, True), (5, 6, True), (5, 5, False), (5, 4, False), (5, 0, False),
])
def test_sign_count_is_fresh(stored: int, new: int, fresh: bool) -> None:
    """Only a higher count, or 0 and 0, passes."""
    assert accounts.sign_count_is_fresh(stored, new) is fresh


# Sessions


def test_sign_out_ends_the_session(app: Flask, client: FlaskClient,
                                   enrolled: tuple[int, SoftAuthenticator]) -> None:
    """The form on the dashboard signs out; the dashboard then sends to sign-in."""
    _staff_id, key = enrolled
    sign_in(client, key)
    answer = client.post("/staff/sign-out", data={"csrf_token": page_csrf(client, "/staff/")})
    assert answer.status_code == 302 and answer.location.endswith("/staff/sign-in")
    assert client.get("/staff/").location.endswith("/staff/sign-in")
    assert _audit(app)[-1] == "sign-out"


def test_sign_out_needs_the_csrf_token(client: FlaskClient,
                                       enrolled: tuple[int, SoftAuthenticator]) -> None:
    """A cross-site post cannot sign a person out (or in)."""
    _staff_id, key = enrolled
    sign_in(client, key)
    assert client.post("/staff/sign-out").status_code == 400
    assert client.post("/staff/sign-in/options", json={}).status_code == 400


def test_an_idle_session_ends(app: Flask, client: FlaskClient,
                              enrolled: tuple[int, SoftAuthenticator]) -> None:
    """After STAFF_IDLE_MINUTES without a request the person is signed out."""
    _staff_id, key = enrolled
    sign_in(client, key)
    idle = app.config["STAFF_IDLE_MINUTES"] * 60
    with client.session_transaction() as session:
        session[auth.SEEN_KEY] = int(time.time()) - idle + 30
    assert client.get("/staff/").status_code == 200
    with client.session_transaction() as session:
        assert session[auth.SEEN_KEY] >= int(time.time()) - 2
        session[auth.SEEN_KEY] = int(time.time()) - idle - 1
    answer = client.get("/staff/")
    assert answer.status_code == 302 and answer.location.endswith("/staff/sign-in")
    with client.session_transaction() as session:
        assert auth.STAFF_KEY not in session


def test_idle_minutes_come_from_the_setting(app: Flask, client: FlaskClient,
                                            enrolled: tuple[int, SoftAuthenticator]) -> None:
    """STAFF_IDLE_MINUTES=1: two minutes idle is too long."""
    app.config["STAFF_IDLE_MINUTES"] = 1
    _staff_id, key = enrolled
    sign_in(client, key)
    with client.session_transaction() as session:
        session[auth.SEEN_KEY] = int(time.time()) - 120
    assert client.get("/staff/").status_code == 302


def test_every_staff_rule_refuses_an_anonymous_visitor(app: Flask, client: FlaskClient) -> None:
    """Walk the URL map: apart from sign-in and enrollment, /staff sends GET to sign-in and
    refuses anything else with 401 (with a valid CSRF token, so CSRF is not what refuses)."""
    csrf = page_csrf(client)
    checked = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff") or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        assert getattr(app.view_functions[rule.endpoint], "login_required", False), rule.endpoint
        url = rule.rule
        for argument in rule.arguments:
            url = url.replace(f"<{argument}>", "1").replace(f"<int:{argument}>", "1")
            url = re.sub(rf"<[^>]*:{argument}>", "1", url)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            answer = client.open(url, method=method, headers={"X-CSRFToken": csrf}, json={})
            if method == "GET":
                assert answer.status_code == 302, (method, url)
                assert answer.location.endswith("/staff/sign-in"), (method, url)
            else:
                assert answer.status_code in (401, 403), (method, url, answer.status_code)
            checked.append((method, url))
    assert ("GET", "/staff/") in checked and ("POST", "/staff/sign-out") in checked


def test_public_staff_endpoints_are_only_sign_in_and_enrollment(app: Flask) -> None:
    """A new /staff rule is protected unless it is added to this list on purpose."""
    unprotected = {rule.endpoint for rule in app.url_map.iter_rules()
                   if rule.rule.startswith("/staff")
                   and not getattr(app.view_functions[rule.endpoint], "login_required", False)}
    assert unprotected == PUBLIC_ENDPOINTS
    assert login_required.__name__ == "login_required"


def test_enrollment_tokens_are_redacted_from_logs() -> None:
    """An enrollment link is a credential, like a personal link."""
    assert redact_tokens("GET /staff/enroll/abcDEF_123/options HTTP/1.1") == (
        "GET /staff/enroll/[redacted]/options HTTP/1.1")


def test_pages_are_translated(client: FlaskClient) -> None:
    """The sign-in page speaks the language asked for, from gettext."""
    html = client.get("/staff/sign-in", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Sign in with a passkey" in html and '<html lang="en"' in html
