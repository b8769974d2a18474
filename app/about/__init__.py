"""Whose service this is, and what the law asks a public body's service to say: the
organisation's profile on every page, the privacy notice, the accessibility statement and its
feedback form."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("about", __name__)

from app.about import views  # noqa: E402,F401  (the views register on bp)
