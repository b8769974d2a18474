"""What is not accessible yet: the accessibility statement's list, kept next to the code.

Review this file with every release, against what the tests show (e2e/test_accessibility.py),
so that /accessibility never claims more than they prove. A Python file rather than TOML or
JSON, so that `make i18n-update` extracts its texts like every other and each language gets
its translation through gettext. No Flask: app/translation.py translates at call time.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.translation import gettext as _

# Why a shortcoming is there, in the categories of the EU model statement (2018/1523).
NOT_YET_FIXED = "not-yet-fixed"  # does not yet meet the requirement
OUT_OF_SCOPE = "out-of-scope"  # content the law does not cover, such as a third party's

# When this list was last reviewed against the tests.
REVIEWED = "2026-12-06"


@dataclass(frozen=True, slots=True)
class Shortcoming:
    """One known shortcoming: what it is, what to do meanwhile, why, and the WCAG criterion."""

    what: str
    meanwhile: str
    reason: str
    criterion: str | None = None


def known_shortcomings() -> tuple[Shortcoming, ...]:
    """The list, in the request's language."""
    return (
        Shortcoming(
            what=_("The camera, microphone, speaker and connection checks need JavaScript."),
            meanwhile=_("Without JavaScript you can still read every step and confirm the "
                        "checks yourself on the checks page."),
            reason=NOT_YET_FIXED),
        Shortcoming(
            what=_("The speaker check is a sound and the camera check is a picture, so they "
                   "need hearing and sight."),
            meanwhile=_("Each check says its result in words and can be skipped; the staff "
                        "can then call you instead."),
            reason=NOT_YET_FIXED),
        Shortcoming(
            what=_("The service has been tested automatically and with the keyboard, but not "
                   "yet by people who use a screen reader."),
            meanwhile=_("Tell us through the feedback form if something does not work with "
                        "your assistive technology."),
            reason=NOT_YET_FIXED),
        Shortcoming(
            what=_("The appointment itself is held in Microsoft Teams, which is not part of "
                   "this service."),
            meanwhile=_("Microsoft describes the accessibility of Teams on its own website."),
            reason=OUT_OF_SCOPE),
    )
