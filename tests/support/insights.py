"""The anonymous counters a purge would leave (app/outcomes.py's words), for tests that put them
straight into insight_counts: the page's and the CSV's, and the end-to-end test's."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from app.outcomes import DIMENSIONS, UNKNOWN


def counter_rows(people: Iterable[tuple[str, dict[str, str], str]]
                 ) -> list[tuple[str, str, str, str, int]]:
    """(month, dimension, value, outcome, count) for people, each (month, the values they had,
    outcome); a dimension not given counts as "unknown", as the purge counts what it lacks."""
    counted: Counter[tuple[str, str, str, str]] = Counter()
    for month, values, outcome in people:
        for dimension in DIMENSIONS:
            value = "all" if dimension == "all" else values.get(dimension, UNKNOWN)
            counted[(month, dimension, value, outcome)] += 1
    return [(*key, number) for key, number in counted.items()]
