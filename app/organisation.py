"""Whose service this is: the organisation's profile, read from its form and kept in tables.py.

No Flask here. Names and opening hours are per language; a language left empty shows the first
filled one (in the order of app/languages.py), so one filled language is enough to start. Until a
field is filled, pages show nothing in its place: never a made-up phone number or address.
Errors are short codes keyed by field id; the view turns them into translated sentences.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from app.accounts import audit
from app.languages import LANGUAGE_CODES
from app.tables import organisation
from app.text import unsafe_character

# The texts kept per language, as (field, form-id prefix, longest).
PER_LANGUAGE = (("names", "name", 120), ("service_names", "service-name", 120),
                ("hours", "hours", 200), ("controllers", "controller", 120))
# The texts kept once, as (field, form id, longest).
SINGLE_TEXTS = (("evaluator", "evaluator", 120), ("authority", "authority", 200))
MAX_EMAIL = 254
_PHONE = re.compile(r"\+?[0-9(][0-9 ()-]*")
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
PROFILE_ID = 1

# What the dashboard asks administrators to fill, as codes in the form's order.
REQUIRED = ("name", "service-name", "phone", "hours", "email", "controller", "privacy-contact",
            "statement-date", "evaluated-date", "evaluator")


@dataclass(frozen=True, slots=True)
class Profile:
    """The organisation's profile as stored; empty strings and None where not filled."""

    names: Mapping[str, str] = field(default_factory=dict)
    service_names: Mapping[str, str] = field(default_factory=dict)
    hours: Mapping[str, str] = field(default_factory=dict)
    controllers: Mapping[str, str] = field(default_factory=dict)
    phone: str = ""
    email: str = ""
    privacy_contact: str = ""
    statement_date: date | None = None
    evaluated_date: date | None = None
    evaluator: str = ""
    authority: str = ""

    def in_language(self, language: str) -> Shown:
        """The profile as a page in language shows it, each text falling back to the first
        filled language."""
        return Shown(name=first_filled(self.names, language),
                     service_name=first_filled(self.service_names, language),
                     hours=first_filled(self.hours, language),
                     controller=first_filled(self.controllers, language),
                     phone=self.phone, phone_uri=phone_uri(self.phone) if self.phone else "",
                     email=self.email, privacy_contact=self.privacy_contact,
                     statement_date=self.statement_date, evaluated_date=self.evaluated_date,
                     evaluator=self.evaluator, authority=self.authority)

    def missing(self) -> tuple[str, ...]:
        """The REQUIRED codes not filled yet, in the form's order."""
        filled = {
            "name": any(self.names.values()), "service-name": any(self.service_names.values()),
            "phone": bool(self.phone), "hours": any(self.hours.values()),
            "email": bool(self.email), "controller": any(self.controllers.values()),
            "privacy-contact": bool(self.privacy_contact),
            "statement-date": self.statement_date is not None,
            "evaluated-date": self.evaluated_date is not None,
            "evaluator": bool(self.evaluator),
        }
        return tuple(code for code in REQUIRED if not filled[code])


@dataclass(frozen=True, slots=True)
class Shown:
    """What a page in one language shows of the profile; an empty string for an empty field."""

    name: str
    service_name: str
    hours: str
    controller: str
    phone: str
    phone_uri: str
    email: str
    privacy_contact: str
    statement_date: date | None
    evaluated_date: date | None
    evaluator: str
    authority: str


def first_filled(texts: Mapping[str, str], language: str) -> str:
    """texts[language] when filled, else the first filled language's text, else ""."""
    if texts.get(language):
        return texts[language]
    return next((texts[code] for code in LANGUAGE_CODES if texts.get(code)), "")


def phone_uri(phone: str) -> str:
    """A valid phone number as a tel: URI (RFC 3966): its digits, with the + it has."""
    digits = re.sub(r"[^0-9]", "", phone)
    return "tel:" + ("+" if phone.startswith("+") else "") + digits


def phone_problem(phone: str) -> str | None:
    """None for a phone number people can dial, else an error code."""
    if not _PHONE.fullmatch(phone):
        return "phone-invalid"
    digits = sum(character.isdigit() for character in phone)
    # E.164 allows at most 15 digits; Finnish service numbers have at least 5 (e.g. 0295 …).
    if not 5 <= digits <= 15:
        return "phone-invalid"
    return None


def email_problem(email: str) -> str | None:
    """None for an address of the form name@host.domain, else an error code."""
    if len(email) > MAX_EMAIL or not _EMAIL.fullmatch(email) or unsafe_character(email):
        return "email-invalid"
    return None


def read_profile_form(form: Mapping[str, str], *,
                      today: date) -> tuple[Profile | None, dict[str, str]]:
    """The profile and no errors, or None and an error code for each field that is wrong.

    Every field may be empty: an administrator fills the profile bit by bit.
    """
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name, prefix, longest in PER_LANGUAGE:
        texts = {}
        for code in LANGUAGE_CODES:
            field_id = f"{prefix}-{code}"
            text = _text(form, field_id, longest, errors)
            if text:
                texts[code] = text
        values[name] = texts
    for name, field_id, longest in SINGLE_TEXTS:
        values[name] = _text(form, field_id, longest, errors)
    phone = form.get("phone", "").strip()
    if phone and (problem := phone_problem(phone)):
        errors["phone"] = problem
    values["phone"] = phone
    for name, field_id in (("email", "email"), ("privacy_contact", "privacy-contact")):
        email = form.get(field_id, "").strip()
        if email and (problem := email_problem(email)):
            errors[field_id] = problem
        values[name] = email
    for name, field_id in (("statement_date", "statement-date"),
                           ("evaluated_date", "evaluated-date")):
        values[name] = _date(form, field_id, today, errors)
    if (values["statement_date"] and values["evaluated_date"]
            and values["evaluated_date"] > values["statement_date"]):
        errors["evaluated-date"] = "evaluated-after-statement"
    if errors:
        return None, {field_id: errors[field_id] for field_id in form_fields()
                      if field_id in errors}
    return Profile(**values), {}


def form_fields() -> tuple[str, ...]:
    """Every field id of the form, in the order the page and its error summary show them."""
    per_language = tuple(f"{prefix}-{code}" for _, prefix, _ in PER_LANGUAGE[:2]
                         for code in LANGUAGE_CODES)
    hours = tuple(f"hours-{code}" for code in LANGUAGE_CODES)
    controllers = tuple(f"controller-{code}" for code in LANGUAGE_CODES)
    return (*per_language, "phone", *hours, "email", *controllers,
            "privacy-contact", "statement-date", "evaluated-date", "evaluator", "authority")


def _text(form: Mapping[str, str], field_id: str, longest: int, errors: dict[str, str]) -> str:
    """A text field, stripped; a code in errors when too long or with a hidden character."""
    text = form.get(field_id, "").strip()
    if len(text) > longest:
        errors[field_id] = "too-long"
    elif unsafe_character(text) is not None:
        errors[field_id] = "hidden"
    return text


def _date(form: Mapping[str, str], field_id: str, today: date,
          errors: dict[str, str]) -> date | None:
    """A date field (YYYY-MM-DD, as <input type=date> sends it), not after today; or None."""
    raw = form.get(field_id, "").strip()
    if not raw:
        return None
    try:
        if not _DATE.fullmatch(raw):
            raise ValueError
        day = date.fromisoformat(raw)
    except ValueError:
        errors[field_id] = "date-invalid"
        return None
    if day > today:
        errors[field_id] = "date-future"
        return None
    return day


def as_form(profile: Profile) -> dict[str, str]:
    """The form's values for a stored profile."""
    form: dict[str, str] = {}
    for name, prefix, _ in PER_LANGUAGE:
        texts: Mapping[str, str] = getattr(profile, name)
        for code in LANGUAGE_CODES:
            form[f"{prefix}-{code}"] = texts.get(code, "")
    form.update({"phone": profile.phone, "email": profile.email,
                 "privacy-contact": profile.privacy_contact, "evaluator": profile.evaluator,
                 "authority": profile.authority})
    for name, field_id in (("statement_date", "statement-date"),
                           ("evaluated_date", "evaluated-date")):
        day: date | None = getattr(profile, name)
        form[field_id] = day.isoformat() if day else ""
    return form


def load_profile(connection: Connection) -> Profile:
    """The stored profile, or an empty one before the first save."""
    row = connection.execute(select(organisation).where(
        organisation.c.id == PROFILE_ID)).first()
    if row is None:
        return Profile()
    return Profile(
        names=_texts(row.names), service_names=_texts(row.service_names),
        hours=_texts(row.hours), controllers=_texts(row.controllers),
        phone=row.phone or "", email=row.email or "", privacy_contact=row.privacy_contact or "",
        statement_date=row.statement_date, evaluated_date=row.evaluated_date,
        evaluator=row.evaluator or "", authority=row.authority or "")


def _texts(stored: Any) -> dict[str, str]:
    """A stored per-language JSON object, keeping only languages we speak and text values."""
    if not isinstance(stored, dict):
        return {}
    return {code: text for code, text in stored.items()
            if code in LANGUAGE_CODES and isinstance(text, str) and text}


def save_profile(connection: Connection, profile: Profile, *, staff_id: int,
                 now: datetime) -> None:
    """Store the profile (the one row) and audit who changed it, by id only."""
    values = {
        "names": dict(profile.names), "service_names": dict(profile.service_names),
        "hours": dict(profile.hours), "controllers": dict(profile.controllers),
        "phone": profile.phone or None, "email": profile.email or None,
        "privacy_contact": profile.privacy_contact or None,
        "statement_date": profile.statement_date, "evaluated_date": profile.evaluated_date,
        "evaluator": profile.evaluator or None, "authority": profile.authority or None,
        "updated_at": now, "updated_by": staff_id,
    }
    changed = connection.execute(update(organisation).where(
        organisation.c.id == PROFILE_ID).values(**values)).rowcount
    if not changed:
        connection.execute(insert(organisation).values(id=PROFILE_ID, **values))
    audit(connection, "organisation-updated", staff_id=staff_id, now=now)
