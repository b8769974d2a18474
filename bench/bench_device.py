"""Benchmark app/device.py: per-kind path accuracy on the field corpus, speed, and the libraries.

Run from anywhere: `python bench/bench_device.py [--full]`. Prints
- the field corpus (bench/device_field_corpus.json, ~13,000 real User-Agents from public test
  suites, each with its source; bench/build_device_corpus.py made it): path accuracy per kind,
  ours against what `device-detector` (the Python port of Matomo's), `ua-parser` (with
  `ua-parser-builtins`), `user-agents` and `woothee` give, and each one's µs per call;
- our classification time per call cold (the inner function, no cache) and cached (the public
  `classify_request` on werkzeug request headers, as the views call it) against DESIGN.md's
  budgets, over the whole corpus;
- the ua-parser resolvers side by side (pure-Python regexes vs the Rust ua-parser-rs);
- path accuracy on the tests' own corpus (tests/ua_corpus.json).
device-detector takes some 25 ms a call, so by default it reads a fixed sample of up to 150
entries per kind (the other columns read every entry); `--full` gives it the whole corpus
(some 6 minutes). The rest finishes in well under a minute.
`--before REF` adds a column for app/device.py as it was at git REF (say `main`), on the same
corpus: the honest "before" of a change, since the corpus moves with the code.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import user_agents  # noqa: E402
from ua_parser import BasicResolver, Domain, load_builtins  # noqa: E402
from ua_parser import user_agent_parser as legacy_parser  # noqa: E402

from app import device  # noqa: E402
from tests.support.device import naive_path  # noqa: E402  (one baseline, the tests' own)

FIELD_CORPUS = ROOT / "bench" / "device_field_corpus.json"
TEST_CORPUS = ROOT / "tests" / "ua_corpus.json"
BUDGET_CACHED_US = 20.0
BUDGET_UNCACHED_US = 150.0
KINDS = ("desktop", "phone", "tablet", "in-app", "bot", "tv", "console", "car", "wearable",
         "other-device")
SAMPLE_PER_KIND = 150


def load_corpus() -> list[dict[str, Any]]:
    """The tests' own corpus (bench_perf.py's device rows read it)."""
    entries: list[dict[str, Any]] = json.loads(TEST_CORPUS.read_text(encoding="utf-8"))["entries"]
    return entries


def legacy_parse_uncached(ua: str) -> object:
    """user_agents.parse as shipped, with ua-parser's legacy 200-entry cache emptied first."""
    legacy_parser._PARSE_CACHE.clear()
    return user_agents.parse(ua)


def field_entries() -> list[dict[str, Any]]:
    """The field corpus' entries that count: neither disputed between sources nor ambiguous."""
    entries: list[dict[str, Any]] = json.loads(FIELD_CORPUS.read_text(encoding="utf-8"))["entries"]
    return [entry for entry in entries if not entry.get("disputed") and not entry.get("ambiguous")]


def request_headers(entry: dict[str, Any]) -> dict[str, str]:
    """The entry's headers as a browser would send them, User-Agent included."""
    return {"User-Agent": entry["ua"], **entry.get("headers", {})}


def hint_args(headers: dict[str, str]) -> tuple[str, ...]:
    """The uncached inner function's arguments: the header values in VARY_HEADERS order."""
    lowered = {key.lower(): value for key, value in headers.items()}
    return tuple(lowered.get(name.lower(), "") for name in device.VARY_HEADERS)


def per_call_us(function: Callable[[], object], rounds: int, repeats: int = 1) -> float:
    """Mean µs per call of `function` over `rounds` calls, after one warm-up call; with
    `repeats`, the least of that many such means (the others met a busy machine)."""
    function()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter_ns()
        for _ in range(rounds):
            function()
        best = min(best, (time.perf_counter_ns() - start) / rounds / 1000)
    return best


def summarise(samples: list[float]) -> str:
    """Mean, median, 99th percentile and the slowest UA's figure."""
    ordered = sorted(samples)
    return (f"mean {statistics.fmean(samples):7.1f}   median {statistics.median(samples):7.1f}"
            f"   p99 {ordered[int(len(ordered) * 0.99)]:7.1f}   slowest {ordered[-1]:8.1f}")


def environ_headers(headers: dict[str, str]) -> Any:
    """werkzeug's EnvironHeaders for these headers (what Flask's request.headers is)."""
    from werkzeug.datastructures import EnvironHeaders
    environ = {"HTTP_" + key.upper().replace("-", "_"): value for key, value in headers.items()}
    return EnvironHeaders(environ)


# --- The libraries, each read as a path ----------------------------------------------------------
def ours(entry: dict[str, Any]) -> str:
    """Our path, from every header the entry has (client hints, X-Requested-With)."""
    return device._classify(*hint_args(request_headers(entry))).path


_DD_NONE = {"tv", "console", "car browser", "wearable", "smart speaker", "camera",
            "portable media player", "smart display", "peripheral"}


def device_detector_path(entry: dict[str, Any]) -> str:
    """device-detector: its bot flag, device type and client type (a "mobile app" is in-app)."""
    from device_detector import DeviceDetector  # type: ignore[import-untyped]
    parsed = DeviceDetector(entry["ua"]).parse()
    if parsed.is_bot():
        return "none"
    kind = parsed.device_type()
    if kind in _DD_NONE or not kind:
        return "none"
    if parsed.client_type() == "mobile app":
        return "open-in-browser"
    return "web" if kind == "desktop" else "app"


_UAP_IN_APP = {"Facebook", "Instagram", "WeChat", "LINE", "Baidu Box App", "Crosswalk",
               "Chrome Mobile WebView", "Snapchat", "Pinterest", "TikTok", "Twitter", "LinkedIn",
               "KakaoTalk", "NAVER", "Electron", "Mobile Safari UI/WKWebView"}
_UAP_DESKTOP = {"Windows", "Mac OS X", "Linux", "Ubuntu", "Chrome OS", "FreeBSD", "OpenBSD",
                "NetBSD", "Solaris", "Fedora", "Debian"}


def ua_parser_path(entry: dict[str, Any]) -> str:
    """ua-parser (the builtins, by the fastest resolver): Spider, browser family, OS family."""
    parsed = device.library_parse(entry["ua"])
    if parsed.device.family == "Spider":
        return "none"
    if parsed.user_agent.family in _UAP_IN_APP:
        return "open-in-browser"
    os_family = parsed.os.family
    if os_family in ("iOS", "Android") or parsed.device.family not in ("Other", "Mac"):
        return "app" if os_family not in _UAP_DESKTOP else "web"
    if os_family in _UAP_DESKTOP or os_family.startswith("Windows"):
        return "web"
    return "none"


def user_agents_path(entry: dict[str, Any]) -> str:
    """user_agents' is_bot / is_mobile / is_tablet / is_pc flags (the tests' baseline)."""
    legacy_parser._PARSE_CACHE.clear()
    return naive_path(entry["ua"])


def woothee_path(entry: dict[str, Any]) -> str:
    """woothee's category: pc, smartphone / mobilephone, crawler, appliance, misc."""
    import woothee
    category = woothee.parse(entry["ua"])["category"]
    return {"pc": "web", "smartphone": "app", "mobilephone": "app"}.get(category, "none")


def device_at(ref: str) -> Any:
    """app/device.py as it was at git `ref`, imported as a module of its own."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{ref}:app/device.py"],
                            check=True, capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "device_before.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("device_before", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["device_before"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def path_by(module: Any) -> Callable[[dict[str, Any]], str]:
    """The path `module` (a version of app/device.py) gives an entry, from all its headers."""
    def path_of(entry: dict[str, Any]) -> str:
        headers = {key.lower(): value for key, value in request_headers(entry).items()}
        return str(module._classify(*(headers.get(name.lower(), "")
                                      for name in module.VARY_HEADERS)).path)
    return path_of


def accuracy_table(entries: list[dict[str, Any]], full: bool, before: str | None = None) -> None:
    """Path accuracy per kind and µs per call for ours and each library."""
    rng = random.Random(19)
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in entries:
        by_kind[entry["kind"]].append(entry)
    sample = [entry for kind in KINDS
              for entry in (by_kind[kind] if full or len(by_kind[kind]) <= SAMPLE_PER_KIND
                            else rng.sample(by_kind[kind], SAMPLE_PER_KIND))]
    columns: list[tuple[str, Callable[[dict[str, Any]], str], list[dict[str, Any]]]] = [
        *([(f"ours at {before}"[:16], path_by(device_at(before)), entries)] if before else []),
        ("ours", ours, entries),
        ("device-detector" + ("" if full else "*"), device_detector_path, sample),
        ("ua-parser", ua_parser_path, entries),
        ("user-agents", user_agents_path, entries),
        ("woothee", woothee_path, entries),
    ]
    results: dict[str, dict[str, tuple[int, int]]] = {}
    speeds: dict[str, float] = {}
    misses: list[tuple[str, str, dict[str, Any]]] = []
    for name, path_of, rows in columns:
        right: Counter[str] = Counter()
        total: Counter[str] = Counter()
        if name.startswith("ours"):
            # A first pass compiles the resolver's lazy regexes; the timed one reads warm.
            for entry in rows:
                path_of(entry)
        start = time.perf_counter_ns()
        for entry in rows:
            got = path_of(entry)
            total[entry["kind"]] += 1
            if got == entry["path"]:
                right[entry["kind"]] += 1
            elif name == "ours":
                misses.append((entry["kind"], got, entry))
        speeds[name] = (time.perf_counter_ns() - start) / len(rows) / 1000
        results[name] = {kind: (right[kind], total[kind]) for kind in total}
    header = f"{'kind':<13}{'n':>6}" + "".join(f"{name:>17}" for name, _, _ in columns)
    print(header)
    for kind in (*KINDS, "all"):
        cells = []
        for name, _, _ in columns:
            if kind == "all":
                right_n = sum(r for r, _ in results[name].values())
                total_n = sum(t for _, t in results[name].values())
            else:
                right_n, total_n = results[name].get(kind, (0, 0))
            cells.append(f"{100 * right_n / total_n:16.1f}%" if total_n else f"{'-':>17}")
        count = len(entries) if kind == "all" else len(by_kind[kind])
        print(f"{kind:<13}{count:>6}" + "".join(cells))
    print(f"{'µs per call':<19}" + "".join(f"{speeds[name]:17.1f}" for name, _, _ in columns))
    if not full:
        print(f"* device-detector read a fixed sample of {len(sample)} entries "
              f"(up to {SAMPLE_PER_KIND} per kind); --full reads them all")
    print(f"\nours wrong on {len(misses)} entries; the first per kind:")
    shown: Counter[str] = Counter()
    for kind, got, entry in misses:
        if shown[kind] < 4:
            shown[kind] += 1
            extra = f" +{entry['headers']}" if entry.get("headers") else ""
            print(f"  {kind:>12} -> {got:<15} {entry['ua'][:110]}{extra}")


def speed(entries: list[dict[str, Any]]) -> None:
    """Our µs per call cold and cached over the whole corpus, against the budgets (each UA's
    figure is the best of three means: on a shared machine the others measure the neighbours)."""
    headers = [request_headers(entry) for entry in entries]
    cold = [per_call_us(functools.partial(device._classify, *hint_args(h)), 5, 3)
            for h in headers]
    device.clear_cache()
    cached = [per_call_us(functools.partial(device.classify_request, environ_headers(h)), 20, 3)
              for h in headers]
    print(f"  ours, cold (no cache)     {summarise(cold)}   budget {BUDGET_UNCACHED_US:.0f}")
    print(f"  ours, cached              {summarise(cached)}   budget {BUDGET_CACHED_US:.0f}")
    verdict = ("PASS" if statistics.fmean(cold) <= BUDGET_UNCACHED_US
               and statistics.fmean(cached) <= BUDGET_CACHED_US else "FAIL")
    print(f"  budgets (means): {verdict}")


def resolvers(uas: list[str]) -> None:
    """The pure-Python and Rust ua-parser resolvers: speed, and whether they agree."""
    rust = device._make_resolver()[0] if device.RESOLVER_NAME == "ua-parser-rs" else None
    basic = BasicResolver(load_builtins())
    basic_us = [per_call_us(functools.partial(basic, ua, Domain.ALL), 1) for ua in uas]
    print(f"  basic (pure-Python regex) {summarise(basic_us)}")
    if rust is None:
        print("  ua-parser-rs              not installed")
        return
    rust_us = [per_call_us(functools.partial(rust, ua, Domain.ALL), 5) for ua in uas]
    print(f"  ua-parser-rs (Rust)       {summarise(rust_us)}"
          f"   {statistics.fmean(basic_us) / statistics.fmean(rust_us):.0f}x faster")
    differing = [ua for ua in uas if basic(ua, Domain.ALL) != rust(ua, Domain.ALL)]
    print(f"  results differ on {len(differing)} of {len(uas)} user agents")


def test_corpus_accuracy() -> None:
    """Path accuracy on the tests' own hand-labelled corpus."""
    entries = load_corpus()
    informative = [entry for entry in entries if not entry.get("ambiguous")]
    right = [entry for entry in informative
             if device.classify_request(request_headers(entry)).path == entry["expect"]["path"]]
    print(f"  {100 * len(right) / len(informative):.1f} % ({len(right)}/{len(informative)}) "
          f"on {TEST_CORPUS.relative_to(ROOT)}")


def main() -> None:
    """Print the tables."""
    arguments = sys.argv[1:]
    full = "--full" in arguments
    before = arguments[arguments.index("--before") + 1] if "--before" in arguments[:-1] else None
    entries = field_entries()
    kinds = Counter(entry["kind"] for entry in entries)
    print(f"field corpus: {len(entries)} entries ({FIELD_CORPUS.relative_to(ROOT)}): "
          + ", ".join(f"{kind} {kinds[kind]}" for kind in KINDS))
    print(f"resolver in use: {device.RESOLVER_NAME}\n")
    print("path accuracy per kind (UA and the entry's other headers; libraries see the UA)")
    accuracy_table(entries, full, before)
    print("\nµs per classification over the field corpus")
    speed(entries)
    print("\nua-parser resolvers, µs per parse of all three domains (a sample of 500)")
    resolvers([entry["ua"] for entry in random.Random(7).sample(entries, 500)])
    print("\npath accuracy on the tests' corpus")
    test_corpus_accuracy()


if __name__ == "__main__":
    main()
