"""When is this appointment? Read a local date and time as staff type them, without Flask.

The staff form and `flask invite create --at` both come here, so both follow one set of rules:
the documented format only, a local time that exists in the zone (and, on the night the clocks go
back, the choice of which of the two), not in the past, and not absurdly far ahead.
Each refusal carries a short code that the form translates and an English sentence for the CLI.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The staff may plan this far ahead; a later date is almost surely a typing mistake.
MAX_DAYS_AHEAD = 730
# ASCII digits only: re's \d and int() also take other scripts' digits, which no field sends.
_DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CLOCK_SHAPE = re.compile(r"[0-9]{2}:[0-9]{2}")
EXAMPLE = "2026-12-03 14:00"
# Which of the two moments a local time names on the night the clocks go back.
FOLDS = ("first", "second")


class AppointmentTimeError(ValueError):
    """A refused appointment time; `code` is a short code a form can translate."""

    def __init__(self, code: str, message: str) -> None:
        """Keep the code next to the English message."""
        super().__init__(message)
        self.code = code


def parse_date(text: str) -> date:
    """A date written YYYY-MM-DD, as <input type=date> sends it; code date-invalid otherwise."""
    text = text.strip()
    if _DATE_SHAPE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise AppointmentTimeError("date-invalid", f"{text!r} is not a date written YYYY-MM-DD, "
                                               "e.g. 2026-12-03.")


def parse_clock(text: str) -> time:
    """A time of day written HH:MM, as <input type=time> sends it; code time-invalid otherwise."""
    text = text.strip()
    if _CLOCK_SHAPE.fullmatch(text):
        try:
            return time.fromisoformat(text)
        except ValueError:
            pass
    raise AppointmentTimeError("time-invalid", f"{text!r} is not a time written HH:MM, "
                                               "e.g. 14:00.")


def parse_date_and_clock(text: str) -> tuple[date, time]:
    """The date and time of "YYYY-MM-DD HH:MM" (the CLI's --at); code invalid otherwise."""
    parts = text.strip().split(" ")
    try:
        if len(parts) != 2:
            raise AppointmentTimeError("invalid", "")
        return parse_date(parts[0]), parse_clock(parts[1])
    except AppointmentTimeError:
        raise AppointmentTimeError(
            "invalid", f"use YYYY-MM-DD HH:MM (local time, 24-hour clock), e.g. {EXAMPLE}"
        ) from None


def moments_of(day: date, clock: time, zone: ZoneInfo) -> list[datetime]:
    """The real moments that this wall-clock time names in zone, earliest first, in zone.

    None on the night the clocks go forward past it, two on the night they go back over it.
    A moment counts when it comes back unchanged from a round trip through UTC.
    """
    local = datetime.combine(day, clock)
    instants: set[datetime] = set()
    for fold in (0, 1):
        instant = local.replace(tzinfo=zone, fold=fold).astimezone(UTC)
        if instant.astimezone(zone).replace(tzinfo=None) == local:
            instants.add(instant)
    return [instant.astimezone(zone) for instant in sorted(instants)]


def first_existing_after(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """Where a wall-clock time skipped by the clocks going forward lands: usually an hour on."""
    # With fold 0 the skipped time is read with the offset from before the jump.
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC).astimezone(zone)


def utc_offset_text(moment: datetime) -> str:
    """The moment's offset from UTC, like +03:00."""
    offset = moment.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def check_day(day: date, zone: ZoneInfo, *, now: datetime) -> None:
    """AppointmentTimeError date-past before today in zone, date-too-far past MAX_DAYS_AHEAD."""
    today = now.astimezone(zone).date()
    if day < today:
        raise AppointmentTimeError("date-past", f"{day.isoformat()} has already passed "
                                                f"(today is {today.isoformat()} in {zone.key}).")
    if day > today + timedelta(days=MAX_DAYS_AHEAD):
        raise AppointmentTimeError("date-too-far", f"{day.isoformat()} is more than "
                                                   f"{MAX_DAYS_AHEAD} days ahead.")


def appointment_moment(day: date, clock: time, zone: ZoneInfo, *, now: datetime,
                       fold: str | None = None) -> datetime:
    """The appointment as a moment in UTC, or AppointmentTimeError saying why not.

    Refused, by code: date-past (an earlier day), date-too-far (more than MAX_DAYS_AHEAD days
    ahead), time-nonexistent (the clocks skip it), time-ambiguous (it occurs twice and fold is
    not "first" or "second"), time-past (earlier than the current minute).
    """
    # The date is checked first: converting year 1 or 9999 to UTC would overflow.
    check_day(day, zone, now=now)
    moments = moments_of(day, clock, zone)
    when = f"{day.isoformat()} {clock:%H:%M}"
    if not moments:
        later = first_existing_after(day, clock, zone)
        raise AppointmentTimeError(
            "time-nonexistent", f"{when} does not exist in {zone.key}: the clocks go forward "
                                f"that night. Did you mean {later:%Y-%m-%d %H:%M}?")
    if len(moments) == 1:
        moment = moments[0]
    elif fold in FOLDS:
        moment = moments[FOLDS.index(fold)]
    else:
        first, second = (utc_offset_text(moment) for moment in moments)
        raise AppointmentTimeError(
            "time-ambiguous", f"{when} occurs twice in {zone.key}: the clocks go back that "
                              f"night. Say which one: first (UTC{first}) or second "
                              f"(UTC{second}).")
    if moment < now.replace(second=0, microsecond=0):
        raise AppointmentTimeError("time-past", f"{when} has already passed.")
    # In UTC: Python never finds a local time of the repeated hour equal to a moment of
    # another zone (PEP 495), which would surprise whoever compares it next.
    return moment.astimezone(UTC)
