"""The public pages about the service, and the organisation's profile for every template."""

from __future__ import annotations

import logging

from flask import g
from sqlalchemy.exc import SQLAlchemyError

from app import db
from app.about import bp
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
