"""Reading an appointment's local date and time: the format, the clock changes, the bounds."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.appointment_time import (
    MAX_DAYS_AHEAD,
    AppointmentTimeError,
    appointment_moment,
    moments_of,
    parse_clock,
    parse_date,
    parse_date_and_clock,
)

HELSINKI = ZoneInfo("Europe/Helsinki")
NOW = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
# In Helsinki the clocks go forward from 03:00 to 04:00 on 28 March 2027 and back from 04:00
# to 03:00 on 25 October 2026.
SPRING = date(2027, 3, 28)
AUTUMN = date(2026, 10, 25)


def test_the_documented_format_is_read() -> None:
    """YYYY-MM-DD and HH:MM, as the form's date and time inputs send them and the CLI takes."""
    assert parse_date_and_clock(" 2026-12-03 14:00 ") == (date(2026, 12, 3), time(14, 0))
    assert parse_date("2026-12-03") == date(2026, 12, 3)
    assert parse_clock("09:05") == time(9, 5)


@pytest.mark.parametrize("text", ["2026-W50-4", "20261210", "2026-12-10", "2026-12-10 1400",
                                  "2026-12-10 14:00+05:00", "2026-12-10T14:00",
                                  "2026-12-10  14:00", "2026-12-10 14:00:00", "2026-12-10 9:00",
                                  "2026-02-30 14:00", "2026-12-10 24:00",
                                  "\u0662\u0660\u0662\u0666-12-10 14:00", ""])
def test_any_other_writing_is_refused(text: str) -> None:
    """ISO week dates, basic format, offsets, seconds and other scripts' digits are not it."""
    with pytest.raises(AppointmentTimeError, match="YYYY-MM-DD HH:MM") as refusal:
        parse_date_and_clock(text)
    assert refusal.value.code == "invalid"


@pytest.mark.parametrize("text", ["2026-W50-4", "20261210", "2026-12-1", "3.12.2026"])
def test_a_date_field_takes_yyyy_mm_dd_only(text: str) -> None:
    """The form's date field: what <input type=date> sends, nothing else."""
    with pytest.raises(AppointmentTimeError) as refusal:
        parse_date(text)
    assert refusal.value.code == "date-invalid"


@pytest.mark.parametrize("text", ["1400", "14:00+05:00", "14:00Z", "14", "14:00:00", "25:99"])
def test_a_time_field_takes_hh_mm_only(text: str) -> None:
    """The form's time field: what <input type=time> sends, nothing else."""
    with pytest.raises(AppointmentTimeError) as refusal:
        parse_clock(text)
    assert refusal.value.code == "time-invalid"


def test_an_ordinary_time_is_one_moment() -> None:
    """14:00 on 3 December in Helsinki is 12:00 UTC."""
    moment = appointment_moment(date(2026, 12, 3), time(14, 0), HELSINKI, now=NOW)
    assert moment == datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def test_a_time_the_clocks_skip_is_refused_with_the_hour_after() -> None:
    """03:30 does not exist on the spring night; the message offers 04:30."""
    assert moments_of(SPRING, time(3, 30), HELSINKI) == []
    with pytest.raises(AppointmentTimeError, match="Did you mean 2027-03-28 04:30") as refusal:
        appointment_moment(SPRING, time(3, 30), HELSINKI, now=NOW)
    assert refusal.value.code == "time-nonexistent"


def test_a_time_that_comes_twice_needs_a_choice() -> None:
    """03:30 comes twice on the autumn night: first at UTC+3, then at UTC+2."""
    first, second = (moment.astimezone(UTC) for moment in moments_of(AUTUMN, time(3, 30),
                                                                      HELSINKI))
    assert (first, second) == (datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
                               datetime(2026, 10, 25, 1, 30, tzinfo=UTC))
    with pytest.raises(AppointmentTimeError, match=r"first \(UTC\+03:00\) or second "
                                                   r"\(UTC\+02:00\)") as refusal:
        appointment_moment(AUTUMN, time(3, 30), HELSINKI, now=NOW)
    assert refusal.value.code == "time-ambiguous"
    assert appointment_moment(AUTUMN, time(3, 30), HELSINKI, now=NOW, fold="first") == first
    assert appointment_moment(AUTUMN, time(3, 30), HELSINKI, now=NOW, fold="second") == second


def test_the_hours_around_the_changes_are_single() -> None:
    """02:30 and 04:30 on both nights name one moment each."""
    for day in (SPRING, AUTUMN):
        for clock in (time(2, 30), time(4, 30)):
            assert len(moments_of(day, clock, HELSINKI)) == 1


@pytest.mark.parametrize(("day", "clock", "code"), [
    (date(1, 1, 1), time(0, 0), "date-past"),
    (date(9999, 12, 31), time(23, 59), "date-too-far"),
    (date(2026, 9, 30), time(14, 0), "date-past"),
    (date(2026, 10, 1), time(11, 59), "time-past"),
    (NOW.date() + timedelta(days=MAX_DAYS_AHEAD + 1), time(12, 0), "date-too-far"),
])
def test_the_past_and_the_far_future_are_refused(day: date, clock: time, code: str) -> None:
    """Before the current minute, or more than MAX_DAYS_AHEAD days ahead; never an overflow."""
    with pytest.raises(AppointmentTimeError) as refusal:
        appointment_moment(day, clock, HELSINKI, now=NOW)
    assert refusal.value.code == code


def test_the_current_minute_and_the_last_day_are_allowed() -> None:
    """12:00 in Helsinki at 09:00:30 UTC, and the day MAX_DAYS_AHEAD days on."""
    now = NOW + timedelta(seconds=30)
    assert appointment_moment(date(2026, 10, 1), time(12, 0), HELSINKI, now=now) == NOW
    last = NOW.date() + timedelta(days=MAX_DAYS_AHEAD)
    assert appointment_moment(last, time(12, 0), HELSINKI, now=now).date() == last
