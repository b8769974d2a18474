"""Faults: a worker killed under report load loses no answered report, and concurrent writers
in every worker never show a user "database is locked".

Run: `python bench/bench_fault.py [seconds] [connections]` (default 12 s per part, 32
connections). gunicorn as in production (gunicorn.conf.py, WEB_CONCURRENCY x GUNICORN_THREADS,
AUTO_PURGE on as in production) on a fresh SQLite file; rate limits off.

1. SIGKILL: Python client threads post new readiness reports (a fresh id each) to 200
   personal links; a third of the way in, one gunicorn worker (a child of the master, from
   /proc) gets SIGKILL. A post whose connection breaks is sent again with the same id on a new
   connection, as the browser's outbox does (the API answers 200 "stored before" when the
   first attempt had been committed). Afterwards every id answered 2xx must be a row, and
   every row an answered id: both counts are printed.
2. Concurrent writers: at once, report posts (some links shared by many connections, so
   that writes meet on the same invite row), openings of personal links (GET /r/<token>
   writes the invite's last activity) and, from this process, new invites inserted directly
   into the same SQLite file, with each worker's share taken from the access log. Every 5xx,
   every answer mentioning "database is locked", and every such line or traceback in
   gunicorn's error log is counted.
Exits 1 when a report is lost or any error reaches a user. Python clients (the ids must be
tracked), so on 2 cores the client shares the CPU with the server. Loopback only.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import signal
import sqlite3
import sys
import threading
import time
import uuid
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import (
    MOBILE_HEADERS,
    RATE_LIMIT_NOTE,
    REPORT,
    bench_app,
    database_path,
    free_port,
    gunicorn,
    make_links,
    production_workers,
    server_environment,
    socket_count,
    temporary_folder,
    wait_for_workers,
    worker_pids,
)

LINKS = 200
SHARED_LINKS = 4  # part 2: a few links that many connections post to at once
RETRY_SECONDS = 20
LOCKED = "database is locked"
ACCESS_FORMAT = "%(p)s %(m)s %(s)s"
RECONNECT_EVERY = 10  # part 2: a new connection every 10 requests reaches every worker


@dataclass
class Tally:
    """What the clients saw, merged under a lock."""

    answered: set[str] = field(default_factory=set)   # report ids answered 2xx
    unanswered: set[str] = field(default_factory=set)  # ids never answered 2xx
    statuses: Counter[int] = field(default_factory=Counter)
    broken: int = 0        # requests whose connection broke (reset, closed, timed out)
    locked: int = 0        # answers that mention "database is locked"
    lock: threading.Lock = field(default_factory=threading.Lock)


def send(connection: http.client.HTTPConnection, method: str, path: str, body: str | None,
         headers: dict[str, str]) -> tuple[int, bytes]:
    """One request on a keep-alive connection; its status and body."""
    connection.request(method, path, body, headers)
    answer = connection.getresponse()
    return answer.status, answer.read()


def report_poster(port: int, tokens: list[str], stop_at: float, tally: Tally,
                  reconnect_every: int = 0) -> None:
    """Post new reports until stop_at; resend a report whose connection broke, same id.
    With reconnect_every, a new connection after that many posts (spreads them over the
    workers: a keep-alive connection stays with the worker that accepted it)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    answered: set[str] = set()
    unanswered: set[str] = set()
    statuses = Counter[int]()
    broken = locked = sent = 0
    headers = {"Content-Type": "application/json"}
    while time.monotonic() < stop_at:
        sent += 1
        if reconnect_every and sent % reconnect_every == 0:
            connection.close()
        report_id = str(uuid.uuid4())
        body = json.dumps({**REPORT, "id": report_id})
        path = f"/api/v1/invites/{random.choice(tokens)}/reports"
        give_up = time.monotonic() + RETRY_SECONDS
        while True:
            try:
                status, text = send(connection, "POST", path, body, headers)
            except (OSError, http.client.HTTPException):
                broken += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                if time.monotonic() < give_up:
                    time.sleep(0.05)
                    continue
                unanswered.add(report_id)
                break
            statuses[status] += 1
            locked += LOCKED.encode() in text
            (answered if 200 <= status < 300 else unanswered).add(report_id)
            break
    connection.close()
    with tally.lock:
        tally.answered |= answered
        tally.unanswered |= unanswered - answered
        tally.statuses.update(statuses)
        tally.broken += broken
        tally.locked += locked


def link_opener(port: int, tokens: list[str], stop_at: float, tally: Tally,
                reconnect_every: int = 0) -> None:
    """Open personal links (each opening writes the invite) until stop_at, without cookies."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    statuses: Counter[int] = Counter()
    broken = locked = sent = 0
    headers = {key: value for key, value in MOBILE_HEADERS.items() if key != "Accept-Encoding"}
    while time.monotonic() < stop_at:
        sent += 1
        if reconnect_every and sent % reconnect_every == 0:
            connection.close()
        try:
            status, text = send(connection, "GET", f"/r/{random.choice(tokens)}", None, headers)
        except (OSError, http.client.HTTPException):
            broken += 1
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        statuses[status] += 1
        locked += LOCKED.encode() in text
    connection.close()
    with tally.lock:
        tally.statuses.update(statuses)
        tally.broken += broken
        tally.locked += locked


def invite_creator(environment: dict[str, str], stop_at: float, created: list[int],
                   errors: list[str]) -> None:
    """Insert new invites straight into the database (as `flask invite create` does)."""
    from app import invites

    application = bench_app(environment)
    engine = application.extensions["valmis.db"]
    count = 0
    try:
        while time.monotonic() < stop_at:
            try:
                with engine.begin() as connection:
                    invites.create_invite(connection, language="sv",
                                          appointment_at=datetime.now(UTC) + timedelta(days=1))
                count += 1
            except Exception as error:  # counted and shown, not hidden
                errors.append(f"{type(error).__name__}: {error}")
            time.sleep(0.005)
    finally:
        engine.dispose()
        created.append(count)


def run_threads(targets: list[tuple[object, tuple[object, ...]]]) -> None:
    """Start every (function, args) in a thread and wait for all."""
    threads = [threading.Thread(target=function, args=args)  # type: ignore[arg-type]
               for function, args in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def stored_ids(database: Path) -> set[str]:
    """Every report id in the database."""
    with closing(sqlite3.connect(database)) as connection:
        return {row[0] for row in connection.execute("SELECT report_id FROM reports")}


def error_log_problems(text: str) -> list[str]:
    """Lines of gunicorn's error log that show an error a user may have met (the expected
    notice of the SIGKILL and the worker's replacement are not)."""
    pattern = re.compile(r"database is locked|Traceback|OperationalError|Exception|\[ERROR\]")
    expected = re.compile(r"was sent SIGKILL|Worker \(pid:\d+\) was sent")
    return [line for line in text.splitlines()
            if pattern.search(line) and not expected.search(line)]


def kill_part(port: int, master: int, tokens: list[str], seconds: float,
              connections: int) -> tuple[Tally, int, int]:
    """Part 1: report load with one worker SIGKILLed; the tally, the killed pid and how many
    client connections it held."""
    tally = Tally()
    stop_at = time.monotonic() + seconds
    killed: list[int] = []

    def killer() -> None:
        time.sleep(seconds / 3)
        # The busiest worker: the one holding the most client connections.
        workers = sorted(worker_pids(master), key=socket_count)
        if workers:
            victim = workers[-1]
            killed.append(socket_count(victim) - 1)  # minus the listening socket
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    run_threads([(report_poster, (port, tokens, stop_at, tally))] * connections
                + [(killer, ())])
    return tally, killed[1] if killed else 0, killed[0] if killed else 0


def main() -> int:
    """Both parts on one production gunicorn; 1 when a report is lost or an error shows."""
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 12.0
    connections = int(sys.argv[2]) if len(sys.argv) > 2 else 32
    workers, threads = production_workers()
    port = free_port()
    failed = False
    with temporary_folder() as folder:
        access_log, error_log = folder / "access.log", folder / "error.log"
        environment = server_environment(folder, port, workers=workers, threads=threads,
                                         AUTO_PURGE="true", ACCESS_LOG=str(access_log),
                                         LOG_LEVEL="info")
        tokens = make_links(environment, LINKS)
        database = database_path(environment)
        print(f"Faults: gunicorn gthread {workers} workers x {threads} threads, SQLite (WAL), "
              f"AUTO_PURGE on, {RATE_LIMIT_NOTE}; Python client threads "
              f"({connections} connections, {os.cpu_count()} cores shared with the server)")
        with gunicorn(environment, error_log=error_log,
                      extra_args=["--access-logformat", ACCESS_FORMAT]) as server:
            before = wait_for_workers(server.pid, workers)
            tally, victim, held = kill_part(port, server.pid, tokens, seconds, connections)
            after = worker_pids(server.pid)
            rows = stored_ids(database)
            missing = tally.answered - rows
            extra = rows - tally.answered
            print(f"1. SIGKILL worker {victim} (holding {held} client connections) of "
                  f"{sorted(before)} a third into {seconds:.0f} s of report posts; "
                  f"workers afterwards {sorted(after)}")
            print(f"   connections broken {tally.broken} (those posts were sent again, same id); "
                  f"statuses {dict(sorted(tally.statuses.items()))}")
            print(f"   report ids answered 2xx {len(tally.answered)}, rows in reports {len(rows)}, "
                  f"answered but missing {len(missing)}, stored but never answered {len(extra)}, "
                  f"given up {len(tally.unanswered)}: "
                  f"{'every answered report stored' if not missing and not extra else 'MISMATCH'}")
            failed |= bool(missing or extra or tally.unanswered or not victim)
            log_mark = error_log.stat().st_size
            access_mark = access_log.stat().st_size if access_log.exists() else 0

            writers = Tally()
            stop_at = time.monotonic() + seconds
            created: list[int] = []
            direct_errors: list[str] = []
            shared = tokens[:SHARED_LINKS]
            posters = connections // 2
            run_threads(
                [(report_poster, (port, shared if n % 2 else tokens, stop_at, writers,
                                  RECONNECT_EVERY)) for n in range(posters)]
                + [(link_opener, (port, tokens, stop_at, writers, RECONNECT_EVERY))]
                * (connections - posters)
                + [(invite_creator, (environment, stop_at, created, direct_errors))])
        with error_log.open(encoding="utf-8", errors="replace") as log:
            log.seek(log_mark)
            problems = error_log_problems(log.read())
        with access_log.open(encoding="utf-8", errors="replace") as log:
            log.seek(access_mark)
            per_worker = Counter(line.split()[0].strip("<>") for line in log
                                 if re.match(r"<?\d+>? (POST|GET) 2\d\d", line))
        server_errors = sum(count for status, count in writers.statuses.items() if status >= 500)
        print(f"2. concurrent writers for {seconds:.0f} s: {posters} connections posting "
              f"reports (half of them to {SHARED_LINKS} shared links), "
              f"{connections - posters} opening links, 1 thread creating invites directly "
              f"({created[0] if created else 0} made)")
        print(f"   2xx writes per worker pid {dict(sorted(per_worker.items()))}")
        print(f"   statuses {dict(sorted(writers.statuses.items()))}; broken connections "
              f"{writers.broken}; 5xx {server_errors}; answers saying '{LOCKED}' "
              f"{writers.locked}; error-log lines {len(problems)}; direct-write errors "
              f"{len(direct_errors)}")
        for line in problems[:5] + direct_errors[:5]:
            print(f"     {line[:160]}")
        failed |= bool(server_errors or writers.locked or writers.broken or problems
                       or direct_errors or writers.unanswered)
        if len(per_worker) < workers:
            print(f"   note: only {len(per_worker)} of {workers} workers answered writes")
    print("FAIL" if failed else "PASS: nothing lost, no database error reached a user")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
