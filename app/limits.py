"""Rate limits, with Flask-Limiter: how often one address may start passkey ceremonies, and
how often reports may arrive, per address and per personal link.

Flask-Limiter (and its `limits` storage) rather than a hand-made counter: moving windows,
Retry-After headers and shared storage come with it. The counters live in
RATELIMIT_STORAGE_URI: by default a SQLite file shared by the instance's workers
(app/limit_storage.py), redis:// for many instances.
A storage that fails lets requests through (RATELIMIT_SWALLOW_ERRORS): a customer's report
must not be lost because the counter is down.
"""

from __future__ import annotations

import logging
import math
import time
from typing import NoReturn

from flask import Flask, abort, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

# Imported for its side effect: it registers the sqlite:// storage scheme with `limits`.
from app import customer_session, limit_storage  # noqa: F401
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


def turn_limit() -> str:
    """The limit on relay credentials per address."""
    return str(current_app.config["TURN_RATE_LIMIT"])


def feedback_limit() -> str:
    """The limit on feedback messages per address."""
    return str(current_app.config["FEEDBACK_RATE_LIMIT"])


def lookup_limit() -> str:
    """The limit on failed look-ups of personal-link and enrollment tokens per address."""
    return str(current_app.config["LINK_LOOKUP_RATE_LIMIT"])


def refuse_unknown_token() -> NoReturn:
    """A look-up of /r/<token>, its manifest or /staff/enroll/<token> found nothing: count
    the miss against this address and answer 404, or 429 with Retry-After beyond the limit.

    Only misses are counted and only misses are refused: customers behind one address (an
    office, a library) must still open their own links while someone there scans. A 192-bit
    token cannot be guessed anyway; the limit keeps a scanner's load and log lines down.
    """
    if current_app.config["RATELIMIT_ENABLED"]:
        retry_after = _hit_lookup_miss(get_remote_address())
        if retry_after is not None:
            raise TooManyRequests(retry_after=retry_after)
    abort(404)


def _seconds_until(reset_at: float) -> int:
    """Retry-After for a window that resets at reset_at (epoch seconds): at least 1."""
    return max(1, math.ceil(reset_at - time.time()))


def _hit_lookup_miss(address: str) -> int | None:
    """Count one miss for address under every LINK_LOOKUP_RATE_LIMIT; seconds to wait when
    one of them is spent, None when the miss is within them or the storage fails."""
    try:
        for item in parse_many(lookup_limit()):
            if not limiter.limiter.hit(item, "token-lookup-miss", address):
                return _seconds_until(limiter.limiter.get_window_stats(
                    item, "token-lookup-miss", address).reset_time)
    except Exception:
        # As RATELIMIT_SWALLOW_ERRORS: a broken counter lets the request through.
        logging.getLogger(__name__).exception("rate-limit storage failed")
    return None


# What one run of the browser's connection check transfers at most: downloads of 128 KiB and
# 1 MiB, uploads of 128 KiB and 512 KiB (DOWNLOAD_SIZES and UPLOAD_SIZES in
# app/static/js/connection-check.mjs; tests/test_limits.py keeps the two in step).
CONNECTION_CHECK_BYTES = (128 + 1024 + 128 + 512) * 1024


def charge_throughput(size: int) -> None:
    """Count size bytes of /api/v1/download or /upload against this address and, when the
    session knows a personal link, against that link; 429 with Retry-After once either has
    spent its THROUGHPUT_CHECKS_PER_* (connection checks' worth of bytes) in its window.

    Fixed windows on the limiter's own storage: one atomic counter per window however many
    bytes are counted (a moving window keeps one entry per counted unit). A refused transfer
    counts too, so a client that keeps asking stays refused until its window ends.
    """
    if not current_app.config["RATELIMIT_ENABLED"]:
        return
    budgets = [(current_app.config["THROUGHPUT_CHECKS_PER_ADDRESS"],
                ("throughput", "address", get_remote_address()))]
    invite = customer_session.invite_id()
    if invite is not None:
        budgets.append((current_app.config["THROUGHPUT_CHECKS_PER_LINK"],
                        ("throughput", "invite", str(invite))))
    try:
        counter = FixedWindowRateLimiter(limiter.storage)
        for setting, identifiers in budgets:
            for checks in parse_many(setting):
                budget = _in_bytes(checks)
                if not counter.hit(budget, *identifiers, cost=size):
                    raise TooManyRequests(
                        description="Too many connection checks; try again later.",
                        retry_after=_seconds_until(
                            counter.get_window_stats(budget, *identifiers).reset_time))
    except TooManyRequests:
        raise
    except Exception:
        # As RATELIMIT_SWALLOW_ERRORS: a broken counter lets the request through.
        logging.getLogger(__name__).exception("rate-limit storage failed")


def _in_bytes(checks: RateLimitItem) -> RateLimitItem:
    """A limit of N connection checks per window as N checks' worth of bytes per window."""
    return type(checks)(checks.amount * CONNECTION_CHECK_BYTES, checks.multiples,
                        checks.namespace)


def personal_link_key() -> str:
    """The personal link's key for counting: part of the token's hash, never the token."""
    token = str((request.view_args or {}).get("token", ""))
    return "link:" + hash_token(token)[:32]


def init_app(app: Flask) -> None:
    """Attach the limiter to app with the RATELIMIT_* settings from its config."""
    limiter.init_app(app)
