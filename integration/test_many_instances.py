"""Many instances: two gunicorns share PostgreSQL and Redis, as behind a load balancer.

A staff member who enrolled and began signing in on instance A finishes on B; a report posted
to A is on B's dashboard; one link's rate limit counts posts to both; the purge and its daily
claim work on PostgreSQL; the migrations make exactly app/db.py's tables there, down and up.
"""

from __future__ import annotations

import http.cookiejar
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import Engine, inspect, select

from app import create_app, db, housekeeping, insights, invites, outcomes
from app.tables import insight_counts
from tests.support.dashboard import rows_of
from tests.support.instances import REPORTS_PER_LINK, Browser, Instances, Postgres
from tests.support.reports import readiness
from tests.support.server import flask
from tests.support.staff import SoftAuthenticator, add_person, enroll, page_csrf, post_json


def _app(database_url: str) -> Flask:
    """An app in this process on database_url, for arranging and inspecting what it holds."""
    return create_app({"TESTING": True, "DATABASE_URL": database_url})


@pytest.fixture(scope="module")
def app(instances: Instances) -> Iterator[Flask]:
    """An app on the instances' own database (migrated by `flask init-db`)."""
    application = _app(instances.database_url)
    yield application
    application.extensions["valmis.db"].dispose()


def _engine(app: Flask) -> Engine:
    """app's engine."""
    engine: Engine = app.extensions["valmis.db"]
    return engine


def _invite(app: Flask, reference: str, appointment_at: datetime | None = None) -> str:
    """A new invite (in two days unless told); its token."""
    with _engine(app).begin() as connection:
        _invite_id, token = invites.create_invite(
            connection, appointment_at=appointment_at or datetime.now(UTC) + timedelta(days=2),
            language="fi", reference=reference)
    return token


def _ready_report() -> dict[str, Any]:
    """A readiness report with every device ready, under a new id."""
    report = readiness()
    report.update(id=str(uuid.uuid4()), summary="ready", warnings=[])
    report["checks"]["camera"] = {"status": "ok", "devices": 1}
    return report


def _post_report(base_url: str, token: str) -> Any:
    """A customer's browser (no cookies) posts a ready report to one instance; the answer."""
    customer = Browser(base_url, http.cookiejar.CookieJar())
    return customer.post(f"/api/v1/invites/{token}/reports", json=_ready_report())


def _row(staff: Browser, reference: str) -> dict[str, Any]:
    """The dashboard's row with this reference, as the instance staff is on sees it live."""
    answer = staff.get("/staff/dashboard/rows")
    assert answer.status_code == 200, answer.status_code
    rows = [row for row in rows_of(answer.get_data(as_text=True))
            if row["reference"] == reference]
    assert len(rows) == 1, answer.get_data(as_text=True)
    return rows[0]


def test_a_report_posted_to_one_instance_is_on_the_others_dashboard(
        app: Flask, instances: Instances) -> None:
    """Enrol on A; sign-in options from A, verify on B; a report to A turns B's row ready.

    One cookie jar for both instances is one browser whose load balancer picks a different
    instance each time: it works only if the session's key (SECRET_KEY) and the ceremony's
    challenge (in the database) are shared.
    """
    jar = http.cookiejar.CookieJar()
    # Browser speaks like Flask's client: tests/support/staff.py's ceremonies take either.
    on_a, on_b = (Browser(url, jar) for url in instances.urls)
    _staff_id, enrollment = add_person(app, "Aino")
    key = SoftAuthenticator()
    assert enroll(on_a, enrollment, key).status_code == 200
    jar.clear()
    assert on_b.get("/staff/dashboard/rows").status_code in (302, 401)

    csrf = page_csrf(on_a)
    options = post_json(on_a, "/staff/sign-in/options", csrf).get_json()
    verified = post_json(on_b, "/staff/sign-in/verify", csrf, {"credential": key.get(options)})
    assert verified.status_code == 200, verified.get_data(as_text=True)

    token = _invite(app, "Many 1")
    assert _row(on_b, "Many 1")["status"] == "not-opened"
    posted = _post_report(instances.urls[0], token)
    assert posted.status_code == 201, posted.get_data(as_text=True)
    row = _row(on_b, "Many 1")
    assert row["status"] == "ready"
    # The camera's result comes first (app/invite_status.py CHECK_NAMES).
    assert row["checks"][0]["mark"] == "ok"
    # Both instances answer the same list for the same signed-in browser.
    assert _row(on_a, "Many 1") == row


def test_one_links_rate_limit_counts_posts_to_both_instances(
        app: Flask, instances: Instances) -> None:
    """Alternating A and B, the link's limit is reached by both together, not by each.

    With counters per instance (or per worker, memory://), neither instance would have seen
    more than three posts, and the next one would go through.
    """
    token, other = _invite(app, "Limited"), _invite(app, "Not limited")
    answers = [_post_report(instances.urls[number % 2], token).status_code
               for number in range(REPORTS_PER_LINK)]
    assert answers == [201] * REPORTS_PER_LINK
    for url in (instances.urls[1], instances.urls[0]):
        refused = _post_report(url, token)
        assert refused.status_code == 429, url
        assert int(refused.headers["Retry-After"]) > 0
    # The limit is the link's, not the address's: another link still gets through on both.
    assert [_post_report(url, other).status_code for url in instances.urls] == [201, 201]
    # The link's counter is in Redis, under the token's hash (app.limits.personal_link_key).
    counters = redis.Redis.from_url(instances.redis_url, decode_responses=True)
    try:
        keys = list(counters.scan_iter("LIMITS:*"))
    finally:
        counters.close()
    assert any(invites.hash_token(token)[:32] in key for key in keys), keys
    assert not any(token in key for key in keys)


def test_purge_and_its_daily_claim_work_on_postgresql(app: Flask,
                                                      instances: Instances) -> None:
    """`flask purge` deletes the expired invite with its report and counts as the day's run."""
    now = datetime.now(UTC)
    expired = _invite(app, "Expired", now - timedelta(days=30))
    with _engine(app).begin() as connection:
        row = invites.find_invite(connection, expired, days=60)
        assert row is not None
        assert invites.record_report(connection, row.id, _ready_report(), now)
    kept = _invite(app, "Kept")

    output = flask(instances.environment, "purge")
    assert "Deleted 1 invite(s)" in output
    with _engine(app).connect() as connection:
        assert invites.find_invite(connection, expired, days=60) is None
        assert invites.find_invite(connection, kept) is not None
        assert connection.execute(select(db.reports).where(
            db.reports.c.invite_id == row.id)).first() is None
        last_run = connection.execute(select(db.housekeeping.c.last_run_at).where(
            db.housekeeping.c.job == housekeeping.JOB)).scalar_one()
    assert abs(last_run - datetime.now(UTC)) < timedelta(minutes=1)
    # The manual purge was today's run; a day later the automatic one claims it.
    assert housekeeping.purge_if_due(_engine(app), 14) is None
    assert housekeeping.purge_if_due(_engine(app), 14, now + timedelta(days=1, minutes=1)) == 0


def test_the_purge_counts_into_the_counters_on_postgresql(app: Flask) -> None:
    """Counting's read-then-update-or-insert works on PostgreSQL: a second purge of the same
    month adds to the counters the first made, and nothing of the invites stays."""
    month_start = datetime(2001, 3, 10, 10, tzinfo=UTC)
    with _engine(app).connect() as connection:
        before = outcomes.all_counts(connection)
    for day, outcome in ((0, "video"), (1, "phone"), (2, "video")):
        token = _invite(app, f"Counted {day}", month_start + timedelta(days=day))
        with _engine(app).begin() as connection:
            row = invites.find_invite(connection, token, days=100_000)
            assert row is not None
            assert invites.record_report(connection, row.id, _ready_report(),
                                         month_start + timedelta(days=day, hours=-1))
            outcomes.record_outcome(connection, row.id, outcome, staff_id=None,
                                    now=month_start + timedelta(days=day, hours=1))
        # One purge after each invite: the second and third find their counters there.
        with _engine(app).begin() as connection:
            assert invites.purge_expired(connection, datetime.now(UTC), 14) >= 1
    with _engine(app).connect() as connection:
        after = outcomes.all_counts(connection)
        left = connection.execute(select(db.invites.c.id).where(
            db.invites.c.reference.like("Counted %"))).all()
    added = {key: count - before.get(key, 0) for key, count in after.items()
             if count != before.get(key, 0)}
    assert left == []
    assert added[("2001-03", "all", "all", "video")] == 2
    assert added[("2001-03", "all", "all", "phone")] == 1
    assert added[("2001-03", "summary", "ready", "video")] == 2
    assert added[("2001-03", "device-kind", "desktop", "phone")] == 1
    assert sum(count for (month, dimension, *_rest), count in added.items()
               if month == "2001-03" and dimension == "browser-family") == 3


def test_the_insights_read_their_months_on_postgresql(app: Flask) -> None:
    """app/insights.py's queries on PostgreSQL: the counted months and one month's counters,
    summed and hidden as on SQLite (a month of 1990, which nothing else writes)."""
    rows = [("1990-01", "all", "all", "video", 30), ("1990-01", "all", "all", "phone", 3),
            ("1990-01", "device-kind", "desktop", "video", 30),
            ("1990-01", "device-kind", "desktop", "phone", 3)]
    with _engine(app).begin() as connection:
        connection.execute(insight_counts.insert(), [
            {"month": month, "dimension": dimension, "value": value, "outcome": outcome,
             "count": count} for month, dimension, value, outcome, count in rows])
    try:
        with _engine(app).connect() as connection:
            counted = insights.counted_months(connection)
            loaded = insights.load_counts(connection, "1990-01", "1990-01")
        assert counted is not None and counted[0] == "1990-01"
        assert sorted(loaded) == sorted(rows)
        found = insights.insights_of(loaded, ["1990-01"])
        assert found.by_month[0].customers.number == 33
        assert not found.cells[("1990-01", "device-kind", "desktop", "phone")].shown
    finally:
        with _engine(app).begin() as connection:
            connection.execute(insight_counts.delete().where(
                insight_counts.c.month == "1990-01"))


def test_demo_data_runs_on_postgresql_only_when_told(app: Flask, instances: Instances) -> None:
    """The instances run in production: demo-data refuses, and with --yes-this-is-demo it
    fills and counts on PostgreSQL."""
    with pytest.raises(AssertionError):
        flask(instances.environment, "demo-data", "--months", "1")
    output = flask(instances.environment, "demo-data", "--months", "1", "--per-day", "2",
                   "--yes-this-is-demo")
    assert "DEMO DATA" in output and "Made " in output
    with _engine(app).begin() as connection:
        demo_left = connection.execute(select(db.invites.c.id).where(
            db.invites.c.reference.like("DEMO-%"))).scalars().all()
        # Leave the shared database as the other tests expect it.
        for invite_id in demo_left:
            invites.delete_invite(connection, invite_id)


def _claim_race(app: Flask, job: str, now: datetime, *, waits: bool) -> list[bool]:
    """Two transactions claim job at once, the second before the first commits; the results.

    When the first has claimed (waits), the second must wait for its row, not claim beside it.
    """
    results: list[bool] = []
    first = _engine(app).connect()
    second = _engine(app).connect()
    try:
        with first.begin():
            results.append(housekeeping.claim(first, job, now, housekeeping.INTERVAL))

            def claim_too() -> None:
                """The other worker, claiming while the first has not committed."""
                with second.begin():
                    results.append(housekeeping.claim(second, job, now, housekeeping.INTERVAL))

            other = threading.Thread(target=claim_too)
            other.start()
            time.sleep(0.3)
            assert other.is_alive() == waits
        other.join(timeout=10)
        assert not other.is_alive()
    finally:
        first.close()
        second.close()
    return results


def test_of_two_workers_claiming_at_once_one_wins(app: Flask) -> None:
    """PostgreSQL's row locks make the claim atomic: for the first run and for a later one."""
    job = f"race-{uuid.uuid4().hex[:8]}"
    now = datetime.now(UTC)
    assert _claim_race(app, job, now, waits=True) == [True, False]
    assert _claim_race(app, job, now + timedelta(hours=1), waits=False) == [False, False]
    assert _claim_race(app, job, now + timedelta(days=1), waits=True) == [True, False]


def _differences(app: Flask) -> list[Any]:
    """What Alembic would change to make app's database match app.db.metadata."""
    with _engine(app).connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True})
        return list(compare_metadata(context, db.metadata))


def test_the_migrations_make_the_metadata_on_postgresql(app: Flask, postgres: Postgres) -> None:
    """`flask init-db` made exactly app/db.py's tables; down to nothing and up again too."""
    assert _differences(app) == []
    fresh = _app(postgres.create_database("valmis_migrations"))
    try:
        db.upgrade(fresh)
        assert _differences(fresh) == []
        config = db.alembic_config()
        with _engine(fresh).begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
            assert set(inspect(connection).get_table_names()) == {"alembic_version"}
        db.upgrade(fresh)
        assert _differences(fresh) == []
        with _engine(fresh).connect() as connection:
            assert set(inspect(connection).get_table_names()) == {
                *db.metadata.tables, "alembic_version"}
    finally:
        _engine(fresh).dispose()
