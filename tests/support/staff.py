"""The staff area through a Flask-like client: a software passkey and the ceremonies.

A small software authenticator (P-256, "none" attestation) makes real WebAuthn credentials,
so that py_webauthn verifies them as it would a browser's; e2e/test_staff_passkeys.py does the
same with Chromium's virtual authenticator. The helpers take any client that speaks like
Flask's test client (integration's Browser does, against a live server).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import struct
import time
from datetime import UTC, datetime
from typing import Any, Protocol

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url, encode_cbor

from app import accounts, db
from app.staff import auth

ORIGIN = "http://localhost:8000"
RP_ID = "localhost"


class Client(Protocol):
    """What the ceremonies need of a client: Flask's test client or integration's Browser."""

    def get(self, path: str, *, follow_redirects: bool = ...) -> Any:
        """GET path."""

    def post(self, path: str, *, json: Any = ..., headers: dict[str, str] | None = ...) -> Any:
        """POST json to path."""


class SoftAuthenticator:
    """One passkey in memory: answers create() and get() as a browser would, in JSON."""

    def __init__(self, *, sign_count: int = 0, counting: bool = True) -> None:
        """A fresh P-256 key and credential id."""
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = secrets.token_bytes(16)
        self.sign_count = sign_count
        self.counting = counting
        self.user_handle = b""

    def _client_data(self, kind: str, challenge: str, origin: str) -> bytes:
        """clientDataJSON for a ceremony."""
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin,
                           "crossOrigin": False}).encode()

    def _auth_data(self, flags: int, extra: bytes = b"") -> bytes:
        """rpIdHash, flags, sign count, then attested credential data when given."""
        if self.counting:
            self.sign_count += 1
        return (hashlib.sha256(RP_ID.encode()).digest() + bytes([flags])
                + struct.pack(">I", self.sign_count) + extra)

    def create(self, options: dict[str, Any], origin: str = ORIGIN) -> dict[str, Any]:
        """A registration credential for options (user presence and verification set)."""
        self.user_handle = base64url_to_bytes(options["user"]["id"])
        numbers = self.key.public_key().public_numbers()
        cose = encode_cbor({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"),
                            -3: numbers.y.to_bytes(32, "big")})
        attested = (bytes(16) + struct.pack(">H", len(self.credential_id))
                    + self.credential_id + cose)
        auth_data = self._auth_data(0x01 | 0x04 | 0x40, attested)
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        attestation = encode_cbor({"fmt": "none", "attStmt": {}, "authData": auth_data})
        identifier = bytes_to_base64url(self.credential_id)
        return {"id": identifier, "rawId": identifier, "type": "public-key",
                "response": {"clientDataJSON": bytes_to_base64url(client_data),
                             "attestationObject": bytes_to_base64url(attestation),
                             "transports": ["internal"]},
                "clientExtensionResults": {}}

    def get(self, options: dict[str, Any], origin: str = ORIGIN,
            flags: int = 0x01 | 0x04) -> dict[str, Any]:
        """An assertion for options, signed with this passkey."""
        auth_data = self._auth_data(flags)
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(),
                                  ec.ECDSA(hashes.SHA256()))
        identifier = bytes_to_base64url(self.credential_id)
        return {"id": identifier, "rawId": identifier, "type": "public-key",
                "response": {"clientDataJSON": bytes_to_base64url(client_data),
                             "authenticatorData": bytes_to_base64url(auth_data),
                             "signature": bytes_to_base64url(signature),
                             "userHandle": bytes_to_base64url(self.user_handle)},
                "clientExtensionResults": {}}


def page_csrf(client: Client, url: str = "/staff/sign-in") -> str:
    """The CSRF token a staff page hands its JavaScript (or its form)."""
    html = client.get(url, follow_redirects=True).get_data(as_text=True)
    match = re.search(r'(?:data-csrf-token|name="csrf_token" value)="([^"]+)"', html)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def post_json(client: Client, url: str, token: str, body: Any = None) -> Any:
    """A ceremony POST as passkey.mjs makes it."""
    return client.post(url, json=body if body is not None else {},
                       headers={"X-CSRFToken": token})


def add_person(app: Flask, name: str = "Aino", *, admin: bool = False) -> tuple[int, str]:
    """A staff member and an enrollment token."""
    with app.extensions["valmis.db"].begin() as connection:
        staff_id = accounts.create_staff(connection, name, is_admin=admin)
        return staff_id, accounts.create_enrollment(connection, staff_id)


def enroll(client: Client, token: str, key: SoftAuthenticator) -> Any:
    """Run the enrollment ceremony; the verify answer."""
    page = f"/staff/enroll/{token}"
    csrf = page_csrf(client, page)
    options = post_json(client, f"{page}/options", csrf).get_json()
    return post_json(client, f"{page}/verify", csrf, {"credential": key.create(options)})


def sign_in(client: Client, key: SoftAuthenticator, **kwargs: Any) -> Any:
    """Run the sign-in ceremony; the verify answer."""
    csrf = page_csrf(client)
    options = post_json(client, "/staff/sign-in/options", csrf).get_json()
    return post_json(client, "/staff/sign-in/verify", csrf,
                     {"credential": key.get(options, **kwargs)})


def signed_in(app: Flask, client: FlaskClient, *, admin: bool, session_id: str) -> FlaskClient:
    """client signed in as a new staff member named Aino, set in the session as auth.sign_in
    does (without a passkey ceremony)."""
    with app.extensions["valmis.db"].begin() as connection:
        staff_id = accounts.create_staff(connection, "Aino", is_admin=admin)
        connection.execute(insert(db.staff_sessions).values(
            id_hash=auth.session_id_hash(session_id), staff_id=staff_id,
            created_at=datetime.now(UTC)))
    with client.session_transaction() as session:
        session[auth.STAFF_KEY] = staff_id
        session[auth.SESSION_ID_KEY] = session_id
        session[auth.SEEN_KEY] = int(time.time())
    return client
