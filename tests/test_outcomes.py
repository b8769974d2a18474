"""Outcomes and the anonymous counters the purge leaves behind (issue 20).

The purge's promise: nothing personal of a purged invite remains, and the counters are exactly
the sums of what was purged, once each, in the same transaction as the deletion.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, delete, func, select, update

from app import db, invites, outcomes
from app.report_contract import CHECK_STATUSES, PATHS, SUMMARIES
from app.tables import audit_log, insight_counts, reports

NOW = datetime(2099, 12, 1, 9, 0, tzinfo=UTC)
DAYS = 14
CUTOFF = NOW - timedelta(days=DAYS)


def _readiness(number: int) -> dict[str, Any]:
    """A valid readiness report with its own id."""
    return {"version": 1, "id": f"00000000-0000-4000-8000-{number:012d}", "kind": "readiness",
            "created_at": "2099-10-01T09:00:00.000Z", "path": "web", "device": {},
            "checks": {name: {"status": "ok"} for name in
                       ("camera", "microphone", "speaker", "connection", "browser")},
            "summary": "ready", "warnings": [], "problems": []}


def _invite(connection: Connection, appointment_at: datetime, *, zone: str = "Europe/Helsinki",
            reference: str | None = "ABC-1", **columns: Any) -> int:
    """An invite with one stored report, then its summary columns set as given."""
    invite_id, _token = invites.create_invite(
        connection, appointment_at=appointment_at, language="fi", reference=reference,
        timezone=zone, now=appointment_at - timedelta(days=3))
    invites.record_report(connection, invite_id, _readiness(invite_id), appointment_at)
    if columns:
        connection.execute(update(db.invites).where(db.invites.c.id == invite_id)
                           .values(**columns))
    return invite_id


@pytest.fixture
def engine(app: Flask) -> Any:
    """The test database's engine."""
    return app.extensions["valmis.db"]


# ---- the values of one invite ------------------------------------------------------------


def test_each_dimension_takes_one_coarse_value() -> None:
    """A full row gives its words; the dimensions are exactly DIMENSIONS."""
    values = outcomes.dimension_values({
        "opened_at": NOW, "needs_help": True, "latest_path": "web", "latest_summary": "ready",
        "latest_device": {"form": "phone", "os": "android", "browser": "chrome"},
        "latest_checks": {"camera": "ok", "microphone": "warning", "speaker": "not-heard",
                          "media": "good"},
    })
    assert tuple(values) == outcomes.DIMENSIONS
    assert values == {
        "all": "all", "used-wizard": "yes", "device-kind": "phone", "os-family": "android",
        "browser-family": "chrome", "path": "web", "camera": "ok", "microphone": "warning",
        "speaker": "not-heard", "connection": outcomes.NOT_RUN, "summary": "ready",
        "asked-help": "yes"}


def test_anything_outside_the_vocabulary_is_unknown() -> None:
    """Versions, free text and missing values never reach the counters."""
    values = outcomes.dimension_values({
        "opened_at": None, "needs_help": False, "latest_path": "Chrome 131",
        "latest_summary": None, "latest_device": {"form": "bot", "os": "windows 11",
                                                  "browser": "chrome/131.0"},
        "latest_checks": {"camera": "great", "microphone": None}})
    assert values["device-kind"] == values["os-family"] == values["browser-family"] == "unknown"
    assert values["path"] == values["summary"] == values["camera"] == "unknown"
    assert values["microphone"] == outcomes.NOT_RUN
    assert values["used-wizard"] == values["asked-help"] == "no"
    nothing = outcomes.dimension_values({"latest_device": None, "latest_checks": None})
    assert nothing["camera"] == nothing["connection"] == outcomes.NOT_RUN
    assert nothing["device-kind"] == "unknown"


def test_the_month_is_the_invites_own() -> None:
    """00:30 on 1 March in Helsinki is still 28 February in UTC, and counts in March."""
    moment = datetime(2099, 2, 28, 22, 30, tzinfo=UTC)
    assert outcomes.month_of(moment, "Europe/Helsinki") == "2099-03"
    assert outcomes.month_of(moment, "UTC") == "2099-02"
    assert outcomes.month_of(moment, "Not/AZone") == "2099-02"


# ---- recording ---------------------------------------------------------------------------


def test_an_outcome_is_recorded_and_changed_after_the_appointment(engine: Any) -> None:
    """After its time an invite takes an outcome, and another one replaces it."""
    with engine.begin() as connection:
        invite_id = _invite(connection, NOW - timedelta(hours=1))
        assert outcomes.record_outcome(connection, invite_id, "phone", staff_id=None, now=NOW)
        assert outcomes.record_outcome(connection, invite_id, "video", staff_id=None, now=NOW)
        row = connection.execute(select(db.invites).where(db.invites.c.id == invite_id)).one()
    assert (row.outcome, row.outcome_at) == ("video", NOW)


def test_no_outcome_before_the_appointment_or_outside_the_list(engine: Any) -> None:
    """Before its time nothing has happened; an unknown word is refused; no invite is False."""
    with engine.begin() as connection:
        invite_id = _invite(connection, NOW + timedelta(minutes=1))
        with pytest.raises(outcomes.OutcomeTooEarly):
            outcomes.record_outcome(connection, invite_id, "video", staff_id=None, now=NOW)
        with pytest.raises(ValueError, match="unknown outcome"):
            outcomes.record_outcome(connection, invite_id, "none", staff_id=None,
                                    now=NOW + timedelta(hours=1))
        assert not outcomes.record_outcome(connection, invite_id + 1, "video", staff_id=None,
                                           now=NOW)
        assert connection.execute(select(db.invites.c.outcome)).scalar_one() is None


# ---- the purge ---------------------------------------------------------------------------


def _personal_traces(connection: Connection) -> dict[str, int]:
    """How many invites and reports are left, whatever their columns."""
    return {"invites": connection.execute(select(func.count()).select_from(db.invites))
            .scalar_one(),
            "reports": connection.execute(select(func.count()).select_from(reports))
            .scalar_one()}


def test_purge_counts_one_per_dimension_and_keeps_nothing_personal(engine: Any) -> None:
    """An expired invite becomes counters of its month; its row, reports and words go."""
    with engine.begin() as connection:
        _invite(connection, datetime(2099, 10, 31, 22, 30, tzinfo=UTC), reference="PERSON-7",
                outcome="phone", needs_help=True,
                latest_device={"form": "desktop", "os": "windows", "browser": "edge"})
        kept = _invite(connection, CUTOFF + timedelta(minutes=1))
        assert invites.purge_expired(connection, NOW, DAYS) == 1
        counts = outcomes.all_counts(connection)
        assert _personal_traces(connection) == {"invites": 1, "reports": 1}
        assert connection.execute(select(db.invites.c.id)).scalar_one() == kept
    # Helsinki's 00:30 on 1 November: November, not UTC's October.
    assert set(counts.values()) == {1}
    assert len(counts) == len(outcomes.DIMENSIONS)
    assert {(dimension, value) for (_m, dimension, value, _o) in counts} >= {
        ("all", "all"), ("device-kind", "desktop"), ("browser-family", "edge"),
        ("asked-help", "yes"), ("summary", "ready"), ("camera", "ok")}
    assert {(month, outcome) for (month, _d, _v, outcome) in counts} == {("2099-11", "phone")}
    # Nothing in the counters is a reference, a token's hash or a time.
    words = {word for key in counts for word in key}
    assert not words & {"PERSON-7", "ABC-1"}
    assert all(len(word) < 40 for word in words)


def test_two_purges_add_up_and_an_unexpired_invite_waits(engine: Any) -> None:
    """A second purge adds to the first's counters; an invite not yet expired is not counted."""
    october = datetime(2099, 10, 10, 10, tzinfo=UTC)
    with engine.begin() as connection:
        _invite(connection, october, outcome="video")
        _invite(connection, CUTOFF + timedelta(days=1), outcome="video")
        assert invites.purge_expired(connection, NOW, DAYS) == 1
        assert outcomes.all_counts(connection)[("2099-10", "all", "all", "video")] == 1
        _invite(connection, october + timedelta(days=1), outcome="video")
        _invite(connection, october + timedelta(days=2))
        assert invites.purge_expired(connection, NOW, DAYS) == 2
        counts = outcomes.all_counts(connection)
        assert counts[("2099-10", "all", "all", "video")] == 2
        assert counts[("2099-10", "all", "all", outcomes.NO_OUTCOME)] == 1
        assert sum(n for (_m, d, _v, _o), n in counts.items() if d == "all") == 3
        # A day later the waiting one is purged too, into its own month.
        assert invites.purge_expired(connection, NOW + timedelta(days=2), DAYS) == 1
        assert outcomes.all_counts(connection)[("2099-11", "all", "all", "video")] == 1


def test_a_failure_in_counting_deletes_nothing(engine: Any,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Counting and deleting are one transaction: a failure part-way leaves both as they were."""
    with engine.begin() as connection:
        _invite(connection, datetime(2099, 10, 1, tzinfo=UTC), outcome="no-show")
        _invite(connection, datetime(2099, 9, 1, tzinfo=UTC))
    real_add = outcomes.add_counts

    def add_then_fail(connection: Connection, counts: Any) -> None:
        real_add(connection, counts)  # rows went in: the rollback must take them out
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(outcomes, "add_counts", add_then_fail)
    with pytest.raises(RuntimeError), engine.begin() as connection:
        invites.purge_expired(connection, NOW, DAYS)
    with engine.connect() as connection:
        assert _personal_traces(connection) == {"invites": 2, "reports": 2}
        assert outcomes.all_counts(connection) == {}


def test_a_failure_in_deleting_counts_nothing(engine: Any,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """And the other way round: counted invites that were not deleted are not counted."""
    with engine.begin() as connection:
        _invite(connection, datetime(2099, 10, 1, tzinfo=UTC), outcome="no-show")

    def fail(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("the table is locked")

    monkeypatch.setattr(invites, "delete", fail)
    with pytest.raises(RuntimeError), engine.begin() as connection:
        invites.purge_expired(connection, NOW, DAYS)
    with engine.connect() as connection:
        assert _personal_traces(connection) == {"invites": 1, "reports": 1}
        assert outcomes.all_counts(connection) == {}


def test_the_automatic_purge_and_flask_purge_count_too(app: Flask, engine: Any) -> None:
    """Both ways the app purges go through the counting."""
    from app import housekeeping

    with engine.begin() as connection:
        _invite(connection, datetime(2099, 10, 1, tzinfo=UTC), outcome="video")
    assert housekeeping.purge_if_due(engine, DAYS, NOW) == 1
    with engine.connect() as connection:
        assert outcomes.all_counts(connection)[("2099-10", "all", "all", "video")] == 1
    with engine.begin() as connection:
        _invite(connection, datetime(2000, 1, 5, tzinfo=UTC), outcome="video")
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    with engine.connect() as connection:
        assert outcomes.all_counts(connection)[("2000-01", "all", "all", "video")] == 1


# ---- property: the counters are exactly the sums of what was purged ----------------------

_JUNK = st.sampled_from(["", "Chrome 131", "bot", "windows 11", "x" * 30])


def _word(allowed: tuple[str, ...]) -> st.SearchStrategy[str | None]:
    """A word of the vocabulary mostly, sometimes junk or nothing."""
    return st.one_of(st.sampled_from(allowed), _JUNK, st.none())


_INVITE = st.fixed_dictionaries({
    # Minutes from the cutoff: negative ones are expired.
    "minutes": st.integers(min_value=-60 * 24 * 120, max_value=60 * 24 * 5),
    "zone": st.sampled_from(["Europe/Helsinki", "UTC", "America/New_York"]),
    "opened": st.booleans(),
    "needs_help": st.booleans(),
    "path": _word(PATHS),
    "summary": _word(SUMMARIES),
    "device": st.one_of(st.none(), st.fixed_dictionaries({
        "form": _word(outcomes.DEVICE_KINDS), "os": _word(outcomes.OS_FAMILIES),
        "browser": _word(outcomes.BROWSER_FAMILIES)})),
    "checks": st.one_of(st.none(), st.fixed_dictionaries(
        {}, optional={name: _word(CHECK_STATUSES[name]) for name in outcomes.CHECK_DIMENSIONS})),
    "outcome": st.one_of(st.none(), st.sampled_from(outcomes.OUTCOMES)),
})


def _expected_value(value: Any, allowed: tuple[str, ...]) -> str:
    """The test's own reading of the rule: a word of the vocabulary, or "unknown"."""
    return value if value in allowed else "unknown"


def _expected(case: dict[str, Any], moment: datetime) -> list[tuple[str, str, str, str]]:
    """The keys one purged invite adds, worked out here independently of app/outcomes.py."""
    local = moment.astimezone(ZoneInfo(case["zone"]))
    month = local.strftime("%Y-%m")
    outcome = case["outcome"] or "none"
    device = case["device"] or {}
    checks = case["checks"] or {}
    pairs = [("all", "all"), ("used-wizard", "yes" if case["opened"] else "no"),
             ("device-kind", _expected_value(device.get("form"), outcomes.DEVICE_KINDS)),
             ("os-family", _expected_value(device.get("os"), outcomes.OS_FAMILIES)),
             ("browser-family", _expected_value(device.get("browser"),
                                                outcomes.BROWSER_FAMILIES)),
             ("path", _expected_value(case["path"], PATHS)),
             ("summary", _expected_value(case["summary"], SUMMARIES)),
             ("asked-help", "yes" if case["needs_help"] else "no")]
    for name in outcomes.CHECK_DIMENSIONS:
        status = checks.get(name)
        pairs.append((name, "not-run" if status is None
                      else _expected_value(status, CHECK_STATUSES[name])))
    return [(month, dimension, value, outcome) for dimension, value in pairs]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(first=st.lists(_INVITE, max_size=12), second=st.lists(_INVITE, max_size=6))
def test_counters_are_exactly_the_sums_of_what_was_purged(
        engine: Any, first: list[dict[str, Any]], second: list[dict[str, Any]]) -> None:
    """Any invites, two purges: the counters are the sum of the expired ones' values, each
    dimension's counts total the invites purged, and none of the purged remains."""
    with engine.begin() as connection:
        for table in (reports, db.invites, insight_counts, audit_log):
            connection.execute(delete(table))
    expected: Counter[tuple[str, str, str, str]] = Counter()
    alive: dict[int, tuple[dict[str, Any], datetime]] = {}
    purged = 0
    for batch, now in ((first, NOW), (second, NOW + timedelta(days=3))):
        with engine.begin() as connection:
            for case in batch:
                moment = CUTOFF + timedelta(minutes=case["minutes"])
                alive[_invite(
                    connection, moment, zone=case["zone"],
                    opened_at=moment if case["opened"] else None,
                    needs_help=case["needs_help"], latest_path=case["path"],
                    latest_summary=case["summary"], latest_device=case["device"],
                    latest_checks=case["checks"], outcome=case["outcome"])] = (case, moment)
            # Expired now: this batch's, and an earlier one's that has expired since.
            gone = {invite_id for invite_id, (_case, moment) in alive.items()
                    if moment < now - timedelta(days=DAYS)}
            for invite_id in gone:
                expected.update(_expected(*alive.pop(invite_id)))
            count = invites.purge_expired(connection, now, DAYS)
        purged += count
        assert count == len(gone)
        with engine.connect() as connection:
            assert set(connection.execute(select(db.invites.c.id)).scalars()) == set(alive)
            assert set(connection.execute(select(reports.c.invite_id)).scalars()) == set(alive)
    with engine.connect() as connection:
        counts = outcomes.all_counts(connection)
    assert counts == dict(expected)
    # Nothing but the vocabulary: a month, a dimension, one of its words, an outcome.
    words = {"all": ("all",), "used-wizard": outcomes.YES_NO, "asked-help": outcomes.YES_NO,
             "device-kind": outcomes.DEVICE_KINDS, "os-family": outcomes.OS_FAMILIES,
             "browser-family": outcomes.BROWSER_FAMILIES, "path": PATHS, "summary": SUMMARIES,
             **{name: (*CHECK_STATUSES[name], outcomes.NOT_RUN)
                for name in outcomes.CHECK_DIMENSIONS}}
    for month, dimension, value, outcome in counts:
        assert re.fullmatch(r"[0-9]{4}-[0-9]{2}", month)
        assert value in (*words[dimension], outcomes.UNKNOWN)
        assert outcome in (*outcomes.OUTCOMES, outcomes.NO_OUTCOME)
    for dimension in outcomes.DIMENSIONS:
        assert sum(n for (_m, d, _v, _o), n in counts.items() if d == dimension) == purged
