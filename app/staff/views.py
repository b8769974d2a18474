"""The staff pages: enrollment, sign-in, sign-out and the dashboard.

The ceremony endpoints are JSON POSTs made by app/static/js/passkey.mjs, which sends the
page's CSRF token in the X-CSRFToken header; CSRF protection stays on for them.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from werkzeug.wrappers import Response

from app import db, invites
from app.i18n import LANGUAGE_BY_CODE, format_appointment, format_moment
from app.limits import ceremony_limit, limiter, refuse_unknown_token
from app.staff import accounts, auth, bp, passkeys
from app.staff.auth import login_required, login_required_for_polling
from app.staff.status import (
    check_results,
    device_text,
    invite_status,
    path_words,
    status_words,
)

# ?day= as <input type=date> sends it; fromisoformat alone would take "20261203" too.
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(9998, 12, 31)

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


def _zone() -> ZoneInfo:
    """DEFAULT_TIMEZONE, where the dashboard's days begin and end."""
    return ZoneInfo(current_app.config["DEFAULT_TIMEZONE"])


def _start_of_today() -> datetime:
    """Midnight today in DEFAULT_TIMEZONE: the dashboard's earliest appointment."""
    local = datetime.now(_zone())
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


class DayError(ValueError):
    """?day= is not a date the dashboard can show."""


def _requested_day() -> date | None:
    """The day of ?day=YYYY-MM-DD, None for today and upcoming; DayError when not a date.

    An empty value is what the filter form sends with an empty date field: no filter.
    """
    raw = request.args.get("day", "")
    if not raw:
        return None
    try:
        if not _DAY.fullmatch(raw):
            raise ValueError
        day = date.fromisoformat(raw)
    except ValueError:
        raise DayError(raw) from None
    # Far-off years only make the neighbouring days' links overflow; nobody books there.
    if not FIRST_DAY <= day <= LAST_DAY:
        raise DayError(raw)
    return day


def _day_invites(day: date | None) -> list[Any]:
    """The invite rows of one local day (within retention), or of today and upcoming."""
    with db.engine().connect() as connection:
        if day is None:
            return invites.upcoming_invites(connection, _start_of_today())
        start = datetime.combine(day, time(), _zone())
        end = datetime.combine(day + timedelta(days=1), time(), _zone())
        # A past day shows only what an invite's page would still open.
        kept = datetime.now(UTC) - timedelta(days=current_app.config["RETENTION_DAYS"])
        return invites.invites_between(connection, max(start, kept), end)


def _labels() -> dict[str, dict[str, str]]:
    """The dashboard's words for statuses and paths, in the staff member's language."""
    return {"status": status_words(), "path": path_words()}


def _dashboard_rows(day: date | None = None) -> list[dict[str, Any]]:
    """One day's invites, or today's and upcoming, as the dashboard shows them (one query).

    The page and dashboard.json both render from these, so the two never disagree: every
    value is the words a cell shows, in the staff member's language, except the keys
    (id, status, a check's name and mark) that only choose a link or a style.
    """
    labels = _labels()
    result = []
    for row in _day_invites(day):
        status = invite_status(row)
        language = LANGUAGE_BY_CODE.get(row.language)
        result.append({
            "id": row.id,
            "url": url_for("staff.invite_page", invite_id=row.id),
            "time": format_appointment(row.appointment_at, row.timezone),
            "reference": row.reference or "",
            "language": language.name if language else row.language,
            "status": status,
            "status_text": labels["status"][status],
            "device": device_text(row.latest_device),
            "path": labels["path"].get(row.latest_path, "") if row.latest_path else "",
            "checks": check_results(row.latest_checks),
            "last_activity": format_moment(row.last_activity_at, "short"),
        })
    return result


def _day_links(day: date | None) -> dict[str, str]:
    """The filter's neighbouring days: from the day shown, or from today."""
    base = day or _start_of_today().date()
    return {"previous": url_for("staff.dashboard", day=(base - timedelta(days=1)).isoformat()),
            "next": url_for("staff.dashboard", day=(base + timedelta(days=1)).isoformat())}


@bp.get("/")
@login_required
def dashboard() -> str | tuple[str, int]:
    """Today's and upcoming invites with their status, or one day's with ?day=YYYY-MM-DD."""
    try:
        day = _requested_day()
    except DayError:
        page = render_template("staff/dashboard.html", member=g.staff, invites=[], day=None,
                               day_error=True, day_value=request.args.get("day", ""),
                               links=_day_links(None))
        return page, 400
    return render_template(
        "staff/dashboard.html", member=g.staff, invites=_dashboard_rows(day), day=day,
        recovery_notices=_recovery_notices(),
        day_error=False, day_value=day.isoformat() if day else "",
        day_title=format_date(day, "full") if day else "", links=_day_links(day),
        data_url=url_for("staff.dashboard_json", day=day.isoformat() if day else None))


def _recovery_notices() -> list[dict[str, str]]:
    """Once after a sign-in: each passkey a recovery link added, as who issued it and when."""
    passkey_ids = session.pop(RECOVERY_NOTICES_KEY, None)
    if not isinstance(passkey_ids, list):
        return []
    with db.engine().connect() as connection:
        rows = accounts.recovery_notices(
            connection, g.staff.id, [i for i in passkey_ids if isinstance(i, int)])
    return [{"name": row.added_by_name, "when": format_moment(row.created_at, "short")}
            for row in rows]


@bp.get("/dashboard.json")
@login_required_for_polling
def dashboard_json() -> Response | tuple[Response, int]:
    """The dashboard's rows for dashboard-live.mjs, ?day= as the page; 304 when unchanged.

    The ETag is a hash of the body, so an unchanged dashboard costs one query and no body.
    Cache-Control: no-store keeps this private data out of every cache; a conditional
    request still works because the page sends If-None-Match itself.
    """
    try:
        day = _requested_day()
    except DayError:
        return _refuse("day-invalid")
    body = json.dumps({"rows": _dashboard_rows(day)}, ensure_ascii=False, sort_keys=True)
    response = current_app.response_class(body, mimetype="application/json")
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    response.headers["Cache-Control"] = "no-store"
    return response.make_conditional(request)


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
