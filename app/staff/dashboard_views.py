"""The staff's dashboard: who is ready, who needs help, by day; and its rows for live updates."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    current_app,
    g,
    jsonify,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_date
from markupsafe import Markup
from werkzeug.http import quote_etag
from werkzeug.wrappers import Response

from app import accounts, db, feedback, invites, outcomes
from app.about.views import profile
from app.i18n import LANGUAGE_BY_CODE, format_appointment, format_moment
from app.invite_status import (
    device_text,
    invite_status,
    latest_check_results,
    path_words,
    status_words,
)
from app.staff import bp
from app.staff.auth import login_required, login_required_for_polling
from app.staff.organisation_views import missing_words
from app.staff.outcome_views import outcome_facts, outcome_words
from app.staff.signin_views import RECOVERY_NOTICES_KEY

# ?day= as <input type=date> sends it; fromisoformat alone would take "20261203" too.
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(9998, 12, 31)

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


def _missing_only() -> bool:
    """?missing=1: only the past appointments whose outcome nobody has recorded."""
    return request.args.get("missing") == "1"


def _kept_since(now: datetime) -> datetime:
    """The earliest appointment an invite's page still opens (RETENTION_DAYS)."""
    return now - timedelta(days=current_app.config["RETENTION_DAYS"])


def _day_invites(day: date | None, now: datetime, missing_only: bool = False) -> list[Any]:
    """The invite rows of one local day (within retention), or of today and upcoming; with
    missing_only, the past ones without an outcome (of every kept day when day is None)."""
    with db.engine().connect() as connection:
        if day is None and missing_only:
            rows = invites.invites_between(connection, _kept_since(now),
                                           now + timedelta(microseconds=1))
        elif day is None:
            rows = invites.upcoming_invites(connection, _start_of_today())
        else:
            start = datetime.combine(day, time(), _zone())
            end = datetime.combine(day + timedelta(days=1), time(), _zone())
            # A past day shows only what an invite's page would still open.
            rows = invites.invites_between(connection, max(start, _kept_since(now)), end)
    if missing_only:
        # A past appointment whose outcome nobody has recorded: outcomes.can_record says when
        # an appointment is past enough to have one.
        rows = [row for row in rows
                if row.outcome is None and outcomes.can_record(row.appointment_at, now)]
    return rows


def _missing_count(now: datetime) -> int:
    """How many past appointments, on every day still kept, lack an outcome."""
    with db.engine().connect() as connection:
        return invites.count_without_outcome(connection, _kept_since(now), now)


def _labels() -> dict[str, dict[str, str]]:
    """The dashboard's words for statuses and paths, in the staff member's language."""
    return {"status": status_words(), "path": path_words()}


def _dashboard_rows(day: date | None = None, missing_only: bool = False
                    ) -> list[dict[str, Any]]:
    """One day's invites, or today's and upcoming, as the dashboard shows them (one query).

    dashboard_rows.html draws them, for the page and for its live updates alike: every value
    is the words a cell shows, in the staff member's language, except the keys (id, status, a
    check's name and mark) that only choose a link or a style.
    """
    labels = _labels()
    words = outcome_words()
    now = datetime.now(UTC)
    result = []
    for row in _day_invites(day, now, missing_only):
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
            "checks": latest_check_results(row.latest_checks, row.latest_path),
            "last_activity": format_moment(row.last_activity_at, "short"),
            "outcome": outcome_facts(row, now, words),
        })
    return result


def _day_links(day: date | None, missing_only: bool = False) -> dict[str, str]:
    """The filter's neighbouring days: from the day shown, or from today; with the filter."""
    base = day or _start_of_today().date()
    missing = "1" if missing_only else None
    return {"previous": url_for("staff.dashboard", day=(base - timedelta(days=1)).isoformat(),
                                missing=missing),
            "next": url_for("staff.dashboard", day=(base + timedelta(days=1)).isoformat(),
                            missing=missing)}


def _rows_html(rows: list[dict[str, Any]]) -> tuple[Markup, str]:
    """The rows drawn by dashboard_rows.html, and their ETag (a hash of that HTML, unquoted)."""
    html = render_template("staff/dashboard_rows.html", invites=rows)
    return Markup(html), hashlib.sha256(html.encode()).hexdigest()[:32]  # noqa: S704 (rendered by Jinja, escaped there)


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
    missing_only = _missing_only()
    rows = _dashboard_rows(day, missing_only)
    rows_html, etag = _rows_html(rows)
    return render_template(
        "staff/dashboard.html", member=g.staff, invites=rows,
        rows_html=rows_html, rows_etag=quote_etag(etag), day=day,
        recovery_notices=_recovery_notices(), profile_missing=_profile_missing(),
        feedback_waiting=_feedback_waiting(),
        day_error=False, day_value=day.isoformat() if day else "",
        day_title=format_date(day, "full") if day else "",
        links=_day_links(day, missing_only), missing_only=missing_only,
        missing_count=_missing_count(datetime.now(UTC)),
        missing_on_day=sum(1 for row in rows if row["outcome"]["missing"]),
        rows_url=url_for("staff.dashboard_rows", day=day.isoformat() if day else None,
                         missing="1" if missing_only else None))


def _feedback_waiting() -> int:
    """For an administrator, how many feedback messages wait for an answer."""
    if not g.staff.is_admin:
        return 0
    with db.engine().connect() as connection:
        return feedback.unanswered_count(connection)


def _profile_missing() -> list[str]:
    """For an administrator, the organisation's details that customers do not see yet."""
    if not g.staff.is_admin:
        return []
    words = missing_words()
    return [words[code] for code in profile().missing()]


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


@bp.get("/dashboard/rows")
@login_required_for_polling
def dashboard_rows() -> Response | tuple[Response, int]:
    """The dashboard's rows alone, ?day= as the page, for dashboard-live.mjs; 304 when unchanged.

    The same HTML the page includes, so the rows are drawn in one place. The ETag is a hash of
    it, so an unchanged dashboard costs one query and no body. Cache-Control: no-store keeps
    this private data out of every cache; a conditional request still works because the page
    sends If-None-Match itself.
    """
    try:
        day = _requested_day()
    except DayError:
        return jsonify(error="day-invalid"), 400
    html, etag = _rows_html(_dashboard_rows(day, _missing_only()))
    response = current_app.response_class(str(html), mimetype="text/html")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-store"
    return response.make_conditional(request)
