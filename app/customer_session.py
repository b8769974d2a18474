"""What may a customer's session cookie say about their personal link, and for how long?

Flask's session cookie is signed, not encrypted: anyone at the browser can read it. It used to
carry the personal token for 14 days, so the next person at a shared computer could open the
appointment, its Teams link and the report URL. Now:

1. The token, and when the session stops knowing the invite, are sealed with Fernet
   (`cryptography`: AES with an HMAC) under a key derived from SECRET_KEY. Encrypting rather
   than keeping a server-side table, because the database stores only the token's SHA-256 by
   design: a table of plain tokens would give a database leak every live link, and a key
   derived from SECRET_KEY needs no new table and works on every instance that shares it.
2. The session knows the invite until the appointment's end (APPOINTMENT_MINUTES) plus a day.
   After that, before any view or the language choice runs, every trace of the invite leaves
   the session, and the cookie itself expires then at the latest.
"""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app, request, session
from flask.sessions import SecureCookieSessionInterface, SessionMixin

# The wizard's state (device, steps done, the invite's id), the sealed token and its end, and
# the invite's language: every session key that belongs to a customer's personal link.
STATE_KEY = "wizard"
SEALED_INVITE_KEY = "sealed_invite"
INVITE_LANGUAGE_KEY = "invite_language"
# How long after the appointment's end the session still knows the invite: the customer may
# look at the Ready page or the calendar entry again later that day.
GRACE = timedelta(days=1)


@lru_cache(maxsize=4)
def _fernet(secret_key: str) -> Fernet:
    """The cipher for sealed invites, its key derived from SECRET_KEY (HKDF, own purpose)."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"valmis: personal-link token in the customer's session").derive(
        secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def session_end(appointment_at: datetime, minutes: int) -> datetime:
    """When a session stops knowing the invite: the appointment's end plus GRACE."""
    return appointment_at + timedelta(minutes=minutes) + GRACE


def remember_invite(invite_id: int, token: str, appointment_at: datetime) -> None:
    """Let this session know the invite (its id in the wizard state, the token sealed) until
    the appointment's end plus a day."""
    until = session_end(appointment_at, current_app.config["APPOINTMENT_MINUTES"])
    sealed = json.dumps({"token": token, "until": until.timestamp()}).encode()
    session[SEALED_INVITE_KEY] = _fernet(current_app.config["SECRET_KEY"]).encrypt(
        sealed).decode()


class Seal(NamedTuple):
    """What a sealed invite holds: the token, and when the session stops knowing it (epoch s)."""

    token: str
    until: float


def _unsealed(sealed: object) -> Seal | None:
    """The token and end of a sealed invite; None when it is missing, altered or old-style."""
    if not isinstance(sealed, str):
        return None
    return _open_seal(current_app.config["SECRET_KEY"], sealed)


@lru_cache(maxsize=256)
def _open_seal(secret_key: str, sealed: str) -> Seal | None:
    """The seal's content; cached, since one request reads it up to three times (the hook,
    the view and the cookie's expiry) and the same cookie comes back on every request."""
    try:
        content = json.loads(_fernet(secret_key).decrypt(sealed))
    except (InvalidToken, ValueError):
        return None
    if (not isinstance(content, dict) or not isinstance(content.get("token"), str)
            or not isinstance(content.get("until"), int | float)):
        return None
    return Seal(content["token"], float(content["until"]))


def invite_token() -> str | None:
    """This session's personal-link token, while it still knows the invite."""
    content = _unsealed(session.get(SEALED_INVITE_KEY))
    return content.token if content and content.until > time.time() else None


def invite_id() -> int | None:
    """The id of this session's personal-link invite, without touching a cookieless session."""
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return None
    state = session.get(STATE_KEY)
    found = state.get("invite") if isinstance(state, dict) else None
    return found if isinstance(found, int) else None


def _knows_an_invite(data: SessionMixin) -> bool:
    """Whether the session holds anything of a personal link."""
    state = data.get(STATE_KEY)
    return ((isinstance(state, dict) and state.get("invite") is not None)
            or SEALED_INVITE_KEY in data or INVITE_LANGUAGE_KEY in data
            or "invite_token" in data)  # the readable token of sessions made before sealing


def forget_ended_invite() -> None:
    """Before anything reads the session: once the invite's time is over (or its seal is
    missing or broken), drop every trace of it, the customer's progress included."""
    # Without a session cookie there is nothing to forget; not touching the session keeps
    # "Vary: Cookie" off responses that have none.
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return
    if not _knows_an_invite(session):
        return
    content = _unsealed(session.get(SEALED_INVITE_KEY))
    if content is None or content.until <= time.time():
        for key in (STATE_KEY, SEALED_INVITE_KEY, INVITE_LANGUAGE_KEY, "invite_token"):
            session.pop(key, None)


class CustomerSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, whose cookie expires no later than the invite's end."""

    def get_expiration_time(self, app: Flask, session: SessionMixin) -> datetime | None:
        """The usual lifetime, cut at the sealed invite's end."""
        expires = super().get_expiration_time(app, session)
        content = _unsealed(session.get(SEALED_INVITE_KEY))
        if expires is not None and content is not None:
            return min(expires, datetime.fromtimestamp(content.until, UTC))
        return expires


def init_app(app: Flask) -> None:
    """Install the session interface, and forget ended invites before every other hook."""
    app.session_interface = CustomerSessionInterface()
    # First in line: the language choice (app/i18n.py) reads the invite's language.
    app.before_request_funcs.setdefault(None, []).insert(0, forget_ended_invite)
