"""What the anonymous counters say: the share of customers who joined by video without help,
by month and split by one dimension at a time, with every small number hidden. Pure: no Flask.

insight_counts (app/tables.py) holds, per appointment month, (dimension, value, outcome, count).
Everything shown is read from it through one rule set:

1. The unit is a month. Each month's counts of one dimension form a table: a row per value,
   a column per recorded outcome (app/outcomes.py's OUTCOMES) and their sum, RECORDED; the
   month's "all" row is its margin (the column totals), shared by every dimension. Customers
   with no outcome recorded are counted by month only (NO_OUTCOME, and TOTAL with them), never
   split: staff record most outcomes, so in nearly every row they would be a small cell, and
   a row's total beside its recorded customers would give that cell away, hiding the share.
2. Primary suppression: a cell of 1 to SMALLEST_SHOWN - 1 customers is hidden ("fewer than
   5"), and so is every cell of a row whose total is that small (a 0 there would tell what
   all of a small group did). A 0 in a larger row, or a row of nobody, is shown: it counts
   nobody.
3. Secondary suppression: in such a table every row and column sums to a published total,
   so a hidden cell could be worked out when it is the only hidden cell of a line, or, more
   generally, when no cycle of hidden cells passes through it (rows and columns as the two
   sides of a bipartite graph, hidden cells its edges: a hidden cell is exactly determined by
   the published figures if and only if it is a bridge: every cell is in one row and one
   column equation, so the changes to hidden cells that keep every published figure are the
   graph's cycle space, which touches exactly the edges on a cycle). Each bridge gets the
   cheapest rectangle of further hidden cells through it, until none is left;
   tests/test_insights.py checks the result with an exact linear solve instead. A hidden
   cell under five says "fewer than 5" whichever way it was hidden; a larger one "hidden".
4. A figure over several months is the sum of the months' cells, shown only when every one
   of them is shown: anything read from it can then be read from the months' figures (the
   CSV) already, so no choice of range works out a hidden month by subtraction.
5. A share is shown only when its numerator and denominator are shown and the denominator
   is at least SMALLEST_SHOWN.

What this does not do: rule 3 solves the equations only. "Fewer than 5" says a cell lies
between 0 and 4, "hidden" that it is 5 or more, and no count is negative; a linear program
over those bounds pins some hidden cells that the equations leave open. Measured with HiGHS
on the twelve random months of tests/test_insights.py (3 to 150 customers): 9 of 12 months
had such a cell (e.g. a 2 in a two-row table), and 4 of 12 still did with one word for every
hidden cell. Closing this needs the suppression loop itself to audit with bounds (a linear
program per hidden cell) instead of finding bridges.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, func, select

from app.outcomes import (
    BROWSER_FAMILIES,
    DEVICE_KINDS,
    DIMENSIONS,
    NO_OUTCOME,
    NOT_RUN,
    OS_FAMILIES,
    OUTCOMES,
    SMALLEST_SHOWN,
    UNKNOWN,
    YES_NO,
)
from app.report_contract import CHECK_STATUSES, PATHS, SUMMARIES
from app.tables import insight_counts

ALL = "all"
# The row total's column: not an outcome, the sum of them.
TOTAL = "total"
# The customers with a recorded outcome: a row's sum in every dimension's table.
RECORDED = "recorded"
COLUMNS = (*OUTCOMES, RECORDED)
# The outcome that matters most to the service.
SMOOTH = "video"
CHECKS = ("camera", "microphone", "speaker", "connection")
# A check's statuses that are not problems; every other one is (a check that failed).
_NOT_PROBLEMS = ("warning", "ok", "skipped", NOT_RUN, UNKNOWN)
# Hiding a margin cell hides it in every dimension's table, and hiding a row's total, its
# customers with no outcome or its smooth joins costs the row's share: they are kept visible
# unless nothing else will do.
_MARGIN_PENALTY = 1_000_000
_SHARE_PENALTY = 10_000
_SHARE_COLUMNS = (RECORDED, SMOOTH)

Key = tuple[str, str, str]  # (dimension, value, column)


def _check_values(check: str) -> tuple[str, ...]:
    """A check's statuses, problems first, then warning, ok, skipped, not run and unknown."""
    problems = tuple(status for status in CHECK_STATUSES[check] if status not in _NOT_PROBLEMS)
    rest = tuple(status for status in _NOT_PROBLEMS if status in CHECK_STATUSES[check])
    return (*problems, *rest, NOT_RUN, UNKNOWN)


# Every value a dimension's table has a row for, whether counted or not: a missing row would
# tell that nobody had that value.
VALUES: dict[str, tuple[str, ...]] = {
    ALL: (ALL,),
    "used-wizard": YES_NO,
    "device-kind": (*DEVICE_KINDS, UNKNOWN),
    "os-family": (*OS_FAMILIES, UNKNOWN),
    "browser-family": (*BROWSER_FAMILIES, UNKNOWN),
    "path": (*PATHS, UNKNOWN),
    **{check: _check_values(check) for check in CHECKS},
    "summary": (*SUMMARIES, UNKNOWN),
    "asked-help": YES_NO,
}


def is_problem(check: str, status: str) -> bool:
    """Whether a check's final status means it failed (not a warning, ok or not checked)."""
    return status in CHECK_STATUSES.get(check, ()) and status not in _NOT_PROBLEMS


@dataclass(frozen=True, slots=True)
class Count:
    """A published count: its number, or None when hidden. small tells a hidden count of
    fewer than SMALLEST_SHOWN customers from a larger one hidden so that a small one cannot be
    worked out."""

    number: int | None
    small: bool = False

    @property
    def shown(self) -> bool:
        """Whether the number may be shown."""
        return self.number is not None


@dataclass(frozen=True, slots=True)
class Split:
    """One row of a table: a value (or a month) with its customers and the smooth share. A
    month's customers are all of them; a split row's are those with a recorded outcome (its
    no_outcome is 0: they are counted by month only)."""

    value: str
    customers: Count
    no_outcome: Count
    with_outcome: Count
    video: Count
    share: float | None


@dataclass(frozen=True, slots=True)
class Failing:
    """How many customers' check ended with a status that is a problem."""

    check: str
    status: str
    customers: Count


@dataclass(frozen=True, slots=True)
class Insights:
    """Everything the page and the CSV show for a range of months."""

    months: tuple[str, ...]
    by_month: tuple[Split, ...]
    splits: Mapping[str, tuple[Split, ...]]
    failing: tuple[Failing, ...]
    # Each month's published cells, (month, dimension, value, column), for the CSV.
    cells: Mapping[tuple[str, str, str, str], Count]


def parse_month(text: str) -> str | None:
    """text as a month "YYYY-MM", or None when it is not one."""
    if len(text) != 7 or text[4] != "-" or not (text[:4] + text[5:]).isdigit():
        return None
    year, month = int(text[:4]), int(text[5:])
    return text if 1 <= month <= 12 and year >= 1 else None


def month_range(first: str, last: str) -> tuple[str, ...]:
    """Every month from first to last ("YYYY-MM"), both included; empty when last < first."""
    year, month = int(first[:4]), int(first[5:])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(months)


def month_start(month: str) -> date:
    """The first day of a month "YYYY-MM", for naming it in a language."""
    return date(int(month[:4]), int(month[5:]), 1)


def counted_months(connection: Connection) -> tuple[str, str] | None:
    """The first and last month with counts, or None before the first purge counted any."""
    first, last = connection.execute(
        select(func.min(insight_counts.c.month), func.max(insight_counts.c.month))).one()
    return (first, last) if first else None


def load_counts(connection: Connection, first: str,
                last: str) -> list[tuple[str, str, str, str, int]]:
    """Every stored counter from month first to last: (month, dimension, value, outcome,
    count)."""
    table = insight_counts.c
    rows = connection.execute(
        select(table.month, table.dimension, table.value, table.outcome, table.count)
        .where(table.month >= first, table.month <= last))
    return [(row.month, row.dimension, row.value, row.outcome, int(row[4])) for row in rows]


def _values(dimension: str, counted: Iterable[str]) -> tuple[str, ...]:
    """The dimension's rows: every known value, then any other value that was counted."""
    known = VALUES.get(dimension, ())
    return (*known, *sorted(set(counted) - set(known)))


def _tables(rows: Iterable[tuple[str, str, str, str, int]]
            ) -> dict[str, dict[Key, int]]:
    """Per month, the count of every (dimension, value, outcome) and of its row's RECORDED;
    and the month's customers with no outcome (NO_OUTCOME, also for a word not in OUTCOMES)
    and all its customers (TOTAL), in the "all" row only."""
    months: dict[str, dict[Key, int]] = {}
    for month, dimension, value, outcome, count in rows:
        if dimension not in DIMENSIONS or count <= 0:
            continue
        cells = months.setdefault(month, {})
        if outcome in OUTCOMES:
            keys: tuple[Key, ...] = ((dimension, value, outcome), (dimension, value, RECORDED))
        elif dimension == ALL:
            keys = ((ALL, ALL, NO_OUTCOME),)
        else:
            continue
        for key in keys:
            cells[key] = cells.get(key, 0) + count
    for cells in months.values():
        cells[(ALL, ALL, TOTAL)] = (cells.get((ALL, ALL, RECORDED), 0)
                                    + cells.get((ALL, ALL, NO_OUTCOME), 0))
    return months


def _bridges(edges: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The edges (row, column) of a bipartite graph that lie on no cycle."""
    neighbours: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for row, column in edges:
        neighbours.setdefault(("r", row), []).append(("c", column))
        neighbours.setdefault(("c", column), []).append(("r", row))
    bridges = []
    for row, column in edges:
        start, goal = ("r", row), ("c", column)
        seen, queue = {start}, deque([start])
        while queue and goal not in seen:
            node = queue.popleft()
            for other in neighbours[node]:
                if node == start and other == goal:
                    continue  # the edge itself
                if other not in seen:
                    seen.add(other)
                    queue.append(other)
        if goal not in seen:
            bridges.append((row, column))
    return bridges


def protect_month(cells: Mapping[Key, int]) -> dict[Key, Count]:
    """A month's cells (every dimension's, "all" among them) as they may be published."""
    dimensions = {dimension: _values(dimension, [value for d, value, _ in cells if d == dimension])
                  for dimension in DIMENSIONS}
    every = [(dimension, value, column) for dimension, values in dimensions.items()
             for value in values for column in COLUMNS]
    small: set[Key] = set()  # the cells hidden in the first place
    for dimension, value, column in every:
        count = cells.get((dimension, value, column), 0)
        total = cells.get((dimension, value, RECORDED), 0)
        if count < SMALLEST_SHOWN and (count > 0 or 0 < total < SMALLEST_SHOWN):
            small.add((dimension, value, column))
    hidden = set(small)

    def key(dimension: str, row: str, column: str) -> Key:
        """A row of a dimension's table; the margin row is the month's "all"."""
        return (ALL, ALL, column) if row == "" else (dimension, row, column)

    def cost(cell: Key) -> int:
        """What hiding one more cell costs: its count, far more for margins and what a share
        needs, and a little for a row with customers (a row of nobody loses no share)."""
        if cell in hidden:
            return 0
        penalty = (_MARGIN_PENALTY if cell[0] == ALL else 0) + (
            _SHARE_PENALTY if cell[2] in _SHARE_COLUMNS else 0) + (
            1 if cells.get((cell[0], cell[1], RECORDED), 0) else 0)
        return cells.get(cell, 0) + penalty

    changed = True
    while changed:
        changed = False
        for dimension, values in dimensions.items():
            if dimension == ALL:
                continue
            rows = (*values, "")  # "" is the margin row
            edges = [(row, column) for row in rows for column in COLUMNS
                     if key(dimension, row, column) in hidden]
            for row, column in _bridges(edges):
                options = []
                for other_row in rows:
                    for other_column in COLUMNS:
                        if other_row == row or other_column == column:
                            continue
                        corner = [key(dimension, row, other_column),
                                  key(dimension, other_row, other_column),
                                  key(dimension, other_row, column)]
                        options.append((sum(cost(cell) for cell in corner), corner))
                _, corner = min(options, key=lambda option: option[0])
                hidden.update(corner)
                changed = True
                break  # the graph changed: look for bridges again
            if changed:
                break
    # Every hidden cell says what is true of it: "fewer than 5" whenever it is, also when it was
    # hidden to protect another. A 0 hidden beside a small cell and marked otherwise would give
    # both away (a hidden pair that adds up to a shown 3, one of them "not small": it is 0).
    published = {cell: Count(None, cells.get(cell, 0) < SMALLEST_SHOWN) if cell in hidden
                 else Count(cells.get(cell, 0)) for cell in every}
    # The month's customers with no outcome stand alone (split nowhere): hidden when small.
    # Their sum with the recorded ones is shown only when both are, or it would give them away.
    none = cells.get((ALL, ALL, NO_OUTCOME), 0)
    published[(ALL, ALL, NO_OUTCOME)] = (Count(none) if none == 0 or none >= SMALLEST_SHOWN
                                         else Count(None, small=True))
    total = cells.get((ALL, ALL, TOTAL), 0)
    both = published[(ALL, ALL, NO_OUTCOME)].shown and published[(ALL, ALL, RECORDED)].shown
    published[(ALL, ALL, TOTAL)] = (Count(total) if both
                                    else Count(None, small=total < SMALLEST_SHOWN))
    return published


def _sum(counts: Sequence[Count]) -> Count:
    """Several months' counts of one cell: shown only when every one of them is. A hidden sum
    is "fewer than 5" only when the months' own figures already say so (no new bound)."""
    shown = sum(count.number or 0 for count in counts)
    if all(count.shown for count in counts):
        return Count(shown)
    small = sum(1 for count in counts if count.small)
    known_small = (all(count.shown or count.small for count in counts)
                   and shown + small * (SMALLEST_SHOWN - 1) < SMALLEST_SHOWN)
    return Count(None, small=known_small)


def _split(value: str, customers: Count, none: Count, recorded: Count, video: Count) -> Split:
    """A row with its denominator (customers with a recorded outcome) and smooth share; a
    share over fewer than SMALLEST_SHOWN customers is not shown."""
    share = None
    if video.number is not None and recorded.number and recorded.number >= SMALLEST_SHOWN:
        share = video.number / recorded.number
    return Split(value, customers, none, recorded, video, share)


def insights_of(rows: Iterable[tuple[str, str, str, str, int]],
                months: Sequence[str]) -> Insights:
    """What the counters (month, dimension, value, outcome, count) say over months."""
    tables = _tables(row for row in rows if row[0] in months)
    published = {month: protect_month(cells) for month, cells in tables.items()}
    counted = [month for month in months if month in published]
    cells = {(month, *key): count for month in counted for key, count in published[month].items()}

    by_month = []
    for month in months:
        if month not in published:
            zero = Count(0)
            by_month.append(_split(month, zero, zero, zero, zero))
            continue
        cell = published[month]
        by_month.append(_split(month, cell[(ALL, ALL, TOTAL)], cell[(ALL, ALL, NO_OUTCOME)],
                               cell[(ALL, ALL, RECORDED)], cell[(ALL, ALL, SMOOTH)]))

    def over_range(dimension: str, value: str, column: str) -> Count:
        """A cell summed over the counted months."""
        if not counted:
            return Count(0)
        # A value outside the vocabulary that a month did not count has no row there: 0.
        return _sum([published[month].get((dimension, value, column), Count(0))
                     for month in counted])

    splits = {}
    for dimension in DIMENSIONS:
        values = _values(dimension, {value for month in counted
                                     for d, value, _ in published[month] if d == dimension})
        # Split rows count the customers with a recorded outcome only (rule 1).
        splits[dimension] = tuple(
            _split(value, recorded, Count(0), recorded, over_range(dimension, value, SMOOTH))
            for value in values
            for recorded in (over_range(dimension, value, RECORDED),))

    failing = [Failing(check, split.value, split.customers) for check in CHECKS
               for split in splits[check]
               if is_problem(check, split.value) and split.customers.number != 0]
    # The most frequent first; hidden ones after, in a fixed order, so that their place tells
    # nothing about their number.
    failing.sort(key=lambda item: (not item.customers.shown, -(item.customers.number or 0)))
    return Insights(tuple(months), tuple(by_month), splits, tuple(failing), cells)


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_HEADER = ("month", "dimension", "value", "outcome", "count")


def csv_safe(text: str) -> str:
    """text that a spreadsheet will not run as a formula (a leading ' when it could)."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_rows(insights: Insights) -> list[list[str]]:
    """The CSV download: a header, then one row per month, dimension, value and outcome
    ("recorded" for the row's sum; the month's "none" and "total" in its "all" row only); a
    small count as "<5", another hidden one as "hidden"."""
    rows = [list(CSV_HEADER)]
    for (month, dimension, value, column), count in insights.cells.items():
        if count.shown:
            written = str(count.number)
        else:
            written = f"<{SMALLEST_SHOWN}" if count.small else "hidden"
        rows.append([csv_safe(part) for part in (month, dimension, value, column, written)])
    return rows
