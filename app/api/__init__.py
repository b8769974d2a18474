"""The JSON API, version 1."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from app import device

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/device")
def device_profile() -> Response:
    """The server's classification of this request's own User-Agent and client hints."""
    profile = device.classify_request(request.headers)
    response = jsonify(profile.to_json())
    response.vary.update(device.VARY_HEADERS)
    return response
