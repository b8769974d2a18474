"""Feedback sent with the form at /feedback, for administrators to answer within 14 days.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Written by hand and kept free of app imports, like 0001.


def upgrade() -> None:
    """Create the feedback table."""
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("page", sa.String(300)),
        sa.Column("message", sa.String(2000), nullable=False),
        sa.Column("name", sa.String(80)),
        sa.Column("contact", sa.String(200)),
        sa.Column("answered_at", sa.DateTime(timezone=True)),
        sa.Column("answered_by", sa.Integer()),
        sa.PrimaryKeyConstraint("id", name="pk_feedback"),
        sa.ForeignKeyConstraint(["answered_by"], ["staff.id"], ondelete="SET NULL",
                                name="fk_feedback_answered_by_staff"),
    )
    op.create_index("ix_feedback_received_at", "feedback", ["received_at"])


def downgrade() -> None:
    """Drop the feedback table."""
    op.drop_index("ix_feedback_received_at", table_name="feedback")
    op.drop_table("feedback")
