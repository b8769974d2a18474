"""What happened at an appointment: staff record its outcome in one click (issue 20).

Each outcome is a submit button of a plain POST form, on the dashboard's rows and on the
invite's own page, so it works without JavaScript. The dashboard's buttons name one form
outside the table (form="outcome-form") that holds the CSRF token: the rows stay free of
per-request values, so their ETag changes only when the rows do.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app import accounts, db, invites, outcomes
from app.i18n import gettext as _
from app.staff import bp
from app.staff.auth import login_required

# ?day= as the dashboard takes it (dashboard_views checks that it is a real date).
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def outcome_words() -> dict[str, str]:
    """Each outcome's words, in the staff member's language, in the order staff choose."""
    return {
        "video": _("Joined by video without help"),
        "video-after-help": _("Joined by video after help"),
        "phone": _("Switched to a phone call"),
        "no-show": _("Did not attend"),
        "no-video": _("The customer chose no video"),
    }


def outcome_facts(row: Any, now: datetime, words: dict[str, str] | None = None
                  ) -> dict[str, Any]:
    """What a row or a page says of an invite's outcome: whether it can be recorded yet, the
    chosen one's words, and the five choices with the chosen one marked."""
    words = words or outcome_words()
    chosen = row.outcome if row.outcome in outcomes.OUTCOMES else None
    open_ = outcomes.can_record(row.appointment_at, now)
    return {
        "open": open_,
        "missing": open_ and chosen is None,
        "chosen": chosen,
        "chosen_text": words[chosen] if chosen else "",
        "url": url_for("staff.record_outcome", invite_id=row.id),
        "choices": [{"value": code, "label": words[code], "chosen": code == chosen}
                    for code in outcomes.OUTCOMES],
    }


def _back(invite_id: int) -> str:
    """Where the form came from: the invite's page, or the dashboard's day and filter shown,
    at the invite's row."""
    if request.form.get("back") == "invite":
        return url_for("staff.invite_page", invite_id=invite_id)
    day = request.form.get("day", "")
    missing = request.form.get("missing") == "1"
    # Only a date's shape goes back into the address; the dashboard checks the rest.
    return url_for("staff.dashboard", day=day if _DAY.fullmatch(day) else None,
                   missing="1" if missing else None, _anchor=f"invite-{invite_id}")


def _refused(invite_id: int, heading: str, explanation: str, code: int) -> tuple[str, int]:
    """A page that says why nothing was recorded, with the way back."""
    return render_template("staff/outcome_refused.html", heading=heading,
                           explanation=explanation, back=_back(invite_id)), code


@bp.post("/invites/<row_id:invite_id>/outcome")
@login_required
def record_outcome(invite_id: int) -> Response | tuple[str, int]:
    """Record (or change) the outcome named by the button pressed; audited with its code only."""
    now = datetime.now(UTC)
    outcome = request.form.get("outcome", "")
    with db.engine().begin() as connection:
        invite = invites.invite_by_id(connection, invite_id, now=now,
                                      days=current_app.config["RETENTION_DAYS"])
        if invite is None:
            abort(404)
        if not outcomes.is_outcome(outcome):
            return _refused(invite_id, _("Choose an outcome"),
                            _("Nothing was recorded: choose one of the outcome buttons."), 400)
        try:
            outcomes.record_outcome(connection, invite_id, outcome, staff_id=g.staff.id,
                                    now=now)
        except outcomes.OutcomeTooEarly:
            return _refused(invite_id, _("The appointment has not begun"),
                            _("Nothing was recorded: an outcome can be recorded from the time "
                              "of the appointment on."), 409)
        # The outcome's code only: never the reference or anything of the customer's.
        accounts.audit(connection, "outcome-recorded", staff_id=g.staff.id, detail=outcome,
                       now=now)
    flash(_("Outcome recorded: %(outcome)s.", outcome=outcome_words()[outcome]))
    return redirect(_back(invite_id), 303)
