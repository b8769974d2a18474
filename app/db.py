"""The database: SQLAlchemy Core tables and engine; SQLite by default, any URL by DATABASE_URL."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from sqlalchemy import Engine, MetaData, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

metadata = MetaData()

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


def create_schema(target: Engine) -> None:
    """Create every table that does not exist yet."""
    metadata.create_all(target)


def is_reachable(target: Engine) -> bool:
    """True when a trivial query succeeds."""
    try:
        with target.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True


def init_app(app: Flask) -> None:
    """Make the engine for this app and add the `flask init-db` command."""
    app.extensions[_EXTENSION] = make_engine(app.config["DATABASE_URL"])

    @app.cli.command("init-db")
    def init_db_command() -> None:
        """Create the database and its tables (safe to run again)."""
        create_schema(engine())
        click.echo(f"Database ready: {make_url(app.config['DATABASE_URL']).render_as_string()}")


def forget_connections(app: Flask) -> None:
    """Drop pooled connections inherited from a parent process without closing them."""
    app.extensions[_EXTENSION].dispose(close=False)
