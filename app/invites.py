"""Personal links: make an invite, find it by its token, record reports, purge the expired.

Plain functions on a SQLAlchemy connection, no Flask: the caller owns the transaction.
A token is a credential. Only its SHA-256 is stored, so a copy of the database opens no link.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, Row, delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app import outcomes
from app.readiness import readiness_of
from app.tables import invites, reports
from app.text import unsafe_character

DEFAULT_RETENTION_DAYS = 14
DEFAULT_TIMEZONE = "Europe/Helsinki"
# token_urlsafe(24): 24 random bytes, 192 bits, 32 characters of [A-Za-z0-9_-].
TOKEN_BYTES = 24
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{22,64}")
TEAMS_HOSTS = ("teams.microsoft.com", "teams.live.com", "teams.cloud.microsoft")
MAX_TEAMS_URL = 2048
MAX_REFERENCE = 40


class TeamsUrlError(ValueError):
    """A meeting link that is not a Teams link; `reason` is a short code a form can translate."""

    def __init__(self, reason: str, message: str) -> None:
        """Keep the reason code next to the English message."""
        super().__init__(message)
        self.reason = reason


def new_token() -> str:
    """A fresh personal-link token: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """The token's SHA-256 in hex, as stored: a 192-bit random token needs no salt or stretch."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _expiry_cutoff(now: datetime, days: int) -> datetime:
    """Appointments before this moment are past their retention."""
    return now - timedelta(days=days)


def validate_teams_url(url: str) -> str:
    """The link, trimmed, when it is an https link to a Teams host; TeamsUrlError otherwise."""
    url = url.strip()
    if not url:
        raise TeamsUrlError("empty", "The Teams meeting link is empty.")
    if len(url) > MAX_TEAMS_URL:
        raise TeamsUrlError("too-long", f"The Teams meeting link is longer than {MAX_TEAMS_URL} "
                                        "characters.")
    hidden = unsafe_character(url)
    if hidden is not None:
        raise TeamsUrlError("hidden", f"The Teams meeting link contains {hidden}, a character "
                                      "that cannot be seen or changes how the link is shown.")
    # Browsers read a backslash as a slash and drop control characters; Python's parser does
    # neither, so "https://evil.example\\@teams.microsoft.com" would fool the host check.
    if "\\" in url or any(ord(character) < 33 or ord(character) == 127 for character in url):
        raise TeamsUrlError("malformed", "The Teams meeting link contains spaces or characters "
                                         "a link cannot have.")
    parts = urlsplit(url)
    if parts.scheme.lower() != "https":
        raise TeamsUrlError("not-https", "The Teams meeting link must start with https://.")
    if "@" in parts.netloc:
        raise TeamsUrlError("userinfo", "The Teams meeting link must not contain a user name "
                                        "or an @ sign before the host.")
    try:
        port = parts.port
    except ValueError:
        raise TeamsUrlError("malformed", "The Teams meeting link has an invalid port.") from None
    host = (parts.hostname or "").lower()
    on_teams = any(host == allowed or host.endswith("." + allowed) for allowed in TEAMS_HOSTS)
    if not on_teams or port not in (None, 443):
        raise TeamsUrlError("not-teams", "The meeting link must be a Microsoft Teams link "
                                         "(teams.microsoft.com, teams.live.com or "
                                         "teams.cloud.microsoft).")
    return url


def create_invite(connection: Connection, *, appointment_at: datetime, language: str,
                  reference: str | None = None, teams_url: str | None = None,
                  timezone: str = DEFAULT_TIMEZONE, now: datetime | None = None,
                  created_by: int | None = None) -> tuple[int, str]:
    """Store a new invite; answer its id and the plain token, which is never stored.

    created_by is the staff member who made it (None from the command line).
    """
    if appointment_at.tzinfo is None:
        raise ValueError("appointment_at needs a time zone")
    if reference is not None and len(reference) > MAX_REFERENCE:
        raise ValueError(f"the reference is longer than {MAX_REFERENCE} characters")
    hidden = unsafe_character(reference or "")
    if hidden is not None:
        raise ValueError(f"the reference contains {hidden}")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {timezone!r}") from None
    token = new_token()
    invite_id = connection.execute(insert(invites).returning(invites.c.id).values(
        token_hash=hash_token(token),
        appointment_at=appointment_at,
        timezone=timezone,
        language=language,
        reference=reference or None,
        teams_url=validate_teams_url(teams_url) if teams_url else None,
        created_at=now or datetime.now(UTC),
        created_by=created_by,
    )).scalar_one()
    return int(invite_id), token


def find_invite(connection: Connection, token: str, *, now: datetime | None = None,
                days: int = DEFAULT_RETENTION_DAYS) -> Row[Any] | None:
    """The invite whose token this is, or None when there is none or it is past retention."""
    # A string no token could be is not worth hashing and looking up.
    if not _TOKEN_SHAPE.fullmatch(token):
        return None
    cutoff = _expiry_cutoff(now or datetime.now(UTC), days)
    return connection.execute(
        select(invites).where(invites.c.token_hash == hash_token(token),
                              invites.c.appointment_at >= cutoff)
    ).first()


def invite_by_id(connection: Connection, invite_id: int, *, now: datetime,
                 days: int = DEFAULT_RETENTION_DAYS) -> Row[Any] | None:
    """The invite with this id, or None when there is none or it is past retention."""
    return connection.execute(
        select(invites).where(invites.c.id == invite_id,
                              invites.c.appointment_at >= _expiry_cutoff(now, days))
    ).first()


def upcoming_invites(connection: Connection, since: datetime) -> list[Row[Any]]:
    """Invites whose appointment is at or after since, soonest first."""
    return list(connection.execute(
        select(invites).where(invites.c.appointment_at >= since)
        .order_by(invites.c.appointment_at, invites.c.id)))


def invites_between(connection: Connection, start: datetime, end: datetime) -> list[Row[Any]]:
    """Invites whose appointment is at or after start and before end, soonest first."""
    return list(connection.execute(
        select(invites).where(invites.c.appointment_at >= start, invites.c.appointment_at < end)
        .order_by(invites.c.appointment_at, invites.c.id)))


def count_without_outcome(connection: Connection, since: datetime, until: datetime) -> int:
    """How many invites with an appointment from since up to until have no outcome."""
    return int(connection.execute(
        select(func.count()).select_from(invites)
        .where(invites.c.appointment_at >= since, invites.c.appointment_at <= until,
               invites.c.outcome.is_(None))).scalar_one())


def delete_invite(connection: Connection, invite_id: int) -> bool:
    """Delete one invite and its reports at once; False when there was no such invite."""
    # As in purge_expired: explicit, so that no report outlives its invite without cascades.
    connection.execute(delete(reports).where(reports.c.invite_id == invite_id))
    return connection.execute(delete(invites).where(invites.c.id == invite_id)).rowcount == 1


def mark_opened(connection: Connection, invite_id: int, now: datetime) -> None:
    """A person opened the link: the first time sets opened_at, every time last activity."""
    connection.execute(
        update(invites).where(invites.c.id == invite_id)
        .values(opened_at=func.coalesce(invites.c.opened_at, now), last_activity_at=now)
    )


def _insert_once(connection: Connection, values: dict[str, Any]) -> bool:
    """Insert a report unless its (invite_id, report_id) exists; True when inserted.

    ON CONFLICT DO NOTHING is race-free and leaves the transaction usable (an IntegrityError
    would abort it on PostgreSQL); other databases look first. RETURNING says whether a row
    went in: an INSERT's rowcount is -1 on PostgreSQL, where SQLAlchemy fetches the new id.
    """
    dialect = connection.dialect.name
    if dialect in ("sqlite", "postgresql"):
        module = sqlite if dialect == "sqlite" else postgresql
        statement = module.insert(reports).values(**values).on_conflict_do_nothing(
            index_elements=["invite_id", "report_id"]).returning(reports.c.id)
        return connection.execute(statement).first() is not None
    exists = connection.execute(select(reports.c.id).where(
        reports.c.invite_id == values["invite_id"],
        reports.c.report_id == values["report_id"])).first()
    if exists:
        return False
    connection.execute(insert(reports).values(**values))
    return True


def report_moment(report: dict[str, Any]) -> datetime:
    """The browser's moment of a validated report (its created_at), in UTC."""
    return datetime.fromisoformat(report["created_at"]).astimezone(UTC)


def effective_moment(claimed: datetime, *, received: datetime, not_before: datetime) -> datetime:
    """The moment a report counts as made: the browser's claim where it can be true, else
    the server's receipt.

    A report is made after its invite exists and before the server receives it. Inside that
    span the browser's clock decides, so that reports queued offline sort where they were
    made, however long they waited (the outbox keeps a report until the link expires). A claim
    outside it is a wrong clock or a made-up date: it counts from its receipt, so it can
    neither outrank every later report (a date in 2099) nor sink below older ones (1970).
    The report is kept either way: the outbox deletes a refused report, which would lose it.
    """
    return claimed if not_before <= claimed <= received else received


def _invite_changes(report: dict[str, Any], now: datetime) -> dict[str, Any]:
    """What any report says about the invite as a whole, whatever order reports arrive in."""
    changes: dict[str, Any] = {"last_activity_at": now}
    kind = report["kind"]
    if kind == "step":
        changes["latest_path"] = report["path"]
    elif kind == "help":
        changes["needs_help"] = True
    elif kind == "no-video":
        changes["prefers_phone"] = bool(report["value"])
    return changes


def server_summary(report: dict[str, Any]) -> str | None:
    """A readiness report's summary as the server decides it from its checks and path.

    The browser sends its own summary, but a page of an older release (or a made-up report)
    may call four skipped checks "ready"; staff see what the checks found (app/readiness.py).
    """
    if report["kind"] != "readiness":
        return None
    return readiness_of(report["checks"], report["path"]).summary


def _latest_checks(checks: dict[str, Any]) -> dict[str, str]:
    """Each check's status, and the media round trip's verdict as "media" when it ran: words
    from the Report schema only, for the dashboard's row."""
    latest = {name: check["status"] for name, check in checks.items()}
    verdict = (checks.get("connection") or {}).get("media", {}).get("verdict")
    if verdict:
        latest["media"] = verdict
    return latest


def _readiness_changes(report: dict[str, Any], moment: datetime,
                       summary: str | None) -> dict[str, Any]:
    """The invite's latest_* columns from a readiness report: statuses and device words only."""
    device = report["device"]
    return {
        "latest_summary": summary,
        "latest_path": report["path"],
        "latest_report_at": moment,
        "latest_checks": _latest_checks(report["checks"]),
        "latest_device": {key: device.get(key) for key in ("form", "os", "browser", "choice")
                          if device.get(key) is not None},
    }


def record_report(connection: Connection, invite_id: int, report: dict[str, Any],
                  now: datetime, *, invite_created_at: datetime | None = None) -> bool:
    """Store a validated report and update the invite from it; False when it came before.

    A readiness report replaces the invite's latest summary only when it was made (by its
    effective moment) at or after the one shown now: a resend from an offline queue can
    arrive after a newer one. invite_created_at, when the caller has the invite's row, saves
    looking it up again.
    """
    claimed = report_moment(report)
    if invite_created_at is None:
        invite_created_at = connection.execute(
            select(invites.c.created_at).where(invites.c.id == invite_id)).scalar_one()
    moment = effective_moment(claimed, received=now, not_before=invite_created_at)
    summary = server_summary(report)
    stored = _insert_once(connection, {
        "invite_id": invite_id,
        "report_id": report["id"],
        "received_at": now,
        "created_at": claimed,
        "effective_at": moment,
        "kind": report["kind"],
        "summary": summary,
        "body": report,
    })
    if not stored:
        return False
    connection.execute(update(invites).where(invites.c.id == invite_id)
                       .values(**_invite_changes(report, now)))
    if report["kind"] == "readiness":
        connection.execute(
            update(invites)
            .where(invites.c.id == invite_id,
                   or_(invites.c.latest_report_at.is_(None),
                       invites.c.latest_report_at <= moment))
            .values(**_readiness_changes(report, moment, summary)))
    return True


def report_history(connection: Connection, invite_id: int) -> list[Row[Any]]:
    """An invite's reports, newest first by their effective moment, then by arrival."""
    return list(connection.execute(
        select(reports).where(reports.c.invite_id == invite_id)
        .order_by(reports.c.effective_at.desc(), reports.c.id.desc())))


def purge_expired(connection: Connection, now: datetime, days: int) -> int:
    """Delete invites whose appointment is more than days past (reports go with them), after
    adding each to the anonymous counters (app/outcomes.py) in the same transaction.

    The caller's transaction holds both: when counting fails nothing is deleted, and when the
    deletion fails nothing is counted, so an invite is counted exactly once.
    """
    expired = invites.c.appointment_at < _expiry_cutoff(now, days)
    # FOR UPDATE (PostgreSQL; SQLite locks the whole database anyway): an outcome changed
    # while the purge runs waits, rather than being deleted uncounted.
    rows = connection.execute(select(*(invites.c[name] for name in outcomes.COUNTED_COLUMNS))
                              .where(expired).with_for_update()).mappings().all()
    outcomes.add_counts(connection, outcomes.counts_of(rows))
    # Deleting reports explicitly too keeps purge complete on a connection where SQLite's
    # foreign keys are off; on others ON DELETE CASCADE has nothing left to do.
    connection.execute(delete(reports).where(reports.c.invite_id.in_(
        select(invites.c.id).where(expired))))
    return connection.execute(delete(invites).where(expired)).rowcount
