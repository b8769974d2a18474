"""Integration fixtures: a throwaway PostgreSQL and Redis on loopback, and two app instances.

Each server is this test run's own: PostgreSQL initialised into a temporary folder (its unix
socket there too, trust authentication because only this run can reach it), Redis without
persistence, both on free 127.0.0.1 ports, never the machine's own services. They are stopped
at the end whatever happens, also when the run is interrupted or killed with SIGTERM.
`make integration` installs Debian's postgresql and redis-server first where they are missing.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import psycopg
import pytest
import redis

from tests.support.instances import PUBLIC_ORIGIN, REPORTS_PER_LINK, Instances, Postgres
from tests.support.server import (
    compile_catalogues,
    flask,
    free_port,
    start_gunicorn,
    stop_gunicorn,
)

STARTUP_SECONDS = 30
MISSING = ("PostgreSQL (initdb, pg_ctl, postgres) and redis-server are needed for the "
           "integration tests: run `make services` as root on Debian, or install them "
           "(Debian/Ubuntu: apt-get install postgresql redis-server). Missing: {}")

# What to stop on exit, newest first; fixtures remove what they stopped themselves.
_cleanups: list[Callable[[], None]] = []


def _stop_everything() -> None:
    """Run the pending clean-ups (servers still running), newest first."""
    while _cleanups:
        cleanup = _cleanups.pop()
        with contextlib.suppress(Exception):
            cleanup()


def _children() -> list[int]:
    """This process's child processes (Linux's /proc), such as a server still starting."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            # The fields after the command's closing parenthesis: state, then the parent.
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == os.getpid():
                children.append(int(stat.parent.name))
    return children


def _on_sigterm(signum: int, _frame: FrameType | None) -> None:
    """Killed by `timeout` or CI: stop the servers before going, then exit as killed.

    A server caught between starting and being registered (gunicorn not yet healthy) is
    still this process's child: it is stopped too.
    """
    _stop_everything()
    for child in _children():
        with contextlib.suppress(OSError):
            os.kill(child, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while _children() and time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(-1, os.WNOHANG)
        time.sleep(0.1)
    os._exit(128 + signum)


atexit.register(_stop_everything)
signal.signal(signal.SIGTERM, _on_sigterm)


def _postgres_bin() -> Path | None:
    """The folder of PostgreSQL's server programs: on PATH, or Debian's newest version."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                      key=lambda path: int(path.parent.parent.name)
                      if path.parent.parent.name.isdigit() else 0)
    return versions[-1].parent if versions else None


def _wait(what: str, ready: Callable[[], bool], process: subprocess.Popen[bytes],
          log: Path) -> None:
    """Poll ready() until it is true; fail with the server's log if it dies or is too slow."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}:\n"
                               f"{log.read_text(errors='replace')[-3000:]}")
        if ready():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start within {STARTUP_SECONDS} s:\n"
                       f"{log.read_text(errors='replace')[-3000:]}")


def _stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """Stop a server politely with sig, then not."""
    if process.poll() is None:
        process.send_signal(sig)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def _stopped_at_the_end(stop: Callable[[], None]) -> Iterator[None]:
    """Run stop when the block ends, or at exit or on SIGTERM if the block never ends."""
    _cleanups.append(stop)
    try:
        yield
    finally:
        _cleanups.remove(stop)
        stop()


@pytest.fixture(scope="session")
def programs() -> dict[str, Path]:
    """Where initdb, postgres and redis-server are; a clear failure when any is missing."""
    postgres_bin = _postgres_bin()
    redis_server = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None)
    missing = []
    if postgres_bin is None or not (postgres_bin / "postgres").exists():
        missing.append("postgresql")
    if redis_server is None:
        missing.append("redis-server")
    if missing or postgres_bin is None or redis_server is None:
        pytest.fail(MISSING.format(", ".join(missing)), pytrace=False)
    return {"initdb": postgres_bin / "initdb", "postgres": postgres_bin / "postgres",
            "redis-server": Path(redis_server)}


@pytest.fixture(scope="session")
def postgres(programs: dict[str, Path]) -> Iterator[Postgres]:
    """A fresh PostgreSQL cluster on 127.0.0.1:<free port>, deleted afterwards.

    initdb refuses to run as root, so as root the cluster belongs to the `postgres` system
    user (Debian's package makes it) and the programs run as that user.
    """
    folder = Path(tempfile.mkdtemp(prefix="valmis-pg-"))
    run_as: dict[str, Any] = {}
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.fail("Running as root, PostgreSQL needs the `postgres` system user "
                        "(apt-get install postgresql makes it)", pytrace=False)
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        run_as = {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}
    with _stopped_at_the_end(lambda: shutil.rmtree(folder, ignore_errors=True)):
        data, log = folder / "data", folder / "postgres.log"
        user = "valmis"
        subprocess.run([str(programs["initdb"]), "-D", str(data), "-U", user, "-A", "trust",
                        "-E", "UTF8", "--locale=C", "--no-sync"],
                       check=True, capture_output=True, cwd=folder, timeout=60, **run_as)
        port = free_port()
        with open(log, "wb") as output:
            process = subprocess.Popen(
                [str(programs["postgres"]), "-D", str(data), "-p", str(port),
                 "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={folder}",
                 # A throwaway cluster: durability would only cost time.
                 "-c", "fsync=off", "-c", "synchronous_commit=off",
                 "-c", "full_page_writes=off"],
                stdout=output, stderr=subprocess.STDOUT, cwd=folder, **run_as)

        def accepting() -> bool:
            """True once a connection succeeds."""
            try:
                psycopg.connect(host="127.0.0.1", port=port, user=user, dbname="postgres",
                                connect_timeout=2).close()
            except psycopg.OperationalError:
                return False
            return True

        # SIGINT is PostgreSQL's fast shutdown: connected clients are disconnected.
        with _stopped_at_the_end(lambda: _stop(process, signal.SIGINT)):
            _wait("PostgreSQL", accepting, process, log)
            yield Postgres(port, user)


@pytest.fixture(scope="session")
def redis_url(programs: dict[str, Path]) -> Iterator[str]:
    """A fresh Redis on 127.0.0.1:<free port>, keeping nothing on disk."""
    folder = Path(tempfile.mkdtemp(prefix="valmis-redis-"))
    port = free_port()
    url = f"redis://127.0.0.1:{port}"
    log = folder / "redis.log"

    def answering() -> bool:
        """True once PING answers."""
        client = redis.Redis.from_url(url, socket_timeout=2)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    with _stopped_at_the_end(lambda: shutil.rmtree(folder, ignore_errors=True)):
        with open(log, "wb") as output:
            process = subprocess.Popen(
                [str(programs["redis-server"]), "--port", str(port), "--bind", "127.0.0.1",
                 "--save", "", "--appendonly", "no", "--dir", str(folder),
                 "--daemonize", "no", "--protected-mode", "yes"],
                stdout=output, stderr=subprocess.STDOUT, cwd=folder)
        with _stopped_at_the_end(lambda: _stop(process)):
            _wait("Redis", answering, process, log)
            yield url


@pytest.fixture(scope="session")
def instances(postgres: Postgres, redis_url: str,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instances]:
    """Two production-like instances, A and B, on their own ports, migrated once beforehand.

    They share what the README says instances must share: SECRET_KEY (a session cookie from
    one works on the other), DATABASE_URL, RATELIMIT_STORAGE_URI and the WEBAUTHN_* settings.
    """
    folder = tmp_path_factory.mktemp("instances")
    database_url = postgres.create_database("valmis")
    shared = {
        **os.environ,
        "VALMIS_ENV": "production",
        "SECRET_KEY": os.urandom(32).hex(),
        "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": redis_url,
        "REPORT_RATE_LIMIT_PER_LINK": f"{REPORTS_PER_LINK}/minute",
        "WEBAUTHN_RP_ID": "localhost",
        "WEBAUTHN_ORIGIN": PUBLIC_ORIGIN,
        # Plain http on loopback; behind the load balancer's TLS this stays true.
        "SESSION_COOKIE_SECURE": "false",
        "VALMIS_INSTANCE_DIR": str(folder),
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": "2",
        "LOG_LEVEL": "warning",
        # The tests run the purge themselves; a worker's own run would race them.
        "AUTO_PURGE": "false",
    }
    compile_catalogues()
    flask(shared, "init-db")
    with contextlib.ExitStack() as stack:
        urls = []
        for name in ("a", "b"):
            port = free_port()
            environment = {**shared, "PORT": str(port),
                           "ACCESS_LOG": str(folder / f"access-{name}.log")}
            process = start_gunicorn(environment, folder / f"error-{name}.log")
            stack.enter_context(_stopped_at_the_end(functools.partial(stop_gunicorn, process)))
            urls.append(f"http://localhost:{port}")
        yield Instances((urls[0], urls[1]), shared, database_url, redis_url)
