"""Reports get the moment they count as made, so that a browser's wrong clock cannot outrank
the server's receipt.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Written by hand and kept free of app imports, like 0001. Lightweight tables for the data.
_invites = sa.table(
    "invites", sa.column("id", sa.Integer()), sa.column("created_at", sa.DateTime()),
    sa.column("latest_summary", sa.String()), sa.column("latest_path", sa.String()),
    sa.column("latest_report_at", sa.DateTime()), sa.column("latest_checks", sa.JSON()),
    sa.column("latest_device", sa.JSON()))
_reports = sa.table(
    "reports", sa.column("id", sa.Integer()), sa.column("invite_id", sa.Integer()),
    sa.column("kind", sa.String()), sa.column("received_at", sa.DateTime()),
    sa.column("created_at", sa.DateTime()), sa.column("effective_at", sa.DateTime()),
    sa.column("body", sa.JSON()))


def upgrade() -> None:
    """Add reports.effective_at from what is stored, then repair the summaries it changes."""
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("effective_at", sa.DateTime(timezone=True)))
    # The browser's moment stands where it could be true: not before its invite existed and
    # not after the server received it. Both databases compare these UTC values correctly.
    invite_created = (sa.select(_invites.c.created_at)
                      .where(_invites.c.id == _reports.c.invite_id).scalar_subquery())
    op.execute(_reports.update().values(effective_at=sa.case(
        (sa.and_(_reports.c.created_at.is_not(None),
                 _reports.c.created_at <= _reports.c.received_at,
                 _reports.c.created_at >= invite_created), _reports.c.created_at),
        else_=_reports.c.received_at)))
    with op.batch_alter_table("reports") as batch:
        batch.alter_column("effective_at", existing_type=sa.DateTime(timezone=True),
                           nullable=False)
    _repair_summaries()


def _repair_summaries() -> None:
    """Invites whose summary came from a report that now counts as earlier (a future date)
    take it from their newest readiness report by effective moment instead."""
    connection = op.get_bind()
    newest: dict[int, Any] = {}
    for row in connection.execute(
            sa.select(_reports.c.invite_id, _reports.c.effective_at, _reports.c.body)
            .where(_reports.c.kind == "readiness")
            .order_by(_reports.c.invite_id, _reports.c.effective_at, _reports.c.id)):
        newest[row.invite_id] = row
    for invite in connection.execute(sa.select(_invites.c.id, _invites.c.latest_report_at)):
        report = newest.get(invite.id)
        if report is None or invite.latest_report_at == report.effective_at:
            continue
        body = report.body if isinstance(report.body, dict) else {}
        device = body.get("device") or {}
        checks = body.get("checks") or {}
        connection.execute(_invites.update().where(_invites.c.id == invite.id).values(
            latest_summary=body.get("summary"), latest_path=body.get("path"),
            latest_report_at=report.effective_at,
            latest_checks={name: check.get("status") for name, check in checks.items()},
            latest_device={key: device[key] for key in ("form", "os", "browser", "choice")
                           if device.get(key) is not None}))


def downgrade() -> None:
    """Drop reports.effective_at; repaired summaries stay repaired."""
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("effective_at")
