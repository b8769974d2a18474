"""Characters that hide or break stored text: found and named, while every script passes."""

from __future__ import annotations

import pytest

from app.text import unsafe_character

# Names and notes as staff in the eight languages write them, none with a hidden character.
EVERYDAY_TEXTS = [
    "Äijälä Öörni", "Åsa Öberg-Sjöström", "Jüri Õunapuu", "Олена Коваленко", "Пётр Иванов",
    "Cabdullaahi Xasan Maxamed", "عائشة محمد", "فاطمة الزهراء 14", "Mon 14:00 / huone 3",
    "O'Brien, Mary-Jane", "https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0",
    "Work laptop 💻",
]


@pytest.mark.parametrize("text", EVERYDAY_TEXTS)
def test_names_and_links_in_every_script_pass(text: str) -> None:
    """Letters, marks, digits, punctuation, emoji and the plain space are safe."""
    assert unsafe_character(text) is None


@pytest.mark.parametrize(("text", "named"), [
    ("Aino\x00", "U+0000 NULL"),
    ("Aino\r\nBo", "U+000D CARRIAGE RETURN"),
    ("a\tb", "U+0009 CHARACTER TABULATION"),
    ("a\x7f", "U+007F DELETE"),
    ("a\x85b", "U+0085 CONTROL CHARACTER"),
    ("moc.evil\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("a\u202ab", "U+202A LEFT-TO-RIGHT EMBEDDING"),
    ("a\u2066b", "U+2066 LEFT-TO-RIGHT ISOLATE"),
    ("a\u2069b", "U+2069 POP DIRECTIONAL ISOLATE"),
    ("a\u200eb", "U+200E LEFT-TO-RIGHT MARK"),
    ("\u0639\u200f", "U+200F RIGHT-TO-LEFT MARK"),
    ("a\u061cb", "U+061C ARABIC LETTER MARK"),
    ("a\u2028b", "U+2028 LINE SEPARATOR"),
    ("a\u2029b", "U+2029 PARAGRAPH SEPARATOR"),
    ("a\u00a0b", "U+00A0 NO-BREAK SPACE"),
    ("a\u202fb", "U+202F NARROW NO-BREAK SPACE"),
    ("a\u3000b", "U+3000 IDEOGRAPHIC SPACE"),
    ("a\u200bb", "U+200B ZERO WIDTH SPACE"),
    ("a\u200db", "U+200D ZERO WIDTH JOINER"),
    ("a\ufeffb", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ("a\u00adb", "U+00AD SOFT HYPHEN"),
    ("a\udcffb", "U+DCFF SURROGATE"),
])
def test_hidden_characters_are_named(text: str, named: str) -> None:
    """The first refused character comes back as its code point and Unicode name."""
    assert unsafe_character(text) == named


def test_the_first_refused_character_is_named() -> None:
    """With several, the description is of the first."""
    assert unsafe_character("a\u00a0b\u202ec") == "U+00A0 NO-BREAK SPACE"
