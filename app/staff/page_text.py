"""What the staff pages say alike: moments, and the sentence for a name that hides a character."""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_datetime

from app.i18n import gettext as _


def when(moment: datetime | None) -> str:
    """A moment in the staff member's language and the default time zone; empty for None."""
    return format_datetime(moment, "short") if moment else ""


def hidden_in_name(character: str) -> str:
    """The sentence for a name with a character that hides or breaks text, naming it."""
    return _("The name contains a character that cannot be seen or that changes how text is "
             "shown (%(character)s). Remove it.", character=character)
