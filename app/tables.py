"""The database's tables (SQLAlchemy Core): what the Alembic migrations in app/migrations/ must
produce, and a test compares the two. No Flask here: app/db.py binds them to an app's engine.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    CHAR,
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    TypeDecorator,
    UniqueConstraint,
    false,
)

# Named constraints, so that a migration can name what it alters on SQLite and PostgreSQL alike.
metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

class UTCDateTime(TypeDecorator[datetime]):
    """A moment in UTC: refuses naive datetimes, and always answers timezone-aware ones.

    SQLite has no time zones and hands back naive values; storing UTC everywhere and putting
    the zone back on reading makes both databases answer alike and compare correctly.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """UTC on the way in; naive on SQLite, where an offset would spoil text comparison."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a naive datetime has no time zone: give it one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Timezone-aware UTC on the way out."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# A personal link for one appointment. Only the token's SHA-256 is kept; the latest_* fields
# and the flags sum up the reports so that the staff's list needs no join.
invites = Table(
    "invites",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", CHAR(64), nullable=False, unique=True),
    Column("appointment_at", UTCDateTime, nullable=False, index=True),
    Column("timezone", String(64), nullable=False, server_default="Europe/Helsinki"),
    Column("language", String(8), nullable=False),
    Column("reference", String(40)),
    Column("teams_url", String(2048)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("opened_at", UTCDateTime),
    Column("last_activity_at", UTCDateTime),
    Column("latest_summary", String(24)),
    Column("latest_path", String(24)),
    Column("needs_help", Boolean, nullable=False, server_default=false()),
    Column("prefers_phone", Boolean, nullable=False, server_default=false()),
    # The effective moment (reports.effective_at) of the readiness report latest_* came from:
    # a report that arrives late but was made earlier must not overwrite a newer one.
    Column("latest_report_at", UTCDateTime),
    # The latest readiness report's check statuses ({"camera": "ok", ...}) and device words
    # ({"form": "phone", "os": "android", "browser": "chrome"}), for the dashboard's one query.
    Column("latest_checks", JSON),
    Column("latest_device", JSON),
    # Who made the link, for the invite's page: the team shares every invite (README,
    # "Decisions"), but each knows whom to ask. Empty for the command line.
    Column("created_by", Integer, ForeignKey("staff.id", ondelete="SET NULL")),
    # What happened at the appointment (app/outcomes.py's OUTCOMES), recorded by staff after
    # its time; editable until the purge, which adds it to insight_counts and deletes the row.
    Column("outcome", String(24)),
    Column("outcome_at", UTCDateTime),
    Column("outcome_by", Integer, ForeignKey("staff.id", ondelete="SET NULL")),
)

# What the customer's browser reported, as validated by app/report_contract.py. The browser's own
# report id makes a resend harmless: it is unique per invite.
reports = Table(
    "reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("invite_id", Integer, ForeignKey("invites.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("report_id", String(36), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("kind", String(16), nullable=False),
    # The browser's own moment of the report (its created_at), as it came: shown, not trusted.
    Column("created_at", UTCDateTime),
    # The moment the report counts as made, for ordering: the browser's when it lies between
    # the invite's creation and the receipt, the receipt otherwise (app/invites.py).
    Column("effective_at", UTCDateTime, nullable=False),
    Column("summary", String(24)),
    Column("body", JSON, nullable=False),
    UniqueConstraint("invite_id", "report_id"),
)


# A member of staff. Staff sign in with passkeys only: no password is ever stored. The WebAuthn
# user handle is 32 random bytes (base64url), so that an authenticator never holds the name.
staff = Table(
    "staff",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(80), nullable=False),
    Column("is_admin", Boolean, nullable=False, server_default=false()),
    Column("disabled", Boolean, nullable=False, server_default=false()),
    Column("created_at", UTCDateTime, nullable=False),
    Column("webauthn_user_id", String(64), nullable=False, unique=True),
)

# A staff member's passkey: the credential id (base64url) and its COSE public key.
passkeys = Table(
    "passkeys",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("staff_id", Integer, ForeignKey("staff.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("credential_id", String(1400), nullable=False, unique=True),
    Column("public_key", LargeBinary, nullable=False),
    Column("sign_count", Integer, nullable=False),
    Column("name", String(60), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime),
    # The administrator whose recovery link added this passkey to a person who already had
    # one; empty for every other passkey. The person is told once at their next sign-in
    # (recovery_notice_pending), and the passkeys page always says so.
    Column("added_by", Integer, ForeignKey("staff.id", ondelete="SET NULL")),
    Column("recovery_notice_pending", Boolean, nullable=False, server_default=false()),
)

# A one-time link that lets a staff member register a passkey; only the token's SHA-256 is kept.
enrollments = Table(
    "enrollments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("staff_id", Integer, ForeignKey("staff.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("token_hash", CHAR(64), nullable=False, unique=True),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime),
    # The administrator who made the link (empty from the command line): a passkey added
    # through it to someone who already has one names them.
    Column("issued_by", Integer, ForeignKey("staff.id", ondelete="SET NULL")),
)

# A signed-in staff session: the SHA-256 of the random id in the signed cookie. The cookie
# alone is not enough: signing out deletes the row, so a copy of the cookie stops working.
staff_sessions = Table(
    "staff_sessions",
    metadata,
    Column("id_hash", CHAR(64), primary_key=True),
    Column("staff_id", Integer, ForeignKey("staff.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
)

# What staff did (signed in, enrolled, ...). Never customer data: detail is a short code.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("staff_id", Integer, ForeignKey("staff.id", ondelete="SET NULL"), index=True),
    Column("action", String(40), nullable=False),
    Column("detail", String(200)),
)


# A WebAuthn ceremony under way: its challenge waits here, not in the browser's cookie, and the
# verify step deletes the row, so a challenge is used at most once, even from a copied cookie.
# The session holds only the row's random id; `bound` ties it to an enrollment or staff member.
ceremonies = Table(
    "ceremonies",
    metadata,
    Column("id", CHAR(43), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("challenge", String(128), nullable=False),
    Column("bound", Integer),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
)

# When a periodic job (the daily purge) last ran, shared by every worker and instance.
housekeeping = Table(
    "housekeeping",
    metadata,
    Column("job", String(40), primary_key=True),
    Column("last_run_at", UTCDateTime, nullable=False),
)


# The organisation's profile (app/organisation.py): one row, id 1, made by the first save.
# Names, service names, opening hours and the privacy notice's controller are per language,
# {"fi": "...", "sv": "..."}; an empty field shows nothing on any page.
organisation = Table(
    "organisation",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("names", JSON, nullable=False),
    Column("service_names", JSON, nullable=False),
    Column("hours", JSON, nullable=False),
    Column("controllers", JSON, nullable=False),
    Column("phone", String(32)),
    Column("email", String(254)),
    Column("privacy_contact", String(254)),
    Column("statement_date", Date),
    Column("evaluated_date", Date),
    Column("evaluator", String(120)),
    Column("authority", String(200)),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", Integer, ForeignKey("staff.id", ondelete="SET NULL")),
)

# A message sent with the feedback form (/feedback), which a public body must answer within
# 14 days (Act 306/2019). Contact details are the sender's choice; page is the route's pattern
# (e.g. /r/<token>), never a personal link. Deleted FEEDBACK_RETENTION_DAYS after it arrived.
feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("received_at", UTCDateTime, nullable=False, index=True),
    Column("language", String(8), nullable=False),
    Column("page", String(300)),
    Column("message", String(2000), nullable=False),
    Column("name", String(80)),
    Column("contact", String(200)),
    Column("answered_at", UTCDateTime),
    Column("answered_by", Integer, ForeignKey("staff.id", ondelete="SET NULL")),
)

# Anonymous counters the purge leaves behind (app/outcomes.py): per appointment month, how many
# purged invites had each value of one coarse dimension (device kind, browser family, a check's
# final status, the readiness summary, ...) with each outcome ("none" when nobody recorded one).
# One dimension per row, never a combination, so no row describes a person.
insight_counts = Table(
    "insight_counts",
    metadata,
    Column("month", String(7), primary_key=True),
    Column("dimension", String(24), primary_key=True),
    Column("value", String(32), primary_key=True),
    Column("outcome", String(24), primary_key=True),
    Column("count", Integer, nullable=False),
)
