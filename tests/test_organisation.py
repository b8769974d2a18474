"""The organisation's profile without Flask: validation, per-language fallback, what is missing."""

from __future__ import annotations

from datetime import date

import pytest

from app.organisation import (
    REQUIRED,
    Profile,
    as_form,
    email_problem,
    first_filled,
    form_fields,
    phone_problem,
    phone_uri,
    read_profile_form,
)

TODAY = date(2026, 12, 6)


@pytest.mark.parametrize("phone", ["+358 9 123 4567", "09 123 4567", "(09) 123-4567", "0295 020"])
def test_phone_numbers_people_write_are_accepted(phone: str) -> None:
    """Digits with spaces, hyphens, brackets and a leading plus."""
    assert phone_problem(phone) is None


@pytest.mark.parametrize("phone", ["call us", "123", "+358 9 123 4567 8901 23", "09+123",
                                   "09\u00a0123 4567", "tel:0912345", "+"])
def test_what_cannot_be_dialled_is_refused(phone: str) -> None:
    """Letters, too few or too many digits, a plus inside, a no-break space."""
    assert phone_problem(phone) == "phone-invalid"


def test_a_phone_link_has_only_digits_and_the_plus() -> None:
    """tel: URIs carry no spaces or brackets."""
    assert phone_uri("+358 (9) 123-4567") == "tel:+35891234567"
    assert phone_uri("09 123 4567") == "tel:091234567"


@pytest.mark.parametrize(("email", "ok"), [
    ("ohjaus@example.fi", True), ("a.b+c@sub.example.fi", True), ("no-at.example.fi", False),
    ("two@@example.fi", False), ("space @example.fi", False), ("name@localhost", False),
    ("name@example.fi\u200b", False), ("x" * 250 + "@e.fi", False)])
def test_email_addresses(email: str, ok: bool) -> None:
    """name@host.domain, no spaces or hidden characters, at most 254 characters."""
    assert (email_problem(email) is None) is ok


def test_a_language_left_empty_shows_the_first_filled_one() -> None:
    """The order of app/languages.py decides which filled language stands in."""
    names = {"en": "Career guidance", "sv": "Karriärvägledning"}
    assert first_filled(names, "en") == "Career guidance"
    assert first_filled(names, "ar") == "Karriärvägledning"
    assert first_filled({}, "fi") == ""
    shown = Profile(names=names, phone="09 123 4567").in_language("fi")
    assert (shown.name, shown.phone_uri, shown.hours) == ("Karriärvägledning", "tel:091234567", "")


def test_an_empty_form_is_an_empty_profile_that_misses_everything() -> None:
    """Every field may be left empty, and the dashboard's list says what."""
    profile, errors = read_profile_form({}, today=TODAY)
    assert errors == {}
    assert profile == Profile()
    assert profile.missing() == REQUIRED


def _filled() -> dict[str, str]:
    """A complete form."""
    return {"name-fi": "Ohjaamo", "service-name-fi": "Videovastaanotto", "phone": "09 123 4567",
            "hours-fi": "ma–pe 9–15", "email": "ohjaus@example.fi", "controller-fi": "Kunta",
            "privacy-contact": "tietosuoja@example.fi", "statement-date": "2026-11-30",
            "evaluated-date": "2026-11-20", "evaluator": "Itsearvio", "authority": ""}


def test_a_filled_form_reads_back_as_the_same_form() -> None:
    """What is saved is what the form shows again."""
    profile, errors = read_profile_form(_filled(), today=TODAY)
    assert errors == {}
    assert profile is not None
    assert profile.missing() == ()
    assert profile.statement_date == date(2026, 11, 30)
    form = as_form(profile)
    assert {key: value for key, value in form.items() if value} == {
        key: value for key, value in _filled().items() if value}
    assert set(form) == set(form_fields())


@pytest.mark.parametrize(("changes", "errors"), [
    ({"phone": "ask at the desk"}, {"phone": "phone-invalid"}),
    ({"email": "ohjaus"}, {"email": "email-invalid"}),
    ({"privacy-contact": "dpo at example"}, {"privacy-contact": "email-invalid"}),
    ({"statement-date": "2026-02-30"}, {"statement-date": "date-invalid"}),
    ({"statement-date": "20261130"}, {"statement-date": "date-invalid"}),
    ({"evaluated-date": "2027-01-01"}, {"evaluated-date": "date-future"}),
    ({"evaluated-date": "2026-12-01"}, {"evaluated-date": "evaluated-after-statement"}),
    ({"name-sv": "x" * 121}, {"name-sv": "too-long"}),
    ({"hours-ar": "9\u202e15"}, {"hours-ar": "hidden"}),
])
def test_wrong_fields_are_named(changes: dict[str, str], errors: dict[str, str]) -> None:
    """Each refusal names its field, and nothing is returned to save."""
    profile, found = read_profile_form({**_filled(), **changes}, today=TODAY)
    assert profile is None
    assert found == errors
