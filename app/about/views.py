"""The public pages about the service, and the organisation's profile for every template."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from flask import current_app, g, redirect, render_template, request, url_for
from flask_babel import format_date
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from app import db, feedback
from app.about import bp
from app.accessibility_shortcomings import OUT_OF_SCOPE, known_shortcomings
from app.i18n import current_language
from app.i18n import gettext as _
from app.limits import feedback_limit, limiter
from app.organisation import Profile, Shown, load_profile

log = logging.getLogger(__name__)


def profile() -> Profile:
    """The stored profile, read once per request; empty when the database cannot answer, so
    that an error page still renders (and shows no contact rather than a wrong one)."""
    if "organisation_profile" not in g:
        try:
            with db.engine().connect() as connection:
                g.organisation_profile = load_profile(connection)
        except SQLAlchemyError:
            log.exception("The organisation's profile could not be read")
            g.organisation_profile = Profile()
    stored: Profile = g.organisation_profile
    return stored


def organisation() -> Shown:
    """The profile as this request's language shows it (templates call organisation())."""
    return profile().in_language(current_language().code)


bp.app_template_global("organisation")(organisation)


def help_line(shown: Shown) -> str:
    """The sentence that gives the organisation's help line, or "" before it is filled."""
    if shown.phone and shown.hours:
        return _("If you need help, call %(phone)s (%(hours)s).", phone=shown.phone,
                 hours=shown.hours)
    if shown.phone:
        return _("If you need help, call %(phone)s.", phone=shown.phone)
    return ""


def signature(shown: Shown) -> list[str]:
    """The last paragraphs of the message staff send: the help line and the organisation's
    name; nothing for what is not filled in, so it never names a made-up contact."""
    paragraphs = [help_line(shown)] if shown.phone else []
    if shown.name:
        paragraphs.append(_("Best regards,") + "\n" + shown.name)
    return paragraphs


def _stun_host(url: str) -> str:
    """The host of a STUN_URL such as stun:stun.example.org:3478, as the notice names it."""
    host = url.split(":", 2)[1] if url.count(":") >= 1 else url
    return host.split("?")[0]


@bp.get("/privacy-notice")
def privacy_notice() -> str:
    """The privacy notice, written from the settings and the profile so that it stays true:
    the retention is RETENTION_DAYS, a relay or STUN server is named only when configured."""
    config = current_app.config
    return render_template(
        "about/privacy_notice.html",
        retention_days=config["RETENTION_DAYS"],
        language_cookie_days=config["LANGUAGE_COOKIE_DAYS"],
        feedback_days=config["FEEDBACK_RETENTION_DAYS"],
        relay=bool(config["TURN_URLS"]),
        stun_host=_stun_host(config["STUN_URL"]) if config["STUN_URL"] else "")


@bp.get("/accessibility")
def accessibility_statement() -> str:
    """The accessibility statement in the supervisory authority's structure: its known
    shortcomings from app/accessibility_shortcomings.py, its dates from the profile."""
    return render_template("about/accessibility.html", shortcomings=known_shortcomings(),
                           out_of_scope=OUT_OF_SCOPE, format_date=format_date)


def _known_pages() -> set[str]:
    """Every route pattern of the app: what a feedback message may name as its page."""
    return {rule.rule for rule in current_app.url_map.iter_rules()}


def _feedback_page(form: dict[str, str], errors: dict[str, str], status: int = 200,
                   *, sent: bool = False) -> tuple[str, int]:
    """The feedback form, with any errors, or the thanks after sending."""
    messages = {
        "message-missing": _("Write your feedback"),
        "message-too-long": _("The feedback must be %(count)d characters or fewer",
                              count=feedback.MAX_MESSAGE),
        "message-hidden": _("The feedback contains a character that cannot be seen or that "
                            "changes how text is shown. Remove it."),
        "name-too-long": _("The name must be %(count)d characters or fewer",
                           count=feedback.MAX_NAME),
        "name-hidden": _("The name contains a character that cannot be seen or that changes "
                         "how text is shown. Remove it."),
        "contact-too-long": _("The contact details must be %(count)d characters or fewer",
                              count=feedback.MAX_CONTACT),
        "contact-hidden": _("The contact details contain a character that cannot be seen or "
                            "that changes how text is shown. Remove it."),
    }
    page = render_template(
        "about/feedback.html", form=form, errors={f: messages[c] for f, c in errors.items()},
        sent=sent, max_message=feedback.MAX_MESSAGE, max_name=feedback.MAX_NAME,
        max_contact=feedback.MAX_CONTACT, answer_days=feedback.ANSWER_DAYS,
        retention_days=current_app.config["FEEDBACK_RETENTION_DAYS"])
    return page, status


@bp.get("/feedback")
def feedback_form() -> tuple[str, int]:
    """The feedback form; ?from= names the page it was opened from (a route pattern)."""
    came_from = request.args.get("from", "")
    form = {"page": came_from if came_from in _known_pages() else ""}
    return _feedback_page(form, {}, sent=request.args.get("sent") == "1")


@bp.post("/feedback")
@limiter.limit(feedback_limit)
def send_feedback() -> Response | tuple[str, int]:
    """Keep a message (CSRF-checked, rate-limited per address) and thank the sender."""
    form = {field: request.form.get(field, "") for field in (*feedback.FIELDS, "page")}
    item, errors = feedback.read_feedback_form(form, known_pages=_known_pages())
    if item is None:
        return _feedback_page(form, errors, 400)
    with db.engine().begin() as connection:
        feedback.store_feedback(connection, item, language=current_language().code,
                                now=datetime.now(UTC))
    return redirect(url_for("about.feedback_form", sent="1"), 303)


def feedback_url() -> str:
    """The feedback form's address, naming this page's route (never a personal link's token)."""
    rule = request.url_rule.rule if request.url_rule is not None else None
    arguments: dict[str, Any] = {"from": rule} if rule else {}
    return url_for("about.feedback_form", **arguments)


bp.app_template_global("feedback_url")(feedback_url)
