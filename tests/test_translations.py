"""The catalogues: messages.pot matches the code, and every language translates all of it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from app.i18n import LANGUAGE_CODES

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"


def _read(path: Path) -> Catalog:
    """Parse a .po or .pot file."""
    with path.open("rb") as handle:
        return read_po(handle)


def _ids(catalog: Catalog) -> set[object]:
    """The message ids (with context) of a catalogue, header excluded."""
    return {(message.context, message.id) for message in catalog if message.id}


def test_template_is_not_stale(tmp_path: Path) -> None:
    """Extracting the code again gives exactly the committed messages.pot (run make i18n-update)."""
    fresh = tmp_path / "fresh.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract",
         "-F", "babel.cfg", "-k", "lazy_gettext", "-o", str(fresh), "."],
        cwd=ROOT, check=True,
    )
    committed = _ids(_read(TRANSLATIONS / "messages.pot"))
    extracted = _ids(_read(fresh))
    assert extracted - committed == set(), "new messages: run make i18n-update"
    assert committed - extracted == set(), "messages no longer used: run make i18n-update"


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_catalogue_is_complete(language: str) -> None:
    """Every message is translated, none fuzzy, none missing or left over, placeholders match."""
    template = _ids(_read(TRANSLATIONS / "messages.pot"))
    catalogue = _read(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po")
    assert _ids(catalogue) == template, "catalogue differs from messages.pot: make i18n-update"
    untranslated = [m.id for m in catalogue if m.id and not all(
        m.string if isinstance(m.string, tuple) else (m.string,))]
    assert untranslated == []
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert fuzzy == []
    assert not catalogue.obsolete, f"obsolete entries: {list(catalogue.obsolete)}"
    errors = [(message.id, [str(e) for e in errs]) for message, errs in catalogue.check()]
    assert errors == []
