"""gettext for modules that must not import Flask (app/guidance.py, app/invite_status.py).

The words are looked up at call time in the request's language: app/i18n.py installs
Flask-Babel's gettext here when the app is made. Until then (a script, a test of the pure
logic) the text comes back untranslated, formatted the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Translator = Callable[..., str]


def _untranslated(string: str, **variables: Any) -> str:
    """The source text, with %(name)s placeholders filled as gettext would fill them."""
    return string % variables if variables else string


_translator: Translator = _untranslated


def install(translator: Translator) -> None:
    """Use translator (gettext(string, **variables) -> str) from now on."""
    global _translator
    _translator = translator


def gettext(string: str, **variables: Any) -> str:
    """string in the current language, with %(name)s placeholders filled from variables."""
    return _translator(string, **variables)
