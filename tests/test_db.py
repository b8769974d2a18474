"""The database: the migrations make exactly the tables app/db.py describes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import column, insert, inspect, select, table
from sqlalchemy.exc import StatementError

from app import db


def test_migrated_schema_equals_metadata(app: Flask) -> None:
    """Alembic finds nothing to change between the migrated database and app.db.metadata."""
    with app.extensions["valmis.db"].connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True})
        assert compare_metadata(context, db.metadata) == []


def test_migrations_reach_head_and_can_run_again(app: Flask) -> None:
    """The database is at the newest revision, and upgrading again changes nothing."""
    db.upgrade(app)
    with app.extensions["valmis.db"].connect() as connection:
        head = ScriptDirectory.from_config(db.alembic_config()).get_current_head()
        assert MigrationContext.configure(connection).get_current_revision() == head
        assert {"invites", "reports", "ceremonies"} <= set(inspect(connection).get_table_names())


def test_every_migration_goes_down_and_up_again(app: Flask) -> None:
    """Each revision's downgrade undoes it: down to the first and back up leaves no difference."""
    db.upgrade(app)
    from alembic import command
    config = db.alembic_config()
    with app.extensions["valmis.db"].begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
        assert "ceremonies" not in inspect(connection).get_table_names()
    db.upgrade(app)
    with app.extensions["valmis.db"].connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True})
        assert compare_metadata(context, db.metadata) == []


@pytest.mark.parametrize("command", ["init-db", "db-upgrade"])
def test_commands_migrate(runner: Any, command: str) -> None:
    """`flask init-db` and its alias `flask db-upgrade` migrate and say where."""
    result = runner.invoke(args=[command])
    assert result.exit_code == 0, result.output
    assert "Database ready" in result.output


def test_times_come_back_in_utc(app: Flask) -> None:
    """A time stored with any offset is read back as the same moment, timezone-aware in UTC."""
    helsinki = timezone(timedelta(hours=2))
    moment = datetime(2099, 12, 3, 14, 0, tzinfo=helsinki)
    with app.extensions["valmis.db"].begin() as connection:
        connection.execute(insert(db.invites).values(
            token_hash="0" * 64, appointment_at=moment, language="fi", created_at=moment))
        stored = connection.execute(select(db.invites.c.appointment_at)).scalar_one()
    assert stored == moment and stored.tzinfo == UTC
    assert stored.hour == 12


def test_naive_times_are_refused(app: Flask) -> None:
    """A time without a zone is ambiguous, so it is not stored."""
    with pytest.raises(StatementError, match="naive"), app.extensions["valmis.db"].begin() as c:
        c.execute(insert(db.invites).values(
            token_hash="1" * 64, appointment_at=datetime(2099, 12, 3, 14, 0),
            language="fi", created_at=datetime.now(UTC)))


def _downgrade(app: Flask, revision: str) -> None:
    """Migrate app's database down to revision."""
    from alembic import command
    config = db.alembic_config()
    with app.extensions["valmis.db"].begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_report_moments_migration_bounds_the_browsers_clock(app: Flask) -> None:
    """0006 gives each stored report its effective moment (the browser's only between the
    invite's creation and the receipt) and takes an invite's summary away from a report
    dated in the future, back to its newest real one; other invites stay as they were."""
    _downgrade(app, "0005")
    made = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    future = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    # The reports table as 0005 left it: without effective_at.
    reports_0004 = table("reports", *[column(c.name, c.type) for c in db.reports.c
                                      if c.name != "effective_at"])

    def report(invite_id: int, number: int, claimed: datetime, received: datetime,
               summary: str, path: str) -> dict[str, Any]:
        """A readiness report's row as 0004 stored it."""
        body = {"kind": "readiness", "summary": summary, "path": path,
                "checks": {"camera": {"status": "ok"}}, "device": {"form": "phone"}}
        return {"invite_id": invite_id, "report_id": f"{number:036d}", "received_at": received,
                "kind": "readiness", "created_at": claimed, "summary": summary, "body": body}

    with app.extensions["valmis.db"].begin() as connection:
        for invite_id, summary in ((1, "ready"), (2, "not-ready")):
            connection.execute(insert(db.invites).values(
                id=invite_id, token_hash=str(invite_id) * 64, appointment_at=made,
                language="fi", created_at=made, latest_summary=summary, latest_path="web",
                latest_report_at=future if invite_id == 1 else made + timedelta(minutes=1)))
        connection.execute(insert(reports_0004), [
            report(1, 1, future, made + timedelta(minutes=1), "ready", "web"),
            report(1, 2, made + timedelta(minutes=2), made + timedelta(minutes=2),
                   "not-ready", "app"),
            report(2, 3, made + timedelta(minutes=1), made + timedelta(minutes=5),
                   "not-ready", "web"),
        ])
    db.upgrade(app)
    with app.extensions["valmis.db"].connect() as connection:
        moments = dict(connection.execute(select(db.reports.c.report_id,
                                                 db.reports.c.effective_at)).all())
        invite_rows = {row.id: row for row in connection.execute(select(db.invites))}
    assert moments == {f"{1:036d}": made + timedelta(minutes=1),
                       f"{2:036d}": made + timedelta(minutes=2),
                       f"{3:036d}": made + timedelta(minutes=1)}
    repaired = invite_rows[1]
    assert (repaired.latest_summary, repaired.latest_path) == ("not-ready", "app")
    assert repaired.latest_report_at == made + timedelta(minutes=2)
    assert repaired.latest_checks == {"camera": "ok"}
    assert repaired.latest_device == {"form": "phone"}
    untouched = invite_rows[2]
    assert (untouched.latest_summary, untouched.latest_checks) == ("not-ready", None)


def test_a_migration_that_copies_invites_keeps_their_reports(app: Flask) -> None:
    """SQLite alters invites by copying the table and dropping the old one. With foreign keys
    on, the drop would cascade to every report; db.upgrade turns them off for the migration
    and checks them before committing, so 0009's change to invites loses nothing."""
    _downgrade(app, "0008")
    moment = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    invites_0008 = table("invites", *[column(c.name, c.type) for c in db.invites.c
                                      if not c.name.startswith("outcome")])
    with app.extensions["valmis.db"].begin() as connection:
        connection.execute(insert(invites_0008).values(
            id=7, token_hash="7" * 64, appointment_at=moment, language="fi", created_at=moment))
        connection.execute(insert(db.reports).values(
            invite_id=7, report_id="0" * 36, received_at=moment, kind="readiness",
            effective_at=moment, body={}))
    db.upgrade(app)
    with app.extensions["valmis.db"].connect() as connection:
        assert connection.execute(select(db.reports.c.invite_id)).scalars().all() == [7]
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
