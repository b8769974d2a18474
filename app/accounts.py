"""Staff, their passkeys, enrollment links and the audit log, on a SQLAlchemy connection.

Plain functions without Flask: the caller owns the transaction. An enrollment token is a
credential, like a personal-link token: only its SHA-256 is stored.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, and_, delete, exists, func, insert, select, update
from webauthn.helpers import bytes_to_base64url

from app.invites import hash_token
from app.tables import audit_log, enrollments, passkeys, staff
from app.text import unsafe_character

ENROLLMENT_HOURS = 24
# token_urlsafe(24): 192 random bits.
ENROLLMENT_TOKEN_BYTES = 24
MAX_NAME = 80
MAX_PASSKEY_NAME = 60
MAX_DETAIL = 200


def _now(now: datetime | None) -> datetime:
    """now, or the current moment in UTC."""
    return now or datetime.now(UTC)


def any_staff(connection: Connection) -> bool:
    """True when at least one staff member exists."""
    return bool(connection.execute(select(exists().select_from(staff))).scalar())


def create_staff(connection: Connection, name: str, *, is_admin: bool = False,
                 now: datetime | None = None) -> int:
    """Store a staff member (no passkey yet); answer the id."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise ValueError(f"a name of 1 to {MAX_NAME} characters is needed")
    hidden = unsafe_character(name)
    if hidden is not None:
        raise ValueError(f"the name contains {hidden}")
    staff_id = connection.execute(insert(staff).returning(staff.c.id).values(
        name=name, is_admin=is_admin, created_at=_now(now),
        # The WebAuthn user handle: random, so that it says nothing about the person.
        webauthn_user_id=bytes_to_base64url(secrets.token_bytes(32)),
    )).scalar_one()
    return int(staff_id)


def staff_by_id(connection: Connection, staff_id: int) -> Row[Any] | None:
    """The staff member with this id, or None."""
    return connection.execute(select(staff).where(staff.c.id == staff_id)).first()


def create_enrollment(connection: Connection, staff_id: int, *, issued_by: int | None = None,
                      now: datetime | None = None) -> str:
    """A one-time enrollment link for staff_id, valid ENROLLMENT_HOURS; answer the plain token.

    issued_by is the administrator who made it (None from the command line).
    """
    token = secrets.token_urlsafe(ENROLLMENT_TOKEN_BYTES)
    connection.execute(insert(enrollments).values(
        staff_id=staff_id, token_hash=hash_token(token), issued_by=issued_by,
        expires_at=_now(now) + timedelta(hours=ENROLLMENT_HOURS)))
    return token


def find_enrollment(connection: Connection, token: str, *,
                    now: datetime | None = None) -> Row[Any] | None:
    """The unused, unexpired enrollment of this token joined with its (enabled) staff member.

    The row's `id`, `name` and so on are the staff member's; the enrollment's is `enrollment_id`
    (and `expires_at`, `issued_by`).
    """
    if not 22 <= len(token) <= 64:
        return None
    return connection.execute(
        select(enrollments.c.id.label("enrollment_id"), enrollments.c.expires_at,
               enrollments.c.issued_by, staff)
        .join(staff, staff.c.id == enrollments.c.staff_id)
        .where(enrollments.c.token_hash == hash_token(token),
               enrollments.c.used_at.is_(None),
               enrollments.c.expires_at > _now(now),
               staff.c.disabled.is_(False))
    ).first()


def use_enrollment(connection: Connection, enrollment_id: int, *,
                   now: datetime | None = None) -> bool:
    """Mark the enrollment used; False when another request used it first."""
    result = connection.execute(
        update(enrollments)
        .where(enrollments.c.id == enrollment_id, enrollments.c.used_at.is_(None))
        .values(used_at=_now(now)))
    return result.rowcount == 1


def credential_ids(connection: Connection, staff_id: int) -> list[str]:
    """The base64url credential ids of staff_id's passkeys."""
    return list(connection.execute(
        select(passkeys.c.credential_id).where(passkeys.c.staff_id == staff_id)).scalars())


def add_passkey(connection: Connection, staff_id: int, *, credential_id: str,
                public_key: bytes, sign_count: int, name: str,
                recovered_by: int | None = None, now: datetime | None = None) -> int:
    """Store a verified passkey; answer its id.

    recovered_by is the administrator whose recovery link added it to a person who already had
    a passkey: the person is told at their next sign-in (take_recovery_notices).
    """
    passkey_id = connection.execute(insert(passkeys).returning(passkeys.c.id).values(
        staff_id=staff_id, credential_id=credential_id, public_key=public_key,
        sign_count=sign_count, name=name[:MAX_PASSKEY_NAME], created_at=_now(now),
        added_by=recovered_by, recovery_notice_pending=recovered_by is not None,
    )).scalar_one()
    return int(passkey_id)


def passkey_by_credential_id(connection: Connection, credential_id: str) -> Row[Any] | None:
    """The passkey with this credential id, with its owner's user handle and state."""
    return connection.execute(
        select(passkeys, staff.c.disabled, staff.c.webauthn_user_id, staff.c.name.label("owner"))
        .join(staff, staff.c.id == passkeys.c.staff_id)
        .where(passkeys.c.credential_id == credential_id)
    ).first()


def sign_count_is_fresh(stored: int, new: int) -> bool:
    """True unless the counter went backwards or stood still (a possible cloned authenticator).

    Many passkeys (synced ones especially) never count: 0 then 0 is allowed.
    """
    if stored == 0 and new == 0:
        return True
    return new > stored


def record_use(connection: Connection, passkey_id: int, *, stored: int, new: int,
               now: datetime | None = None) -> bool:
    """Save the new sign count and time of use; False when a parallel sign-in changed it first."""
    result = connection.execute(
        update(passkeys)
        .where(passkeys.c.id == passkey_id, passkeys.c.sign_count == stored)
        .values(sign_count=new, last_used_at=_now(now)))
    return result.rowcount == 1


def audit(connection: Connection, action: str, *, staff_id: int | None = None,
          detail: str | None = None, now: datetime | None = None) -> None:
    """Record one staff action; detail is a short code, never customer data."""
    connection.execute(insert(audit_log).values(
        at=_now(now), staff_id=staff_id, action=action[:40],
        detail=detail[:MAX_DETAIL] if detail else None))


def list_staff(connection: Connection) -> list[Row[Any]]:
    """Every staff member, by name, with the number of passkeys and when they last signed in.

    `last_signed_in` is the latest sign-in or enrollment (which signs the person in, a
    recovery too) in the audit log.
    """
    counts = (select(passkeys.c.staff_id, func.count().label("passkey_count"))
              .group_by(passkeys.c.staff_id).subquery())
    signed_in = (select(audit_log.c.staff_id, func.max(audit_log.c.at).label("at"))
                 .where(audit_log.c.action.in_(("sign-in", "enrolled",
                                                "passkey-added-by-recovery")))
                 .group_by(audit_log.c.staff_id).subquery())
    return list(connection.execute(
        select(staff.c.id, staff.c.name, staff.c.is_admin, staff.c.disabled,
               staff.c.created_at,
               func.coalesce(counts.c.passkey_count, 0).label("passkey_count"),
               signed_in.c.at.label("last_signed_in"))
        .outerjoin(counts, counts.c.staff_id == staff.c.id)
        .outerjoin(signed_in, signed_in.c.staff_id == staff.c.id)
        .order_by(func.lower(staff.c.name), staff.c.id)))


# Why set_disabled refused.
SELF = "self"
LAST_ADMIN = "last-admin"
UNKNOWN = "unknown"


def set_disabled(connection: Connection, staff_id: int, disabled: bool, *,
                 by: int) -> str | None:
    """Disable or enable staff_id on behalf of staff member `by`; None when done.

    Refusals: SELF (nobody disables themself), LAST_ADMIN (one enabled administrator always
    stays), UNKNOWN. The enabled administrators are locked first (FOR UPDATE, a no-op on
    SQLite, which serialises writers anyway), so two administrators disabling each other at
    once cannot leave none. Disabling also revokes the person's unused enrollment links.
    """
    if disabled and staff_id == by:
        return SELF
    if staff_by_id(connection, staff_id) is None:
        return UNKNOWN
    if disabled:
        admins = set(connection.execute(
            select(staff.c.id).where(staff.c.is_admin.is_(True), staff.c.disabled.is_(False))
            .with_for_update()).scalars())
        if staff_id in admins and len(admins) <= 1:
            return LAST_ADMIN
        revoke_enrollments(connection, staff_id)
    connection.execute(update(staff).where(staff.c.id == staff_id).values(disabled=disabled))
    return None


def revoke_enrollments(connection: Connection, staff_id: int) -> int:
    """Delete staff_id's unused enrollment links; answer how many there were."""
    result = connection.execute(delete(enrollments).where(
        enrollments.c.staff_id == staff_id, enrollments.c.used_at.is_(None)))
    return int(result.rowcount)


def reissue_enrollment(connection: Connection, staff_id: int, *, issued_by: int,
                       now: datetime | None = None) -> str:
    """Recovery: a fresh enrollment link for staff_id; their earlier unused links stop working."""
    revoke_enrollments(connection, staff_id)
    return create_enrollment(connection, staff_id, issued_by=issued_by, now=now)


def passkeys_of(connection: Connection, staff_id: int) -> list[Row[Any]]:
    """staff_id's passkeys (never the key material), oldest first.

    `added_by` and `added_by_name` name the administrator whose recovery link added one.
    """
    issuer = staff.alias("issuer")
    return list(connection.execute(
        select(passkeys.c.id, passkeys.c.name, passkeys.c.created_at, passkeys.c.last_used_at,
               passkeys.c.added_by, issuer.c.name.label("added_by_name"))
        .outerjoin(issuer, issuer.c.id == passkeys.c.added_by)
        .where(passkeys.c.staff_id == staff_id)
        .order_by(passkeys.c.created_at, passkeys.c.id)))


def take_recovery_notices(connection: Connection, staff_id: int, *,
                          signed_in_with: int) -> list[int]:
    """At a sign-in: the ids of passkeys a recovery link added that staff_id is to be told of.

    A notice is shown at every sign-in until one with a passkey older than the recovered one
    (the person's own) has shown it, or until no older passkey is left (the old device was
    lost and its passkey removed). So whoever used the recovery link cannot use up the notice
    by signing in again with the new passkey, or with one they added in that session.
    """
    rows = connection.execute(
        select(passkeys.c.id, passkeys.c.created_at, passkeys.c.recovery_notice_pending)
        .where(passkeys.c.staff_id == staff_id)).all()
    age = {row.id: (row.created_at, row.id) for row in rows}
    oldest = min(age.values(), default=None)
    pending = [row.id for row in rows if row.recovery_notice_pending]
    told = [passkey_id for passkey_id in pending
            if age[signed_in_with] < age[passkey_id] or age[passkey_id] == oldest]
    if told:
        connection.execute(update(passkeys).where(passkeys.c.id.in_(told))
                           .values(recovery_notice_pending=False))
    return pending


def recovery_notices(connection: Connection, staff_id: int,
                     passkey_ids: list[int]) -> list[Row[Any]]:
    """The passkeys of passkey_ids that are still staff_id's, with who issued the link and when.

    Rows have `id`, `created_at` and `added_by_name`; a removed passkey needs no notice.
    """
    if not passkey_ids:
        return []
    issuer = staff.alias("issuer")
    return list(connection.execute(
        select(passkeys.c.id, passkeys.c.created_at, issuer.c.name.label("added_by_name"))
        .join(issuer, issuer.c.id == passkeys.c.added_by)
        .where(passkeys.c.staff_id == staff_id, passkeys.c.id.in_(passkey_ids))
        .order_by(passkeys.c.created_at, passkeys.c.id)))


def clean_passkey_name(name: str) -> str:
    """The name without surrounding spaces; ValueError unless 1 to MAX_PASSKEY_NAME safe ones."""
    name = name.strip()
    if not name or len(name) > MAX_PASSKEY_NAME:
        raise ValueError(f"a name of 1 to {MAX_PASSKEY_NAME} characters is needed")
    hidden = unsafe_character(name)
    if hidden is not None:
        raise ValueError(f"the name contains {hidden}")
    return name


def rename_passkey(connection: Connection, staff_id: int, passkey_id: int, name: str) -> bool:
    """Rename one of staff_id's own passkeys; False when they have no such passkey."""
    result = connection.execute(
        update(passkeys).where(passkeys.c.id == passkey_id, passkeys.c.staff_id == staff_id)
        .values(name=clean_passkey_name(name)))
    return result.rowcount == 1


def remove_passkey(connection: Connection, staff_id: int, passkey_id: int) -> bool:
    """Remove one of staff_id's passkeys unless it is their last one; True when removed.

    The count is part of the DELETE, and the person's passkeys are locked first (FOR UPDATE on
    PostgreSQL), so two removals at once cannot leave a person with none.
    """
    connection.execute(select(passkeys.c.id).where(passkeys.c.staff_id == staff_id)
                       .with_for_update())
    others = (select(func.count()).select_from(passkeys)
              .where(passkeys.c.staff_id == staff_id, passkeys.c.id != passkey_id)
              .scalar_subquery())
    result = connection.execute(delete(passkeys).where(
        and_(passkeys.c.id == passkey_id, passkeys.c.staff_id == staff_id, others > 0)))
    return result.rowcount == 1


def passkey_count(connection: Connection, staff_id: int) -> int:
    """How many passkeys staff_id has."""
    return int(connection.execute(select(func.count()).select_from(passkeys)
                                  .where(passkeys.c.staff_id == staff_id)).scalar_one())
