"""Benchmark: readiness-report POSTs per second on SQLite, through gunicorn, over loopback.

Run from anywhere: `python bench/bench_reports.py [seconds] [clients]` (default 8 s, 8 clients).
Starts gunicorn as production would (2 workers x 4 threads, a fresh SQLite file in WAL mode,
rate limits off: this measures the server and the database, not the limiter), makes 200
personal links, then lets `clients` threads, each on one keep-alive connection, post new
readiness reports to random links for `seconds`. Prints throughput, latency percentiles and
status counts, and checks that every 201 is a row in the database (nothing lost).
The clients run on the same machine and share its cores with the server, so the figure is a
floor for the server alone. Only 127.0.0.1 is ever contacted; everything stops on its own.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import sqlite3
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from contextlib import closing

from common import (
    RATE_LIMIT_NOTE,
    REPORT,
    database_path,
    free_port,
    gunicorn,
    make_links,
    server_environment,
    temporary_folder,
)

LINKS = 200


def client(port: int, tokens: list[str], stop_at: float, latencies: list[float],
           statuses: Counter[int], lock: threading.Lock) -> None:
    """Post reports on one keep-alive connection until stop_at."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    mine: list[float] = []
    codes: Counter[int] = Counter()
    while time.monotonic() < stop_at:
        body = json.dumps({**REPORT, "id": str(uuid.uuid4())})
        token = random.choice(tokens)
        started = time.perf_counter()
        connection.request("POST", f"/api/v1/invites/{token}/reports", body,
                           {"Content-Type": "application/json"})
        answer = connection.getresponse()
        answer.read()
        mine.append(time.perf_counter() - started)
        codes[answer.status] += 1
    connection.close()
    with lock:
        latencies.extend(mine)
        statuses.update(codes)


def run(port: int, tokens: list[str], seconds: float, clients: int) -> tuple[list[float],
                                                                               Counter[int]]:
    """`clients` threads posting for `seconds`; every latency and status."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    threads = [threading.Thread(target=client,
                                args=(port, tokens, stop_at, latencies, statuses, lock))
               for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses


def report(title: str, latencies: list[float], statuses: Counter[int], seconds: float) -> None:
    """Print one run's figures."""
    milliseconds = sorted(value * 1000 for value in latencies)
    cuts = statistics.quantiles(milliseconds, n=100) if len(milliseconds) > 1 else [0.0] * 99
    print(f"{title}: {len(latencies) / seconds:7.0f} reports/s   "
          f"p50 {cuts[49]:5.1f} ms   p95 {cuts[94]:5.1f} ms   p99 {cuts[98]:5.1f} ms   "
          f"statuses {dict(sorted(statuses.items()))}")


def main() -> None:
    """Set up, warm up, measure one client and then many, check the rows, clean up."""
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 8.0
    clients = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    port = free_port()
    with temporary_folder() as folder:
        environment = server_environment(folder, port, workers=2, threads=4)
        tokens = make_links(environment, LINKS)
        with gunicorn(environment):
            print(f"Report POSTs through gunicorn (2 workers x 4 threads) on SQLite (WAL), "
                  f"{LINKS} links, {os.cpu_count()} cores shared with the clients; "
                  f"{RATE_LIMIT_NOTE}")
            _latencies, created = run(port, tokens, 1.0, 2)  # warm-up: imports, caches
            latencies, statuses = run(port, tokens, seconds / 2, 1)
            report(" 1 client ", latencies, statuses, seconds / 2)
            created.update(statuses)
            latencies, statuses = run(port, tokens, seconds, clients)
            report(f"{clients:2d} clients", latencies, statuses, seconds)
            created.update(statuses)
        with closing(sqlite3.connect(database_path(environment))) as connection:
            stored = connection.execute("SELECT count(*) FROM reports").fetchone()[0]
        verdict = "every one stored once" if stored == created[201] else "MISMATCH"
        print(f"201 answers {created[201]}, rows in reports {stored}: {verdict}")
        if stored != created[201]:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
