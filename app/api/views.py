"""The JSON API's views: device, ping, download, upload, reports and the OpenAPI description."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from flask import Response, abort, current_app, jsonify, request
from flask_wtf.csrf import CSRFError

from app import db, device, invites, jsonbody, turn
from app.api import bp
from app.limits import (
    charge_throughput,
    limiter,
    personal_link_key,
    report_limit_per_address,
    report_limit_per_link,
    turn_limit,
)
from app.report_contract import ReportError, validate_report
from app.security import add_vary

OPENAPI_FILE = Path(__file__).with_name("openapi.json")
# The connection check's transfers stay small: a few megabytes at most in all (issue 4).
MAX_DOWNLOAD_BYTES = 2 * 1024 * 1024
MAX_UPLOAD_BYTES = 1024 * 1024
# A readiness report is about 1 KB; 16 KB leaves room and stops anything bigger early.
MAX_REPORT_BYTES = 16 * 1024
_CHUNK = 64 * 1024


@bp.get("/device")
def device_profile() -> Response:
    """The server's classification of this request's own User-Agent and client hints."""
    profile = device.classify_request(request.headers)
    response = jsonify(profile.to_json())
    add_vary(response, device.VARY_HEADERS)
    return response


@bp.get("/ping")
def ping() -> Response:
    """An empty answer for measuring the round trip to this server."""
    response = Response(status=204)
    response.headers.remove("Content-Type")  # no body, so no type
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/download")
def download() -> Response:
    """bytes= random bytes (at most 2 MiB) for measuring download speed; never cached."""
    size = request.args.get("bytes", type=int)
    if size is None or not 1 <= size <= MAX_DOWNLOAD_BYTES:
        abort(400, description=f"bytes must be a whole number from 1 to {MAX_DOWNLOAD_BYTES}")
    charge_throughput(size)

    def body() -> Any:
        """Stream the bytes in chunks; random so no proxy or link compresses them away."""
        remaining = size
        while remaining > 0:
            part = min(_CHUNK, remaining)
            yield os.urandom(part)
            remaining -= part

    response = Response(body(), mimetype="application/octet-stream")
    response.headers["Content-Length"] = str(size)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/upload")
def upload() -> Response:
    """Receive and discard up to 1 MiB, answering how many bytes came, to measure upload speed."""
    request.max_content_length = MAX_UPLOAD_BYTES
    # Counted before reading: what the body says it will be, or the most it may be.
    charge_throughput(min(request.content_length or MAX_UPLOAD_BYTES, MAX_UPLOAD_BYTES))
    received = 0
    stream = request.stream
    while chunk := stream.read(_CHUNK):
        received += len(chunk)
    response = jsonify(bytes=received)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/turn-credentials")
@limiter.limit(turn_limit)
def turn_credentials() -> tuple[Response, int]:
    """Credentials for the operator's TURN relay that work for a few minutes.

    Only for a page of this site: the request carries the page's CSRF token (X-CSRFToken),
    which only a page this server rendered for this browser's session has. Never cached, and
    the credential is in the body only, which no log writes.
    """
    relays = current_app.config["TURN_RELAYS"]
    if not relays:
        abort(404, description="No TURN relay is configured (TURN_URLS).")
    try:
        current_app.extensions["csrf"].protect()  # the token in X-CSRFToken, for this session
    except CSRFError:
        abort(403, description="The page's CSRF token is missing or not valid for this session.")
    response = jsonify(turn.mint(current_app.config["TURN_SECRET"], relays,
                                 now=datetime.now(UTC),
                                 seconds=current_app.config["TURN_CREDENTIAL_SECONDS"]))
    response.headers["Cache-Control"] = "no-store"
    return response, 200


def _report_error(error: ReportError) -> tuple[Response, int]:
    """A 400 that names the field, so the browser's developer can see what to fix."""
    return jsonify(error={"code": 400, "message": error.message, "field": error.field}), 400


@bp.post("/invites/<token>/reports")
@limiter.limit(report_limit_per_address)
@limiter.limit(report_limit_per_link, key_func=personal_link_key)
def post_report(token: str) -> tuple[Response, int]:
    """Store a readiness report for a personal link: 201 when new, 200 when sent before."""
    request.max_content_length = MAX_REPORT_BYTES
    now = datetime.now(UTC)
    with db.engine().begin() as connection:
        invite = invites.find_invite(connection, token, now=now,
                                     days=current_app.config["RETENTION_DAYS"])
        if invite is None:
            abort(404, description="No personal link has this token, or it has expired.")
        # Any content type: a beacon or a plain fetch may not say application/json. JSON nested
        # too deep is refused unparsed (app/jsonbody.py) and comes back as None too.
        data = request.get_json(force=True, silent=True)
        if data is None:
            return _report_error(ReportError(
                "", f"the body must be JSON, nested at most {jsonbody.MAX_JSON_DEPTH} deep"))
        try:
            report = validate_report(data)
        except ReportError as error:
            return _report_error(error)
        stored = invites.record_report(connection, invite.id, report, now,
                                       invite_created_at=invite.created_at)
    response = jsonify(stored=stored)
    response.headers["Cache-Control"] = "no-store"
    return response, 201 if stored else 200


@cache
def _openapi() -> dict[str, Any]:
    """The API description, read once."""
    document: dict[str, Any] = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
    return document


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of this API."""
    return jsonify(_openapi())
