"""The operator's TURN relay: settings, credentials a real coturn accepts, and the endpoint
that gives them only to the site's own pages."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from app import turn
from app.config import ConfigError, config_for_environment
from tests.support import ROOT
from tests.support.app import migrated_app
from tests.support.coturn import Coturn, allocate, coturn
from tests.support.staff import page_csrf

SECRET = "s3cret-for-tests-0123456789"
NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "transports"), [
    ("turn:turn.example.fi:3478?transport=udp", ["udp"]),
    ("turn:turn.example.fi", ["udp"]),
    ("turns:turn.example.fi:443?transport=tcp, turn:10.0.0.5:3478?transport=tcp",
     ["tls", "tcp"]),
    ("turn:[2001:db8::1]:3478", ["udp"]),
    ("", []),
])
def test_relay_addresses_are_read_with_their_transport(text: str,
                                                      transports: list[str]) -> None:
    assert [relay.transport for relay in turn.parse_urls(text)] == transports


@pytest.mark.parametrize("text", [
    "stun:stun.example.fi:3478", "turn:", "turn:host:99999", "turns:host:443?transport=udp",
    "turn:host?transport=sctp", "https://turn.example.fi", "turn:host name",
])
def test_addresses_that_cannot_work_are_refused(text: str) -> None:
    with pytest.raises(turn.TurnSettingError, match="TURN_URLS"):
        turn.parse_urls(text)


def test_a_credential_is_coturns_hmac_of_an_expiring_random_username() -> None:
    relays = turn.parse_urls("turn:a.example:3478 turns:a.example:443?transport=tcp")
    first = turn.mint(SECRET, relays, now=NOW, seconds=600)
    second = turn.mint(SECRET, relays, now=NOW, seconds=600)
    (server,) = first["ice_servers"]
    expiry, label = server["username"].split(":")
    assert int(expiry) == int((NOW + timedelta(seconds=600)).timestamp())
    assert first["expires_at"] == "2026-12-06T09:10:00Z"
    assert re.fullmatch(r"[0-9a-f]{16}", label)
    assert server["username"] != second["ice_servers"][0]["username"]
    expected = base64.b64encode(hmac.new(SECRET.encode(), server["username"].encode(),
                                         hashlib.sha1).digest()).decode()
    assert server["credential"] == expected
    assert server["urls"] == [relay.url for relay in relays]
    assert first["transports"] == ["tls", "udp"]


@pytest.fixture(scope="module")
def relay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Coturn]:
    """A real coturn on loopback with the operator's use-auth-secret settings."""
    with coturn(tmp_path_factory.mktemp("coturn"), SECRET) as running:
        yield running


def _server(minted: dict[str, Any]) -> dict[str, str]:
    """The one ICE server of minted credentials."""
    server: dict[str, str] = minted["ice_servers"][0]
    return server


def test_coturn_allocates_for_a_minted_credential(relay: Coturn) -> None:
    server = _server(turn.mint(SECRET, turn.parse_urls(relay.urls), now=datetime.now(UTC)))
    assert allocate(relay, server["username"], server["credential"])
    assert allocate(relay, server["username"], server["credential"], tcp=True)


def test_coturn_refuses_a_wrong_or_expired_credential(relay: Coturn) -> None:
    relays = turn.parse_urls(relay.urls)
    server = _server(turn.mint(SECRET, relays, now=datetime.now(UTC)))
    assert not allocate(relay, server["username"], "A" + server["credential"][1:])
    other = _server(turn.mint("another-secret-0123456789", relays, now=datetime.now(UTC)))
    assert not allocate(relay, other["username"], other["credential"])
    expired = _server(turn.mint(SECRET, relays, now=datetime.now(UTC) - timedelta(hours=1),
                                seconds=600))
    assert not allocate(relay, expired["username"], expired["credential"])


def test_the_shipped_coturn_settings_accept_minted_credentials(tmp_path: Path) -> None:
    """deploy/turnserver.conf, as docker-compose.yml runs it (the secret on the command
    line), relays for a credential the app mints and refuses a forged one."""
    with coturn(tmp_path, SECRET, config=ROOT / "deploy" / "turnserver.conf") as shipped:
        relays = turn.parse_urls(shipped.urls)
        server = _server(turn.mint(SECRET, relays, now=datetime.now(UTC)))
        assert allocate(shipped, server["username"], server["credential"])
        assert not allocate(shipped, server["username"], "A" + server["credential"][1:])


@pytest.mark.parametrize(("settings", "message"), [
    ({"TURN_URLS": "turn:a.example:3478"}, "TURN_SECRET must be at least"),
    ({"TURN_URLS": "turn:a.example:3478", "TURN_SECRET": "short"}, "at least 16"),
    ({"TURN_SECRET": SECRET}, "TURN_URLS is empty"),
    ({"TURN_URLS": "stun:a.example", "TURN_SECRET": SECRET}, "TURN_URLS"),
    ({"TURN_URLS": "turn:a.example", "TURN_SECRET": SECRET, "TURN_CREDENTIAL_SECONDS": "5"},
     "TURN_CREDENTIAL_SECONDS"),
])
def test_settings_that_cannot_work_stop_the_start(monkeypatch: pytest.MonkeyPatch,
                                                  settings: dict[str, str],
                                                  message: str) -> None:
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    config = config_for_environment("testing")
    with pytest.raises(ConfigError, match=message):
        config.finish()


@pytest.fixture
def relay_app(tmp_path: Path) -> Iterator[Flask]:
    """The app with a relay configured and a small credential limit."""
    with migrated_app(tmp_path / "t.db", TURN_SECRET=SECRET, TURN_RATE_LIMIT="3/minute",
                      TURN_URLS="turn:127.0.0.1:3478?transport=udp "
                                "turns:127.0.0.1:5349?transport=tcp") as application:
        yield application


def test_the_checks_page_gets_credentials_that_are_never_kept(relay_app: Flask) -> None:
    client = relay_app.test_client()
    token = page_csrf(client, "/checks")
    answer = client.post("/api/v1/turn-credentials", headers={"X-CSRFToken": token})
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    body = answer.get_json()
    server = body["ice_servers"][0]
    assert server["urls"] == ["turn:127.0.0.1:3478?transport=udp",
                              "turns:127.0.0.1:5349?transport=tcp"]
    assert turn.credential(SECRET, server["username"]) == server["credential"]
    assert body["transports"] == ["tls", "udp"]


def test_only_a_page_of_this_site_gets_credentials(relay_app: Flask) -> None:
    client = relay_app.test_client()
    assert client.post("/api/v1/turn-credentials").status_code == 403
    page_csrf(client, "/checks")
    forged = client.post("/api/v1/turn-credentials", headers={"X-CSRFToken": "forged"})
    assert forged.status_code == 403
    assert forged.get_json()["error"]["code"] == 403
    assert client.get("/api/v1/turn-credentials").status_code == 405


def test_credentials_are_rate_limited(relay_app: Flask) -> None:
    client = relay_app.test_client()
    token = page_csrf(client, "/checks")
    statuses = [client.post("/api/v1/turn-credentials", headers={"X-CSRFToken": token}).status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_without_a_relay_there_are_no_credentials(client) -> None:  # type: ignore[no-untyped-def]
    token = page_csrf(client, "/checks")
    answer = client.post("/api/v1/turn-credentials", headers={"X-CSRFToken": token})
    assert answer.status_code == 404
    assert answer.get_json()["error"]["code"] == 404
