"""Who made each invite, who issued each enrollment link, and passkeys added by recovery.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Written by hand and kept free of app imports, like 0001.


def upgrade() -> None:
    """Add invites.created_by, enrollments.issued_by, passkeys.added_by and its notice flag."""
    # batch_alter_table: SQLite alters a table by copying it; PostgreSQL alters in place.
    with op.batch_alter_table("invites") as batch:
        batch.add_column(sa.Column("created_by", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_invites_created_by_staff", "staff", ["created_by"],
                                 ["id"], ondelete="SET NULL")
    with op.batch_alter_table("enrollments") as batch:
        batch.add_column(sa.Column("issued_by", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_enrollments_issued_by_staff", "staff", ["issued_by"],
                                 ["id"], ondelete="SET NULL")
    with op.batch_alter_table("passkeys") as batch:
        batch.add_column(sa.Column("added_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("recovery_notice_pending", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.create_foreign_key("fk_passkeys_added_by_staff", "staff", ["added_by"],
                                 ["id"], ondelete="SET NULL")


def downgrade() -> None:
    """Remove what upgrade added."""
    with op.batch_alter_table("passkeys") as batch:
        batch.drop_constraint("fk_passkeys_added_by_staff", type_="foreignkey")
        batch.drop_column("recovery_notice_pending")
        batch.drop_column("added_by")
    with op.batch_alter_table("enrollments") as batch:
        batch.drop_constraint("fk_enrollments_issued_by_staff", type_="foreignkey")
        batch.drop_column("issued_by")
    with op.batch_alter_table("invites") as batch:
        batch.drop_constraint("fk_invites_created_by_staff", type_="foreignkey")
        batch.drop_column("created_by")
