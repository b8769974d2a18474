"""Language choice: ?lang= → cookie → Accept-Language → Finnish; <html lang dir>; the menu."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.i18n import LANGUAGE_CODES, LANGUAGES


def _lang(response) -> str:  # type: ignore[no-untyped-def]
    """The page's <html lang>."""
    match = re.search(r'<html lang="([^"]+)" dir="(ltr|rtl)"', response.get_data(as_text=True))
    assert match, "no <html lang dir>"
    return match.group(1)


def test_default_is_finnish(client) -> None:  # type: ignore[no-untyped-def]
    """No parameter, cookie or Accept-Language: Finnish."""
    response = client.get("/")
    assert _lang(response) == "fi"
    # The heading's long compound carries a soft hyphen (where it may break on a phone).
    assert "Valmistaudu video\u00adtapaamiseen" in response.get_data(as_text=True)


def test_accept_language_is_followed(client) -> None:  # type: ignore[no-untyped-def]
    """The browser's preference picks among the languages we have."""
    assert _lang(client.get("/", headers={"Accept-Language": "de-DE,sv;q=0.8,en;q=0.5"})) == "sv"
    assert _lang(client.get("/", headers={"Accept-Language": "en-GB"})) == "en"
    assert _lang(client.get("/", headers={"Accept-Language": "de"})) == "fi"


def test_parameter_wins_and_is_remembered(client) -> None:  # type: ignore[no-untyped-def]
    """?lang= beats Accept-Language and sets a cookie that later pages follow."""
    response = client.get("/?lang=en", headers={"Accept-Language": "sv"})
    assert _lang(response) == "en"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=en") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert _lang(client.get("/", headers={"Accept-Language": "sv"})) == "en"


def test_unknown_parameter_is_ignored(client) -> None:  # type: ignore[no-untyped-def]
    """?lang=xx falls through to the next rule and sets no cookie."""
    response = client.get("/?lang=xx", headers={"Accept-Language": "sv"})
    assert _lang(response) == "sv"
    assert "Set-Cookie" not in response.headers


def test_bad_cookie_is_ignored(client) -> None:  # type: ignore[no-untyped-def]
    """A cookie with a language we do not have is not trusted."""
    client.set_cookie("lang", "<script>")
    assert _lang(client.get("/")) == "fi"


def test_pages_vary_by_language(client) -> None:  # type: ignore[no-untyped-def]
    """Caches must keep one copy per language."""
    vary = client.get("/").headers["Vary"]
    assert "Accept-Language" in vary and "Cookie" in vary


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_menu_names_each_language_in_itself(client, language: str) -> None:  # type: ignore[no-untyped-def]
    """Every page offers every language, named in itself, and marks the current one."""
    html = client.get(f"/?lang={language}").get_data(as_text=True)
    for option in LANGUAGES:
        assert f'lang="{option.code}" hreflang="{option.code}"' in html
        assert f">{option.name}</a>" in html
    current = re.search(r'hreflang="(\w+)"\s+aria-current="true"', html)
    assert current and current.group(1) == language


def test_menu_links_keep_other_parameters(app: Flask) -> None:
    """Switching language keeps the rest of the query string."""
    from app.i18n import language_url

    with app.test_request_context("/?step=2&lang=fi"):
        assert language_url("sv") == "/?step=2&lang=sv"


def test_language_parameter_survives_a_redirect(client) -> None:  # type: ignore[no-untyped-def]
    """?lang= on a URL that redirects still remembers the language for the next page."""
    instagram = ("Mozilla/5.0 (Linux; Android 14; SM-S918B; wv) AppleWebKit/537.36 (KHTML, "
                 "like Gecko) Version/4.0 Chrome/131.0.0.0 Mobile Safari/537.36 Instagram 358.0")
    response = client.get("/device?lang=sv", headers={"User-Agent": instagram})
    assert response.status_code == 302
    assert "lang=sv" in response.headers["Set-Cookie"]
    follow = client.get(response.headers["Location"], headers={"User-Agent": instagram})
    assert _lang(follow) == "sv"


def test_arabic_pages_run_right_to_left_and_others_left_to_right(client: FlaskClient) -> None:
    """dir="rtl" for Arabic only; the manifest says so too."""
    assert '<html lang="ar" dir="rtl">' in client.get("/?lang=ar").get_data(as_text=True)
    for code in ("uk", "ru", "et", "so"):
        assert f'<html lang="{code}" dir="ltr">' in client.get(f"/?lang={code}").get_data(
            as_text=True)
    assert client.get("/manifest.webmanifest?lang=ar").get_json(force=True)["dir"] == "rtl"


def test_the_menu_names_every_language_in_itself(client: FlaskClient) -> None:
    """Eight languages, each in its own script and marked with its lang and hreflang."""
    html = client.get("/?lang=en").get_data(as_text=True)
    for code, name in (("uk", "Українська"), ("ru", "Русский"), ("et", "Eesti"),
                       ("ar", "العربية"), ("so", "Soomaali")):
        assert f'lang="{code}" hreflang="{code}"' in html
        assert f">{name}</a>" in html


@pytest.mark.parametrize(("language", "expected"), [
    ("uk", "грудня"), ("ru", "декабря"), ("et", "detsember"), ("ar", "ديسمبر"), ("so", "Diseembar"),
])
def test_appointment_times_are_written_the_local_way(app: Flask, language: str,
                                                     expected: str) -> None:
    """Babel writes the date with the language's own month name."""
    from datetime import UTC, datetime

    from flask_babel import force_locale

    from app.i18n import format_appointment

    with app.test_request_context(), force_locale(language):
        text = format_appointment(datetime(2026, 12, 3, 12, 0, tzinfo=UTC), "Europe/Helsinki")
    assert expected.lower() in text.lower(), text


def test_the_catalogue_kept_per_request_follows_force_locale(app: Flask) -> None:
    """gettext looks the catalogue up once per request, yet force_locale still switches it
    for a while and the request's own language comes back after."""
    from babel.support import Translations
    from flask_babel import force_locale

    from app.i18n import gettext
    from tests.support import ROOT

    def words(code: str) -> str:
        return Translations.load(str(ROOT / "translations"), [code]).gettext("Language")

    assert len({words("fi"), words("sv"), words("uk")}) == 3
    with app.test_request_context("/?lang=fi"):
        assert gettext("Language") == words("fi")
        with force_locale("sv"):
            assert gettext("Language") == words("sv")
            with force_locale("uk"):
                assert gettext("Language") == words("uk")
            assert gettext("Language") == words("sv")
        assert gettext("Language") == words("fi")
    with app.test_request_context("/?lang=uk"):
        assert gettext("Language") == words("uk")
