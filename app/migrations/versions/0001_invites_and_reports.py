"""Invites and their readiness reports.

Revision ID: 0001
Revises:
Create Date: 2026-05-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Written by hand and kept free of app imports, so that it means the same when app/db.py moves on.
# Times are DateTime(timezone=True); app.db.UTCDateTime stores UTC in them.


def upgrade() -> None:
    """Create invites and reports, as app/db.py describes them."""
    op.create_table(
        "invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.CHAR(64), nullable=False),
        sa.Column("appointment_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False, server_default="Europe/Helsinki"),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("reference", sa.String(40), nullable=True),
        sa.Column("teams_url", sa.String(2048), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("latest_summary", sa.String(24), nullable=True),
        sa.Column("latest_path", sa.String(24), nullable=True),
        sa.Column("needs_help", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("prefers_phone", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("id", name="pk_invites"),
        sa.UniqueConstraint("token_hash", name="uq_invites_token_hash"),
    )
    op.create_index("ix_invites_appointment_at", "invites", ["appointment_at"])
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invite_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.String(36), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("summary", sa.String(24), nullable=True),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reports"),
        sa.ForeignKeyConstraint(["invite_id"], ["invites.id"], ondelete="CASCADE",
                                name="fk_reports_invite_id_invites"),
        sa.UniqueConstraint("invite_id", "report_id", name="uq_reports_invite_id_report_id"),
    )
    op.create_index("ix_reports_invite_id", "reports", ["invite_id"])


def downgrade() -> None:
    """Drop reports, then invites."""
    op.drop_index("ix_reports_invite_id", table_name="reports")
    op.drop_table("reports")
    op.drop_index("ix_invites_appointment_at", table_name="invites")
    op.drop_table("invites")
