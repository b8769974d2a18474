"""Server-side WebAuthn challenges, housekeeping runs, report ordering and check summaries.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Written by hand and kept free of app imports, like 0001.


def upgrade() -> None:
    """Add ceremonies and housekeeping; invites and reports learn the browser's moment."""
    op.create_table(
        "ceremonies",
        sa.Column("id", sa.CHAR(43), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("challenge", sa.String(128), nullable=False),
        sa.Column("bound", sa.Integer(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ceremonies"),
    )
    op.create_index("ix_ceremonies_expires_at", "ceremonies", ["expires_at"])
    op.create_table(
        "housekeeping",
        sa.Column("job", sa.String(40), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("job", name="pk_housekeeping"),
    )
    # batch_alter_table: SQLite alters a table by copying it; PostgreSQL alters in place.
    with op.batch_alter_table("invites") as batch:
        batch.add_column(sa.Column("latest_report_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("latest_checks", sa.JSON()))
        batch.add_column(sa.Column("latest_device", sa.JSON()))
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("created_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    """Remove what upgrade added."""
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("created_at")
    with op.batch_alter_table("invites") as batch:
        batch.drop_column("latest_device")
        batch.drop_column("latest_checks")
        batch.drop_column("latest_report_at")
    op.drop_index("ix_ceremonies_expires_at", table_name="ceremonies")
    op.drop_table("housekeeping")
    op.drop_table("ceremonies")
