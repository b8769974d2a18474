"""The database: the migrations make exactly the tables app/db.py describes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import insert, inspect, select
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
