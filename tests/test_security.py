"""Security headers on every response, and tokens kept out of logs."""

from __future__ import annotations

import logging
import re

import pytest

from app.security import RedactTokensFilter, redact_tokens

EXPECTED = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


@pytest.mark.parametrize("path", ["/", "/healthz", "/api/v1/device", "/no-such-page",
                                  "/static/css/main.css"])
def test_every_response_has_the_security_headers(client, path: str) -> None:  # type: ignore[no-untyped-def]
    """HTML, JSON, errors and static files all carry the same security headers."""
    response = client.get(path)
    response.close()
    for header, value in EXPECTED.items():
        assert response.headers.get(header) == value, header
    csp = response.headers["Content-Security-Policy"]
    for directive in ["default-src 'self'", "object-src 'none'", "base-uri 'none'",
                      "frame-ancestors 'none'", "form-action 'self'"]:
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    policy = response.headers["Permissions-Policy"]
    for feature in ["camera=(self)", "microphone=(self)", "speaker-selection=(self)"]:
        assert feature in policy
    assert "Strict-Transport-Security" not in response.headers  # plain http


def test_nonce_is_new_for_every_request_and_matches_the_scripts(client) -> None:  # type: ignore[no-untyped-def]
    """Two requests get two nonces; the CSP names exactly the nonce the page uses."""
    first = client.get("/").headers["Content-Security-Policy"]
    second = client.get("/").headers["Content-Security-Policy"]
    nonce = re.compile(r"'nonce-([A-Za-z0-9_-]{20,})'")
    first_nonce, second_nonce = nonce.search(first), nonce.search(second)
    assert first_nonce and second_nonce
    assert first_nonce.group(1) != second_nonce.group(1)


def test_hsts_only_over_https(client) -> None:  # type: ignore[no-untyped-def]
    """Strict-Transport-Security is sent when the request came over https."""
    response = client.get("/", base_url="https://valmis.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_pages_are_not_stored_by_shared_caches(client) -> None:  # type: ignore[no-untyped-def]
    """Dynamic pages say no-store; static files may be cached."""
    assert client.get("/").headers["Cache-Control"] == "no-store"
    with client.get("/static/css/main.css") as static:
        assert "no-store" not in static.headers.get("Cache-Control", "")


def test_html_asks_for_client_hints(client) -> None:  # type: ignore[no-untyped-def]
    """HTML responses ask Chromium for the model and platform version hints."""
    accept_ch = client.get("/").headers["Accept-CH"]
    assert "Sec-CH-UA-Model" in accept_ch
    assert "Sec-CH-UA-Platform-Version" in accept_ch


@pytest.mark.parametrize(("text", "expected"), [
    ("GET /r/abcDEF123_- HTTP/1.1", "GET /r/[redacted] HTTP/1.1"),
    ("/r/tok?lang=fi", "/r/[redacted]?lang=fi"),
    ("/r/tok/device", "/r/[redacted]/device"),
    ("https://x.example/r/tok", "https://x.example/r/[redacted]"),
    # The report API carries the same token in its path since issue 5.
    ("POST /api/v1/invites/xyz/reports", "POST /api/v1/invites/[redacted]/reports"),
    ("/api/v1/device", "/api/v1/device"),
    ("/static/r.css", "/static/r.css"),
])
def test_redact_tokens(text: str, expected: str) -> None:
    """Only the segment after /r/ or /invites/ is replaced."""
    assert redact_tokens(text) == expected


# Every spelling of a token-bearing path that the router, a redirect (308 to the single-slash
# form, 405 on the wrong method) or a scanner can produce. TOKEN must not survive any of them.
TOKEN = "Sekret0token_ABC-def123456789xyz"
TOKEN_SPELLINGS = [
    f"GET /r/{TOKEN} HTTP/1.1",
    f"GET /r//{TOKEN} HTTP/1.1",
    f"GET /r///{TOKEN}/ HTTP/1.1",
    f"GET /r/{TOKEN}/ HTTP/1.1",
    f"GET //r/{TOKEN} HTTP/1.1",
    f"GET /r/{TOKEN}/manifest.webmanifest HTTP/1.1",
    f"GET /r//{TOKEN}/manifest.webmanifest?lang=fi HTTP/1.1",
    f"GET /r/{TOKEN}?lang=fi HTTP/1.1",
    # The way out of an app carries the personal link (app/wizard/views.py).
    f"GET /r/{TOKEN}/open-in-browser HTTP/1.1",
    f"POST /r/{TOKEN}/open-in-browser HTTP/1.1",
    f"GET /r//{TOKEN}/open-in-browser?lang=fi HTTP/1.1",
    f"GET /R/{TOKEN}/Open-In-Browser HTTP/1.1",
    f"GET /r%2F{TOKEN}%2Fopen-in-browser HTTP/1.1",
    f"GET http://valmis.example/r/{TOKEN}/open-in-browser HTTP/1.1",
    f"GET /r/{TOKEN}#top HTTP/1.1",
    f"GET /staff/enroll//{TOKEN} HTTP/1.1",
    f"GET /staff/enroll/{TOKEN}/ HTTP/1.1",
    f"POST /api/v1/invites//{TOKEN}/reports HTTP/1.1",
    f"GET /api/v1/invites/{TOKEN}/reports HTTP/1.1",
    f"GET /r/%53{TOKEN[1:]} HTTP/1.1",
    f"GET /r%2F{TOKEN} HTTP/1.1",
    f"GET /r%2f{TOKEN} HTTP/1.1",
    f"GET %2Fr%2F{TOKEN} HTTP/1.1",
    f"GET /%72/{TOKEN} HTTP/1.1",
    f"GET /r/%252F{TOKEN} HTTP/1.1",
    f"GET /staff/enroll%2F{TOKEN} HTTP/1.1",
    f"POST /api/v1/invites%2F%2F{TOKEN}/reports HTTP/1.1",
    f"GET /R/{TOKEN} HTTP/1.1",
    f"GET /r/abc%0A{TOKEN} HTTP/1.1",
    f"GET /?next=/r/{TOKEN} HTTP/1.1",
    f"GET /?next=%2Fr%2F{TOKEN}&lang=fi HTTP/1.1",
    f"GET http://valmis.example/r/{TOKEN} HTTP/1.1",
    # A Location header of a redirect, should a log format include it.
    f"http://localhost:8000/r/{TOKEN}",
    f"/staff/enroll/{TOKEN}",
]


@pytest.mark.parametrize("spelling", TOKEN_SPELLINGS)
def test_every_spelling_of_a_token_is_redacted(spelling: str) -> None:
    """Extra, trailing and encoded slashes, escapes, queries: the token never survives."""
    redacted = redact_tokens(spelling)
    assert TOKEN not in redacted
    assert TOKEN[4:20] not in redacted
    assert "[redacted]" in redacted


@pytest.mark.parametrize("spelling", TOKEN_SPELLINGS)
def test_the_access_log_filter_redacts_every_spelling(spelling: str) -> None:
    """Gunicorn's access-log record, with the request line and a Location header as atoms."""
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1,
                               '"%(r)s" %(s)s %({location}o)s', None, None)
    record.args = {"r": spelling, "s": 308, "{location}o": spelling.split(" ")[1]
                   if " " in spelling else spelling}
    RedactTokensFilter().filter(record)
    assert TOKEN[4:20] not in record.getMessage()


def test_redaction_keeps_the_rest_of_the_line_as_it_was() -> None:
    """Only the token goes: the raw spelling around it stays, and escapes are not decoded
    into the log (a %0A must not start a new line)."""
    assert (redact_tokens("GET /r%2F//abc/manifest.webmanifest?x=%0A HTTP/1.1")
            == "GET /r%2F//[redacted]/manifest.webmanifest?x=%0A HTTP/1.1")
    assert redact_tokens("GET /static/r.css?v=%2F HTTP/1.1") == (
        "GET /static/r.css?v=%2F HTTP/1.1")


def test_log_filter_redacts_message_and_arguments() -> None:
    """The filter rewrites both the format string and its arguments."""
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1,
                               '"%s" %s /r/inmessage', ("GET /r/secret HTTP/1.1", 200), None)
    assert RedactTokensFilter().filter(record) is True
    assert "secret" not in record.getMessage()
    assert "inmessage" not in record.getMessage()
    assert record.getMessage().count("[redacted]") == 2


def test_log_filter_redacts_mapping_arguments() -> None:
    """Gunicorn's access log passes a mapping of atoms; those are redacted too."""
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1,
                               "%(r)s %(s)s", None, None)
    record.args = {"r": "GET /r/secret?lang=fi HTTP/1.1", "s": 404}
    RedactTokensFilter().filter(record)
    assert record.getMessage() == "GET /r/[redacted]?lang=fi HTTP/1.1 404"


def _kinds_of_response(app, client):  # type: ignore[no-untyped-def]
    """One response of every kind: (kind, response)."""
    from datetime import UTC, datetime, timedelta

    from flask import url_for

    from app import invites

    with app.extensions["valmis.db"].begin() as connection:
        token = invites.create_invite(connection, language="fi",
                                      appointment_at=datetime.now(UTC) + timedelta(days=1))[1]
    with app.test_request_context():
        static = url_for("static", filename="css/main.css")

    @app.get("/__boom")
    def boom() -> str:
        raise RuntimeError("a bug")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.config["REPORT_RATE_LIMIT_PER_LINK"] = "1/minute"
    report_url = f"/api/v1/invites/{token}/reports"
    yield "html", client.get("/")
    yield "json", client.get("/api/v1/device")
    yield "static", client.get(static)
    yield "redirect", client.get("/staff/")
    yield "404", client.get("/no-such-page")
    yield "405", client.get("/api/v1/upload")
    yield "413", client.post(report_url, data=b"{" + b" " * 20000 + b"}",
                             content_type="application/json")
    client.post(report_url, json={})
    yield "429", client.post(report_url, json={})
    yield "500", client.get("/__boom")


def test_every_kind_of_response_carries_the_whole_header_set(app, client) -> None:  # type: ignore[no-untyped-def]
    """HTML, JSON, static, redirect and the errors 404, 405, 413, 429 and 500 alike."""
    seen = {}
    for kind, response in _kinds_of_response(app, client):
        response.close()
        seen[kind] = response.status_code
        for header, value in EXPECTED.items():
            assert response.headers.get(header) == value, (kind, header)
        assert "Content-Security-Policy" in response.headers, kind
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], kind
        assert "Permissions-Policy" in response.headers, kind
        assert response.headers.get("Cross-Origin-Resource-Policy") == "same-origin", kind
        if kind not in ("static",):
            assert response.headers.get("Cache-Control") in ("no-store", "no-cache"), kind
    assert seen == {"html": 200, "json": 200, "static": 200, "redirect": 302, "404": 404,
                    "405": 405, "413": 413, "429": 429, "500": 500}


def test_hsts_on_every_kind_over_https(app, client) -> None:  # type: ignore[no-untyped-def]
    """Behind TLS, even an error answer tells the browser to stay on https."""
    for path in ("/", "/no-such-page", "/api/v1/upload"):
        response = client.get(path, base_url="https://localhost")
        assert response.headers["Strict-Transport-Security"].startswith("max-age="), path
