"""The nights Helsinki's clocks change, for appointments that fall on them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")


def next_clock_change(month: int) -> date:
    """The next last Sunday of March (3) or October (10) in Helsinki: a night the clocks change."""
    today = datetime.now(HELSINKI).date()
    for year in (today.year, today.year + 1):
        last_day = date(year, month, 31)
        sunday = last_day - timedelta(days=(last_day.weekday() - 6) % 7)
        if sunday > today:
            return sunday
    raise AssertionError("unreachable: a last Sunday comes every year")
