"""Rate limits: report posts per personal link and per address, passkey ceremonies per address."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app, db, invites
from app.config import ConfigError
from tests.support.app import migrated_app
from tests.support.reports import readiness
from tests.support.user_agents import WINDOWS_CHROME


def limited_app(tmp_path: Path, **limits: Any) -> AbstractContextManager[Flask]:
    """A migrated testing app with the given limit settings."""
    return migrated_app(tmp_path / "limits.db", **limits)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """Small limits, so that a test reaches them in a few requests."""
    with limited_app(tmp_path, REPORT_RATE_LIMIT_PER_LINK="3/minute",
                     REPORT_RATE_LIMIT_PER_ADDRESS="5/minute",
                     CEREMONY_RATE_LIMIT="4/minute") as application:
        yield application


def new_token(app: Flask) -> str:
    """A fresh personal link's token."""
    with app.extensions["valmis.db"].begin() as connection:
        return invites.create_invite(connection, language="fi",
                                     appointment_at=datetime.now(UTC) + timedelta(days=1))[1]


def post_report(client: FlaskClient, token: str, address: str = "192.0.2.1") -> Any:
    """A new readiness report (a fresh id each time) from address."""
    return client.post(f"/api/v1/invites/{token}/reports",
                       json={**readiness(), "id": str(uuid.uuid4())},
                       environ_base={"REMOTE_ADDR": address})


def test_reports_per_link_are_limited(app: Flask, client: FlaskClient) -> None:
    """The fourth report in a minute for one link is a JSON 429 with Retry-After; another link
    from the same address still goes through."""
    token = new_token(app)
    assert [post_report(client, token).status_code for _ in range(3)] == [201, 201, 201]
    refused = post_report(client, token)
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert post_report(client, new_token(app)).status_code == 201


def test_reports_per_address_are_limited(app: Flask, client: FlaskClient) -> None:
    """Five links, one report each, from one address: the sixth is refused, another address
    is not."""
    tokens = [new_token(app) for _ in range(6)]
    codes = [post_report(client, token).status_code for token in tokens]
    assert codes == [201] * 5 + [429]
    assert post_report(client, tokens[5], address="192.0.2.99").status_code == 201


def test_a_refused_report_is_not_stored(app: Flask, client: FlaskClient) -> None:
    """Nothing of a 429 reaches the database."""
    token = new_token(app)
    for _ in range(4):
        post_report(client, token)
    with app.extensions["valmis.db"].connect() as connection:
        assert len(connection.execute(db.reports.select()).all()) == 3


def test_ceremonies_share_one_budget_per_address(client: FlaskClient) -> None:
    """Sign-in options and verify count together; the fifth request in a minute is refused
    with a page that says to wait."""
    page = client.get("/staff/sign-in?lang=en")
    token = page.get_data(as_text=True).split('data-csrf-token="')[1].split('"')[0]
    headers = {"X-CSRFToken": token}
    codes = [client.post("/staff/sign-in/options", headers=headers).status_code
             for _ in range(3)]
    codes.append(client.post("/staff/sign-in/verify", json={}, headers=headers).status_code)
    assert codes == [200, 200, 200, 400]
    refused = client.post("/staff/sign-in/options?lang=en", headers=headers)
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)


def test_limits_can_be_turned_off(tmp_path: Path) -> None:
    """RATELIMIT_ENABLED=false (e.g. for a benchmark) lets everything through."""
    with limited_app(tmp_path, REPORT_RATE_LIMIT_PER_LINK="1/minute",
                     RATELIMIT_ENABLED=False) as application:
        client = application.test_client()
        token = new_token(application)
        assert {post_report(client, token).status_code for _ in range(3)} == {201}


def test_a_malformed_limit_stops_the_app(tmp_path: Path) -> None:
    """A typo in a limit is a clear start-up error, not a limit that never applies."""
    with pytest.raises(ConfigError, match="REPORT_RATE_LIMIT_PER_LINK"):
        create_app({"TESTING": True, "REPORT_RATE_LIMIT_PER_LINK": "lots"})


def test_the_counted_key_is_not_the_token(app: Flask) -> None:
    """The limiter's storage never holds the personal link itself."""
    from app.limits import personal_link_key

    token = new_token(app)
    with app.test_request_context(f"/api/v1/invites/{token}/reports", method="POST"):
        from flask import request
        request.view_args = {"token": token}
        key = personal_link_key()
    assert token not in key and key == "link:" + invites.hash_token(token)[:32]


DESKTOP = {"User-Agent": WINDOWS_CHROME}


def test_guessing_links_is_limited_but_using_ones_own_is_not(tmp_path: Path) -> None:
    """Failed look-ups of /r/, its manifest and enrollment links share one budget per
    address; a found link costs nothing from it."""
    with limited_app(tmp_path, LINK_LOOKUP_RATE_LIMIT="3/minute") as application:
        client = application.test_client()
        token = new_token(application)
        for _ in range(5):
            assert client.get(f"/r/{token}", headers=DESKTOP).status_code == 200
        wrong = "A" * 32
        codes = [client.get(f"/r/{wrong}").status_code,
                 client.get(f"/r/{wrong}/manifest.webmanifest").status_code,
                 client.get(f"/staff/enroll/{wrong}").status_code,
                 client.get(f"/r/{wrong}").status_code]
        assert codes == [404, 404, 404, 429]
        refused = client.get(f"/staff/enroll/{wrong}")
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
        other = client.get(f"/r/{wrong}", environ_base={"REMOTE_ADDR": "192.0.2.7"})
        assert other.status_code == 404


def test_a_real_link_opens_from_an_address_that_is_limited_for_guessing(
        tmp_path: Path) -> None:
    """Someone scanning from an office's address must not lock its customers out: once the
    address is limited, its misses get 429, but a real link, its manifest and a real
    enrollment link still open."""
    from app import accounts

    with limited_app(tmp_path, LINK_LOOKUP_RATE_LIMIT="3/minute") as application:
        client = application.test_client()
        token = new_token(application)
        with application.extensions["valmis.db"].begin() as connection:
            staff_id = accounts.create_staff(connection, "Aino", is_admin=True)
            enrollment = accounts.create_enrollment(connection, staff_id)
        wrong = "B" * 32
        assert [client.get(f"/r/{wrong}").status_code for _ in range(4)] == [404] * 3 + [429]
        assert client.get(f"/r/{token}", headers=DESKTOP).status_code == 200
        assert client.get(f"/r/{token}/manifest.webmanifest").status_code == 200
        assert client.get(f"/staff/enroll/{enrollment}").status_code == 200
        assert client.get(f"/r/{wrong}").status_code == 429
        assert client.get(f"/r/{wrong}/manifest.webmanifest").status_code == 429


def test_the_bytes_of_one_check_match_the_browsers_check() -> None:
    """CONNECTION_CHECK_BYTES is what connection-check.mjs transfers at most."""
    import re

    from app.limits import CONNECTION_CHECK_BYTES

    source = (Path(__file__).resolve().parent.parent / "app" / "static" / "js"
              / "connection-check.mjs").read_text(encoding="utf-8")
    total = 0
    for name in ("DOWNLOAD_SIZES", "UPLOAD_SIZES"):
        sizes = re.search(rf"const {name} = \[([^\]]*)\]", source)
        assert sizes, name
        total += sum(eval(size, {}) for size in sizes.group(1).split(","))  # noqa: S307
    assert total == CONNECTION_CHECK_BYTES


def run_connection_check(client: FlaskClient, address: str = "192.0.2.1") -> list[int]:
    """The transfers of one full connection check, as connection-check.mjs makes them."""
    codes = [client.get(f"/api/v1/download?bytes={size}",
                        environ_base={"REMOTE_ADDR": address}).status_code
             for size in (128 * 1024, 1024 * 1024)]
    codes += [client.post("/api/v1/upload", data=b"\0" * size,
                          content_type="application/octet-stream",
                          environ_base={"REMOTE_ADDR": address}).status_code
              for size in (128 * 1024, 512 * 1024)]
    return codes


def test_a_customer_may_check_the_connection_ten_times_an_hour(tmp_path: Path) -> None:
    """With the default budgets, ten full checks on a personal link from one address pass."""
    with limited_app(tmp_path) as application:
        client = application.test_client()
        token = new_token(application)
        assert client.get(f"/r/{token}", headers=DESKTOP,
                          environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 200
        for _ in range(10):
            assert run_connection_check(client) == [200] * 4


def test_throughput_is_bounded_per_address(tmp_path: Path) -> None:
    """Many 2 MiB downloads at once from one address: beyond its checks' worth of bytes a
    JSON 429 with Retry-After, and the bytes are not sent; another address goes on."""
    with limited_app(tmp_path, THROUGHPUT_CHECKS_PER_ADDRESS="3/hour") as application:
        client = application.test_client()
        codes = []
        for _ in range(6):
            response = client.get("/api/v1/download?bytes=2097152")
            codes.append(response.status_code)
            if response.status_code == 429:
                refused = response
        # 3 checks are 5.25 MiB: two downloads of 2 MiB fit, a third would not.
        assert codes == [200, 200, 429, 429, 429, 429]
        assert refused.get_json()["error"]["code"] == 429
        assert 0 < int(refused.headers["Retry-After"]) <= 3600
        assert len(refused.get_data()) < 1000
        assert client.post("/api/v1/upload", data=b"\0" * 1024).status_code == 429
        other = client.get("/api/v1/download?bytes=2097152",
                           environ_base={"REMOTE_ADDR": "192.0.2.99"})
        assert other.status_code == 200


def test_throughput_is_bounded_per_personal_link(tmp_path: Path) -> None:
    """The session's personal link has its own budget, whatever address its checks come from;
    the same address without that link is not held back by it."""
    with limited_app(tmp_path, THROUGHPUT_CHECKS_PER_LINK="2/hour") as application:
        client = application.test_client()
        token = new_token(application)
        client.get(f"/r/{token}", headers=DESKTOP)
        codes = [run_connection_check(client, address=f"192.0.2.{n}") for n in (1, 2, 3)]
        assert codes == [[200] * 4, [200] * 4, [429] * 4]
        stranger = application.test_client()
        assert run_connection_check(stranger, address="192.0.2.3") == [200] * 4


def test_throughput_limits_can_be_turned_off(tmp_path: Path) -> None:
    """RATELIMIT_ENABLED=false lets every transfer through too."""
    with limited_app(tmp_path, THROUGHPUT_CHECKS_PER_ADDRESS="1/hour",
                     RATELIMIT_ENABLED=False) as application:
        client = application.test_client()
        assert {run_connection_check(client)[1] for _ in range(3)} == {200}
