"""The wizard's pages."""

from __future__ import annotations

from flask import Response, make_response, render_template, request

from app import device
from app.wizard import bp


@bp.get("/")
def start() -> Response:
    """The start page: what you need, how long it takes, and how you will join."""
    profile = device.classify_request(request.headers)
    response = make_response(render_template("wizard/start.html", profile=profile))
    response.vary.update(device.VARY_HEADERS)
    return response
