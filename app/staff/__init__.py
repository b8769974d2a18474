"""The staff area at /staff: passkey sign-in and enrollment, personal links and the dashboard.

Views by what they hold: signin_views (sign-in, sign-out, enrollment), dashboard_views,
invite_views (personal links), outcome_views (what happened at an appointment),
people_views (administrators' staff management),
organisation_views (administrators' organisation profile), feedback_views (feedback
from the public, for administrators), insights_views (administrators' anonymous counts) and
passkey_views (one's own passkeys).
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

from app.staff import (  # noqa: E402,F401  (the views register on bp)
    dashboard_views,
    feedback_views,
    insights_views,
    invite_views,
    organisation_views,
    outcome_views,
    passkey_views,
    people_views,
    signin_views,
)
