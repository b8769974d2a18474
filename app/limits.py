"""Rate limits, with Flask-Limiter: how often one address may start passkey ceremonies, and
how often reports may arrive, per address and per personal link.

Flask-Limiter (and its `limits` storage) rather than a hand-made counter: moving windows,
Retry-After headers and shared storage (RATELIMIT_STORAGE_URI, e.g. redis://) for several
workers or instances come with it. The default memory:// storage counts per worker process.
A storage that fails lets requests through (RATELIMIT_SWALLOW_ERRORS): a customer's report
must not be lost because the counter is down.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from app.invites import hash_token

limiter = Limiter(key_func=get_remote_address, strategy="moving-window")


def ceremony_limit() -> str:
    """The limit on passkey ceremony requests (options and verify) per address."""
    return str(current_app.config["CEREMONY_RATE_LIMIT"])


def report_limit_per_address() -> str:
    """The limit on report posts per address, whatever the link."""
    return str(current_app.config["REPORT_RATE_LIMIT_PER_ADDRESS"])


def report_limit_per_link() -> str:
    """The limit on report posts per personal link."""
    return str(current_app.config["REPORT_RATE_LIMIT_PER_LINK"])


def lookup_limit() -> str:
    """The limit on failed look-ups of personal-link and enrollment tokens per address."""
    return str(current_app.config["LINK_LOOKUP_RATE_LIMIT"])


def only_not_found(response: Response) -> bool:
    """Count a look-up only when it found nothing: guessing tokens, not using one's own."""
    return response.status_code == 404


# One budget per address for every kind of token look-up: /r/<token>, its manifest, and
# /staff/enroll/<token>. A 192-bit token cannot be guessed anyway; this keeps a scanner from
# trying and from filling the logs.
lookup_limited = limiter.shared_limit(lookup_limit, scope="token-lookup",
                                      deduct_when=only_not_found)


def personal_link_key() -> str:
    """The personal link's key for counting: part of the token's hash, never the token."""
    token = str((request.view_args or {}).get("token", ""))
    return "link:" + hash_token(token)[:32]


def init_app(app: Flask) -> None:
    """Attach the limiter to app with the RATELIMIT_* settings from its config."""
    limiter.init_app(app)
