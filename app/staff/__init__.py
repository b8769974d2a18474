"""The staff area at /staff: passkey sign-in and enrollment, personal links and the dashboard."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

from app.staff import invite_views, people_views, views  # noqa: E402,F401  (the views register on bp)
