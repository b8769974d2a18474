"""Alembic's entry: migrate the app's database, or the connection app.db.upgrade hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from app.tables import metadata

config = context.config


def run_migrations(connection: Connection) -> None:
    """Run the pending migrations on connection, comparing against app.db.metadata."""
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    """Write the SQL for the database at DATABASE_URL instead of running it (alembic --sql)."""
    from app import create_app

    app = create_app()
    context.configure(url=app.config["DATABASE_URL"], target_metadata=metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Migrate the given connection, or the database of the app that DATABASE_URL names."""
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    from app import create_app, db

    app = create_app()
    with app.app_context(), db.engine().begin() as own:
        run_migrations(own)


if context.is_offline_mode():
    run_offline()
else:
    run_online()
