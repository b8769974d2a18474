"""The daily purge the app runs on its own, and its claim that only one worker may win."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app import db, housekeeping, invites
from tests.support.app import migrated_app

NOW = datetime(2099, 6, 1, 12, 0, tzinfo=UTC)


def add_invite(app: Flask, appointment_at: datetime) -> int:
    """An invite for appointment_at; its id."""
    with app.extensions["valmis.db"].begin() as connection:
        return invites.create_invite(connection, appointment_at=appointment_at,
                                     language="fi")[0]


def invite_ids(app: Flask) -> list[int]:
    """The ids of the invites left."""
    with app.extensions["valmis.db"].connect() as connection:
        return list(connection.execute(select(db.invites.c.id).order_by(db.invites.c.id))
                    .scalars())


def test_the_first_claim_wins_and_a_second_waits_a_day(app: Flask) -> None:
    """No row yet: the first caller claims. Then nobody until a day has passed, then one."""
    engine = app.extensions["valmis.db"]
    day = timedelta(days=1)
    with engine.begin() as connection:
        assert housekeeping.claim(connection, "job", NOW, day)
        assert not housekeeping.claim(connection, "job", NOW, day)
        assert not housekeeping.claim(connection, "job", NOW + day - timedelta(seconds=1), day)
        assert housekeeping.claim(connection, "job", NOW + day, day)
        assert not housekeeping.claim(connection, "job", NOW + day, day)


def test_purge_if_due_purges_once_a_day_and_audits(app: Flask) -> None:
    """Expired invites go on the first call; the next call the same day does nothing."""
    engine = app.extensions["valmis.db"]
    expired = add_invite(app, NOW - timedelta(days=15))
    kept = add_invite(app, NOW - timedelta(days=13))
    assert housekeeping.purge_if_due(engine, 14, NOW) == 1
    assert invite_ids(app) == [kept]
    add_invite(app, NOW - timedelta(days=20))
    assert housekeeping.purge_if_due(engine, 14, NOW + timedelta(hours=23)) is None
    assert len(invite_ids(app)) == 2
    assert housekeeping.purge_if_due(engine, 14, NOW + timedelta(days=1)) == 1
    with engine.connect() as connection:
        audit = connection.execute(select(db.audit_log.c.action, db.audit_log.c.detail,
                                          db.audit_log.c.staff_id)).all()
    assert [tuple(row) for row in audit] == [("purge-automatic", "1", None)] * 2
    assert expired not in invite_ids(app)


def test_a_manual_purge_postpones_the_automatic_one(app: Flask, runner: Any) -> None:
    """`flask purge` records its run: the automatic one waits a day from it."""
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    add_invite(app, datetime.now(UTC) - timedelta(days=30))
    engine = app.extensions["valmis.db"]
    assert housekeeping.purge_if_due(engine, 14) is None
    assert housekeeping.purge_if_due(engine, 14, datetime.now(UTC) + timedelta(days=1)) == 1


@pytest.fixture
def auto_app(tmp_path: Path) -> Iterator[Flask]:
    """An app with the automatic purge on, as outside tests."""
    with migrated_app(tmp_path / "auto.db", AUTO_PURGE=True) as application:
        yield application


def test_a_request_runs_the_purge_after_its_response(auto_app: Flask) -> None:
    """The first request of a process purges once its response is closed; the next request
    within CHECK_SECONDS does not even look."""
    expired = add_invite(auto_app, datetime.now(UTC) - timedelta(days=30))
    client = auto_app.test_client()
    response = client.get("/healthz")
    assert response.status_code == 200
    response.close()
    assert expired not in invite_ids(auto_app)
    again = add_invite(auto_app, datetime.now(UTC) - timedelta(days=30))
    client.get("/healthz").close()
    assert again in invite_ids(auto_app)


def test_the_automatic_purge_is_off_when_configured(app: Flask) -> None:
    """AUTO_PURGE=false (the tests' default) adds no hook."""
    expired = add_invite(app, datetime.now(UTC) - timedelta(days=30))
    app.test_client().get("/healthz").close()
    assert expired in invite_ids(app)
    assert "valmis.housekeeping" not in app.extensions
