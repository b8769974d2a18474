"""What the server benchmarks share: a free port, a throw-away production-like environment,
personal links, gunicorn that always stops (tests/support/server.py's, the tests' harness too),
wrk, latency percentiles and the report body.

Every server binds 127.0.0.1 on a free port, runs on a fresh SQLite file in a temporary folder
and is stopped by the context manager that started it (also on errors and Ctrl+C).
"""

from __future__ import annotations

import multiprocessing
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# One gunicorn harness for the benchmarks and the tests (re-exported for the bench scripts).
from tests.support.reports import readiness  # noqa: E402
from tests.support.server import (  # noqa: E402
    GunicornFailed,
    start_gunicorn,
    stop_gunicorn,
)
from tests.support.server import free_port as free_port  # noqa: E402
from tests.support.server import wait_for_workers as wait_for_workers  # noqa: E402
from tests.support.server import worker_pids as worker_pids  # noqa: E402

# What a phone's Chrome sends on a first visit (no cookies): the start page classifies it.
MOBILE_HEADERS = {
    "User-Agent": ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
                   "(KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"),
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "fi-FI,fi;q=0.9,en;q=0.8",
    "Accept-Encoding": "gzip, deflate, br",
}

# The report the benchmarks post (each with its own id): the tests' full readiness report.
REPORT: dict[str, Any] = readiness()

RATE_LIMIT_NOTE = ("rate limits off (RATELIMIT_ENABLED=false): this measures the server and "
                   "the database, not the limiter")


def production_workers() -> tuple[int, int]:
    """Workers and threads as gunicorn.conf.py gives them in production (or as exported)."""
    workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
    threads = int(os.environ.get("GUNICORN_THREADS", "4"))
    return workers, threads


@contextmanager
def temporary_folder(prefix: str = "valmis-bench-") -> Iterator[Path]:
    """A temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        yield Path(folder)


def server_environment(folder: Path, port: int, *, workers: int, threads: int,
                       **extra: str) -> dict[str, str]:
    """The environment of a production gunicorn on a fresh SQLite file in folder."""
    return {
        **os.environ, "VALMIS_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
        "VALMIS_INSTANCE_DIR": str(folder), "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": str(workers),
        "GUNICORN_THREADS": str(threads), "ACCESS_LOG": os.devnull, "LOG_LEVEL": "warning",
        "RATELIMIT_ENABLED": "false", "AUTO_PURGE": "false",
        "WEBAUTHN_ORIGIN": "http://localhost:8000", "WEBAUTHN_RP_ID": "localhost",
        **extra,
    }


def database_path(environment: dict[str, str]) -> Path:
    """The SQLite file of a server_environment."""
    return Path(environment["DATABASE_URL"].removeprefix("sqlite:///"))


def bench_app(environment: dict[str, str]) -> Any:
    """The app in this process, on environment's database, migrated to the newest schema."""
    os.environ.update(environment)
    from app import create_app, db

    application = create_app()
    db.upgrade(application)
    return application


def make_links(environment: dict[str, str], count: int) -> list[str]:
    """Migrate the database and make count personal links; their tokens."""
    from datetime import UTC, datetime, timedelta

    from app import invites

    application = bench_app(environment)
    tokens = []
    with application.extensions["valmis.db"].begin() as connection:
        for number in range(count):
            tokens.append(invites.create_invite(
                connection, language="fi",
                appointment_at=datetime.now(UTC) + timedelta(hours=1 + number))[1])
    application.extensions["valmis.db"].dispose()
    return tokens


@contextmanager
def gunicorn(environment: dict[str, str], *, target: str = "wsgi:app",
             config: Path = ROOT / "gunicorn.conf.py", ready_path: str = "/healthz",
             error_log: Path | None = None, extra_args: Sequence[str] = ()
             ) -> Iterator[subprocess.Popen[bytes]]:
    """tests/support/server.py's gunicorn (on environment's HOST and PORT, yielded once
    ready_path answers and every worker has started, always stopped afterwards), with a
    failure to start ending the benchmark with its reason rather than a traceback."""
    try:
        process = start_gunicorn(environment, error_log, target=target, config=config,
                                 ready_path=ready_path, extra_args=extra_args)
    except GunicornFailed as failure:
        raise SystemExit(str(failure)) from failure
    try:
        yield process
    finally:
        stop_gunicorn(process)


def socket_count(pid: int) -> int:
    """How many sockets a process holds open (a gunicorn worker: the listener and its
    client connections)."""
    try:
        links = [os.readlink(entry) for entry in Path(f"/proc/{pid}/fd").iterdir()]
    except OSError:
        return 0
    return sum(link.startswith("socket:") for link in links)


def percentiles(seconds: Sequence[float]) -> tuple[float, float]:
    """p50 and p99 of latencies given in seconds, in milliseconds."""
    if not seconds:
        return 0.0, 0.0
    if len(seconds) == 1:
        return seconds[0] * 1000, seconds[0] * 1000
    cuts = statistics.quantiles([value * 1000 for value in seconds], n=100, method="inclusive")
    return cuts[49], cuts[98]


@dataclass(frozen=True)
class LoadResult:
    """One load run's figures."""

    requests: int
    errors: int          # socket errors, timeouts and answers >= 400 (wrk: status > 399)
    seconds: float
    p50_ms: float
    p99_ms: float
    detail: str = ""
    answers_4xx_5xx: int = 0  # part of errors: the answers that came with status >= 400

    @property
    def throughput(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0

    def line(self, title: str) -> str:
        """The figures on one line."""
        return (f"{title:<28} {self.requests:8d} requests  {self.errors:5d} errors  "
                f"{self.throughput:8.0f} req/s   p50 {self.p50_ms:7.1f} ms   "
                f"p99 {self.p99_ms:7.1f} ms{'   ' + self.detail if self.detail else ''}")


def wrk_available() -> bool:
    """Whether the wrk load generator is installed."""
    return shutil.which("wrk") is not None


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _milliseconds(text: str) -> float:
    """wrk's '1.23ms' / '850.00us' / '1.20s' in milliseconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"not a wrk duration: {text}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def run_wrk(url: str, *, seconds: float, connections: int, threads: int = 2,
            script: Path | None = None, script_args: Sequence[str] = (),
            headers: dict[str, str] | None = None) -> LoadResult:
    """wrk (closed loop, keep-alive) against url; its requests, errors and percentiles."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
               "--latency", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", str(script)]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    output = subprocess.run(command, capture_output=True, text=True, check=True,
                            timeout=seconds + 60).stdout
    requests = re.search(r"(\d+) requests in ([\d.]+)(\w+)", output)
    if requests is None:
        raise SystemExit(f"unexpected wrk output:\n{output}")
    duration = _milliseconds(requests.group(2) + requests.group(3)) / 1000
    quantiles = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)\s*$", output, re.M))
    if set(quantiles) != {"50", "99"}:
        raise SystemExit(f"wrk printed no latency distribution:\n{output}")
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    failed = sum(int(value) for value in socket_errors.groups()) if socket_errors else 0
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    bad = int(non_2xx.group(1)) if non_2xx else 0
    detail = []
    if socket_errors:
        detail.append(socket_errors.group(0))
    if bad:
        detail.append(f"{bad} answers >= 400")
    return LoadResult(requests=int(requests.group(1)), errors=failed + bad, seconds=duration,
                      p50_ms=_milliseconds(quantiles["50"]), p99_ms=_milliseconds(quantiles["99"]),
                      detail="; ".join(detail), answers_4xx_5xx=bad)


def python_load(port: int, *, seconds: float, connections: int,
                next_request: Any) -> LoadResult:
    """A closed-loop load from Python threads, one keep-alive connection each (used when wrk
    is missing). next_request() gives (method, path, body, headers). On 2 cores the client's
    own Python competes with the server for CPU: a floor, not the server's ceiling."""
    import http.client
    import threading

    latencies: list[float] = []
    counts = {"requests": 0, "errors": 0, "bad": 0}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        errors = bad = 0
        while time.monotonic() < stop_at:
            method, path, body, headers = next_request()
            started = time.perf_counter()
            try:
                connection.request(method, path, body, headers)
                answer = connection.getresponse()
                answer.read()
            except (OSError, http.client.HTTPException):
                errors += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - started)
            bad += answer.status >= 400
        connection.close()
        with lock:
            latencies.extend(mine)
            counts["requests"] += len(mine)
            counts["errors"] += errors + bad
            counts["bad"] += bad

    started = time.monotonic()
    workers = [threading.Thread(target=client) for _ in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    p50, p99 = percentiles(latencies)
    return LoadResult(requests=counts["requests"], errors=counts["errors"],
                      seconds=time.monotonic() - started, p50_ms=p50, p99_ms=p99,
                      answers_4xx_5xx=counts["bad"])


def load_get(port: int, path: str, *, seconds: float, connections: int,
             headers: dict[str, str]) -> LoadResult:
    """GET path on loopback for seconds: wrk, or Python threads where wrk is missing."""
    if wrk_available():
        return run_wrk(f"http://127.0.0.1:{port}{path}", seconds=seconds,
                       connections=connections, headers=headers)
    return python_load(port, seconds=seconds, connections=connections,
                       next_request=lambda: ("GET", path, None, headers))
