"""Benchmark app/device.py on the test corpus: speed against DESIGN.md's budgets, and accuracy.

Run from anywhere: `python bench/bench_device.py`. Prints
- µs per classification, uncached (the inner function, no cache at all) and cached (the public
  `classify_request` on werkzeug request headers, as the views call it), next to plain
  `user_agents.parse` (its small internal cache cleared for every call);
- the ua-parser resolvers side by side (pure-Python regexes vs the Rust ua-parser-rs), and
  whether they agree on the corpus, which is how app/device.py's choice was made;
- path accuracy on the corpus' informative strings: ours against the naive mapping of
  user_agents' is_bot / is_mobile / is_tablet / is_pc flags.
Finishes in well under 30 s.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import statistics
import sys
import time
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

CORPUS = ROOT / "tests" / "ua_corpus.json"
BUDGET_CACHED_US = 20.0
BUDGET_UNCACHED_US = 150.0


def load_corpus() -> list[dict[str, Any]]:
    """The corpus entries."""
    entries: list[dict[str, Any]] = json.loads(CORPUS.read_text(encoding="utf-8"))["entries"]
    return entries


def request_headers(entry: dict[str, Any]) -> dict[str, str]:
    """The entry's headers as a browser would send them, User-Agent included."""
    return {"User-Agent": entry["ua"], **entry.get("headers", {})}


def hint_args(headers: dict[str, str]) -> tuple[str, ...]:
    """The uncached inner function's arguments: the header values in VARY_HEADERS order."""
    lowered = {key.lower(): value for key, value in headers.items()}
    return tuple(lowered.get(name.lower(), "") for name in device.VARY_HEADERS)


def per_call_us(function: Callable[[], object], rounds: int) -> float:
    """Mean µs per call of `function` over `rounds` calls, after one warm-up call."""
    function()
    start = time.perf_counter_ns()
    for _ in range(rounds):
        function()
    return (time.perf_counter_ns() - start) / rounds / 1000


def summarise(samples: list[float]) -> str:
    """Mean, median and the slowest UA's figure."""
    return (f"mean {statistics.fmean(samples):7.1f}   median {statistics.median(samples):7.1f}"
            f"   slowest {max(samples):7.1f}")


def environ_headers(headers: dict[str, str]) -> Any:
    """werkzeug's EnvironHeaders for these headers (what Flask's request.headers is)."""
    try:
        from werkzeug.datastructures import EnvironHeaders
    except ImportError:  # the classifier takes a plain dict as well
        return headers
    environ = {"HTTP_" + key.upper().replace("-", "_"): value for key, value in headers.items()}
    return EnvironHeaders(environ)


def legacy_parse_uncached(ua: str) -> object:
    """user_agents.parse as shipped, with ua-parser's legacy 200-entry cache emptied first."""
    legacy_parser._PARSE_CACHE.clear()
    return user_agents.parse(ua)


def same_families(ua: str) -> bool:
    """Whether device.library_parse and user_agents.parse see the same OS, browser, device."""
    mine, theirs = device.library_parse(ua), user_agents.parse(ua)
    shapes = user_agents.parsers  # user_agents' own builders of its os, browser and device
    return (shapes.parse_operating_system(**dataclasses.asdict(mine.os)),
            shapes.parse_browser(**dataclasses.asdict(mine.user_agent)),
            shapes.parse_device(**dataclasses.asdict(mine.device))) \
        == (theirs.os, theirs.browser, theirs.device)


def main() -> None:
    """Print the tables."""
    entries = load_corpus()
    uas = [entry["ua"] for entry in entries]
    headers = [request_headers(entry) for entry in entries]
    print(f"corpus: {len(entries)} user agents ({CORPUS.relative_to(ROOT)})")
    print(f"resolver in use: {device.RESOLVER_NAME}\n")

    print("µs per call (per-UA means over the corpus)")
    uncached = [per_call_us(functools.partial(device._classify, *hint_args(h)), 30)
                for h in headers]
    cached = [per_call_us(functools.partial(device.classify_request, environ_headers(h)), 300)
              for h in headers]
    library = [per_call_us(functools.partial(legacy_parse_uncached, ua), 3) for ua in uas]
    print(f"  ours, uncached            {summarise(uncached)}   budget {BUDGET_UNCACHED_US:.0f}")
    print(f"  ours, cached              {summarise(cached)}   budget {BUDGET_CACHED_US:.0f}")
    print(f"  user_agents.parse         {summarise(library)}")

    print("\nua-parser resolvers, µs per parse of all three domains")
    rust = device._make_resolver()[0] if device.RESOLVER_NAME == "ua-parser-rs" else None
    basic = BasicResolver(load_builtins())
    basic_us = [per_call_us(functools.partial(basic, ua, Domain.ALL), 3) for ua in uas]
    print(f"  basic (pure-Python regex) {summarise(basic_us)}")
    if rust is None:
        print("  ua-parser-rs              not installed")
    else:
        rust_us = [per_call_us(functools.partial(rust, ua, Domain.ALL), 30) for ua in uas]
        print(f"  ua-parser-rs (Rust)       {summarise(rust_us)}"
              f"   {statistics.fmean(basic_us) / statistics.fmean(rust_us):.0f}x faster")
        differing = [ua for ua in uas if basic(ua, Domain.ALL) != rust(ua, Domain.ALL)]
        print(f"  results differ on {len(differing)} of {len(uas)} user agents")
        for ua in differing[:5]:
            print(f"    {ua[:90]}")
    mismatched = [ua for ua in uas if not same_families(ua)]
    print(f"  its results, read as user_agents reads them, differ from user_agents.parse on "
          f"{len(mismatched)} of {len(uas)} (the same user agents)")

    informative = [entry for entry in entries if not entry.get("ambiguous")]
    ours = [entry for entry in informative
            if device.classify_request(request_headers(entry)).path == entry["expect"]["path"]]
    naive = [entry for entry in informative
             if naive_path(entry["ua"]) == entry["expect"]["path"]]
    count = len(informative)
    print(f"\npath accuracy on the {count} informative strings "
          f"({len(entries) - count} ambiguous left out): "
          f"ours {100 * len(ours) / count:.1f} % ({len(ours)}/{count}), "
          f"user_agents flags {100 * len(naive) / count:.1f} % ({len(naive)}/{count})")
    for entry in informative:
        if entry not in ours:
            print(f"  ours wrong: {entry['id']}")


if __name__ == "__main__":
    main()
