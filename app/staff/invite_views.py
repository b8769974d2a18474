"""Personal links in the staff area: create one, look at one, delete one.

The result of creating is rendered in the POST's own answer and never cached: the plain token
exists only now, so it goes neither into a redirect URL nor into the session. An invite's own
page therefore cannot show the link again; it shows the invite's status and report history.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import segno
from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale
from markupsafe import Markup, escape
from sqlalchemy import Connection
from werkzeug.wrappers import Response

from app import accounts, db, invites
from app.about.views import profile, signature
from app.appointment_time import MAX_DAYS_AHEAD, utc_offset_text
from app.i18n import LANGUAGE_BY_CODE, format_appointment, format_moment
from app.i18n import gettext as _
from app.invite_form import (
    FIELDS,
    InviteRequest,
    read_invite_form,
    skipped_to,
    twice_occurring,
)
from app.invite_status import (
    HISTORY_CHECK_NAMES,
    check_results,
    device_text,
    invite_status,
    issue_text,
    latest_check_results,
    path_words,
    report_kind_text,
    status_words,
    step_text,
)
from app.staff import bp
from app.staff.auth import login_required
from app.staff.outcome_views import outcome_facts
from app.text import unsafe_character


def _error_messages(form: dict[str, Any], now: datetime) -> dict[str, str]:
    """Each error code's sentence, in the staff member's language, with what the form says."""
    not_teams = _("Enter a Microsoft Teams meeting link (teams.microsoft.com, teams.live.com "
                  "or teams.cloud.microsoft), or leave it empty")
    zone = current_app.config["DEFAULT_TIMEZONE"]
    skipped = skipped_to(form, zone, now)
    later = skipped.strftime("%H:%M") if skipped else ""
    return {
        "date-missing": _("Enter the date of the appointment"),
        "date-invalid": _("Enter the date of the appointment as a real date"),
        "date-past": _("The date of the appointment must be today or later"),
        "date-too-far": _("The date of the appointment must be at most %(count)d days from "
                          "today", count=MAX_DAYS_AHEAD),
        "time-missing": _("Enter the time of the appointment"),
        "time-invalid": _("Enter the time of the appointment as hours and minutes, like 14:00"),
        "time-past": _("The time of the appointment has already passed"),
        "time-nonexistent": _("There is no %(time)s on that day: the clocks go forward an hour "
                              "that night. Did you mean %(later)s?",
                              time=form.get("time", ""),
                              later=later),
        "time-ambiguous": _("%(time)s comes twice on that day: the clocks go back an hour that "
                            "night. Choose which one you mean", time=form.get("time", "")),
        "language-missing": _("Choose the customer's language"),
        "reference-too-long": _("The reference must be %(count)d characters or fewer",
                                count=invites.MAX_REFERENCE),
        "teams-not-https": _("The Teams meeting link must start with https://"),
        "teams-not-teams": not_teams,
        "teams-userinfo": not_teams,
        "teams-malformed": _("The Teams meeting link contains spaces or characters a link "
                             "cannot have"),
        "teams-too-long": _("The Teams meeting link is too long"),
        "teams-empty": not_teams,
        "teams-hidden": _("The Teams meeting link contains a character that cannot be seen or "
                          "that changes how the link is shown (%(character)s). Copy the link "
                          "again from the meeting invitation.",
                          character=unsafe_character(form.get("teams-url", "").strip()) or ""),
        "reference-hidden": _("The reference contains a character that cannot be seen or that "
                              "changes how text is shown (%(character)s). Remove it.",
                              character=unsafe_character(form.get("reference", "").strip())
                              or ""),
    }


def _fold_choices(form: dict[str, Any], now: datetime) -> list[dict[str, str]]:
    """The two meanings of a time that comes twice, as radio choices; [] for any other time."""
    moments = twice_occurring(form, current_app.config["DEFAULT_TIMEZONE"], now)
    if not moments:
        return []
    first, second = moments
    clock = first.strftime("%H:%M")
    return [
        {"value": "first", "label": _("The first %(time)s, before the clocks go back "
                                      "(UTC%(offset)s)", time=clock,
                                      offset=utc_offset_text(first))},
        {"value": "second", "label": _("The second %(time)s, after the clocks go back "
                                       "(UTC%(offset)s)", time=clock,
                                       offset=utc_offset_text(second))},
    ]


def _absolute_link(token: str) -> str:
    """The personal link as the customer will open it: on PUBLIC_URL when set."""
    public_url = current_app.config["PUBLIC_URL"]
    if public_url:
        return public_url + url_for("wizard.personal_link", token=token)
    return url_for("wizard.personal_link", token=token, _external=True)


def qr_svg(url: str, label: str) -> Markup:
    """The QR code of url as inline SVG with an accessible name and no styles (CSP)."""
    svg = segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    # segno writes presentation attributes (fill, stroke), never style: CSP needs none.
    if "style" in svg:
        raise ValueError("the QR code's SVG carries a style")
    # Safe: segno's SVG is made of numbers and colours only (the URL is encoded as modules,
    # never written out), and the label is escaped.
    named = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    return Markup(named)  # noqa: S704


def _customer_texts(invite: InviteRequest, link: str) -> dict[str, Any]:
    """The message to send and everything the printed letter says or is named, in the
    customer's language: the letter is theirs, whatever language the staff page is in."""
    zone = current_app.config["DEFAULT_TIMEZONE"]
    with force_locale(invite.language):
        paragraphs = [
            _("Hello,"),
            _("Your video appointment is on %(when)s.",
              when=format_appointment(invite.appointment_at, zone)),
            _("Before the appointment, open this link on the phone, tablet or computer you will "
              "use. It shows you how to join and checks your camera, microphone and connection:")
            + "\n" + link,
        ]
        if invite.teams_url:
            paragraphs.append(_("At the time of the appointment, join the meeting with this "
                                "Teams link:") + "\n" + invite.teams_url)
        paragraphs += signature(profile().in_language(invite.language))
        return {"message": "\n\n".join(paragraphs),
                "scan": _("Or scan this code with the camera of your phone."),
                "letter_label": _("Letter"),
                "qr": qr_svg(link, _("QR code of the personal link"))}


@bp.route("/invites/new", methods=["GET", "POST"])
@login_required
def new_invite() -> Response | tuple[str, int] | str:
    """The form; on a valid POST, the invite is made and its link shown once."""
    form: dict[str, Any] = {"language": "fi"}
    errors: dict[str, str] = {}
    now = datetime.now(UTC)
    if request.method == "POST":
        form = {field: request.form.get(field, "") for field in FIELDS}
        invite, errors = read_invite_form(form, zone=current_app.config["DEFAULT_TIMEZONE"],
                                          now=now)
        if invite is not None:
            return _created(invite, now)
    page = render_template("staff/new_invite.html", form=form, errors=errors,
                           messages=_error_messages(form, now),
                           fold_choices=_fold_choices(form, now),
                           max_reference=invites.MAX_REFERENCE)
    return (page, 400) if errors else page


def _created(invite: InviteRequest, now: datetime) -> Response:
    """Store the invite, audit it, and answer the never-cached page with its link."""
    zone = current_app.config["DEFAULT_TIMEZONE"]
    with db.engine().begin() as connection:
        invite_id, token = invites.create_invite(
            connection, appointment_at=invite.appointment_at, language=invite.language,
            reference=invite.reference, teams_url=invite.teams_url, timezone=zone, now=now,
            created_by=g.staff.id)
        accounts.audit(connection, "invite-created", staff_id=g.staff.id,
                       detail=f"invite {invite_id}", now=now)
    link = _absolute_link(token)
    response = Response(render_template(
        "staff/invite_created.html", link=link, invite=invite,
        language=LANGUAGE_BY_CODE[invite.language],
        when=format_appointment(invite.appointment_at, zone),
        **_customer_texts(invite, link)), mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _moment(moment: datetime | None) -> str:
    """A stored moment in the staff member's language and DEFAULT_TIMEZONE, with seconds."""
    return format_moment(moment, "medium")


def _invite_facts(invite: Any, creator: str | None = None) -> dict[str, Any]:
    """What the invite's page says about the invite itself, in words; creator is a name."""
    status = invite_status(invite)
    language = LANGUAGE_BY_CODE.get(invite.language)
    return {
        "id": invite.id,
        "when": format_appointment(invite.appointment_at, invite.timezone),
        "reference": invite.reference or "",
        "language": language.name if language else invite.language,
        "status": status,
        "status_text": status_words()[status],
        "device": device_text(invite.latest_device),
        "path": path_words().get(invite.latest_path or "", ""),
        "checks": latest_check_results(invite.latest_checks, invite.latest_path),
        "teams_link": bool(invite.teams_url),
        "created": _moment(invite.created_at),
        "created_by": creator or "",
        "opened": _moment(invite.opened_at),
        "last_activity": _moment(invite.last_activity_at),
        "outcome": outcome_facts(invite, datetime.now(UTC)),
    }


def _history(reports: list[Any]) -> list[dict[str, Any]]:
    """The report history's rows in words, in the order given (newest first)."""
    paths, summaries = path_words(), status_words()
    rows = []
    for report in reports:
        body = report.body if isinstance(report.body, dict) else {}
        details: list[str] = []
        checks: list[dict[str, str]] = []
        if report.kind == "readiness":
            # The server's summary of the checks (app/invites.py), not the browser's word.
            details = [summaries.get(report.summary or "", ""),
                       paths.get(body.get("path") or "", ""), device_text(body.get("device"))]
            checks = check_results(body.get("checks"), problems=body.get("problems") or (),
                                   names=HISTORY_CHECK_NAMES)
        elif report.kind == "step":
            details = [step_text(body.get("step") or ""), paths.get(body.get("path") or "", "")]
        rows.append({
            "created": _moment(report.created_at),
            "received": _moment(report.received_at),
            "kind": report_kind_text(report.kind, body),
            "details": [detail for detail in details if detail],
            "checks": checks,
            "problems": [issue_text(key) for key in body.get("problems") or []],
            "warnings": [issue_text(key) for key in body.get("warnings") or []],
        })
    return rows


def _creator_name(connection: Connection, invite: Any) -> str | None:
    """The name of the staff member who made the invite; None from the command line."""
    creator = (accounts.staff_by_id(connection, invite.created_by)
               if invite.created_by is not None else None)
    return creator.name if creator is not None else None


def _invite_page(invite: Any, reports: list[Any], creator: str | None, *,
                 confirm_error: bool = False) -> str:
    """The invite's page: its facts, its report history and the form that deletes it."""
    return render_template("staff/invite.html", invite=_invite_facts(invite, creator),
                           history=_history(reports), confirm_error=confirm_error)


def _retention_days() -> int:
    """How long after its appointment an invite is kept (and can be looked at)."""
    days: int = current_app.config["RETENTION_DAYS"]
    return days


@bp.get("/invites/<row_id:invite_id>")
@login_required
def invite_page(invite_id: int) -> str:
    """One invite: its status, its reports newest first, and deleting it; audited as viewed."""
    now = datetime.now(UTC)
    with db.engine().begin() as connection:
        invite = invites.invite_by_id(connection, invite_id, now=now, days=_retention_days())
        if invite is None:
            abort(404)
        reports = invites.report_history(connection, invite_id)
        creator = _creator_name(connection, invite)
        # The id only: the reference may name the customer.
        accounts.audit(connection, "invite-viewed", staff_id=g.staff.id,
                       detail=f"invite {invite_id}", now=now)
    return _invite_page(invite, reports, creator)


@bp.post("/invites/<row_id:invite_id>/delete")
@login_required
def delete_invite(invite_id: int) -> Response | tuple[str, int]:
    """Delete the invite and its reports once the box "I understand" is ticked; audited."""
    now = datetime.now(UTC)
    with db.engine().begin() as connection:
        invite = invites.invite_by_id(connection, invite_id, now=now, days=_retention_days())
        if invite is None:
            abort(404)
        if request.form.get("confirm") != "yes":
            return _invite_page(invite, invites.report_history(connection, invite_id),
                                _creator_name(connection, invite), confirm_error=True), 400
        invites.delete_invite(connection, invite_id)
        accounts.audit(connection, "invite-deleted", staff_id=g.staff.id,
                       detail=f"invite {invite_id}", now=now)
    flash(_("The invite and its reports were deleted."))
    return redirect(url_for("staff.dashboard"), 303)
