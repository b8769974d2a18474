"""The daily purge, run by the app itself: at most once a day across every worker and instance.

A worker looks at most every CHECK_SECONDS whether a day has passed since the last run
(kept in the housekeeping table); the one whose UPDATE claims the run purges, after the
response has gone, so that no visitor waits for it. `flask purge` does the same by hand.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta

from flask import Flask, Response, current_app
from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from app import accounts, db, feedback, invites

JOB = "purge"
INTERVAL = timedelta(days=1)
CHECK_SECONDS = 600

log = logging.getLogger(__name__)


def claim(connection: Connection, job: str, now: datetime, interval: timedelta) -> bool:
    """True when job is due and this caller has claimed it (recording now as its last run).

    The UPDATE's condition makes the claim atomic: of two workers, only one changes the row.
    """
    claimed = connection.execute(
        update(db.housekeeping)
        .where(db.housekeeping.c.job == job, db.housekeeping.c.last_run_at <= now - interval)
        .values(last_run_at=now)).rowcount == 1
    if claimed:
        return True
    if connection.execute(select(db.housekeeping.c.job)
                          .where(db.housekeeping.c.job == job)).first() is not None:
        return False
    # The very first run: whoever inserts the row runs it. ON CONFLICT DO NOTHING keeps the
    # loser's transaction usable (on PostgreSQL an IntegrityError would abort it); RETURNING
    # says who inserted, as an INSERT's rowcount need not (app.invites._insert_once).
    dialect = connection.dialect.name
    if dialect in ("sqlite", "postgresql"):
        module = sqlite if dialect == "sqlite" else postgresql
        statement = module.insert(db.housekeeping).values(
            job=job, last_run_at=now).on_conflict_do_nothing(
            index_elements=["job"]).returning(db.housekeeping.c.job)
        return connection.execute(statement).first() is not None
    try:
        connection.execute(insert(db.housekeeping).values(job=job, last_run_at=now))
    except IntegrityError:
        return False
    return True


def purge_if_due(engine: Engine, retention_days: int, now: datetime | None = None, *,
                 feedback_days: int | None = None) -> int | None:
    """Purge expired invites (and, with feedback_days, old feedback) when a day has passed
    since the last purge; the count of invites, or None."""
    now = now or datetime.now(UTC)
    with engine.begin() as connection:
        if not claim(connection, JOB, now, INTERVAL):
            return None
        count = invites.purge_expired(connection, now, retention_days)
        accounts.audit(connection, "purge-automatic", detail=str(count), now=now)
        if feedback_days is not None:
            gone = feedback.purge_feedback(connection, now, feedback_days)
            if gone:
                accounts.audit(connection, "purge-feedback", detail=str(gone), now=now)
    return count


def record_manual_run(connection: Connection, now: datetime) -> None:
    """`flask purge` ran: the automatic one need not run again for a day."""
    if not claim(connection, JOB, now, timedelta(0)):
        connection.execute(update(db.housekeeping).where(db.housekeeping.c.job == JOB)
                           .values(last_run_at=now))


class _Schedule:
    """When this process last looked; a lock keeps two threads from looking at once."""

    def __init__(self) -> None:
        """Nothing looked at yet."""
        self.next_check = 0.0
        self.lock = threading.Lock()

    def due(self) -> bool:
        """True at most once every CHECK_SECONDS in this process."""
        now = time.monotonic()
        with self.lock:
            if now < self.next_check:
                return False
            self.next_check = now + CHECK_SECONDS
            return True


def init_app(app: Flask) -> None:
    """Look after requests (after the response is sent) whether the daily purge is due."""
    if not app.config["AUTO_PURGE"]:
        return
    schedule = _Schedule()
    app.extensions["valmis.housekeeping"] = schedule

    @app.after_request
    def look_after_response(response: Response) -> Response:
        """Schedule the check for when the response has been sent."""
        if schedule.due():
            engine = db.engine()
            days = current_app.config["RETENTION_DAYS"]
            feedback_days = current_app.config["FEEDBACK_RETENTION_DAYS"]
            response.call_on_close(lambda: _purge_quietly(engine, days, feedback_days))
        return response


def _purge_quietly(engine: Engine, days: int, feedback_days: int) -> None:
    """purge_if_due, logging instead of raising: a failed purge is tried again later."""
    try:
        count = purge_if_due(engine, days, feedback_days=feedback_days)
    except SQLAlchemyError:
        log.exception("The automatic purge failed; it is tried again later")
        return
    if count is not None:
        log.info("Automatic purge deleted %d invite(s) past retention", count)
