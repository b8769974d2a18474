"""The two WebAuthn ceremonies, with py_webauthn: options out, a credential back, verified.

Each ceremony's challenge is kept in the signed session and popped by the verify step, so a
challenge is used once; it also expires after CHALLENGE_SECONDS. The RP ID and origin come
from configuration; user verification is required in both ceremonies.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from flask import current_app, session
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

REGISTRATION_KEY = "webauthn_registration"
AUTHENTICATION_KEY = "webauthn_authentication"
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


def _remember(key: str, challenge: bytes, **bound: Any) -> None:
    """Keep challenge (and what it is bound to) in the session for the verify step."""
    session[key] = {"challenge": bytes_to_base64url(challenge), "at": int(time.time()), **bound}


def _pop(key: str) -> dict[str, Any]:
    """Take the stored challenge out of the session: whatever happens next, it is gone."""
    stored = session.pop(key, None)
    if not isinstance(stored, dict) or "challenge" not in stored:
        raise CeremonyError("no-challenge")
    if time.time() - int(stored.get("at", 0)) > CHALLENGE_SECONDS:
        raise CeremonyError("challenge-expired")
    return stored


def registration_options(*, user_id: str, user_name: str, exclude: list[str],
                         enrollment_id: int) -> dict[str, Any]:
    """1. Options for navigator.credentials.create(); the challenge is bound to the enrollment."""
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
    _remember(REGISTRATION_KEY, options.challenge, enrollment=enrollment_id)
    result: dict[str, Any] = json.loads(options_to_json(options))
    return result


def verify_registration(credential: Any, *, enrollment_id: int) -> NewPasskey:
    """2. Check the browser's new credential against the popped challenge and the config."""
    stored = _pop(REGISTRATION_KEY)
    if stored.get("enrollment") != enrollment_id:
        raise CeremonyError("wrong-enrollment")
    config = current_app.config
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(stored["challenge"]),
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
    _remember(AUTHENTICATION_KEY, options.challenge)
    result: dict[str, Any] = json.loads(options_to_json(options))
    return result


def parse_assertion(credential: Any) -> AuthenticationCredential:
    """The browser's assertion, parsed; CeremonyError when it is not one."""
    try:
        text = credential if isinstance(credential, str) else json.dumps(credential)
        return parse_authentication_credential_json(text)
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise CeremonyError("invalid-credential") from error


def pop_authentication_challenge() -> bytes:
    """Take the sign-in challenge out of the session (once)."""
    return base64url_to_bytes(_pop(AUTHENTICATION_KEY)["challenge"])


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
