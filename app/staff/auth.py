"""Who is signed in? The staff session: sign in, sign out, idle timeout, login_required.

The session is Flask's signed cookie. Signing in clears it first, so nothing from before
(a fixated value, an old CSRF token) survives, and gives it a new random session id, whose
SHA-256 is kept in staff_sessions. A request counts as signed in only while that row exists:
signing out, being disabled or an administrator's action deletes it, and a copy of the cookie
made before then no longer opens anything (a signed cookie alone cannot be revoked).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, current_app, g, redirect, request, session, url_for
from sqlalchemy import Connection, delete, insert, select

from app import accounts, db

STAFF_KEY = "staff_id"
SEEN_KEY = "staff_seen"
SESSION_ID_KEY = "staff_session"

F = TypeVar("F", bound=Callable[..., Any])


def session_id_hash(session_id: str) -> str:
    """What staff_sessions keeps of a session id."""
    return hashlib.sha256(session_id.encode()).hexdigest()


def sign_in(staff_id: int) -> None:
    """Start a fresh staff session for staff_id, recorded server-side.

    Sessions older than the cookie's lifetime are swept at the same time.
    """
    session.clear()
    session_id = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    lifetime = timedelta(seconds=current_app.permanent_session_lifetime.total_seconds())
    with db.engine().begin() as connection:
        connection.execute(delete(db.staff_sessions)
                           .where(db.staff_sessions.c.created_at < now - lifetime))
        connection.execute(insert(db.staff_sessions).values(
            id_hash=session_id_hash(session_id), staff_id=staff_id, created_at=now))
    session[STAFF_KEY] = staff_id
    session[SESSION_ID_KEY] = session_id
    session[SEEN_KEY] = int(time.time())


def sign_out() -> None:
    """End the session, staff and everything else in it, here and server-side."""
    session_id = session.get(SESSION_ID_KEY)
    if isinstance(session_id, str):
        with db.engine().begin() as connection:
            connection.execute(delete(db.staff_sessions)
                               .where(db.staff_sessions.c.id_hash == session_id_hash(session_id)))
    session.clear()


def end_sessions(connection: Connection, staff_id: int) -> int:
    """End every session of staff_id (disabled, or signed out everywhere); how many."""
    result = connection.execute(delete(db.staff_sessions)
                                .where(db.staff_sessions.c.staff_id == staff_id))
    return int(result.rowcount)


def _session_is_live(connection: Connection, staff_id: int) -> bool:
    """True when this cookie's session id is still recorded for staff_id."""
    session_id = session.get(SESSION_ID_KEY)
    if not isinstance(session_id, str):
        return False
    return connection.execute(select(db.staff_sessions.c.staff_id).where(
        db.staff_sessions.c.id_hash == session_id_hash(session_id),
        db.staff_sessions.c.staff_id == staff_id)).first() is not None


def signed_in_staff_id(now: float | None = None, *, touch: bool = True) -> int | None:
    """The signed-in staff member's id; None when nobody is, or the session has been idle.

    An idle session is cleared here; an active one has its last-seen time moved on, unless
    touch is False (a background poll is not the person being active).
    """
    staff_id = session.get(STAFF_KEY)
    if not isinstance(staff_id, int):
        return None
    now = time.time() if now is None else now
    seen = session.get(SEEN_KEY)
    idle_seconds = current_app.config["STAFF_IDLE_MINUTES"] * 60
    if not isinstance(seen, int) or now - seen > idle_seconds:
        sign_out()
        return None
    if touch:
        session[SEEN_KEY] = int(now)
    return staff_id


def login_required(view: F) -> F:
    """Refuse a visitor who is not signed in: GET goes to sign-in, anything else gets 401."""
    return _protect(view, touch=True)


def login_required_for_polling(view: F) -> F:
    """login_required for a view the page polls on its own: it keeps no session alive.

    Polling every few seconds would otherwise reset the idle clock forever, and write a new
    session cookie on every answer (304s included).
    """
    return _protect(view, touch=False)


def _protect(view: F, *, touch: bool) -> F:
    """Wrap view so that it runs only for a signed-in, enabled staff member."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        """Check the session, then run the view."""
        staff_id = signed_in_staff_id(touch=touch)
        member = None
        if staff_id is not None:
            with db.engine().connect() as connection:
                member = accounts.staff_by_id(connection, staff_id)
                live = member is not None and _session_is_live(connection, staff_id)
            if member is None or member.disabled or not live:
                # Disabled, removed or signed out (elsewhere) since: the session ends now.
                sign_out()
                member = None
        if member is None:
            if request.method in ("GET", "HEAD"):
                return redirect(url_for("staff.sign_in"))
            abort(401)
        g.staff = member
        return view(*args, **kwargs)

    # Marks the view so that a test can tell which rules are protected.
    wrapped.login_required = True  # type: ignore[attr-defined]
    return cast(F, wrapped)
