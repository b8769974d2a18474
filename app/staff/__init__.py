"""The staff area at /staff: passkey sign-in and enrollment now; invites and dashboard next."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

from app.staff import views  # noqa: E402,F401  (the views register themselves on bp)
