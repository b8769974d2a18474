"""The operator's TURN relay: its addresses, and short-lived credentials for one check.

coturn's `use-auth-secret` (the "TURN REST API" scheme): the username is
"<expiry unix time>:<label>" and the password is base64(HMAC-SHA1(secret, username)). coturn
checks the same HMAC and refuses the username after its expiry, so the page gets a credential
that works for minutes and is worth nothing after; the shared secret never leaves the server.

Pure: no Flask. app/api/views.py serves the credentials; app/config.py checks the settings.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

# turn:host[:port][?transport=udp|tcp] or turns:…; a host name, IPv4 or [IPv6].
_URL = re.compile(
    r"(?P<scheme>turns?):(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]{1,253})(?::(?P<port>\d{1,5}))?"
    r"(?:\?transport=(?P<transport>udp|tcp))?")
MIN_SECRET_LENGTH = 16
DEFAULT_SECONDS = 600


class TurnSettingError(ValueError):
    """A TURN setting that cannot work; the message says which and why."""


@dataclass(frozen=True)
class Relay:
    """One relay address, as RTCIceServer takes it, and how the browser reaches it."""

    url: str
    transport: str  # "udp", "tcp" or "tls" (turns: is TLS over TCP)


def parse_urls(text: str) -> tuple[Relay, ...]:
    """TURN_URLS (separated by commas or spaces) as relays; raise TurnSettingError."""
    relays = []
    for url in (part for part in re.split(r"[,\s]+", text.strip()) if part):
        match = _URL.fullmatch(url)
        if match is None or (match["port"] and not 0 < int(match["port"]) < 65536):
            raise TurnSettingError(
                f"TURN_URLS: {url!r} is not turn:host[:port][?transport=udp|tcp] or turns:…")
        if match["scheme"] == "turns":
            if match["transport"] == "udp":
                raise TurnSettingError(f"TURN_URLS: {url!r}: turns: runs over TCP, not UDP")
            transport = "tls"
        else:
            transport = match["transport"] or "udp"
        relays.append(Relay(url, transport))
    return tuple(relays)


def check_secret(secret: str) -> None:
    """A shared secret long enough to sign with; raise TurnSettingError."""
    if len(secret) < MIN_SECRET_LENGTH:
        raise TurnSettingError(
            f"TURN_SECRET must be at least {MIN_SECRET_LENGTH} characters (coturn's "
            "static-auth-secret), e.g. python3 -c 'import secrets; print(secrets.token_hex(32))'")


def credential(secret: str, username: str) -> str:
    """coturn's password for username: base64 of HMAC-SHA1(secret, username)."""
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def mint(secret: str, relays: tuple[Relay, ...], *, now: datetime,
         seconds: int = DEFAULT_SECONDS) -> dict[str, Any]:
    """Credentials for every relay, valid for seconds from now, as RTCConfiguration wants them.

    The label is random: nothing in it leads back to a customer or a link.
    """
    expires = now.astimezone(UTC).replace(microsecond=0) + timedelta(seconds=seconds)
    username = f"{int(expires.timestamp())}:{secrets.token_hex(8)}"
    return {
        "ice_servers": [{"urls": [relay.url for relay in relays], "username": username,
                         "credential": credential(secret, username)}],
        "transports": sorted({relay.transport for relay in relays}),
        "expires_at": expires.isoformat().replace("+00:00", "Z"),
    }
