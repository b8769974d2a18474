"""Which headers and tokens? The per-request CSP nonce, every response's security headers,
and the redaction that keeps personal-link tokens out of logs."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Iterable, Mapping

from flask import Flask, Response, g, request
from flask_wtf.csrf import CSRFProtect

from app import device

# A personal link is /r/<token>, and its reports go to /api/v1/invites/<token>/reports; a staff
# enrollment link is /staff/enroll/<token>. Each token is a credential and never reaches a log,
# however it is spelled: the router and redirects see /r//<token> and /r/<token>/ as well, and
# gunicorn decodes %2F or %41 before routing while its access log keeps the raw request line.
# So the pattern is matched against the percent-decoded text, with any number of slashes and
# in any case, and the matching part of the original text is replaced.
_TOKEN_IN_PATH = re.compile(r"(/(?:r|invites|enroll)/+)([^/?#\s\"']+)", re.IGNORECASE)
# One character of the text as the server may decode it: a percent escape, also a doubly
# encoded one (%252F), or a character as it is.
_ENCODED_CHARACTER = re.compile(r"%(?:25)*([0-9A-Fa-f]{2})|.", re.DOTALL)
REDACTED = "[redacted]"

PERMISSIONS_POLICY = ", ".join(
    [
        "camera=(self)",
        "microphone=(self)",
        "speaker-selection=(self)",
        "display-capture=()",
        "geolocation=()",
        "payment=()",
        "usb=()",
    ]
)


def redact_tokens(text: str) -> str:
    """Replace every personal-link token in text (a path, URL or log line) with a marker."""
    if "%" not in text:
        # Nothing is encoded (nearly every log line): the pattern applies to the text as it is,
        # without decoding it character by character.
        return _TOKEN_IN_PATH.sub(lambda match: match.group(1) + REDACTED, text) if "/" in text \
            else text
    decoded, spans = _percent_decoded(text)
    pieces: list[str] = []
    copied_to = 0
    for match in _TOKEN_IN_PATH.finditer(decoded):
        start = spans[match.start(2)][0]
        end = spans[match.end(2) - 1][1]
        # The prefix keeps its original spelling, only the token itself becomes the marker.
        pieces += [text[copied_to:start], REDACTED]
        copied_to = end
    return "".join([*pieces, text[copied_to:]]) if pieces else text


def _percent_decoded(text: str) -> tuple[str, list[tuple[int, int]]]:
    """text with each percent escape decoded to one character, and where in text each
    decoded character came from. Decoding the log line itself would let %0A forge lines.

    After decoding, only a slash separates path segments; any other escaped character (%3F,
    %20, %0A) is part of the segment it is in, so it stands as a letter here.
    """
    characters: list[str] = []
    spans: list[tuple[int, int]] = []
    for unit in _ENCODED_CHARACTER.finditer(text):
        escaped = unit.group(1)
        if escaped:
            character = chr(int(escaped, 16))
            characters.append(character if character.isalnum() or character == "/" else "x")
        else:
            characters.append(unit.group())
        spans.append(unit.span())
    return "".join(characters), spans


def add_vary(response: Response, names: Iterable[str]) -> None:
    """Add names to the Vary header, working on the text: response.vary parses and rewrites
    the whole header on each access, which showed in the start page's profile."""
    current = response.headers.get("Vary", "")
    present = {item.strip().lower() for item in current.split(",")}
    extra = [name for name in names if name.lower() not in present]
    if extra:
        response.headers["Vary"] = ", ".join([current, *extra] if current else extra)


def csp_nonce() -> str:
    """This request's nonce for <script nonce>, made on first use."""
    nonce: str | None = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(18)
    return nonce


def content_security_policy(nonce: str) -> str:
    """The CSP for a response: our own origin only, scripts only with this nonce."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "font-src 'self'",
            "media-src 'self' blob:",
            "manifest-src 'self'",
            "worker-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


def set_security_headers(response: Response) -> Response:
    """Add the security headers to every response, whatever made it."""
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(csp_nonce())
    headers["Referrer-Policy"] = "no-referrer"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if response.mimetype == "text/html":
        # Ask Chromium for the high-entropy client hints on the next request.
        headers["Accept-CH"] = device.ACCEPT_CH
    if "Cache-Control" not in headers and request.endpoint != "static":
        # Pages may be personal: no shared cache keeps them.
        headers["Cache-Control"] = "no-store"
    return response


class RedactTokensFilter(logging.Filter):
    """A logging filter that redacts tokens from a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drop it."""
        if isinstance(record.msg, str):
            record.msg = redact_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_value(arg) for arg in record.args)
        elif isinstance(record.args, Mapping):
            # Gunicorn's access log passes its atoms as one mapping.
            record.args = {key: _redact_value(value) for key, value in record.args.items()}
        return True


def _redact_value(value: object) -> object:
    """Redact a log argument if it is text; leave numbers and the rest alone."""
    return redact_tokens(value) if isinstance(value, str) else value


def init_app(app: Flask) -> None:
    """Install CSRF protection, the nonce, the headers hook, and token redaction in logs."""
    CSRFProtect(app)
    app.after_request(set_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    _redact_logger(logging.getLogger("werkzeug"))
    # Flask logs an unhandled exception with the request's path.
    _redact_logger(app.logger)


def _redact_logger(logger: logging.Logger) -> None:
    """Give logger the redaction filter once, however many apps are made (tests make many)."""
    if not any(isinstance(existing, RedactTokensFilter) for existing in logger.filters):
        logger.addFilter(RedactTokensFilter())
