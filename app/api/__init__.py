"""The JSON API, version 1: described in app/api/openapi.json, served at /api/v1/openapi.json.

The views are in app/api/views.py; the report's contract in app/report_contract.py.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from app.api import views  # noqa: E402,F401  (the views register themselves on bp)
