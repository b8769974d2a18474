"""Feedback from the public (administrators only): each message with its age and the 14-day
deadline for an answer, and a way to mark it answered (audited by ids only)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import abort, g, redirect, render_template, url_for
from werkzeug.wrappers import Response

from app import accounts, db, feedback
from app.i18n import LANGUAGE_BY_CODE, format_moment
from app.staff import bp
from app.staff.auth import login_required
from app.staff.people_views import admin_required


def _item(row: Any, now: datetime) -> dict[str, Any]:
    """One message as the page shows it."""
    deadline = feedback.answer_by(row.received_at)
    language = LANGUAGE_BY_CODE.get(row.language)
    return {
        "id": row.id, "message": row.message, "name": row.name, "contact": row.contact,
        "page": row.page, "language": language.name if language else row.language,
        "received": format_moment(row.received_at, "short"),
        "age_days": (now - row.received_at).days,
        "deadline": format_moment(deadline, "short"),
        "overdue": row.answered_at is None and now > deadline,
        "answered": format_moment(row.answered_at, "short") if row.answered_at else "",
    }


@bp.get("/feedback")
@login_required
@admin_required
def feedback_list() -> str:
    """Every kept message, unanswered and nearest deadline first."""
    now = datetime.now(UTC)
    with db.engine().connect() as connection:
        rows = feedback.list_feedback(connection)
    return render_template("staff/feedback.html", items=[_item(row, now) for row in rows],
                           answer_days=feedback.ANSWER_DAYS)


@bp.post("/feedback/<row_id:feedback_id>/answered")
@login_required
@admin_required
def mark_feedback_answered(feedback_id: int) -> Response:
    """Record that a message was answered, and go back to the list."""
    now = datetime.now(UTC)
    with db.engine().begin() as connection:
        if not feedback.mark_answered(connection, feedback_id, staff_id=g.staff.id, now=now):
            abort(404)
        accounts.audit(connection, "feedback-answered", staff_id=g.staff.id,
                       detail=f"feedback {feedback_id}", now=now)
    return redirect(url_for("staff.feedback_list"), 303)
