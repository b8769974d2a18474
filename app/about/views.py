"""The public pages about the service, and the organisation's profile for every template."""

from __future__ import annotations

import logging

from flask import current_app, g, render_template
from flask_babel import format_date
from sqlalchemy.exc import SQLAlchemyError

from app import db
from app.about import bp
from app.accessibility_shortcomings import OUT_OF_SCOPE, known_shortcomings
from app.i18n import current_language
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
        relay=bool(config["TURN_URLS"]),
        stun_host=_stun_host(config["STUN_URL"]) if config["STUN_URL"] else "")


@bp.get("/accessibility")
def accessibility_statement() -> str:
    """The accessibility statement in the supervisory authority's structure: its known
    shortcomings from app/accessibility_shortcomings.py, its dates from the profile."""
    return render_template("about/accessibility.html", shortcomings=known_shortcomings(),
                           out_of_scope=OUT_OF_SCOPE, format_date=format_date)
