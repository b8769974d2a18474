"""Every wizard page's throughput next to a bare Flask "hello", measured side by side.

Run: `python bench/bench_pages.py [seconds]` (default 3: seconds per load run).

Both apps run on the project's gunicorn settings (bench/hello.gunicorn.conf.py is
gunicorn.conf.py without the database hook) with production workers x threads. The hello app is
measured before the first page, between every two pages and after the last, and each page's
ratio is its requests per second over the mean of the hello runs just before and after it, so
that both see the same machine (another job on the cores slows both alike).

Pages are asked for as a customer's phone asks: the start page and the personal link as first
visits (no cookie), the other steps with the session cookie the personal link set. Next to the
ratio: the server's CPU milliseconds per request (user + system time of gunicorn's workers,
from /proc), which does not depend on how busy the load generator keeps the other core.
Loopback only; rate limits off, as in every server benchmark.
"""

from __future__ import annotations

import http.client
import os
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass

from common import (
    BENCH,
    MOBILE_HEADERS,
    LoadResult,
    free_port,
    gunicorn,
    load_get,
    make_links,
    production_workers,
    server_environment,
    temporary_folder,
    worker_pids,
    wrk_available,
)

# The steps a customer opens after the personal link, in the wizard's order, then the pages
# beside the path (not /open-in-browser: in a real browser it redirects to /device).
STEPS = ["/device", "/computer/browser", "/phone/install", "/checks", "/computer/join",
         "/phone/join", "/privacy", "/ready", "/help", "/no-video", "/other-device"]
BUDGET = 0.7
CONNECTIONS = 64
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class PageFigure:
    """One page's measurement next to the hello runs around it."""

    page: str
    throughput: float
    hello: float
    cpu_ms: float

    @property
    def ratio(self) -> float:
        """Page throughput over hello throughput."""
        return self.throughput / self.hello


def cpu_seconds(master: int) -> float:
    """User + system CPU seconds used so far by a gunicorn master's workers."""
    total = 0
    for pid in worker_pids(master):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / TICKS


def first_visit(port: int, path: str) -> tuple[int, str]:
    """Status and session cookie of a GET as a phone's first visit."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=MOBILE_HEADERS)
        answer = connection.getresponse()
        answer.read()
        cookie = (answer.getheader("Set-Cookie") or "").split(";", 1)[0]
        return answer.status, cookie
    finally:
        connection.close()


def loader(seconds: float) -> Callable[[int, str, dict[str, str]], LoadResult]:
    """A function that loads one URL for seconds and fails on any error."""
    def load(port: int, path: str, headers: dict[str, str]) -> LoadResult:
        result = load_get(port, path, seconds=seconds, connections=CONNECTIONS, headers=headers)
        if result.errors:
            raise SystemExit(f"GET {path}: {result.errors} errors under load")
        return result
    return load


def measure_pages(seconds: float) -> tuple[list[PageFigure], float, str]:
    """Every page's figures, hello's CPU ms per request, and the settings used."""
    workers, threads = production_workers()
    load = loader(seconds)
    valmis_port, hello_port = free_port(), free_port()
    with temporary_folder() as folder:
        valmis_env = server_environment(folder, valmis_port, workers=workers, threads=threads)
        (token,) = make_links(valmis_env, 1)  # migrates the database
        hello_env = {**valmis_env, "PORT": str(hello_port)}
        with gunicorn(valmis_env) as valmis, gunicorn(
                hello_env, target="bench.hello_wsgi:app",
                config=BENCH / "hello.gunicorn.conf.py", ready_path="/") as hello_server:
            status, cookie = first_visit(valmis_port, f"/r/{token}")
            if status != 200 or not cookie:
                raise SystemExit(f"the personal link answered {status} without a session")
            pages: list[tuple[str, dict[str, str]]] = [
                ("/", MOBILE_HEADERS), (f"/r/{token}", MOBILE_HEADERS)]
            pages += [(path, {**MOBILE_HEADERS, "Cookie": cookie}) for path in STEPS]
            load(valmis_port, "/", MOBILE_HEADERS)  # warm-up: imports, templates, caches
            for path, headers in pages:  # every page answers, and its template is loaded
                connection = http.client.HTTPConnection("127.0.0.1", valmis_port, timeout=30)
                connection.request("GET", path, headers=headers)
                answer = connection.getresponse()
                answer.read()
                connection.close()
                if answer.status != 200:
                    raise SystemExit(f"GET {path} answered {answer.status}")
            hello_cpu: list[float] = []

            def run_hello() -> float:
                before = cpu_seconds(hello_server.pid)
                result = load(hello_port, "/", MOBILE_HEADERS)
                hello_cpu.append((cpu_seconds(hello_server.pid) - before) * 1000
                                 / max(result.requests, 1))
                return result.throughput

            figures = []
            previous = run_hello()
            for path, headers in pages:
                before = cpu_seconds(valmis.pid)
                result = load(valmis_port, path, headers)
                cpu = (cpu_seconds(valmis.pid) - before) * 1000 / max(result.requests, 1)
                following = run_hello()
                shown = "/r/<token>" if token in path else path
                figures.append(PageFigure(shown, result.throughput,
                                          statistics.fmean((previous, following)), cpu))
                previous = following
    client = "wrk" if wrk_available() else "Python threads"
    settings = f"{workers}x{threads} gthread, {CONNECTIONS} connections, {client}, {seconds:g} s"
    return figures, statistics.fmean(hello_cpu), settings


def main() -> int:
    """Print one line per page; 1 when any page is below the budget."""
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    figures, hello_cpu, settings = measure_pages(seconds)
    print(f"Wizard pages next to a bare Flask hello ({settings}; hello {hello_cpu:.2f} CPU ms "
          "per request)")
    print(f"{'page':<20} {'req/s':>8} {'hello':>8} {'ratio':>6} {'CPU ms':>7}  budget >= {BUDGET}")
    for figure in figures:
        verdict = "PASS" if figure.ratio >= BUDGET else "FAIL"
        print(f"{figure.page:<20} {figure.throughput:8.0f} {figure.hello:8.0f} "
              f"{figure.ratio:6.2f} {figure.cpu_ms:7.2f}  {verdict}")
    return 0 if all(figure.ratio >= BUDGET for figure in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
