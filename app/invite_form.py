"""Is this "create a personal link" form complete? Read and check it, without Flask.

Errors are short codes keyed by field id; the view turns them into translated sentences.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from app.appointment_time import (
    AppointmentTimeError,
    appointment_moment,
    check_day,
    first_existing_after,
    moments_of,
    parse_clock,
    parse_date,
)
from app.invites import MAX_REFERENCE, TeamsUrlError, validate_teams_url
from app.languages import LANGUAGE_CODES
from app.text import unsafe_character

# The form's field ids, in the order the error summary lists them.
FIELDS = ("date", "time", "fold", "language", "reference", "teams-url")


@dataclass(frozen=True, slots=True)
class InviteRequest:
    """What a complete form asks for: the values create_invite takes."""

    appointment_at: datetime
    language: str
    reference: str | None
    teams_url: str | None


def read_invite_form(form: Mapping[str, str], *, zone: str,
                     now: datetime) -> tuple[InviteRequest | None, dict[str, str]]:
    """The request and no errors, or None and an error code for each field that is wrong."""
    errors: dict[str, str] = {}
    appointment_at = _read_appointment(form, ZoneInfo(zone), now, errors)
    language = form.get("language", "")
    if language not in LANGUAGE_CODES:
        errors["language"] = "language-missing"
    reference = form.get("reference", "").strip()
    if len(reference) > MAX_REFERENCE:
        errors["reference"] = "reference-too-long"
    elif unsafe_character(reference) is not None:
        errors["reference"] = "reference-hidden"
    teams_url = form.get("teams-url", "").strip()
    if teams_url:
        try:
            teams_url = validate_teams_url(teams_url)
        except TeamsUrlError as error:
            errors["teams-url"] = f"teams-{error.reason}"
    if errors or appointment_at is None:
        return None, {field: errors[field] for field in FIELDS if field in errors}
    return InviteRequest(appointment_at=appointment_at, language=language,
                         reference=reference or None, teams_url=teams_url or None), {}


def _date_and_clock(form: Mapping[str, str], zone: ZoneInfo,
                    now: datetime) -> tuple[date, time] | None:
    """The form's date and time when both are well written and the day is allowed, else None."""
    try:
        day, clock = parse_date(form.get("date", "")), parse_clock(form.get("time", ""))
        # Only an allowed day is looked at further: year 1 or 9999 would overflow in UTC.
        check_day(day, zone, now=now)
    except AppointmentTimeError:
        return None
    return day, clock


def _read_appointment(form: Mapping[str, str], zone: ZoneInfo, now: datetime,
                      errors: dict[str, str]) -> datetime | None:
    """The appointment's moment, or None with an error code added for the field at fault."""
    raw_date, raw_time = form.get("date", "").strip(), form.get("time", "").strip()
    day = clock = None
    if not raw_date:
        errors["date"] = "date-missing"
    else:
        try:
            day = parse_date(raw_date)
            # Said even when the time is wrong too, so that both are fixed at once.
            check_day(day, zone, now=now)
        except AppointmentTimeError as error:
            errors["date"] = error.code
    if not raw_time:
        errors["time"] = "time-missing"
    else:
        try:
            clock = parse_clock(raw_time)
        except AppointmentTimeError as error:
            errors["time"] = error.code
    if day is None or clock is None or "date" in errors:
        return None
    try:
        return appointment_moment(day, clock, zone, now=now, fold=form.get("fold") or None)
    except AppointmentTimeError as error:
        errors["fold" if error.code == "time-ambiguous" else "time"] = error.code
        return None


def twice_occurring(form: Mapping[str, str], zone: str, now: datetime) -> list[datetime]:
    """The two moments the form's date and time name on the night the clocks go back, else []."""
    written = _date_and_clock(form, ZoneInfo(zone), now)
    if written is None:
        return []
    moments = moments_of(*written, ZoneInfo(zone))
    return moments if len(moments) == 2 else []


def skipped_to(form: Mapping[str, str], zone: str, now: datetime) -> datetime | None:
    """Where the form's time lands when the clocks skip it (usually an hour on), else None."""
    written = _date_and_clock(form, ZoneInfo(zone), now)
    if written is None or moments_of(*written, ZoneInfo(zone)):
        return None
    return first_existing_after(*written, ZoneInfo(zone))
