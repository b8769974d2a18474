"""Is this text safe to store and show again? Find characters that hide or break it, no Flask.

Names, references and links typed by staff end up on pages, in the customer's message and in
the database. A control character (NUL, which PostgreSQL cannot store, CR/LF), a bidirectional
override that shows "moc.live" as "evil.com", a line separator or an invisible space can
disguise what the text says, so every stored text field refuses them. Letters, marks and
digits of every script pass: an Arabic name needs no bidi controls.
"""

from __future__ import annotations

import unicodedata

# Cc control, Cf format (bidi controls, zero-width characters, soft hyphen), Cs a lone
# surrogate (from undecodable bytes on a command line), Zl line and Zp paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# Controls have no Unicode name, only aliases; these are the ones people meet.
_CONTROL_NAMES = {0x00: "NULL", 0x09: "CHARACTER TABULATION", 0x0A: "LINE FEED",
                  0x0D: "CARRIAGE RETURN", 0x1B: "ESCAPE", 0x7F: "DELETE"}


def describe_character(character: str) -> str:
    """The character's code point and name, like "U+202E RIGHT-TO-LEFT OVERRIDE"."""
    code = ord(character)
    fallback = "SURROGATE" if unicodedata.category(character) == "Cs" else "CONTROL CHARACTER"
    name = unicodedata.name(character, "") or _CONTROL_NAMES.get(code, fallback)
    return f"U+{code:04X} {name}"


def is_unsafe(character: str) -> bool:
    """True for a control, format or separator character, and for any space but the plain one."""
    category = unicodedata.category(character)
    # Zs is every space: the no-break ones (U+00A0, U+202F) look like a space and are not one.
    return category in _REFUSED_CATEGORIES or (category == "Zs" and character != " ")


def unsafe_character(text: str) -> str | None:
    """A description of the first character text must not contain, or None when it has none."""
    for character in text:
        if is_unsafe(character):
            return describe_character(character)
    return None
