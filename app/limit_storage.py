"""Where do rate-limit counters live on one instance? In a small SQLite file that every worker
process of the instance shares, so that a configured limit means what it says without another
server to run.

`limits` (under Flask-Limiter) ships memory://, which counts per worker process (with five
workers a limit of 60 let about 300 through), and storages that need a server (Redis,
Memcached, MongoDB). This storage registers the scheme sqlite:// with `limits`, e.g.
RATELIMIT_STORAGE_URI=sqlite:////srv/valmis/instance/ratelimits.db. Every change is one short
`BEGIN IMMEDIATE` transaction, which takes SQLite's write lock before it reads, so two
processes can never both see room for the last request. WAL mode keeps readers off writers'
backs and a busy timeout makes a worker wait its turn instead of failing. The file holds only
counters; deleting it forgets them. For many instances use redis:// instead.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from limits.storage import MovingWindowSupport, Storage

SCHEME = "sqlite"
# How long a worker waits for another's transaction before the storage counts as failed
# (and, with RATELIMIT_SWALLOW_ERRORS, the request goes through).
BUSY_TIMEOUT_SECONDS = 5.0
# Expired entries of every key are deleted at most this often per process.
SWEEP_SECONDS = 60.0

SCHEMA = (
    # Moving windows: one row per counted request, dropped once outside every window.
    "CREATE TABLE IF NOT EXISTS limit_events "
    "(key TEXT NOT NULL, at REAL NOT NULL, expires_at REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS limit_events_by_key ON limit_events (key, at)",
    "CREATE INDEX IF NOT EXISTS limit_events_by_expiry ON limit_events (expires_at)",
    # Fixed windows: one counter per key and window.
    "CREATE TABLE IF NOT EXISTS limit_counters "
    "(key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires_at REAL NOT NULL)",
)


def database_path(uri: str) -> Path:
    """The file of a sqlite:///<absolute path> URI."""
    parts = urlsplit(uri)
    if parts.scheme != SCHEME or parts.netloc or not parts.path:
        raise ValueError(f"{uri!r} is not sqlite:///<absolute path of a file>")
    return Path(unquote(parts.path))


def default_uri(instance_dir: Path) -> str:
    """The storage URI of one instance's own counters in its instance folder."""
    return f"{SCHEME}:///{(instance_dir / 'ratelimits.db').resolve()}"


class SQLiteStorage(Storage, MovingWindowSupport):
    """A `limits` storage in one SQLite file, shared by the processes that open it."""

    STORAGE_SCHEME = [SCHEME]  # noqa: RUF012  (the base class declares it as a plain attribute)

    def __init__(self, uri: str, wrap_exceptions: bool = False,
                 **options: float | str | bool) -> None:
        """Remember the file; nothing is opened until the first count (apps made only to be
        configured, and the arbiter before it forks, never touch it)."""
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = database_path(uri)
        self._local = threading.local()
        self._swept_at = 0.0

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        """What a failing file raises; Flask-Limiter lets requests through on these."""
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, opened anew in a forked process: a connection must
        never cross a fork (gunicorn preloads the app, then forks its workers)."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None or getattr(self._local, "pid", None) != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: the transactions below are written out explicitly.
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS,
                                         isolation_level=None, check_same_thread=False)
            connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
            connection.execute("PRAGMA journal_mode = WAL")
            # Counters may lose their last moments in a power cut; they need no fsync each.
            connection.execute("PRAGMA synchronous = NORMAL")
            for statement in SCHEMA:
                connection.execute(statement)
            self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction that holds the write lock from its first read to its commit."""
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def _sweep(self, connection: sqlite3.Connection, now: float) -> None:
        """Delete every key's expired entries now and then, so the file stays small."""
        if now - self._swept_at >= SWEEP_SECONDS:
            self._swept_at = now
            connection.execute("DELETE FROM limit_events WHERE expires_at <= ?", (now,))
            connection.execute("DELETE FROM limit_counters WHERE expires_at <= ?", (now,))

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        """Count amount requests for key if the moving window of expiry seconds has room for
        them under limit; say whether it had."""
        if amount > limit:
            return False
        with self._write() as connection:
            now = time.time()
            self._sweep(connection, now)
            (count,) = connection.execute(
                "SELECT COUNT(*) FROM limit_events WHERE key = ? AND at > ?",
                (key, now - expiry)).fetchone()
            if count + amount > limit:
                return False
            connection.executemany(
                "INSERT INTO limit_events (key, at, expires_at) VALUES (?, ?, ?)",
                [(key, now, now + expiry)] * amount)
            return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        """The oldest counted request in key's window and how many there are."""
        now = time.time()
        oldest, count = self._connection().execute(
            "SELECT MIN(at), COUNT(*) FROM limit_events WHERE key = ? AND at > ?",
            (key, now - expiry)).fetchone()
        return (oldest if oldest is not None else now), count

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add amount to key's fixed-window counter, which starts a window of expiry
        seconds when there is none; answer the new value."""
        with self._write() as connection:
            now = time.time()
            self._sweep(connection, now)
            connection.execute("DELETE FROM limit_counters WHERE key = ? AND expires_at <= ?",
                               (key, now))
            (value,) = connection.execute(
                "INSERT INTO limit_counters (key, value, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = value + excluded.value "
                "RETURNING value", (key, amount, now + expiry)).fetchone()
            return int(value)

    def get(self, key: str) -> int:
        """key's fixed-window counter, 0 when its window is over."""
        row = self._connection().execute(
            "SELECT value FROM limit_counters WHERE key = ? AND expires_at > ?",
            (key, time.time())).fetchone()
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        """When key's fixed window ends (now, when there is none)."""
        now = time.time()
        row = self._connection().execute(
            "SELECT expires_at FROM limit_counters WHERE key = ? AND expires_at > ?",
            (key, now)).fetchone()
        return float(row[0]) if row else now

    def check(self) -> bool:
        """Whether the file can be opened and read."""
        try:
            self._connection().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every counter; answer how many entries there were."""
        with self._write() as connection:
            events = connection.execute("DELETE FROM limit_events").rowcount
            counters = connection.execute("DELETE FROM limit_counters").rowcount
            return int(events + counters)

    def clear(self, key: str) -> None:
        """Forget key's counters."""
        with self._write() as connection:
            connection.execute("DELETE FROM limit_events WHERE key = ?", (key,))
            connection.execute("DELETE FROM limit_counters WHERE key = ?", (key,))
