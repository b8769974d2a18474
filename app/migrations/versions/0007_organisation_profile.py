"""The organisation's profile: whose service this is, its help line and its statements' facts.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Written by hand and kept free of app imports, like 0001.


def upgrade() -> None:
    """Create the organisation table; it stays empty until an administrator saves the profile."""
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("service_names", sa.JSON(), nullable=False),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("controllers", sa.JSON(), nullable=False),
        sa.Column("phone", sa.String(32)),
        sa.Column("email", sa.String(254)),
        sa.Column("privacy_contact", sa.String(254)),
        sa.Column("statement_date", sa.Date()),
        sa.Column("evaluated_date", sa.Date()),
        sa.Column("evaluator", sa.String(120)),
        sa.Column("authority", sa.String(200)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer()),
        sa.PrimaryKeyConstraint("id", name="pk_organisation"),
        sa.ForeignKeyConstraint(["updated_by"], ["staff.id"], ondelete="SET NULL",
                                name="fk_organisation_updated_by_staff"),
    )


def downgrade() -> None:
    """Drop the organisation table."""
    op.drop_table("organisation")
