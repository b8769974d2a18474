"""Performance against DESIGN.md's budgets, in one table, every figure measured in this run.

Run: `python bench/bench_perf.py [seconds]` (default 3: seconds per throughput run).
- Every wizard page's throughput next to a bare Flask "hello" (bench/hello_wsgi.py) on the
  same gunicorn settings (the project's gunicorn.conf.py: gthread, production workers x
  threads), hello measured between every two pages so that both see the same machine
  (bench_pages.py); each page's ratio has the budget 0.7.
- Device classification, µs per call, uncached and cached, next to plain user_agents.parse
  (bench_device.py's functions, on the test corpus).
- First-visit bytes of each wizard page as sent with `Accept-Encoding: gzip, deflate, br`
  (response bodies; headers not counted): the critical path (the HTML, its stylesheets and
  any script that blocks rendering; module scripts are deferred) within 14 KB, and everything
  the page loads within 60 KB (module scripts and their imports, images, drawings, icons, the
  web manifest and its icons, the service worker script). The service worker's pre-cache is
  not counted: it is fetched after the page has loaded (bench_precache.py gives its size).
- Lighthouse 12 (mobile, Debian Chromium, headless) on / and /checks: performance >= 0.98,
  accessibility and best practices 1.0; skipped with a note when npx or Chromium is missing.
Prints one table (figure, budget, PASS/FAIL); exits 1 when any row fails. Loopback only.
"""

from __future__ import annotations

import functools
import gzip
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import zlib
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from common import (
    MOBILE_HEADERS,
    RATE_LIMIT_NOTE,
    ROOT,
    free_port,
    gunicorn,
    make_links,
    production_workers,
    server_environment,
    temporary_folder,
)

WIZARD_PAGES = ["/", "/device", "/computer/browser", "/phone/install", "/checks",
                "/computer/join", "/phone/join", "/privacy", "/ready", "/help"]
LIGHTHOUSE_PAGES = ["/", "/checks"]
CRITICAL_BUDGET = 14 * 1024
EVERYTHING_BUDGET = 60 * 1024
CHROMIUM = "/usr/bin/chromium"


@dataclass
class Row:
    """One line of the table."""

    figure: str
    value: str
    budget: str
    passed: bool | None  # None: no budget, for comparison only

    @property
    def verdict(self) -> str:
        """PASS, FAIL or a dash."""
        return "-" if self.passed is None else ("PASS" if self.passed else "FAIL")


# --- throughput -------------------------------------------------------------------------------


def throughput_rows(seconds: float) -> list[Row]:
    """Every wizard page next to the hello app, side by side (bench_pages.py)."""
    from bench_pages import BUDGET, measure_pages

    figures, hello_cpu, settings = measure_pages(seconds)
    rows = [Row(f"hello app CPU ms/request ({settings})", f"{hello_cpu:.2f}", "", None)]
    for figure in figures:
        rows.append(Row(f"{figure.page} / hello throughput ({figure.cpu_ms:.2f} CPU ms/req)",
                        f"{figure.ratio:.2f}", f">= {BUDGET}", figure.ratio >= BUDGET))
    return rows


# --- device classification --------------------------------------------------------------------


def device_rows() -> list[Row]:
    """bench_device.py's measurements, means over the corpus."""
    import bench_device as bench

    headers = [bench.request_headers(entry) for entry in bench.load_corpus()]
    uncached = statistics.fmean(
        bench.per_call_us(functools.partial(bench.device._classify, *bench.hint_args(h)), 30)
        for h in headers)
    cached = statistics.fmean(
        bench.per_call_us(functools.partial(bench.device.classify_request,
                                            bench.environ_headers(h)), 300)
        for h in headers)
    library = statistics.fmean(
        bench.per_call_us(functools.partial(bench.legacy_parse_uncached, h["User-Agent"]), 3)
        for h in headers)
    return [
        Row("device classification, uncached, µs", f"{uncached:.1f}",
            f"<= {bench.BUDGET_UNCACHED_US:.0f}", uncached <= bench.BUDGET_UNCACHED_US),
        Row("device classification, cached, µs", f"{cached:.2f}",
            f"<= {bench.BUDGET_CACHED_US:.0f}", cached <= bench.BUDGET_CACHED_US),
        Row("plain user_agents.parse, µs", f"{library:.1f}", "", None),
    ]


# --- bytes ------------------------------------------------------------------------------------


class PageParser(HTMLParser):
    """The subresources a page asks for, split into render-blocking and the rest."""

    def __init__(self) -> None:
        super().__init__()
        self.blocking: list[str] = []
        self.other: list[str] = []
        self.modules: list[str] = []
        self.behaviours: list[str] = []
        self.manifest: str | None = None
        self.import_map_text = ""
        self._in_import_map = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Sort one element's URL into its list."""
        values = {name: value or "" for name, value in attrs}
        if "data-module" in values:
            self.behaviours.append(values["data-module"])
        if tag == "link":
            rel = values.get("rel", "").split()
            if "stylesheet" in rel:
                self.blocking.append(values["href"])
            elif "manifest" in rel:
                self.manifest = values["href"]
            elif {"icon", "apple-touch-icon", "modulepreload", "preload"} & set(rel):
                self.other.append(values["href"])
        elif tag == "script":
            kind = values.get("type", "")
            if kind == "importmap":
                self._in_import_map = True
            elif kind == "module" and values.get("src"):
                self.modules.append(values["src"])
            elif values.get("src"):
                deferred = "async" in values or "defer" in values
                (self.other if deferred else self.blocking).append(values["src"])
        elif tag in ("img", "source", "image") and (values.get("src") or values.get("href")):
            self.other.append(values.get("src") or values["href"])

    def handle_endtag(self, tag: str) -> None:
        """End of the import map."""
        if tag == "script":
            self._in_import_map = False

    def handle_data(self, data: str) -> None:
        """The import map's JSON."""
        if self._in_import_map:
            self.import_map_text += data


class Fetcher:
    """GETs on one server, counting the body bytes as they travel (compressed or not)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sizes: dict[str, int] = {}
        self.encodings: dict[str, str] = {}

    def get(self, url: str) -> tuple[int, bytes]:
        """Wire size and decoded body of url (a path on the server)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", url, headers=MOBILE_HEADERS)
            answer = connection.getresponse()
            raw = answer.read()
            if answer.status != 200:
                raise SystemExit(f"GET {url}: {answer.status}")
            encoding = answer.getheader("Content-Encoding", "identity")
        finally:
            connection.close()
        self.encodings[url] = encoding
        if encoding == "gzip":
            body = gzip.decompress(raw)
        elif encoding == "deflate":
            body = zlib.decompress(raw)
        elif encoding == "br":
            import brotli  # type: ignore[import-not-found]  # only if the server sent it

            body = brotli.decompress(raw)
        else:
            body = raw
        self.sizes[url] = len(raw)
        return len(raw), body


MODULE_IMPORT = r"""(?:import|export)\s[^;'"]*?from\s*["']([^"']+)["']|import\s*["']([^"']+)["']"""


def module_closure(fetcher: Fetcher, entries: list[str], import_map: dict[str, str]) -> set[str]:
    """Every module URL loaded from entries by static imports (through the import map)."""
    seen: set[str] = set()
    queue = list(entries)
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        source = fetcher.get(url)[1].decode()
        for groups in re.findall(MODULE_IMPORT, source):
            target = urljoin(url, groups[0] or groups[1])
            queue.append(import_map.get(target, target))
    return seen


def page_bytes(fetcher: Fetcher, page: str) -> tuple[int, int, dict[str, int]]:
    """Critical-path bytes, all bytes and the parts of one page's first visit."""
    html_size, html = fetcher.get(page)
    parser = PageParser()
    parser.feed(html.decode())
    import_map = json.loads(parser.import_map_text or '{"imports": {}}')["imports"]
    critical = html_size + sum(fetcher.get(url)[0] for url in parser.blocking)
    # The first module (app.mjs) imports each data-module behaviour: ./<name>.mjs beside it.
    entries = list(parser.modules)
    for name in parser.behaviours if parser.modules else ():
        plain = urljoin(parser.modules[0], f"./{name}.mjs")
        entries.append(import_map.get(plain, plain))
    modules = module_closure(fetcher, entries, import_map)
    script_bytes = sum(fetcher.sizes[url] for url in modules)
    images = sum(fetcher.get(url)[0] for url in set(parser.other))
    manifest_bytes = 0
    if parser.manifest:
        size, document = fetcher.get(parser.manifest)
        manifest_bytes = size + sum(
            fetcher.get(urljoin(parser.manifest, icon["src"]))[0]
            for icon in json.loads(document).get("icons", []))
    worker = sum(fetcher.get(url)[0] for url in ("/sw.js",) if "pwa" in parser.behaviours)
    parts = {"html": html_size, "css+blocking js": critical - html_size,
             "modules": script_bytes, "images+icons": images,
             "manifest+icons": manifest_bytes, "sw.js": worker}
    return critical, sum(parts.values()), parts


def byte_rows() -> list[Row]:
    """Each wizard page's first visit, on a production gunicorn."""
    rows = []
    workers, threads = production_workers()
    port = free_port()
    with temporary_folder() as folder:
        environment = server_environment(folder, port, workers=workers, threads=threads)
        make_links(environment, 1)
        with gunicorn(environment):
            for page in WIZARD_PAGES:
                fetcher = Fetcher(port)
                critical, everything, parts = page_bytes(fetcher, page)
                detail = ", ".join(f"{name} {size / 1024:.1f}" for name, size in parts.items())
                encodings = sorted({fetcher.encodings[url] for url in fetcher.encodings
                                    if urlsplit(url).path.startswith("/static/")})
                rows.append(Row(f"{page} critical path KB (html {parts['html'] / 1024:.1f})",
                                f"{critical / 1024:.1f}", "<= 14", critical <= CRITICAL_BUDGET))
                rows.append(Row(f"{page} everything KB", f"{everything / 1024:.1f}", "<= 60",
                                everything <= EVERYTHING_BUDGET))
                print(f"  {page}: {detail} KB; static sent as {'/'.join(encodings)}",
                      file=sys.stderr)
    return rows


# --- Lighthouse -------------------------------------------------------------------------------


def lighthouse_rows() -> list[Row]:
    """Lighthouse 12, mobile, on a production gunicorn; skipped without npx or Chromium."""
    if not (shutil.which("npx") and Path(CHROMIUM).exists()):
        return [Row("Lighthouse", "skipped: npx or /usr/bin/chromium missing", "", None)]
    rows = []
    workers, threads = production_workers()
    port = free_port()
    flags = ("--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage "
             "--no-first-run --disable-extensions")
    with temporary_folder() as folder:
        environment = server_environment(folder, port, workers=workers, threads=threads)
        make_links(environment, 1)
        with gunicorn(environment):
            for page in LIGHTHOUSE_PAGES:
                report_path = Path(tempfile.mkstemp(suffix=".json", dir=folder)[1])
                command = ["npx", "--yes", "lighthouse@12", f"http://127.0.0.1:{port}{page}",
                           f"--chrome-flags={flags}", "--quiet",
                           "--only-categories=performance,accessibility,best-practices",
                           "--form-factor=mobile", "--disable-full-page-screenshot",
                           "--output=json", f"--output-path={report_path}"]
                try:
                    subprocess.run(command, check=True, timeout=240, capture_output=True,
                                   env={**os.environ, "CHROME_PATH": CHROMIUM})
                    result = json.loads(report_path.read_text())
                except (subprocess.SubprocessError, ValueError, OSError) as error:
                    rows.append(Row(f"Lighthouse {page}", f"did not run: {error}", "", False))
                    continue
                budgets = {"performance": 0.98, "accessibility": 1.0, "best-practices": 1.0}
                for category, budget in budgets.items():
                    score = result["categories"][category]["score"]
                    rows.append(Row(f"Lighthouse {page} {category}",
                                    "n/a" if score is None else f"{score:.2f}",
                                    f">= {budget:g}", score is not None and score >= budget))
                for audit in result["audits"].values():
                    if audit.get("score") is not None and audit["score"] < 1 and \
                            audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings"):
                        print(f"  Lighthouse {page}: {audit['id']} {audit['score']} "
                              f"{audit.get('displayValue', '')}", file=sys.stderr)
    return rows


def main() -> int:
    """Measure everything and print the table; 1 when any row fails."""
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    print(f"Performance against DESIGN.md's budgets ({os.cpu_count()} cores; "
          f"{RATE_LIMIT_NOTE}; details on stderr)", flush=True)
    rows = device_rows() + throughput_rows(seconds) + byte_rows() + lighthouse_rows()
    width = max(len(row.figure) for row in rows)
    print(f"{'figure':<{width}}  {'value':>8}  {'budget':<8}  verdict")
    for row in rows:
        print(f"{row.figure:<{width}}  {row.value:>8}  {row.budget:<8}  {row.verdict}")
    failed = [row for row in rows if row.passed is False]
    print(f"{len(rows) - len(failed)} of {len(rows)} rows pass or are for comparison; "
          f"{len(failed)} fail")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
