"""The SQLite rate-limit storage: exact counts across threads and processes, windows that end,
and the default that makes one instance's workers share their counters."""

from __future__ import annotations

import multiprocessing
import multiprocessing.queues
import multiprocessing.synchronize
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from limits import RateLimitItemPerHour, RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

from app import limit_storage
from app.limit_storage import SQLiteStorage
from tests.support.app import migrated_app
from tests.support.reports import readiness


def storage_at(path: str) -> SQLiteStorage:
    """The storage in the SQLite file at path, made the way Flask-Limiter makes it: from its
    URI."""
    storage = storage_from_string(f"sqlite:///{path}")
    assert isinstance(storage, SQLiteStorage)
    return storage


def storage_in(folder: Path) -> SQLiteStorage:
    """A storage in a fresh file, made the way Flask-Limiter makes it: from its URI."""
    return storage_at(str(folder / "counters.db"))


class Clock:
    """A time.time() that a test moves by hand."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        """Start at now."""
        self.now = now

    def __call__(self) -> float:
        """The current fake time."""
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The storage's clock, under the test's control."""
    fake = Clock()
    monkeypatch.setattr(limit_storage.time, "time", fake)
    return fake


def test_a_moving_window_allows_exactly_the_limit(tmp_path: Path, clock: Clock) -> None:
    """Three in a minute: the fourth is refused until the first leaves the window."""
    storage = storage_in(tmp_path)
    limiter = MovingWindowRateLimiter(storage)
    three = RateLimitItemPerMinute(3)
    results = []
    for _ in range(4):
        results.append(limiter.hit(three, "link", "a"))
        clock.now += 10
    assert results == [True, True, True, False]
    stats = limiter.get_window_stats(three, "link", "a")
    assert stats.remaining == 0 and stats.reset_time == pytest.approx(1_000_000.0 + 60)
    assert limiter.hit(three, "link", "b")
    clock.now = 1_000_000.0 + 61
    assert limiter.hit(three, "link", "a")
    assert not limiter.hit(three, "link", "a")


def test_a_fixed_window_counts_and_ends(tmp_path: Path, clock: Clock) -> None:
    """incr, get, get_expiry and clear, as the fixed-window strategy uses them."""
    storage = storage_in(tmp_path)
    limiter = FixedWindowRateLimiter(storage)
    two = RateLimitItemPerHour(2)
    assert [limiter.hit(two, "k") for _ in range(3)] == [True, True, False]
    assert limiter.get_window_stats(two, "k").reset_time == pytest.approx(1_000_000.0 + 3600)
    clock.now += 3601
    assert limiter.hit(two, "k")
    storage.clear(two.key_for("k"))
    assert storage.get(two.key_for("k")) == 0
    assert limiter.hit(two, "k") and limiter.hit(two, "k") and not limiter.hit(two, "k")
    assert storage.reset() and storage.get(two.key_for("k")) == 0


def test_expired_entries_are_swept(tmp_path: Path, clock: Clock) -> None:
    """Entries outside every window leave the file: it holds only what still counts."""
    storage = storage_in(tmp_path)
    for key in ("a", "b", "c"):
        assert storage.acquire_entry(key, 5, 60)
    clock.now += limit_storage.SWEEP_SECONDS + 61
    assert storage.acquire_entry("d", 5, 60)
    connection = storage._connection()
    assert connection.execute("SELECT COUNT(*) FROM limit_events").fetchone() == (1,)


def test_threads_never_share_the_last_place(tmp_path: Path) -> None:
    """Eight threads ask for one key 100 times in all: exactly the limit gets through."""
    storage = storage_in(tmp_path)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: storage.acquire_entry("key", 37, 3600), range(100)))
    assert results.count(True) == 37


def _hammer(path: str, attempts: int, start: multiprocessing.synchronize.Barrier,
            results: multiprocessing.queues.Queue[int]) -> None:
    """In its own process: try attempts times for one key; put how many got through."""
    storage = storage_at(path)
    start.wait()
    results.put(sum(storage.acquire_entry("one-link", 50, 3600) for _ in range(attempts)))


def test_processes_share_one_count(tmp_path: Path) -> None:
    """Six processes (as gunicorn's workers) try 30 times each at once against a limit of 50:
    exactly 50 get through in all. memory:// would let up to 6 × 30 through."""
    path = str(tmp_path / "shared.db")
    # The parent touches the file first, as the preloaded app's arbiter could: a connection
    # made before the fork must not be used by the children.
    parent = storage_at(path)
    assert parent.check()
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(6), context.Queue()
    workers = [context.Process(target=_hammer, args=(path, 30, start, results))
               for _ in range(6)]
    for worker in workers:
        worker.start()
    allowed = [results.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=10)
    assert sum(allowed) == 50
    assert parent.get_moving_window("one-link", 50, 3600)[1] == 50


def test_a_uri_must_name_a_file() -> None:
    """sqlite:// without a path, or with a host, is a clear error."""
    for wrong in ("sqlite://", "sqlite://host/x.db"):
        with pytest.raises(ValueError, match="sqlite:///"):
            limit_storage.database_path(wrong)


def test_a_wrong_sqlite_uri_stops_the_app() -> None:
    """A relative path is a clear start-up error naming the setting."""
    from app import create_app
    from app.config import ConfigError

    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI"):
        create_app({"TESTING": True, "RATELIMIT_STORAGE_URI": "sqlite://instance/x.db"})


def test_the_default_is_a_file_in_the_instance_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without RATELIMIT_STORAGE_URI, the counters live in the instance folder's file."""
    from app import config

    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    expected = f"sqlite:///{tmp_path.resolve()}/ratelimits.db"
    default = config.config_for_environment("production").RATELIMIT_STORAGE_URI
    assert default == expected
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://counters:6379")
    assert config.config_for_environment("production").RATELIMIT_STORAGE_URI == (
        "redis://counters:6379")


def test_a_broken_counter_file_lets_reports_through(tmp_path: Path) -> None:
    """A storage that cannot be opened must not lose a customer's report."""
    from datetime import UTC, datetime, timedelta

    from app import invites

    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be")
    with migrated_app(tmp_path / "app.db", REPORT_RATE_LIMIT_PER_LINK="1/minute",
                      RATELIMIT_STORAGE_URI=f"sqlite:///{blocker / 'x' / 'c.db'}") as app:
        with app.extensions["valmis.db"].begin() as connection:
            token = invites.create_invite(connection, language="fi",
                                          appointment_at=datetime.now(UTC) + timedelta(days=1))[1]
        client = app.test_client()
        codes = {client.post(f"/api/v1/invites/{token}/reports",
                             json={**readiness(), "id": str(uuid.uuid4())}).status_code
                 for _ in range(3)}
        assert codes == {201}
