"""The languages Valmis speaks, each named in itself (no Flask: app/i18n.py chooses one)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Language:
    """A language the customer can choose, named in itself."""

    code: str
    name: str
    direction: str = "ltr"


# Each language is named in itself, so that a person who reads only that one finds it.
LANGUAGES: tuple[Language, ...] = (
    Language("fi", "Suomi"),
    Language("sv", "Svenska"),
    Language("en", "English"),
    Language("uk", "Українська"),
    Language("ru", "Русский"),
    Language("et", "Eesti"),
    Language("ar", "العربية", "rtl"),
    Language("so", "Soomaali"),
)
LANGUAGE_BY_CODE = {language.code: language for language in LANGUAGES}
LANGUAGE_CODES = tuple(LANGUAGE_BY_CODE)


def supported(code: str | None) -> str | None:
    """Return the code if it is a language we offer (case-insensitive), else None."""
    if not code:
        return None
    code = code.strip().lower()
    return code if code in LANGUAGE_BY_CODE else None
