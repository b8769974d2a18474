"""The two WebAuthn ceremonies, with py_webauthn: options out, a credential back, verified.

Each ceremony's challenge is kept server-side, in the ceremonies table; the session holds only
the row's random id. The verify step deletes the row before anything else, so a challenge is
used at most once, even by a copy of the cookie, and it expires after CHALLENGE_SECONDS.
The RP ID and origin come from configuration; user verification is required in both.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app, session
from sqlalchemy import delete, insert
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    parse_authentication_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticationCredential,
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from app import db
from app.jsonbody import check_depth

# The session keys holding a ceremony's id, and the ceremony kinds stored with it: enrolling
# through a link, adding a passkey while signed in, signing in.
REGISTRATION_KEY = "webauthn_registration"
AUTHENTICATION_KEY = "webauthn_authentication"
ENROLL = "enroll"
ADD = "add-passkey"
SIGN_IN = "sign-in"
CHALLENGE_SECONDS = 300


class CeremonyError(ValueError):
    """A ceremony failed; `code` is a short reason for the JSON answer and the audit log."""

    def __init__(self, code: str) -> None:
        """Keep the reason code."""
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class NewPasskey:
    """What a verified registration gives to store."""

    credential_id: str
    public_key: bytes
    sign_count: int


def _remember(key: str, kind: str, challenge: bytes, bound: int | None = None) -> None:
    """Store challenge server-side (bound to an enrollment or staff id); the session gets its id.

    Expired ceremonies of anyone are swept away here, so the table stays small.
    """
    now = datetime.now(UTC)
    ceremony_id = secrets.token_urlsafe(32)
    with db.engine().begin() as connection:
        connection.execute(delete(db.ceremonies).where(db.ceremonies.c.expires_at < now))
        connection.execute(insert(db.ceremonies).values(
            id=ceremony_id, kind=kind, challenge=bytes_to_base64url(challenge), bound=bound,
            expires_at=now + timedelta(seconds=CHALLENGE_SECONDS)))
    session[key] = ceremony_id


def _pop(key: str, kind: str) -> tuple[bytes, int | None]:
    """Take the ceremony out of the session and the table: whatever happens next, it is gone.

    Answers the challenge and what it is bound to; DELETE ... RETURNING makes two parallel
    verify requests with the same cookie see it once between them.
    """
    ceremony_id = session.pop(key, None)
    if not isinstance(ceremony_id, str):
        raise CeremonyError("no-challenge")
    with db.engine().begin() as connection:
        row = connection.execute(
            delete(db.ceremonies)
            .where(db.ceremonies.c.id == ceremony_id, db.ceremonies.c.kind == kind)
            .returning(db.ceremonies.c.challenge, db.ceremonies.c.bound,
                       db.ceremonies.c.expires_at)).first()
    if row is None:
        raise CeremonyError("no-challenge")
    if row.expires_at <= datetime.now(UTC):
        raise CeremonyError("challenge-expired")
    return base64url_to_bytes(row.challenge), row.bound


def registration_options(*, user_id: str, user_name: str, exclude: list[str],
                         kind: str, bound: int) -> dict[str, Any]:
    """1. Options for navigator.credentials.create().

    kind is ENROLL (bound to the enrollment's id) or ADD (bound to the signed-in staff id).
    """
    config = current_app.config
    options = generate_registration_options(
        rp_id=config["WEBAUTHN_RP_ID"],
        rp_name=config["WEBAUTHN_RP_NAME"],
        user_id=base64url_to_bytes(user_id),
        user_name=user_name,
        user_display_name=user_name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(c))
                             for c in exclude],
    )
    _remember(REGISTRATION_KEY, kind, options.challenge, bound)
    result: dict[str, Any] = json.loads(options_to_json(options))
    return result


def _parse_ready(credential: Any) -> str | dict[str, Any]:
    """The credential, when py_webauthn may parse it: an object, or a JSON string scanned for
    depth first, since the request's own scan saw only a string."""
    # Anything else (null, a number, a list) would reach py_webauthn's attribute access.
    if not isinstance(credential, str | dict):
        raise CeremonyError("invalid-credential")
    if isinstance(credential, str):
        try:
            check_depth(credential)
        except ValueError as error:
            raise CeremonyError("invalid-credential") from error
    return credential


def verify_registration(credential: Any, *, kind: str, bound: int) -> NewPasskey:
    """2. Check the browser's new credential against the popped challenge and the config."""
    challenge, stored_bound = _pop(REGISTRATION_KEY, kind)
    if stored_bound != bound:
        raise CeremonyError("wrong-enrollment")
    config = current_app.config
    credential = _parse_ready(credential)
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=config["WEBAUTHN_RP_ID"],
            expected_origin=config["WEBAUTHN_ORIGIN"],
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise CeremonyError("invalid-credential") from error
    return NewPasskey(
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
    )


def authentication_options() -> dict[str, Any]:
    """1. Options for navigator.credentials.get(): any discoverable credential of this site."""
    options = generate_authentication_options(
        rp_id=current_app.config["WEBAUTHN_RP_ID"],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    _remember(AUTHENTICATION_KEY, SIGN_IN, options.challenge)
    result: dict[str, Any] = json.loads(options_to_json(options))
    return result


def parse_assertion(credential: Any) -> AuthenticationCredential:
    """The browser's assertion, parsed; CeremonyError when it is not one."""
    credential = _parse_ready(credential)
    try:
        text = credential if isinstance(credential, str) else json.dumps(credential)
        return parse_authentication_credential_json(text)
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise CeremonyError("invalid-credential") from error


def pop_authentication_challenge() -> bytes:
    """Take the sign-in challenge out of the session (once)."""
    return _pop(AUTHENTICATION_KEY, SIGN_IN)[0]


def verify_assertion(assertion: AuthenticationCredential, *, challenge: bytes,
                     public_key: bytes, sign_count: int) -> int:
    """2. Check the signature, challenge, origin, RP ID and user verification; the new count."""
    config = current_app.config
    try:
        verified = verify_authentication_response(
            credential=assertion,
            expected_challenge=challenge,
            expected_rp_id=config["WEBAUTHN_RP_ID"],
            expected_origin=config["WEBAUTHN_ORIGIN"],
            credential_public_key=public_key,
            credential_current_sign_count=sign_count,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise CeremonyError("invalid-credential") from error
    return int(verified.new_sign_count)
