"""Which language? ?lang=, then the cookie, then a personal link's, then Accept-Language, then
Finnish."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import flask_babel
from babel import Locale
from babel.dates import format_date, format_time
from babel.support import NullTranslations
from flask import Flask, Response, current_app, g, request, session
from flask_babel import Babel, format_datetime, get_locale

from app import translation
from app.customer_session import INVITE_LANGUAGE_KEY
from app.languages import (
    LANGUAGE_BY_CODE,
    LANGUAGE_CODES,
    LANGUAGES,
    Language,
    supported,
)
from app.security import add_vary

LANGUAGE_PARAMETER = "lang"
_MEMO = "valmis_translations"


def translations() -> NullTranslations:
    """This request's catalogue, looked up once per request and locale.

    Flask-Babel finds the catalogue anew on every gettext call (the context, the domain, the
    locale, the cache key: about 20 µs each time, and a page makes 50 to 200 calls). Its
    locale object is kept on the request's context once chosen, and force_locale puts another
    object there for a while, so the catalogue is kept beside the locale it belongs to and
    looked up again only when that object changes.
    """
    try:
        namespace = getattr(g, "_flask_babel", None)
    except RuntimeError:  # no app context: as Flask-Babel, untranslated
        return NullTranslations()
    if namespace is not None:
        memo = namespace.__dict__.get(_MEMO)
        if memo is not None and memo[0] is getattr(namespace, "babel_locale", None):
            return memo[1]
    found = flask_babel.get_translations()
    namespace = getattr(g, "_flask_babel", None)
    if namespace is not None and getattr(namespace, "babel_locale", None) is not None:
        setattr(namespace, _MEMO, (namespace.babel_locale, found))
    return found


def gettext(string: str, **variables: Any) -> str:
    """string in the request's language, %(name)s filled from variables (as Flask-Babel)."""
    text: str = translations().ugettext(string)
    return text % variables if variables else text


_ = gettext


def select_locale() -> str:
    """Choose the request's language: ?lang= → cookie → invite's → Accept-Language → default."""
    chosen = supported(request.args.get(LANGUAGE_PARAMETER))
    if chosen:
        # Remember an explicit choice, so that the next page keeps it.
        if chosen != request.cookies.get(current_app.config["LANGUAGE_COOKIE_NAME"]):
            g.remember_language = chosen
        return chosen
    remembered = supported(request.cookies.get(current_app.config["LANGUAGE_COOKIE_NAME"]))
    if remembered:
        return remembered
    # The customer's own choice wins; without one, the staff know the customer's language
    # better than the browser's settings do.
    invited = supported(invite_language())
    if invited:
        return invited
    best = _best_language(request.headers.get("Accept-Language", ""))
    if best:
        return best
    return supported(current_app.config.get("DEFAULT_LOCALE")) or "fi"


@lru_cache(maxsize=256)
def _best_language(header: str) -> str | None:
    """The best of our languages for an Accept-Language header (browsers send few kinds)."""
    from werkzeug.datastructures import LanguageAccept
    from werkzeug.http import parse_accept_header

    return parse_accept_header(header, LanguageAccept).best_match(LANGUAGE_CODES)


def invite_language() -> str | None:
    """The personal link's language: set by the link's page (g), or kept in the session."""
    if INVITE_LANGUAGE_KEY in g:
        return str(g.get(INVITE_LANGUAGE_KEY))
    # Only a request with a session cookie can have one; not touching the session otherwise
    # keeps "Vary: Cookie" off responses that have none.
    if current_app.config["SESSION_COOKIE_NAME"] in request.cookies:
        value = session.get(INVITE_LANGUAGE_KEY)
        return value if isinstance(value, str) else None
    return None


def use_invite_language(code: str) -> None:
    """From now on, speak the invite's language unless the customer chose one themselves."""
    setattr(g, INVITE_LANGUAGE_KEY, code)
    session[INVITE_LANGUAGE_KEY] = code


def format_appointment(moment: datetime, zone: str) -> str:
    """An appointment's date and time in the request's language and in zone's local time.

    E.g. "torstaina 3. joulukuuta 2026 klo 14.00". Flask-Babel's format_datetime would shift
    to the app's one default zone; an invite carries its own, so Babel is called directly.
    """
    locale = get_locale() or Locale.parse(LANGUAGES[0].code)
    local = moment.astimezone(ZoneInfo(zone))
    # The date goes inside a sentence, so its weekday takes the in-sentence form: Finnish
    # "torstaina", not the stand-alone "torstai" of CLDR's full pattern.
    pattern = locale.date_formats["full"].pattern.replace("cccc", "EEEE")
    # Translators: an appointment's date and time, e.g. "Thursday, December 3, 2026 at 2:00 PM".
    return _("%(date)s at %(time)s", date=format_date(local, pattern, locale=locale),
             time=format_time(local, "short", locale=locale))


def format_moment(moment: datetime | None, width: str = "medium") -> str:
    """A stored moment in the request's language and DEFAULT_TIMEZONE; "" for None.

    A moment at the calendar's very ends (a browser's 9999-12-31, stored before created_at was
    bounded) cannot be moved into the time zone: it is written as ISO 8601 in UTC instead, so
    that the page still shows it rather than failing.
    """
    if moment is None:
        return ""
    try:
        return format_datetime(moment, width)
    except (OverflowError, ValueError):
        return moment.isoformat(sep=" ", timespec="seconds")


def current_language() -> Language:
    """The Language of this request."""
    locale = get_locale()
    return LANGUAGE_BY_CODE.get(str(locale), LANGUAGES[0]) if locale else LANGUAGES[0]


def language_url(code: str) -> str:
    """This page's URL with the language switched to code (other parameters kept)."""
    return language_urls()[code]


def language_urls() -> dict[str, str]:
    """This page's URL in every language, reading the request once."""
    arguments = [(key, value) for key, value in request.args.items(multi=True)
                 if key != LANGUAGE_PARAMETER]
    start = f"{request.path}?{urlencode(arguments)}{'&' if arguments else ''}"
    return {language.code: start + urlencode([(LANGUAGE_PARAMETER, language.code)])
            for language in LANGUAGES}


def _remember_language(response: Response) -> Response:
    """Keep an explicit language choice in a cookie, and say that pages vary by language."""
    chosen = g.pop("remember_language", None)
    if chosen:
        response.set_cookie(
            current_app.config["LANGUAGE_COOKIE_NAME"],
            chosen,
            max_age=current_app.config["LANGUAGE_COOKIE_DAYS"] * 86400,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
    if response.mimetype == "text/html":
        add_vary(response, ("Accept-Language", "Cookie"))
    return response


def _choose_language_now() -> None:
    """Settle the locale when ?lang= is given, so a redirect (which renders nothing) keeps it."""
    if LANGUAGE_PARAMETER in request.args:
        get_locale()


def init_app(app: Flask) -> None:
    """Attach Flask-Babel and give every template the language menu's data."""
    Babel(app, locale_selector=select_locale)
    # Templates, views and the pure modules (app/guidance.py, app/invite_status.py) translate
    # through the catalogue found once per request (translations()).
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda string: translations().ugettext(string),
        ngettext=lambda singular, plural, n: translations().ungettext(singular, plural, n),
        pgettext=lambda context, string: translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: translations().unpgettext(
            context, singular, plural, n),
        newstyle=True,
    )
    translation.install(gettext)
    app.before_request(_choose_language_now)
    app.after_request(_remember_language)

    @app.context_processor
    def language_context() -> dict[str, object]:
        """Template globals for <html lang dir> and the language menu."""
        urls: dict[str, str] = {}

        def url_in(code: str) -> str:
            """language_url, with the request read once for the whole menu."""
            if not urls:
                urls.update(language_urls())
            return urls[code]

        return {
            "current_language": current_language(),
            "languages": LANGUAGES,
            "language_url": url_in,
        }
