"""What a person sees when something goes wrong: a calm page, or JSON for the API."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.i18n import gettext as _


def _messages(code: int, error: HTTPException) -> tuple[str, str]:
    """The heading and explanation for an HTTP status, in the request's language."""
    if code == 404:
        return _("Page not found"), _(
            "Check the address. If you came from a link in an email, copy the whole link "
            "into the address bar."
        )
    if isinstance(error, CSRFError):
        return _("The page was open for a long time"), _(
            "Go back, reload the page and try again."
        )
    if code == 429:
        return _("Too many attempts"), _("Wait a minute and try again.")
    if code >= 500:
        return _("Something went wrong on our side"), _(
            "Try again in a moment. If it still fails, the career guidance psychologist "
            "will call you by phone at the time of your appointment."
        )
    return _("This did not work"), _("Go back and try again.")


def handle_http_error(error: HTTPException) -> tuple[Response, int]:
    """Render an HTTP error for a person or, under /api/, as JSON."""
    code = error.code or 500
    if request.path.startswith("/api/"):
        response = jsonify(error={"code": code, "message": error.description})
    else:
        heading, explanation = _messages(code, error)
        response = Response(render_template("errors/error.html", code=code, heading=heading,
                                             explanation=explanation), mimetype="text/html")
    # A 429 raised with retry_after (app/limits.py) says when to come back.
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response, code


def init_app(app: Flask) -> None:
    """Register the handler; Flask logs an unexpected exception, then hands it here as a 500."""
    app.register_error_handler(HTTPException, handle_http_error)
