"""The customer's wizard: one thing per page, from the link to ready."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("wizard", __name__)

from app.wizard import views  # noqa: E402,F401  (the views register themselves on bp)
