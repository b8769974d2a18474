"""Is the app able to serve? /healthz for load balancers and the Docker HEALTHCHECK."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from app import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 when the database answers, 503 when it does not."""
    if db.is_reachable(db.engine()):
        return jsonify(status="ok", database="ok"), 200
    return jsonify(status="unavailable", database="unreachable"), 503
