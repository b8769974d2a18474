"""Is this "create a personal link" form complete? Read and check it, without Flask.

Errors are short codes keyed by field id; the view turns them into translated sentences.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from app.i18n import LANGUAGE_CODES
from app.invites import MAX_REFERENCE, TeamsUrlError, validate_teams_url

# The form's field ids, in the order the error summary lists them.
FIELDS = ("date", "time", "language", "reference", "teams-url")


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
    raw_date = form.get("date", "").strip()
    raw_time = form.get("time", "").strip()
    local_now = now.astimezone(ZoneInfo(zone))
    day: date | None = None
    moment: time | None = None
    if not raw_date:
        errors["date"] = "date-missing"
    else:
        try:
            day = date.fromisoformat(raw_date)
        except ValueError:
            errors["date"] = "date-invalid"
        else:
            if day < local_now.date():
                errors["date"] = "date-past"
    if not raw_time:
        errors["time"] = "time-missing"
    else:
        try:
            moment = time.fromisoformat(raw_time)
        except ValueError:
            errors["time"] = "time-invalid"
    appointment_at = None
    if day is not None and moment is not None and not errors:
        appointment_at = datetime.combine(day, moment.replace(tzinfo=None),
                                          tzinfo=ZoneInfo(zone))
        if appointment_at < local_now:
            errors["time"] = "time-past"
    language = form.get("language", "")
    if language not in LANGUAGE_CODES:
        errors["language"] = "language-missing"
    reference = form.get("reference", "").strip()
    if len(reference) > MAX_REFERENCE:
        errors["reference"] = "reference-too-long"
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
