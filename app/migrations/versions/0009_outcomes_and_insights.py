"""What happened at each appointment, and the anonymous monthly counters kept after the purge.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Written by hand and kept free of app imports, like 0001.


def upgrade() -> None:
    """Give invites an outcome, and create the insight_counts table."""
    with op.batch_alter_table("invites") as batch:
        batch.add_column(sa.Column("outcome", sa.String(24)))
        batch.add_column(sa.Column("outcome_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("outcome_by", sa.Integer()))
        batch.create_foreign_key("fk_invites_outcome_by_staff", "staff", ["outcome_by"], ["id"],
                                 ondelete="SET NULL")
    op.create_table(
        "insight_counts",
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("dimension", sa.String(24), nullable=False),
        sa.Column("value", sa.String(32), nullable=False),
        sa.Column("outcome", sa.String(24), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", "dimension", "value", "outcome",
                                name="pk_insight_counts"),
    )


def downgrade() -> None:
    """Drop the counters and the invites' outcome."""
    op.drop_table("insight_counts")
    with op.batch_alter_table("invites") as batch:
        batch.drop_constraint("fk_invites_outcome_by_staff", type_="foreignkey")
        batch.drop_column("outcome_by")
        batch.drop_column("outcome_at")
        batch.drop_column("outcome")
