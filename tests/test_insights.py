"""The insights' arithmetic and its suppression of small cells (app/insights.py).

The suppression is checked against an attacker who knows every published figure and every
equation between them (each row of a dimension's month table sums to its total, each column to
the month's "all" row, which sums to the month's total): a hidden cell must not be exactly
determined by them. audit() solves that linear system with exact fractions, independently of
the bridge rule the module uses, on hand-made and on random months.
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from app import insights
from app.insights import ALL, COLUMNS, RECORDED, TOTAL, Count, csv_rows, csv_safe, insights_of
from app.outcomes import DIMENSIONS, NO_OUTCOME, OUTCOMES, SMALLEST_SHOWN
from tests.support.insights import counter_rows

Row = tuple[str, str, str, str, int]
MONTH = "2026-10"


def people_rows(people: list[tuple[dict[str, str], str]], month: str = MONTH) -> list[Row]:
    """The counters a purge would leave for people, each (a value per dimension, outcome)."""
    return counter_rows((month, values, outcome) for values, outcome in people)


def crowd(spec: dict[tuple[str, str], int], month: str = MONTH) -> list[Row]:
    """Rows for people given as {(device kind, outcome): how many}; other dimensions unknown."""
    people = [({"device-kind": kind}, outcome) for (kind, outcome), number in spec.items()
              for _ in range(number)]
    return people_rows(people, month)


def _determined(equations: list[dict[int, Fraction]], unknowns: int) -> set[int]:
    """Which unknowns a linear system (each equation {unknown: coefficient}, = a constant)
    fixes exactly: those whose unit vector lies in the span of the equations."""
    matrix = [[equation.get(column, Fraction(0)) for column in range(unknowns)]
              for equation in equations]
    pivots: list[tuple[int, int]] = []
    row = 0
    for column in range(unknowns):
        found = next((r for r in range(row, len(matrix)) if matrix[r][column] != 0), None)
        if found is None:
            continue
        matrix[row], matrix[found] = matrix[found], matrix[row]
        lead = matrix[row][column]
        matrix[row] = [value / lead for value in matrix[row]]
        for other in range(len(matrix)):
            if other != row and matrix[other][column] != 0:
                factor = matrix[other][column]
                matrix[other] = [a - factor * b for a, b in zip(matrix[other], matrix[row],
                                                                strict=True)]
        pivots.append((row, column))
        row += 1
    pivot_columns = {column for _, column in pivots}
    free = [column for column in range(unknowns) if column not in pivot_columns]
    return {column for r, column in pivots if all(matrix[r][f] == 0 for f in free)}


def audit(published: dict[tuple[str, str, str], Count]) -> list[tuple[str, str, str]]:
    """The hidden cells of one month that the published figures and the tables' equations
    fix exactly (an empty list when the suppression holds)."""
    hidden = sorted(key for key, count in published.items() if not count.shown)
    index = {key: position for position, key in enumerate(hidden)}
    equations: list[dict[int, Fraction]] = []

    def add(terms: list[tuple[tuple[str, str, str], int]]) -> None:
        """An equation sum(sign * cell) = 0, with the shown cells moved to the constant."""
        equation: dict[int, Fraction] = {}
        for key, sign in terms:
            if key in index:
                equation[index[key]] = equation.get(index[key], Fraction(0)) + sign
        if equation:
            equations.append(equation)

    dimensions = {dimension for dimension, _, _ in published}
    for dimension in dimensions:
        values = sorted({value for d, value, _ in published if d == dimension})
        for value in values:
            add([((dimension, value, column), 1) for column in COLUMNS if column != RECORDED]
                + [((dimension, value, RECORDED), -1)])
        if dimension != ALL:
            for column in COLUMNS:
                add([((dimension, value, column), 1) for value in values]
                    + [((ALL, ALL, column), -1)])
    # The month's customers: those with a recorded outcome and those with none.
    add([((ALL, ALL, RECORDED), 1), ((ALL, ALL, NO_OUTCOME), 1), ((ALL, ALL, TOTAL), -1)])
    fixed = _determined(equations, len(hidden))
    return [hidden[position] for position in sorted(fixed)]


def test_the_share_is_of_customers_with_a_recorded_outcome() -> None:
    """80 % = 40 of 50 recorded; 10 with no outcome are counted apart, not in the share."""
    rows = crowd({("desktop", "video"): 40, ("desktop", "phone"): 10,
                  ("desktop", NO_OUTCOME): 10})
    found = insights_of(rows, [MONTH])
    month = found.by_month[0]
    assert (month.customers.number, month.no_outcome.number, month.with_outcome.number,
            month.video.number) == (60, 10, 50, 40)
    assert month.share == pytest.approx(0.8)
    desktop = {split.value: split for split in found.splits["device-kind"]}["desktop"]
    assert desktop.share == pytest.approx(0.8)


def test_a_cell_of_fewer_than_five_is_hidden_and_so_is_a_second_one_in_its_row() -> None:
    """Phone 3 is hidden; the row's recorded customers are shown, so another cell of the row is
    hidden too, and nothing hidden can be worked out."""
    rows = crowd({("desktop", "video"): 30, ("desktop", "phone"): 3,
                  ("desktop", "no-show"): 8, ("desktop", NO_OUTCOME): 9})
    published = insights.protect_month(insights._tables(rows)[MONTH])
    phone = published[("device-kind", "desktop", "phone")]
    assert phone == Count(None, small=True)
    row = [published[("device-kind", "desktop", column)] for column in COLUMNS]
    assert sum(not count.shown for count in row) >= 2
    assert published[("device-kind", "desktop", RECORDED)] == Count(41)
    assert audit(published) == []
    # Each hidden cell's words are true of it: a 0 hidden beside the 3 is "fewer than 5" too,
    # or the pair adding up to a shown 3 would tell which of them is 3.
    for column in COLUMNS:
        count = published[("device-kind", "desktop", column)]
        true = insights._tables(rows)[MONTH].get(("device-kind", "desktop", column), 0)
        assert count.shown or count.small == (true < SMALLEST_SHOWN)


def test_without_secondary_suppression_the_audit_finds_the_hidden_cell() -> None:
    """The audit is no rubber stamp: hiding the small cell alone gives it away."""
    rows = crowd({("desktop", "video"): 30, ("desktop", "phone"): 3,
                  ("desktop", NO_OUTCOME): 9})
    cells = insights._tables(rows)[MONTH]
    published = insights.protect_month(cells)
    naive = {key: (Count(None, small=True) if key == ("device-kind", "desktop", "phone")
                   else Count(cells.get(key, 0)))
             for key in published}
    assert ("device-kind", "desktop", "phone") in audit(naive)


@pytest.mark.parametrize("seed", range(12))
def test_no_hidden_cell_of_a_random_month_can_be_worked_out(seed: int) -> None:
    """Random months, small and large, skewed as real ones are: every hidden cell survives the
    audit, every cell under five is hidden, every shown cell is its true count."""
    chance = random.Random(seed)  # noqa: S311  (test data, repeatable by seed)
    size = chance.choice([3, 8, 20, 60, 150])
    weights = [8, 2, 1, 1, 1, 2]
    people = []
    for _ in range(size):
        values = {dimension: chance.choices(insights.VALUES[dimension],
                                            weights=[6, 3, 1] + [0.3] * (
                                                len(insights.VALUES[dimension]) - 3))[0]
                  if len(insights.VALUES[dimension]) >= 3
                  else chance.choice(insights.VALUES[dimension])
                  for dimension in DIMENSIONS if dimension != ALL}
        people.append((values, chance.choices([*OUTCOMES, NO_OUTCOME], weights=weights)[0]))
    rows = people_rows(people)
    cells = insights._tables(rows)[MONTH]
    published = insights.protect_month(cells)
    for key, count in published.items():
        true = cells.get(key, 0)
        if count.shown:
            assert count.number == true
            assert true == 0 or true >= SMALLEST_SHOWN
        if 0 < true < SMALLEST_SHOWN:
            assert count == Count(None, small=True), key
    assert audit(published) == []
    untrue = [key for key, count in published.items()
              if not count.shown and count.small != (cells.get(key, 0) < SMALLEST_SHOWN)]
    assert untrue == []


def test_a_small_group_shows_no_zero_that_would_tell_what_all_of_it_did() -> None:
    """3 tablets, all joined by video: the row's 0s are hidden too, so nobody learns that every
    tablet user joined without help."""
    rows = crowd({("desktop", "video"): 30, ("desktop", "phone"): 10,
                  ("tablet", "video"): 3})
    published = insights.protect_month(insights._tables(rows)[MONTH])
    tablet = [published[("device-kind", "tablet", column)] for column in COLUMNS]
    assert all(not count.shown for count in tablet)


def test_a_range_shows_a_sum_only_when_every_month_of_it_is_shown() -> None:
    """November's phone 3 is hidden, so October + November cannot show 13 (13 - 10 = 3)."""
    rows = (crowd({("desktop", "video"): 30, ("desktop", "phone"): 10}, "2026-10")
            + crowd({("desktop", "video"): 20, ("desktop", "phone"): 3,
                     ("desktop", NO_OUTCOME): 6}, "2026-11"))
    found = insights_of(rows, ["2026-10", "2026-11"])
    both = {(month, dimension, value, column): count
            for (month, dimension, value, column), count in found.cells.items()}
    assert both[("2026-10", "device-kind", "desktop", "phone")] == Count(10)
    assert not both[("2026-11", "device-kind", "desktop", "phone")].shown
    desktop = {split.value: split for split in found.splits["device-kind"]}["desktop"]
    # October's and November's recorded customers are both shown, so their sum is too (the
    # six with no outcome are counted by month only); the video count over both months hides
    # whenever a month's does.
    assert desktop.customers == desktop.with_outcome == Count(63)
    assert desktop.no_outcome == Count(0)
    assert found.by_month[1].no_outcome == Count(6)
    october = found.by_month[0]
    assert october.share == pytest.approx(0.75)


def test_an_empty_month_in_the_range_hides_nothing_and_counts_nothing() -> None:
    """A month nobody was purged in adds zero and shows "no outcomes recorded"."""
    rows = crowd({("desktop", "video"): 30, ("desktop", "phone"): 10}, "2026-10")
    found = insights_of(rows, insights.month_range("2026-09", "2026-11"))
    assert [split.customers.number for split in found.by_month] == [0, 40, 0]
    assert [split.share for split in found.by_month] == [None, 0.75, None]
    desktop = {split.value: split for split in found.splits["device-kind"]}["desktop"]
    assert desktop.share == pytest.approx(0.75)


def test_a_share_over_fewer_than_five_is_not_shown() -> None:
    """6 customers, 2 with an outcome: the share 1 of 2 would be about two people. The 4 with
    none are fewer than 5, so the month's 6 is hidden too (6 - 2 would give them away)."""
    rows = crowd({("desktop", "video"): 1, ("desktop", "phone"): 1,
                  ("desktop", NO_OUTCOME): 4})
    month = insights_of(rows, [MONTH]).by_month[0]
    assert month.customers == Count(None, small=False)
    assert month.no_outcome == Count(None, small=True)
    assert month.share is None
    assert month.with_outcome == Count(None, small=True)


def test_customers_without_an_outcome_hide_no_share_of_a_split() -> None:
    """Staff record most outcomes, so the few without one are small in nearly every row. They
    are counted by month only, so each row's share still shows: 30 of 40 computers, 20 of 20
    phones; the month's 5 without an outcome are shown, and nothing hidden can be worked out."""
    rows = (crowd({("desktop", "video"): 30, ("desktop", "phone"): 10, ("desktop", NO_OUTCOME): 2})
            + people_rows([({"device-kind": "phone"}, "video")] * 20
                          + [({"device-kind": "phone"}, NO_OUTCOME)] * 3))
    found = insights_of(rows, [MONTH])
    kinds = {split.value: split for split in found.splits["device-kind"]}
    assert kinds["desktop"].share == pytest.approx(0.75)
    assert kinds["phone"].share == pytest.approx(1.0)
    assert (found.by_month[0].customers, found.by_month[0].no_outcome) == (Count(65), Count(5))
    assert audit(insights.protect_month(insights._tables(rows)[MONTH])) == []
    assert not any(key[3] in (NO_OUTCOME, TOTAL) and key[1] != ALL for key in found.cells)


def test_the_checks_that_failed_most_often_come_first_and_hidden_ones_last() -> None:
    """Camera blocked 12, connection poor 7, microphone not found 2 (hidden, last)."""
    people = ([({"camera": "blocked"}, "video")] * 12 + [({"connection": "poor"}, "phone")] * 7
              + [({"microphone": "not-found"}, "video")] * 2
              + [({"camera": "ok"}, "video")] * 20)
    found = insights_of(people_rows(people), [MONTH])
    shown = [(item.check, item.status, item.customers.number) for item in found.failing
             if item.customers.shown and item.customers.number]
    assert shown[:2] == [("camera", "blocked", 12), ("connection", "poor", 7)]
    statuses = [(item.check, item.status) for item in found.failing]
    assert ("camera", "ok") not in statuses
    assert ("camera", "warning") not in statuses
    hidden = [item for item in found.failing if not item.customers.shown]
    assert ("microphone", "not-found") in [(item.check, item.status) for item in hidden]
    first_hidden = found.failing.index(hidden[0])
    assert all(not item.customers.shown for item in found.failing[first_hidden:])


def test_a_check_lists_its_problem_statuses_before_warning_and_ok() -> None:
    """The camera's rows: every problem, then warning, ok, skipped, not run, unknown."""
    values = insights.VALUES["camera"]
    assert values[-5:] == ("warning", "ok", "skipped", "not-run", "unknown")
    assert all(insights.is_problem("camera", value) for value in values[:-5])


def test_wizard_use_and_help_are_counted_yes_and_no() -> None:
    """Used the guide: 30 yes, 10 no; asked to be called: 6 yes."""
    people = ([({"used-wizard": "yes", "asked-help": "yes"}, "video-after-help")] * 6
              + [({"used-wizard": "yes", "asked-help": "no"}, "video")] * 24
              + [({"used-wizard": "no", "asked-help": "no"}, "no-show")] * 10)
    found = insights_of(people_rows(people), [MONTH])
    used = {split.value: split.customers.number for split in found.splits["used-wizard"]}
    helped = {split.value: split.customers.number for split in found.splits["asked-help"]}
    assert used == {"yes": 30, "no": 10}
    assert helped == {"yes": 6, "no": 34}


def test_the_csv_has_a_row_per_month_dimension_value_and_outcome_with_small_cells_as_lt5(
) -> None:
    """Every published cell once; a small one "<5", never its number."""
    rows = crowd({("desktop", "video"): 30, ("desktop", "phone"): 3,
                  ("desktop", NO_OUTCOME): 9})
    written = csv_rows(insights_of(rows, [MONTH]))
    assert written[0] == ["month", "dimension", "value", "outcome", "count"]
    cells = {tuple(row[:4]): row[4] for row in written[1:]}
    assert len(cells) == len(written) - 1
    assert cells[(MONTH, "device-kind", "desktop", "phone")] == "<5"
    assert cells[(MONTH, "device-kind", "desktop", "video")] in {"30", "hidden"}
    assert cells[(MONTH, "all", "all", "total")] == "42"
    assert "3" not in {row[4] for row in written[1:]}


def test_csv_cells_cannot_start_a_formula() -> None:
    """A value beginning with =, +, -, @ or a tab is written with a leading apostrophe."""
    assert csv_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_safe("-1") == "'-1"
    assert csv_safe("@SUM") == "'@SUM"
    assert csv_safe("chrome") == "chrome"
    rows = [(MONTH, "browser-family", "=cmd|' /C calc'!A0", "video", 9)]
    written = csv_rows(insights_of(rows + crowd({("desktop", "video"): 9}), [MONTH]))
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in written for cell in row)


def test_months_parse_and_range() -> None:
    """YYYY-MM only; a range crosses the year."""
    assert insights.parse_month("2026-12") == "2026-12"
    for wrong in ("2026-13", "2026-1", "202612", "abcd-ef", "2026-00", ""):
        assert insights.parse_month(wrong) is None
    assert insights.month_range("2026-11", "2027-02") == (
        "2026-11", "2026-12", "2027-01", "2027-02")
    assert insights.month_range("2026-11", "2026-10") == ()


def test_a_value_outside_the_vocabulary_counted_in_one_month_only_sums_over_the_range() -> None:
    """Another month has no row for it: it counts 0 there rather than failing."""
    rows = (crowd({("desktop", "video"): 30}, "2026-10")
            + crowd({("desktop", "video"): 8, ("laptop-ish", "video"): 6}, "2026-11"))
    found = insights_of(rows, ["2026-10", "2026-11"])
    odd = {split.value: split for split in found.splits["device-kind"]}["laptop-ish"]
    assert odd.customers == Count(6)
