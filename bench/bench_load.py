"""Load: the start page and readiness-report posts under many concurrent connections.

Run: `python bench/bench_load.py [seconds] [connections]` (default 30 s, 64 connections).
gunicorn as in production (gunicorn.conf.py: gthread, WEB_CONCURRENCY workers [2 x cores + 1]
x GUNICORN_THREADS [4], preload) on a fresh SQLite file in WAL mode, rate limits off. First
GET / as a phone's Chrome on its first visit (no cookies, gzip accepted), then POSTs of new
readiness reports to 200 personal links, each for `seconds`, after a 2 s warm-up. Prints
requests, errors, throughput, p50 and p99 for each, and checks that every report answered
2xx is a row. The load comes from wrk (C, one process) when installed, else from Python
threads, which on a 2-core machine take CPU from the server. Loopback only; stops on its own.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import sys
import time
import uuid
from contextlib import closing
from pathlib import Path

from common import (
    BENCH,
    MOBILE_HEADERS,
    RATE_LIMIT_NOTE,
    REPORT,
    LoadResult,
    database_path,
    free_port,
    gunicorn,
    load_get,
    make_links,
    production_workers,
    python_load,
    run_wrk,
    server_environment,
    temporary_folder,
    wrk_available,
)

LINKS = 200
WARM_UP_SECONDS = 2


def count_reports(database: Path) -> int:
    """Rows in the reports table."""
    with closing(sqlite3.connect(database)) as connection:
        return int(connection.execute("SELECT count(*) FROM reports").fetchone()[0])


def load_start_page(port: int, seconds: float, connections: int) -> LoadResult:
    """GET / as a phone's first visit."""
    return load_get(port, "/", seconds=seconds, connections=connections, headers=MOBILE_HEADERS)


def load_reports(port: int, folder: Path, tokens: list[str], seconds: float, connections: int,
                 use_wrk: bool) -> LoadResult:
    """POST new reports to random links."""
    if use_wrk:
        token_file, body_file = folder / "tokens.txt", folder / "report.json"
        token_file.write_text("\n".join(tokens) + "\n")
        body_file.write_text(json.dumps({**REPORT, "id": "REPORT_ID"}))
        return run_wrk(f"http://127.0.0.1:{port}/", seconds=seconds, connections=connections,
                       script=BENCH / "report_posts.lua",
                       script_args=[str(token_file), str(body_file)])
    headers = {"Content-Type": "application/json"}

    def next_request() -> tuple[str, str, str, dict[str, str]]:
        body = json.dumps({**REPORT, "id": str(uuid.uuid4())})
        return "POST", f"/api/v1/invites/{random.choice(tokens)}/reports", body, headers

    return python_load(port, seconds=seconds, connections=connections, next_request=next_request)


def main() -> int:
    """Start gunicorn, load the start page, then the report API; 1 when a figure fails."""
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 30.0
    connections = int(sys.argv[2]) if len(sys.argv) > 2 else 64
    workers, threads = production_workers()
    use_wrk = wrk_available()
    port = free_port()
    with temporary_folder() as folder:
        environment = server_environment(folder, port, workers=workers, threads=threads)
        tokens = make_links(environment, LINKS)
        database = database_path(environment)
        client = ("wrk (2 threads)" if use_wrk else
                  "Python threads (wrk missing: the client competes with the server for CPU)")
        print(f"Load: {connections} connections, {seconds:.0f} s each, gunicorn gthread "
              f"{workers} workers x {threads} threads (production defaults), "
              f"{os.cpu_count()} cores shared with the client; client: {client}; "
              f"SQLite (WAL); {RATE_LIMIT_NOTE}")
        with gunicorn(environment):
            load_start_page(port, WARM_UP_SECONDS, connections)
            start = load_start_page(port, seconds, connections)
            print(start.line("GET / (first visit)"))
            load_reports(port, folder, tokens, WARM_UP_SECONDS, connections, use_wrk)
            time.sleep(1)  # the warm-up's last posts, still in flight when wrk stopped
            before = count_reports(database)
            posts = load_reports(port, folder, tokens, seconds, connections, use_wrk)
            print(posts.line("POST report (new id)"))
            time.sleep(1)
            stored = count_reports(database) - before
        answered = posts.requests - posts.answers_4xx_5xx
        # wrk stops with a request in flight on each connection: the server stores those, but
        # wrk does not count their answers. So rows may exceed answers by up to `connections`.
        lost = max(0, answered - stored)
        print(f"reports answered 2xx {answered}, new rows {stored} (up to {connections} more: "
              f"in flight when the client stopped): "
              f"{'none lost' if not lost and stored - answered <= connections else 'MISMATCH'}")
    failed = start.errors or posts.errors or lost or stored - answered > connections
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
