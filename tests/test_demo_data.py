"""`flask demo-data`: plausible, clearly marked demo data for a development database only."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from app import db, demo, outcomes
from app.report_contract import validate_report
from app.tables import insight_counts, reports
from tests.support.app import migrated_app

NOW = datetime(2026, 11, 18, 13, 0, tzinfo=UTC)


def _totals(counts: dict[tuple[str, str, str, str], int], dimension: str) -> dict[str, int]:
    """Each value's count in one dimension, over months and outcomes."""
    totals: dict[str, int] = {}
    for (_month, name, value, _outcome), count in counts.items():
        if name == dimension:
            totals[value] = totals.get(value, 0) + count
    return totals


def _video_share(counts: dict[tuple[str, str, str, str], int], summary: str) -> float:
    """The share joining by video without help among purged invites with this summary."""
    cells = {outcome: count for (_m, dimension, value, outcome), count in counts.items()
             if dimension == "summary" and value == summary}
    totals: dict[str, int] = {}
    for outcome, count in cells.items():
        totals[outcome] = totals.get(outcome, 0) + count
    return totals.get("video", 0) / sum(totals.values())


def test_the_command_fills_counts_and_marks_its_data(app: Flask) -> None:
    """A few hundred DEMO- invites; what is past retention is purged into counters whose every
    dimension totals the invites purged; the rest stay for the dashboard."""
    result = app.test_cli_runner().invoke(args=["demo-data", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "DEMO DATA" in result.output
    said = re.search(r"Made (\d+) demo invite.*Purged (\d+) invite", result.output, re.S)
    assert said
    made, purged = (int(n) for n in said.groups())
    assert made >= 300 and purged >= 200
    engine = app.extensions["valmis.db"]
    with engine.connect() as connection:
        counts = outcomes.all_counts(connection)
        left = connection.execute(select(db.invites.c.reference)).scalars().all()
        bodies = connection.execute(select(reports.c.body)).scalars().all()
    assert len(left) == made - purged
    assert all(reference.startswith(demo.REFERENCE_PREFIX) for reference in left)
    for dimension in outcomes.DIMENSIONS:
        assert sum(_totals(counts, dimension).values()) == purged, dimension
    # Stored through the API's contract: every report left is a valid one.
    assert bodies and all(validate_report(body) for body in bodies)
    # Plausible: most computers and phones on the usual browsers, most ready, some help, and
    # readiness predicts a smooth join.
    browsers = _totals(counts, "browser-family")
    assert browsers["chrome"] > browsers["firefox"] and browsers["safari"] > browsers["firefox"]
    summaries = _totals(counts, "summary")
    assert summaries["ready"] > summaries["not-ready"] > 0
    assert 0 < _totals(counts, "asked-help")["yes"] < purged / 4
    assert _totals(counts, "used-wizard")["no"] > 0
    assert _video_share(counts, "ready") > _video_share(counts, "not-ready") + 0.2
    assert len({month for (month, *_rest) in counts}) >= 4


def test_it_refuses_a_production_configuration(app: Flask) -> None:
    """Outside development and testing, only --yes-this-is-demo lets it run."""
    app.config["ENV_NAME"] = "production"
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 2
    assert "demo data is for a development database only" in result.output
    with app.extensions["valmis.db"].connect() as connection:
        assert connection.execute(select(func.count()).select_from(db.invites)).scalar_one() == 0
        assert connection.execute(
            select(func.count()).select_from(insight_counts)).scalar_one() == 0
    result = app.test_cli_runner().invoke(args=["demo-data", "--yes-this-is-demo",
                                                "--months", "1"])
    assert result.exit_code == 0, result.output


def _made(tmp_path: Path, name: str, seed: int) -> tuple[Any, ...]:
    """What generate() makes on a fresh database: its counters and the invites left."""
    with migrated_app(tmp_path / f"{name}.db") as application:
        engine = application.extensions["valmis.db"]
        with engine.begin() as connection:
            demo.generate(connection, seed=seed, now=NOW, months=2)
        with engine.connect() as connection:
            left = connection.execute(select(
                db.invites.c.reference, db.invites.c.appointment_at, db.invites.c.outcome,
                db.invites.c.latest_summary).order_by(db.invites.c.id)).all()
            return outcomes.all_counts(connection), [tuple(row) for row in left]


def test_the_same_seed_makes_the_same_data(tmp_path: Path) -> None:
    """Deterministic with --seed; another seed makes other data."""
    first = _made(tmp_path, "a", 3)
    assert first == _made(tmp_path, "b", 3)
    assert first != _made(tmp_path, "c", 4)
    assert first[0] and first[1]
