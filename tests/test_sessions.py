"""Sessions and cookies: server-side staff sessions, revocation, cookie names and flags."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import db, invites
from tests.support.app import migrated_app
from tests.support.staff import SoftAuthenticator, add_person, enroll, page_csrf, sign_in
from tests.support.user_agents import WINDOWS_CHROME


def session_rows(app: Flask) -> list[int]:
    """The staff ids of the recorded sessions."""
    with app.extensions["valmis.db"].connect() as connection:
        return list(connection.execute(select(db.staff_sessions.c.staff_id)).scalars())


def test_a_copied_cookie_dies_with_sign_out(app: Flask, client: FlaskClient,
                                            enrolled: tuple[int, SoftAuthenticator]) -> None:
    """Sign in, copy the cookie, sign out: the copy no longer opens the staff area."""
    _staff_id, key = enrolled
    before = len(session_rows(app))  # enrolling signed in once already
    assert sign_in(client, key).status_code == 200
    assert len(session_rows(app)) == before + 1
    cookie = client.get_cookie("session")
    assert cookie is not None
    copy = app.test_client()
    copy.set_cookie("session", cookie.value)
    assert copy.get("/staff/").status_code == 200

    client.post("/staff/sign-out", data={"csrf_token": page_csrf(client, "/staff/")})
    assert len(session_rows(app)) == before
    answer = copy.get("/staff/")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/staff/sign-in")
    assert copy.get("/staff/dashboard/rows").status_code == 302


def test_each_sign_in_is_its_own_session(app: Flask, client: FlaskClient,
                                         enrolled: tuple[int, SoftAuthenticator]) -> None:
    """Two devices signed in: signing out on one leaves the other signed in."""
    staff_id, key = enrolled
    other = app.test_client()
    before = len(session_rows(app))
    sign_in(client, key)
    sign_in(other, key)
    assert session_rows(app).count(staff_id) == before + 2
    client.post("/staff/sign-out", data={"csrf_token": page_csrf(client, "/staff/")})
    assert other.get("/staff/").status_code == 200
    assert client.get("/staff/").status_code == 302


def test_disabling_a_person_ends_their_sessions_for_good(
        app: Flask, client: FlaskClient, enrolled: tuple[int, SoftAuthenticator]) -> None:
    """Disabled, their session ends; enabled again, the old cookie still opens nothing."""
    member_id, member_key = enrolled
    sign_in(client, member_key)
    admin_id, token = add_person(app, "Anna Admin", admin=True)
    admin = app.test_client()
    assert enroll(admin, token, SoftAuthenticator()).status_code == 200
    csrf = page_csrf(admin, "/staff/people")
    assert admin.post(f"/staff/people/{member_id}/disable",
                      data={"csrf_token": csrf}).status_code == 303
    assert member_id not in session_rows(app)
    assert admin.post(f"/staff/people/{member_id}/enable",
                      data={"csrf_token": csrf}).status_code == 303
    assert client.get("/staff/").status_code == 302
    assert admin_id in session_rows(app)


def test_old_sessions_are_swept_at_sign_in(app: Flask, client: FlaskClient,
                                           enrolled: tuple[int, SoftAuthenticator]) -> None:
    """A row older than the cookie's lifetime goes when anyone signs in."""
    staff_id, key = enrolled
    with app.extensions["valmis.db"].begin() as connection:
        connection.execute(db.staff_sessions.insert().values(
            id_hash="0" * 64, staff_id=staff_id,
            created_at=datetime.now(UTC) - timedelta(days=15)))
    with app.extensions["valmis.db"].connect() as connection:
        assert connection.execute(select(db.staff_sessions.c.id_hash)
                                  .where(db.staff_sessions.c.id_hash == "0" * 64)).first()
    sign_in(client, key)
    with app.extensions["valmis.db"].connect() as connection:
        assert connection.execute(select(db.staff_sessions.c.id_hash)
                                  .where(db.staff_sessions.c.id_hash == "0" * 64)).first() is None
    assert staff_id in session_rows(app)


@pytest.fixture
def https_app(tmp_path: Path) -> Iterator[Flask]:
    """An app as in production: cookies only over https."""
    with migrated_app(tmp_path / "https.db", SESSION_COOKIE_SECURE=True) as application:
        yield application


def cookie_flags(header: str) -> tuple[str, set[str]]:
    """A Set-Cookie header's name and its lowercased attributes."""
    name = header.split("=", 1)[0]
    attributes = {part.strip().lower() for part in header.split(";")[1:]}
    return name, attributes


def test_cookies_are_host_prefixed_secure_httponly_and_lax_over_https(https_app: Flask) -> None:
    """Session and language cookies: __Host-, Secure, HttpOnly, SameSite=Lax, Path=/, no
    Domain (so no subdomain or plain-http page can set or read them)."""
    with https_app.extensions["valmis.db"].begin() as connection:
        token = invites.create_invite(connection, language="sv",
                                      appointment_at=datetime.now(UTC) + timedelta(days=1))[1]
    client = https_app.test_client()
    response = client.get(f"/r/{token}?lang=en", base_url="https://localhost",
                          headers={"User-Agent": WINDOWS_CHROME})
    assert response.status_code == 200
    cookies = dict(cookie_flags(header) for header in response.headers.getlist("Set-Cookie"))
    assert set(cookies) == {"__Host-session", "__Host-lang"}
    for name, attributes in cookies.items():
        assert {"secure", "httponly", "path=/", "samesite=lax"} <= attributes, name
        assert not any(item.startswith("domain=") for item in attributes), name
    # The next request reads them back under their new names.
    page = client.get("/device", base_url="https://localhost",
                      headers={"User-Agent": WINDOWS_CHROME})
    assert '<html lang="en"' in page.get_data(as_text=True)
