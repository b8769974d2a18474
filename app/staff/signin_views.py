"""Staff sign-in, sign-out and enrollment with a passkey.

The ceremony endpoints are JSON POSTs made by app/static/js/passkey.mjs, which sends the
page's CSRF token in the X-CSRFToken header; CSRF protection stays on for them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import (
    abort,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy.exc import IntegrityError
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from werkzeug.wrappers import Response

from app import accounts, db
from app.i18n import gettext as _
from app.limits import ceremony_limit, limiter, refuse_unknown_token
from app.staff import auth, bp, passkeys
from app.staff.auth import login_required

# The session key for the ids of passkeys a recovery link added, which the dashboard shown
# after a sign-in tells the person about (ids only: the cookie is signed, not encrypted).
RECOVERY_NOTICES_KEY = "recovery_notices"

# One budget for every ceremony request of an address: sign-in and enrollment, options and verify.
_ceremony_limit = limiter.shared_limit(ceremony_limit, scope="passkey-ceremony")

def _refuse(code: str, status: int = 400) -> tuple[Response, int]:
    """A ceremony's JSON refusal with a short reason code (the page shows its own words)."""
    return jsonify(error=code), status


def _credential() -> Any:
    """The credential object the browser posted, or None."""
    body = request.get_json(silent=True)
    return body.get("credential") if isinstance(body, dict) else None

@bp.get("/sign-in")
def sign_in() -> Response | str:
    """The sign-in page with its passkey button; a signed-in visitor goes to the dashboard."""
    if auth.signed_in_staff_id() is not None:
        return redirect(url_for("staff.dashboard"))
    return render_template("staff/sign_in.html")


@bp.post("/sign-in/options")
@_ceremony_limit
def sign_in_options() -> Response:
    """1. Authentication options; the challenge waits server-side (app/staff/passkeys.py)."""
    return jsonify(passkeys.authentication_options())


@bp.post("/sign-in/verify")
@_ceremony_limit
def sign_in_verify() -> Response | tuple[Response, int]:
    """2. Verify the assertion against its passkey, then start a fresh session."""
    now = datetime.now(UTC)
    try:
        # The challenge is popped before anything else: a failed attempt uses it up too.
        challenge = passkeys.pop_authentication_challenge()
        assertion = passkeys.parse_assertion(_credential())
    except passkeys.CeremonyError as error:
        return _refuse(error.code)
    with db.engine().begin() as connection:
        passkey = accounts.passkey_by_credential_id(
            connection, bytes_to_base64url(assertion.raw_id))
        if passkey is None:
            return _refuse("unknown-passkey")
        if passkey.disabled:
            accounts.audit(connection, "sign-in-refused", staff_id=passkey.staff_id,
                           detail="disabled", now=now)
            return _refuse("disabled", 403)
        handle = assertion.response.user_handle
        if handle is not None and handle != base64url_to_bytes(passkey.webauthn_user_id):
            return _refuse("wrong-user")
        try:
            new_count = passkeys.verify_assertion(
                assertion, challenge=challenge, public_key=passkey.public_key,
                sign_count=passkey.sign_count)
        except passkeys.CeremonyError as error:
            accounts.audit(connection, "sign-in-refused", staff_id=passkey.staff_id,
                           detail=error.code, now=now)
            return _refuse(error.code)
        if not accounts.sign_count_is_fresh(passkey.sign_count, new_count):
            accounts.audit(connection, "sign-in-refused", staff_id=passkey.staff_id,
                           detail="sign-count", now=now)
            return _refuse("sign-count")
        if not accounts.record_use(connection, passkey.id, stored=passkey.sign_count,
                                   new=new_count, now=now):
            return _refuse("sign-count")
        accounts.audit(connection, "sign-in", staff_id=passkey.staff_id, now=now)
        notices = accounts.take_recovery_notices(connection, passkey.staff_id,
                                                 signed_in_with=passkey.id)
    auth.sign_in(passkey.staff_id)
    if notices:
        session[RECOVERY_NOTICES_KEY] = notices
    return jsonify(redirect=url_for("staff.dashboard"))


@bp.post("/sign-out")
@login_required
def sign_out() -> Response:
    """End the session and go back to the sign-in page."""
    with db.engine().begin() as connection:
        accounts.audit(connection, "sign-out", staff_id=g.staff.id)
    auth.sign_out()
    return redirect(url_for("staff.sign_in"))


def _enrollment(token: str) -> Any:
    """The valid enrollment of this token, or a 404."""
    with db.engine().connect() as connection:
        enrollment = accounts.find_enrollment(connection, token)
    if enrollment is None:
        abort(404)
    return enrollment


@bp.get("/enroll/<token>")
def enroll(token: str) -> str:
    """The enrollment page: one button that creates a passkey."""
    with db.engine().connect() as connection:
        enrollment = accounts.find_enrollment(connection, token)
    if enrollment is None:
        refuse_unknown_token()
    return render_template("staff/enroll.html", member=enrollment, token=token)


@bp.post("/enroll/<token>/options")
@_ceremony_limit
def enroll_options(token: str) -> Response:
    """1. Registration options for this enrollment's staff member."""
    enrollment = _enrollment(token)
    with db.engine().connect() as connection:
        existing = accounts.credential_ids(connection, enrollment.id)
    return jsonify(passkeys.registration_options(
        user_id=enrollment.webauthn_user_id, user_name=enrollment.name, exclude=existing,
        kind=passkeys.ENROLL, bound=enrollment.enrollment_id))


@bp.post("/enroll/<token>/verify")
@_ceremony_limit
def enroll_verify(token: str) -> Response | tuple[Response, int]:
    """2. Verify the new passkey, store it, use up the link and sign the person in."""
    enrollment = _enrollment(token)
    try:
        new = passkeys.verify_registration(_credential(), kind=passkeys.ENROLL,
                                           bound=enrollment.enrollment_id)
    except passkeys.CeremonyError as error:
        return _refuse(error.code)
    now = datetime.now(UTC)
    try:
        with db.engine().begin() as connection:
            if not accounts.use_enrollment(connection, enrollment.enrollment_id, now=now):
                raise _Used
            # Someone who already has a passkey is being recovered: the new passkey names the
            # administrator who made the link, and the person hears of it at their next sign-in.
            # Only the People page makes a link for such a person, so issued_by is set.
            recovered_by = (enrollment.issued_by
                            if accounts.passkey_count(connection, enrollment.id) > 0 else None)
            passkey_id = accounts.add_passkey(
                connection, enrollment.id, credential_id=new.credential_id,
                public_key=new.public_key, sign_count=new.sign_count,
                # Translators: a new passkey's name; the person can rename it.
                name=_("Passkey"), recovered_by=recovered_by, now=now)
            if recovered_by is None:
                accounts.audit(connection, "enrolled", staff_id=enrollment.id, now=now)
            else:
                accounts.audit(connection, "passkey-added-by-recovery", staff_id=enrollment.id,
                               detail=f"passkey {passkey_id} by staff {recovered_by}", now=now)
    except _Used:
        return _refuse("link-used", 404)
    except IntegrityError:
        return _refuse("passkey-exists")
    auth.sign_in(enrollment.id)
    return jsonify(redirect=url_for("staff.dashboard"))


class _Used(Exception):
    """The enrollment was used by a parallel request: roll back and refuse."""
