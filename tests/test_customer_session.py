"""The customer's session: the cookie never shows the personal token, and the session forgets
the invite once the appointment is over (its end plus a day)."""

from __future__ import annotations

import base64
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import customer_session, invites
from tests.support.user_agents import WINDOWS_CHROME

DESKTOP = {"User-Agent": WINDOWS_CHROME, "Accept-Language": "en"}
TEAMS = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc"
# In an hour: the session must know the invite until two hours and a day from now.
APPOINTMENT = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
SESSION_END = APPOINTMENT + timedelta(minutes=60, days=1)


@pytest.fixture
def link(app: Flask) -> str:
    """An Ukrainian invite's token, with a Teams link, in an hour."""
    with app.extensions["valmis.db"].begin() as connection:
        return invites.create_invite(connection, appointment_at=APPOINTMENT, language="uk",
                                     teams_url=TEAMS)[1]


def readable_cookie(client: FlaskClient) -> str:
    """What anyone at the browser reads in the session cookie, without the server's key:
    itsdangerous signs the payload but only base64-encodes (and maybe zlib-compresses) it."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    value = cookie.value
    compressed = value.startswith(".")
    payload = value.removeprefix(".").split(".")[0]
    data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(data) if compressed else data).decode("utf-8", errors="replace")


def knows_the_invite(client: FlaskClient, token: str) -> bool:
    """Whether this session still gives the invite: report URL, appointment, Teams link,
    calendar entry, personal manifest or language. Asserts they all agree."""
    checks = client.get("/checks", headers=DESKTOP).get_data(as_text=True)
    ready = client.get("/ready", headers=DESKTOP).get_data(as_text=True)
    calendar = client.get("/appointment.ics", headers=DESKTOP)
    signs = [token in checks, TEAMS.split("19")[0] in ready and "19%3ameeting_abc" in ready,
             calendar.status_code == 200, "/manifest.webmanifest?lang=" not in ready,
             '<html lang="uk"' in ready]
    assert len(set(signs)) == 1, signs
    return signs[0]


def test_the_cookie_never_shows_the_token(client: FlaskClient, link: str) -> None:
    """Decoded without the key, the cookie holds no token, no Teams link and no time; the
    session still works (the server can open its seal)."""
    assert client.get(f"/r/{link}", headers=DESKTOP).status_code == 200
    readable = readable_cookie(client)
    assert "wizard" in readable  # the decoding works: the wizard's state is there
    for secret in (link, link[:12], link[-12:], "teams", str(int(SESSION_END.timestamp()))):
        assert secret not in readable
    assert knows_the_invite(client, link)


def test_the_session_forgets_the_invite_a_day_after_the_appointment(
        client: FlaskClient, link: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A minute before the appointment's end plus a day the session knows the invite; a
    second after, it gives nothing of it, and never again."""
    client.get(f"/r/{link}", headers=DESKTOP)
    client.post("/device", data={"device": "computer"}, headers=DESKTOP)
    monkeypatch.setattr(customer_session.time, "time",
                        lambda: (SESSION_END - timedelta(minutes=1)).timestamp())
    assert knows_the_invite(client, link)
    monkeypatch.setattr(customer_session.time, "time",
                        lambda: (SESSION_END + timedelta(seconds=1)).timestamp())
    assert not knows_the_invite(client, link)
    assert "wizard" not in readable_cookie(client)
    monkeypatch.undo()
    assert not knows_the_invite(client, link)


def test_the_cookie_expires_with_the_invite(client: FlaskClient, link: str) -> None:
    """The browser drops the cookie at the invite's end, not 14 days later."""
    response = client.get(f"/r/{link}", headers=DESKTOP)
    cookie = next(value for value in response.headers.getlist("Set-Cookie")
                  if value.startswith("session="))
    expires = next(part.split("=", 1)[1] for part in cookie.split("; ")
                   if part.lower().startswith("expires="))
    assert abs(parsedate_to_datetime(expires) - SESSION_END) < timedelta(seconds=2)


@pytest.mark.parametrize("sealed", [None, "not a sealed invite", "gAAAAABforged"])
def test_a_session_without_a_good_seal_forgets_the_invite(
        client: FlaskClient, link: str, sealed: str | None) -> None:
    """A session from before sealing (readable token, no seal) or with a broken seal knows
    no invite."""
    client.get(f"/r/{link}", headers=DESKTOP)
    with client.session_transaction() as session:
        session["invite_token"] = link
        if sealed is None:
            del session[customer_session.SEALED_INVITE_KEY]
        else:
            session[customer_session.SEALED_INVITE_KEY] = sealed
    assert not knows_the_invite(client, link)
    with client.session_transaction() as session:
        assert "invite_token" not in session and "wizard" not in session


def test_another_secret_key_cannot_open_the_seal(app: Flask, link: str) -> None:
    """The seal's key comes from SECRET_KEY: another instance's key opens nothing."""
    with app.test_request_context():
        from flask import session

        customer_session.remember_invite(1, link, APPOINTMENT)
        sealed = session[customer_session.SEALED_INVITE_KEY]
        assert customer_session.invite_token() == link
        app.config["SECRET_KEY"] = "another key"
        assert customer_session.invite_token() is None
        assert link not in sealed
