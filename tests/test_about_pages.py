"""The pages about the service: the privacy notice, written from the settings and the profile."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import accounts, organisation
from app.accessibility_shortcomings import known_shortcomings
from app.i18n import LANGUAGE_CODES
from tests.support.app import migrated_app

ABOUT_PAGES = ("/privacy-notice", "/accessibility")


def _text(answer: Any) -> str:
    """The page's HTML with entities decoded."""
    return unescape(answer.get_data(as_text=True))


def _main(answer: Any) -> str:
    """The page's main content, without tags."""
    html = _text(answer)
    main = html[html.index("<main"):html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


@pytest.mark.parametrize("page", ABOUT_PAGES)
@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_every_about_page_is_written_in_every_language(
        client: FlaskClient, page: str, language: str) -> None:
    """200 with the page checks, in the language asked, and not in English but for English."""
    answer = client.get(f"{page}?lang={language}")
    assert answer.status_code == 200
    assert f'<html lang="{language}"' in _text(answer)
    if language != "en":
        english = set(re.split(r"(?<=[.:])\s", _main(client.get(f"{page}?lang=en"))))
        own = set(re.split(r"(?<=[.:])\s", _main(answer)))
        untranslated = {s for s in english & own if len(s) > 30 and "@" not in s}
        assert untranslated == set()


@pytest.mark.parametrize("days", [1, 14, 30, 365])
def test_the_stated_retention_is_retention_days(tmp_path: Path, days: int) -> None:
    """In every language the retention sentence names RETENTION_DAYS and no other number."""
    with migrated_app(tmp_path / "t.db", RETENTION_DAYS=days) as app:
        client = app.test_client()
        for language in LANGUAGE_CODES:
            html = _text(client.get(f"/privacy-notice?lang={language}"))
            match = re.search(r'data-retention-days="([0-9]+)">([^<]+)<', html)
            assert match, language
            assert int(match.group(1)) == days
            assert re.findall(r"[0-9]+", match.group(2)) == [str(days)], (language, match[2])


def test_without_a_relay_or_stun_server_no_other_server_is_named(client: FlaskClient) -> None:
    """The default settings send nothing anywhere else, and the notice says only that."""
    html = _text(client.get("/privacy-notice?lang=en"))
    assert "js-relay" not in html and "js-stun" not in html
    assert "The data is not given to anyone else." in html


def test_a_configured_relay_and_stun_server_are_named(tmp_path: Path) -> None:
    """The operator's TURN relay and a STUN server's host appear once they are set."""
    with migrated_app(tmp_path / "t.db", TURN_URLS="turn:turn.example.fi:3478",
                      TURN_SECRET="s" * 32, STUN_URL="stun:stun.example.org:3478") as app:
        html = _text(app.test_client().get("/privacy-notice?lang=en"))
    assert "through the controller's own relay server" in html
    assert "your browser contacts the server stun.example.org," in html


def test_the_notice_says_what_is_stored_and_never_pictures_or_sound(client: FlaskClient) -> None:
    """The report schema's contents, the staff who see it, the rights and the ombudsman."""
    main = _main(client.get("/privacy-notice?lang=en"))
    for words in ("operating system and web browser", "camera, microphone, speaker and "
                  "connection checks", "Pictures and sound are never stored or sent",
                  "Data Protection Ombudsman", "Article 6(1)(e)", "staff area"):
        assert words in main
    assert 'href="https://tietosuoja.fi"' in _text(client.get("/privacy-notice"))


def test_the_controller_comes_from_the_profile_and_nothing_is_made_up(
        app: Flask, client: FlaskClient) -> None:
    """Empty profile: no address at all. Filled: the controller and both contacts."""
    html = _text(client.get("/privacy-notice?lang=en"))
    assert "mailto:" not in html
    assert "The organisation that gave you the link to this guide." in html
    with app.extensions["valmis.db"].begin() as connection:
        staff_id = _admin(connection)
        organisation.save_profile(connection, organisation.Profile(
            controllers={"fi": "Esimerkin kaupunki"}, email="ohjaus@example.fi",
            privacy_contact="tietosuoja@example.fi"), staff_id=staff_id, now=datetime.now(UTC))
    html = _text(client.get("/privacy-notice?lang=en"))
    assert "<dd>Esimerkin kaupunki</dd>" in html
    assert 'href="mailto:tietosuoja@example.fi"' in html
    assert 'href="mailto:ohjaus@example.fi"' in html


def _admin(connection: Any) -> int:
    """A staff member to be the profile's editor."""
    return accounts.create_staff(connection, "Aino", is_admin=True)


@pytest.mark.parametrize("page", ["/", "/help", "/checks", "/privacy-notice", "/staff/sign-in"])
def test_every_page_footer_links_the_privacy_notice(client: FlaskClient, page: str) -> None:
    """Customer and staff pages alike."""
    html = _text(client.get(page))
    footer = html[html.index("<footer"):]
    assert 'href="/privacy-notice"' in footer
    assert 'href="/accessibility"' in footer


def test_the_statement_lists_every_known_shortcoming_from_its_file(client: FlaskClient) -> None:
    """app/accessibility_shortcomings.py is the list: each entry appears, translated."""
    for language in LANGUAGE_CODES:
        answer = client.get(f"/accessibility?lang={language}")
        with client.application.test_request_context(f"/?lang={language}"):
            expected = known_shortcomings()
        html = _text(answer)
        for item in expected:
            assert item.what in html and item.meanwhile in html
        assert html.count("<li>\n    <p><strong>") == len(expected)


def test_the_statement_without_a_profile_names_no_dates_or_contacts(client: FlaskClient) -> None:
    """No made-up date, evaluator, authority or address."""
    main = _main(client.get("/accessibility?lang=en"))
    assert "The organisation has not yet given the date of this statement." in main
    assert "last evaluated" not in main
    assert "mailto:" not in _text(client.get("/accessibility?lang=en"))
    assert "The supervisory authority is" not in main
    assert 'href="https://www.saavutettavuusvaatimukset.fi"' in _text(client.get("/accessibility"))


def test_the_statement_takes_its_variable_parts_from_the_profile(
        app: Flask, client: FlaskClient) -> None:
    """Dates in the page's language, the evaluator, the authority and the contact email."""
    with app.extensions["valmis.db"].begin() as connection:
        organisation.save_profile(connection, organisation.Profile(
            names={"en": "Example City"}, statement_date=date(2026, 11, 30),
            evaluated_date=date(2026, 11, 20), evaluator="Self-evaluation",
            authority="Example Agency", email="ohjaus@example.fi"),
            staff_id=_admin(connection), now=datetime.now(UTC))
    main = _main(client.get("/accessibility?lang=en"))
    assert "Example City wants everyone to be able to use" in main
    assert "This statement was made on November 30, 2026." in main
    assert "last evaluated on November 20, 2026 by: Self-evaluation." in main
    assert "The supervisory authority is Example Agency." in main
    assert "ohjaus@example.fi" in main
    assert "30. marraskuuta 2026" in _main(client.get("/accessibility?lang=fi"))
