"""Feedback on the service (/feedback): read the form, keep it, answer it, forget it. No Flask.

A public body must answer feedback on accessibility within 14 days (Act 306/2019), so each
message carries its deadline; administrators mark it answered. Messages are deleted
FEEDBACK_RETENTION_DAYS after they arrived, by the daily purge (app/housekeeping.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection, Row

from app.tables import feedback
from app.text import unsafe_character

ANSWER_DAYS = 14
MAX_MESSAGE = 2000
MAX_NAME = 80
MAX_CONTACT = 200
MAX_PAGE = 300
# The form's field ids, in the order the error summary lists them.
FIELDS = ("message", "name", "contact")


@dataclass(frozen=True, slots=True)
class Feedback:
    """A message as the form sent it: contact details only if the sender gave them."""

    message: str
    name: str | None
    contact: str | None
    page: str | None


def read_feedback_form(form: Mapping[str, str], *,
                       known_pages: Set[str]) -> tuple[Feedback | None, dict[str, str]]:
    """The feedback and no errors, or None and an error code for each field that is wrong.

    The page is kept only when it is one of known_pages (the app's route patterns), so a
    made-up value, or a personal link, is never stored.
    """
    errors: dict[str, str] = {}
    # Line breaks belong in a message; every other hidden character is refused.
    message = form.get("message", "").strip().replace("\r\n", "\n")
    if not message:
        errors["message"] = "message-missing"
    elif len(message) > MAX_MESSAGE:
        errors["message"] = "message-too-long"
    elif unsafe_character(message.replace("\n", " ")) is not None:
        errors["message"] = "message-hidden"
    name = form.get("name", "").strip()
    contact = form.get("contact", "").strip()
    for field, text, longest in (("name", name, MAX_NAME), ("contact", contact, MAX_CONTACT)):
        if len(text) > longest:
            errors[field] = f"{field}-too-long"
        elif unsafe_character(text) is not None:
            errors[field] = f"{field}-hidden"
    page = form.get("page", "")
    if errors:
        return None, {field: errors[field] for field in FIELDS if field in errors}
    return Feedback(message=message, name=name or None, contact=contact or None,
                    page=page if page in known_pages and len(page) <= MAX_PAGE else None), {}


def store_feedback(connection: Connection, item: Feedback, *, language: str,
                   now: datetime) -> int:
    """Keep a message; its id."""
    result = connection.execute(insert(feedback).values(
        received_at=now, language=language, page=item.page, message=item.message,
        name=item.name, contact=item.contact))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def answer_by(received_at: datetime) -> datetime:
    """The moment by which a message must be answered."""
    return received_at + timedelta(days=ANSWER_DAYS)


def list_feedback(connection: Connection) -> list[Row[Any]]:
    """Every kept message: unanswered first, oldest first (the nearest deadline on top)."""
    return list(connection.execute(select(feedback).order_by(
        feedback.c.answered_at.is_not(None), feedback.c.received_at, feedback.c.id)))


def unanswered_count(connection: Connection) -> int:
    """How many messages wait for an answer."""
    return len(list(connection.execute(select(feedback.c.id).where(
        feedback.c.answered_at.is_(None)))))


def mark_answered(connection: Connection, feedback_id: int, *, staff_id: int,
                  now: datetime) -> bool:
    """Record that a message was answered; False when there is no such unanswered message."""
    return bool(connection.execute(update(feedback).where(
        feedback.c.id == feedback_id, feedback.c.answered_at.is_(None)).values(
        answered_at=now, answered_by=staff_id)).rowcount)


def purge_feedback(connection: Connection, now: datetime, days: int) -> int:
    """Delete messages that arrived more than days ago; how many."""
    return int(connection.execute(delete(feedback).where(
        feedback.c.received_at < now - timedelta(days=days))).rowcount)
