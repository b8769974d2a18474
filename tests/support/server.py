"""gunicorn for the tests and the benchmarks: one harness for e2e, integration and bench.

Each caller picks its environment (port, workers, threads, database, logs) and gets the same
start (healthy, every worker forked) and the same clean stop (TERM, then KILL of the server's
own process group). The server runs in a session of its own, so stopping it never signals
the test run, and the test run's Ctrl+C reaches it only through its caller's clean-up.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from tests.support import ROOT

START_SECONDS = 30.0
STOP_SECONDS = 30.0


class GunicornFailed(RuntimeError):
    """gunicorn exited, or did not answer or fork its workers in time."""


@dataclass(frozen=True)
class LiveServer:
    """A running gunicorn: where to reach it and where it logs."""

    base_url: str
    access_log: Path
    error_log: Path
    environment: dict[str, str]
    database: Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def worker_pids(master: int) -> list[int]:
    """The pids of a gunicorn master's workers: its children, from /proc."""
    children = Path(f"/proc/{master}/task/{master}/children")
    try:
        return [int(pid) for pid in children.read_text().split()]
    except OSError:
        return []


def _wait_until_healthy(process: subprocess.Popen[bytes], url: str, seconds: float) -> None:
    """Poll url until it answers 2xx, the server dies, or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise GunicornFailed(f"gunicorn exited with {process.returncode} before {url} "
                                 "answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 (loopback)
                if 200 <= answer.status < 300:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise GunicornFailed(f"gunicorn did not answer {url} within {seconds:.0f} s")


def wait_for_workers(master: int, count: int, seconds: float = START_SECONDS) -> list[int]:
    """Wait until the master has count workers (a client connecting earlier would stay on the
    first worker up, by keep-alive, and leave the others idle); their pids."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pids = worker_pids(master)
        if len(pids) >= count:
            time.sleep(0.5)  # forked; let each finish booting
            return pids
        time.sleep(0.1)
    raise GunicornFailed(f"gunicorn did not start {count} workers within {seconds:.0f} s")


def start_gunicorn(environment: dict[str, str], error_log: Path | None = None, *,
                   target: str = "wsgi:app", config: Path = ROOT / "gunicorn.conf.py",
                   ready_path: str = "/healthz", extra_args: Sequence[str] = (),
                   seconds: float = START_SECONDS) -> subprocess.Popen[bytes]:
    """gunicorn with config (the project's by default) on environment's HOST and PORT.

    Returns once ready_path answers 2xx and every worker (WEB_CONCURRENCY, else one) has
    started; stops the server and raises GunicornFailed otherwise. gunicorn's output (its error
    log, with any traceback a worker logs) is appended to error_log, or dropped without one.
    """
    url = f"http://127.0.0.1:{environment['PORT']}{ready_path}"
    log: IO[bytes] | int = error_log.open("ab") if error_log else subprocess.DEVNULL
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(config), *extra_args, target],
            cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
    finally:
        if not isinstance(log, int):
            log.close()  # the server holds its own copy
    try:
        _wait_until_healthy(process, url, seconds)
        wait_for_workers(process.pid, int(environment.get("WEB_CONCURRENCY", "1")), seconds)
    except GunicornFailed:
        stop_gunicorn(process)
        raise
    return process


def stop_gunicorn(process: subprocess.Popen[bytes], seconds: float = STOP_SECONDS) -> None:
    """Stop gunicorn: politely (TERM, its graceful shutdown), then its whole process group
    (the master and the workers it forked) with KILL."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextmanager
def gunicorn(environment: dict[str, str], error_log: Path | None = None, *,
             target: str = "wsgi:app", config: Path = ROOT / "gunicorn.conf.py",
             ready_path: str = "/healthz", extra_args: Sequence[str] = ()
             ) -> Iterator[subprocess.Popen[bytes]]:
    """start_gunicorn for a with block, stopped at its end whatever happens."""
    process = start_gunicorn(environment, error_log, target=target, config=config,
                             ready_path=ready_path, extra_args=extra_args)
    try:
        yield process
    finally:
        stop_gunicorn(process)


def flask(environment: dict[str, str], *arguments: str) -> str:
    """Run a `flask --app wsgi` command with environment, as an operator would; its output."""
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *arguments],
                            cwd=ROOT, env=environment, capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, f"flask {' '.join(arguments)}: {result.stderr}"
    return result.stdout


def compile_catalogues() -> None:
    """Compile the .po catalogues, as `make run` does before starting the server."""
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "compile",
                    "-d", str(ROOT / "translations")], check=True)
