"""The database's engine for an app: SQLite by default, any URL by DATABASE_URL.

The schema is made by the Alembic migrations in app/migrations/ (`flask init-db`); the tables
they must produce are in app/tables.py, and a test compares the two.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

# The tables live in app/tables.py (no Flask); the app reaches them as db.invites etc.
from app.tables import (  # noqa: F401  (re-exported)
    UTCDateTime,
    audit_log,
    ceremonies,
    enrollments,
    housekeeping,
    invites,
    metadata,
    passkeys,
    reports,
    staff,
    staff_sessions,
)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

_EXTENSION = "valmis.db"


def make_engine(url: str) -> Engine:
    """An engine for url; SQLite gets WAL, a busy timeout and foreign keys on every connection."""
    parsed = make_url(url)
    options: dict[str, Any] = {"pool_pre_ping": True}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            # A folder that cannot be made shows up as an unhealthy database, not a crash.
            with contextlib.suppress(OSError):
                Path(database).parent.mkdir(parents=True, exist_ok=True)
        options = {"connect_args": {"timeout": 15}}
    engine = create_engine(parsed, **options)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _tune_sqlite)
    return engine


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers and one writer work at once; the timeout waits out a busy writer."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def engine() -> Engine:
    """The current app's engine."""
    result: Engine = current_app.extensions[_EXTENSION]
    return result


def alembic_config() -> Any:
    """Alembic's settings for app/migrations, without an alembic.ini."""
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(app: Flask, revision: str = "head") -> None:
    """Migrate app's database to revision (the newest by default), in one transaction."""
    from alembic import command

    config = alembic_config()
    with app.extensions[_EXTENSION].connect() as connection:
        # SQLite alters a table by copying it and dropping the old one. With foreign keys on,
        # dropping invites would delete every report (ON DELETE CASCADE), so SQLite's own
        # procedure is followed: keys off outside the transaction, checked before the commit.
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                # env.py migrates this connection instead of making its own app and engine.
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"the migration broke {len(broken)} references")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def is_reachable(target: Engine) -> bool:
    """True when a trivial query succeeds."""
    try:
        with target.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True


def init_app(app: Flask) -> None:
    """Make the engine for this app and add the `flask init-db` and `flask db-upgrade` commands."""
    app.extensions[_EXTENSION] = make_engine(app.config["DATABASE_URL"])

    def upgrade_command() -> None:
        """Create the database or migrate it to the newest schema (safe to run again)."""
        upgrade(app)
        click.echo(f"Database ready: {make_url(app.config['DATABASE_URL']).render_as_string()}")

    # Two names for one command: `init-db` is what make and the Dockerfile have always run.
    app.cli.command("init-db")(upgrade_command)
    app.cli.command("db-upgrade")(upgrade_command)


def forget_connections(app: Flask) -> None:
    """Drop pooled connections inherited from a parent process without closing them."""
    app.extensions[_EXTENSION].dispose(close=False)
