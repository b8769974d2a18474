"""One instance as `make run` starts it, several gunicorn workers and no other server: its
rate limits hold across the workers, and its access log holds no token however a request
spells the path. No browser: plain HTTP requests, as a scanner or a flood would send."""

from __future__ import annotations

import http.client
import json
import os
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.security import redact_tokens
from tests.support.live import create_invite
from tests.support.server import LiveServer, flask, free_port, gunicorn

WORKERS = 3
LINK_LIMIT = 10
POSTS = 40


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """gunicorn with three workers and the default rate-limit storage (nothing configured)."""
    folder = tmp_path_factory.mktemp("one-instance")
    port = free_port()
    environment = {key: value for key, value in os.environ.items()
                   if key != "RATELIMIT_STORAGE_URI"}
    environment.update({
        "VALMIS_ENV": "testing",
        "VALMIS_INSTANCE_DIR": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'one.db'}",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(WORKERS),
        "ACCESS_LOG": str(folder / "access.log"),
        "WEBAUTHN_RP_ID": "localhost",
        "WEBAUTHN_ORIGIN": f"http://localhost:{port}",
        # Per hour, so that however slowly this machine sends them, every post is in the window.
        "REPORT_RATE_LIMIT_PER_LINK": f"{LINK_LIMIT}/hour",
        "REPORT_RATE_LIMIT_PER_ADDRESS": "1000/hour",
        "LINK_LOOKUP_RATE_LIMIT": f"{LINK_LIMIT}/hour",
    })
    flask(environment, "init-db")
    error_log = folder / "error.log"
    with gunicorn(environment, error_log):
        yield LiveServer(f"http://127.0.0.1:{port}", folder / "access.log", error_log,
                         environment, folder / "one.db")


def request(server: LiveServer, method: str, path: str, body: bytes | None = None) -> int:
    """Send path exactly as written (no client-side normalising); the status."""
    host, port = server.base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_a_links_limit_holds_across_the_workers(instance: LiveServer) -> None:
    """40 reports posted at once to one link, spread over three workers: exactly the
    configured 10 are stored, the other 30 are 429. With memory:// each worker counted on
    its own and let up to three times the limit through."""
    token = create_invite(instance, teams_url=None)

    def post(_: int) -> int:
        """One new readiness report for the link."""
        report = {"version": 1, "id": str(uuid.uuid4()), "kind": "help",
                  "created_at": datetime.now(UTC).isoformat(timespec="seconds")}
        return request(instance, "POST", f"/api/v1/invites/{token}/reports",
                       json.dumps(report).encode())

    with ThreadPoolExecutor(20) as pool:
        statuses = Counter(pool.map(post, range(POSTS)))
    accepted = sum(count for status, count in statuses.items() if 200 <= status < 300)
    assert accepted == LINK_LIMIT, statuses
    assert statuses[429] == POSTS - LINK_LIMIT, statuses
    assert (Path(instance.environment["VALMIS_INSTANCE_DIR"]) / "ratelimits.db").exists()


def test_guessing_links_is_limited_across_the_workers(instance: LiveServer) -> None:
    """40 guesses of /r/<random> at once: exactly the configured 10 are looked up (404), the
    rest are 429; with memory:// a scanner got 151 tries before its first 429."""

    def guess(number: int) -> int:
        """One look-up of a token that does not exist."""
        return request(instance, "GET", f"/r/guess{number:027d}")

    with ThreadPoolExecutor(20) as pool:
        statuses = Counter(pool.map(guess, range(POSTS)))
    assert statuses == {404: LINK_LIMIT, 429: POSTS - LINK_LIMIT}, statuses


def test_no_spelling_of_a_token_reaches_the_access_log(instance: LiveServer) -> None:
    """Extra and trailing slashes, percent-encoded slashes and letters, the manifest, a query:
    whatever the router answers (200, 308, 404, 405, 429), the access log keeps no token."""
    token = create_invite(instance, teams_url=None)
    escaped = f"%{ord(token[0]):02X}{token[1:]}"
    spellings = [
        ("GET", f"/r/{token}"),
        ("GET", f"/r//{token}"),
        ("GET", f"/r/{token}/"),
        ("GET", f"//r/{token}"),
        ("GET", f"/r/{escaped}"),
        ("GET", f"/r%2F{token}"),
        ("GET", f"/r/{token}/manifest.webmanifest"),
        ("GET", f"/r//{token}/manifest.webmanifest?lang=fi"),
        ("GET", f"/r/{token}?lang=fi"),
        ("GET", f"/staff/enroll//{token}"),
        ("GET", f"/staff/enroll%2F{token}"),
        ("POST", f"/api/v1/invites//{token}/reports"),
        ("GET", f"/api/v1/invites/{token}/reports"),
        ("GET", f"/api/v1/invites%2F{token}/reports"),
        ("GET", f"/?next=/r/{token}"),
    ]
    statuses = {request(instance, method, path, b"{}" if method == "POST" else None)
                for method, path in spellings}
    # Misses answer 404, or 429 once this address has used its look-ups (another test here).
    assert {200, 405} <= statuses and statuses & {404, 429}, statuses
    log = instance.access_log.read_text(errors="replace")
    assert log.count("[redacted]") >= len(spellings)
    for piece in (token, token[:16], token[-16:]):
        assert piece not in log
    assert all(redact_tokens(line) == line for line in log.splitlines())
