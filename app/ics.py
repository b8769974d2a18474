"""An appointment as an iCalendar (.ics) file that any calendar app can add (RFC 5545)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def _escape(text: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and newlines (RFC 5545 3.3.11)."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character (RFC 5545 3.1)."""
    pieces: list[str] = []
    current = ""
    for character in line:
        limit = 75 if not pieces else 74  # a continuation line starts with a space
        if len((current + character).encode("utf-8")) > limit:
            pieces.append(current)
            current = character
        else:
            current += character
    pieces.append(current)
    return "\r\n ".join(pieces)


def appointment_ics(*, uid: str, start: datetime, minutes: int, summary: str,
                    description: str, url: str | None, now: datetime) -> str:
    """One VEVENT in a VCALENDAR; times are UTC, so every calendar shows local time itself."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Valmis//Video appointment//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{_as_utc(now)}",
        f"DTSTART:{_as_utc(start)}",
        f"DTEND:{_as_utc(start + timedelta(minutes=minutes))}",
        f"SUMMARY:{_escape(summary)}",
        f"DESCRIPTION:{_escape(description)}",
    ]
    if url:
        lines.append(f"URL:{url}")
    lines += [
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-PT30M",
        f"DESCRIPTION:{_escape(summary)}",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines)


def _as_utc(moment: datetime) -> str:
    """A timezone-aware moment in UTC, in iCalendar's basic form (20261203T120000Z)."""
    if moment.tzinfo is None:
        raise ValueError("the moment needs a time zone")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
