"""The wizard's drawings: SVG templates with translated text, and what each one shows in words."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Flask, Response, abort, render_template, request, url_for
from flask_babel import force_locale, lazy_gettext
from flask_babel.speaklater import LazyString
from markupsafe import Markup

from app.i18n import LANGUAGE_BY_CODE, LANGUAGE_CODES, current_language, gettext

bp = Blueprint("illustrations", __name__)

# The drawings change only with a release, and each URL names its language.
CACHE_CONTROL = "public, max-age=86400"


@dataclass(frozen=True, slots=True)
class Illustration:
    """A drawing: its template's name, its viewBox size, and its text alternative."""

    name: str
    width: int
    height: int
    alt: LazyString


# Labels that the drawings show and the text alternatives repeat, so that both say the same.
# Their notes for translators are beside them in the SVG templates.
# The seed's label comes with today's where Teams has renamed a thing (TEAMS-FACTS.md).
JOIN_MEETING_LINK = lazy_gettext("Join Microsoft Teams Meeting")
JOIN_MEETING_NOW = lazy_gettext("Join the meeting now")
DOWNLOAD_APP = lazy_gettext("Download the Windows app")
JOIN_ON_WEB = lazy_gettext("Join on the web instead")
CONTINUE_IN_BROWSER = lazy_gettext("Continue on this browser")
OPEN_TEAMS_APP = lazy_gettext("Open your Teams app")
ALLOW = lazy_gettext("Allow")
PRE_JOIN_HEADING = lazy_gettext("Choose your audio and video settings")
TYPE_YOUR_NAME = lazy_gettext("Type your name")
JOIN_NOW = lazy_gettext("Join now")
LOBBY_TEXT = lazy_gettext("Someone in the meeting should let you in soon")
INSTALL = lazy_gettext("Install")
APP_STORE_GET = lazy_gettext("Get")
JOIN_AS_GUEST = lazy_gettext("Join as a guest")
SIGN_IN_AND_JOIN = lazy_gettext("Sign in and join")
RECORD_AUDIO_QUESTION = lazy_gettext("Allow Teams to record audio?")
OPEN_IN_BROWSER = lazy_gettext("Open in browser")
OPEN_IN_EXTERNAL_BROWSER = lazy_gettext("Open in external browser")
ADD_TO_HOME_SCREEN = lazy_gettext("Add to Home Screen")


def _in_app_menu(name: str, dots: str, way_out: LazyString) -> Illustration:
    """The drawing of an app's menu with its way out to the browser: dots as the system draws
    them (iOS ⋯, Android ⋮) and the item as the app names it (app/guidance.py)."""
    return Illustration(
        name, 360, 540,
        # Translators: a drawing's text alternative; %(menu)s: a menu's dots; %(open)s: its item.
        lazy_gettext("A web page open inside another app on a phone. The “%(menu)s” menu at the "
                     "top is open and “%(open)s” is circled: tap it.", menu=dots, open=way_out),
    )


def _registry(*illustrations: Illustration) -> dict[str, Illustration]:
    """Index the drawings by name."""
    return {illustration.name: illustration for illustration in illustrations}


ILLUSTRATIONS: dict[str, Illustration] = _registry(
    Illustration(
        "email-invite-computer", 640, 400,
        # Translators: the text alternative of a drawing; %(link)s is the link's label.
        lazy_gettext("An email invitation open on a computer. The link “%(now)s” is circled: "
                     "click it (in older invitations it says “%(old)s”).",
                     now=JOIN_MEETING_NOW, old=JOIN_MEETING_LINK),
    ),
    Illustration(
        "web-or-app-choice", 640, 400,
        # Translators: the text alternative of a drawing; the %(…)s are button labels.
        lazy_gettext("The Teams page in a web browser offers three choices: “%(download)s”, "
                     "“%(browser)s” and “%(app)s”. “%(browser)s” is circled (older versions "
                     "say “%(old)s”): click it.",
                     download=DOWNLOAD_APP, browser=CONTINUE_IN_BROWSER, app=OPEN_TEAMS_APP,
                     old=JOIN_ON_WEB),
    ),
    Illustration(
        "browser-permission", 640, 360,
        # Translators: the text alternative of a drawing; %(allow)s is a button's label.
        lazy_gettext("The web browser asks whether teams.microsoft.com may use your microphone "
                     "and camera. The button “%(allow)s” is circled: click it.", allow=ALLOW),
    ),
    Illustration(
        "name-and-join-computer", 640, 400,
        # Translators: the text alternative of a drawing; the %(…)s are labels on the screen.
        lazy_gettext("The Teams page “%(heading)s” before you join: your camera picture, "
                     "switches for the camera and microphone, and your name typed in the field "
                     "“%(field)s”. The button “%(join)s” is circled: click it.",
                     heading=PRE_JOIN_HEADING, field=TYPE_YOUR_NAME, join=JOIN_NOW),
    ),
    Illustration(
        "lobby-wait", 640, 320,
        # Translators: the text alternative of a drawing; %(text)s is what the screen says.
        lazy_gettext("The Teams waiting screen with an hourglass and the text “%(text)s”. "
                     "Wait here: you do not need to press anything.", text=LOBBY_TEXT),
    ),
    Illustration(
        "email-invite-phone", 360, 540,
        # Translators: the text alternative of a drawing; %(link)s is the link's label.
        lazy_gettext("An email invitation open on a phone. The link “%(now)s” is circled: "
                     "tap it (in older invitations it says “%(old)s”).",
                     now=JOIN_MEETING_NOW, old=JOIN_MEETING_LINK),
    ),
    # Each store its own picture and words: the App Store's blue "Get", Google Play's green
    # "Install" (guidance.Store.drawing names them).
    Illustration(
        "store-app-store", 360, 540,
        # Translators: the text alternative of a drawing; %(get)s is the App Store's button.
        lazy_gettext("The App Store on an iPhone, showing the Microsoft Teams app. The blue "
                     "button “%(get)s” is circled: tap it.", get=APP_STORE_GET),
    ),
    Illustration(
        "store-google-play", 360, 540,
        # Translators: the text alternative of a drawing; %(install)s is Google Play's button.
        lazy_gettext("Google Play on an Android phone, showing the Microsoft Teams app. The "
                     "green button “%(install)s” is circled: tap it.", install=INSTALL),
    ),
    Illustration(
        "join-as-guest", 360, 540,
        # Translators: the text alternative of a drawing; the %(…)s are button labels.
        lazy_gettext("Teams opened on a phone, with two buttons: “%(guest)s” and “%(sign_in)s”. "
                     "“%(guest)s” is circled: tap it.",
                     guest=JOIN_AS_GUEST, sign_in=SIGN_IN_AND_JOIN),
    ),
    Illustration(
        "name-and-join-phone", 360, 540,
        # Translators: the text alternative of a drawing; the %(…)s are labels on the screen.
        lazy_gettext("Teams on a phone, with your name typed in the field “%(field)s”. "
                     "The button “%(join)s” is circled: tap it.",
                     field=TYPE_YOUR_NAME, join=JOIN_NOW),
    ),
    Illustration(
        "phone-permission", 360, 540,
        # Translators: the text alternative of a drawing; the %(…)s are what the phone shows.
        lazy_gettext("The phone asks: “%(question)s” The button “%(allow)s” is circled: tap it.",
                     question=RECORD_AUDIO_QUESTION, allow=ALLOW),
    ),
    Illustration(
        "meeting-controls-phone", 360, 540,
        # Translators: the text alternative of a drawing.
        lazy_gettext("The Teams meeting on a phone. The camera and microphone buttons at the "
                     "bottom of the screen are circled; they are crossed out because they are "
                     "off: tap them to turn them on."),
    ),
    *(_in_app_menu(f"{way_out_name}{system}", dots, way_out)
      for way_out_name, way_out in (("open-in-browser-menu", OPEN_IN_BROWSER),
                                    ("open-in-external-browser-menu", OPEN_IN_EXTERNAL_BROWSER))
      for system, dots in (("", "⋯"), ("-android", "⋮"))),
    Illustration(
        "add-to-home-screen", 360, 540,
        # Translators: the text alternative of a drawing; %(add)s is an item of iOS's menu.
        lazy_gettext("Safari on an iPhone. The Share button (a square with an arrow up) at the "
                     "bottom is circled; above it, the share menu is open and “%(add)s” is "
                     "circled: tap it.", add=ADD_TO_HOME_SCREEN),
    ),
)


def illustration_info(name: str) -> Illustration:
    """The registry entry of a drawing; a KeyError names a drawing that does not exist."""
    return ILLUSTRATIONS[name]


def illustration_url(name: str) -> str:
    """The URL of a drawing in this request's language."""
    return url_for("illustrations.illustration", lang=current_language().code, name=name)


# Right-to-left embedding and its end. An SVG text line is laid out left to right from its x;
# inside these marks a line that mixes Arabic with "teams.microsoft.com" or a colon keeps the
# order an Arabic reader expects.
RLE, PDF = "\u202b", "\u202c"


def _embedded(line: str) -> str:
    """line inside right-to-left marks when the drawing's language runs right to left."""
    return f"{RLE}{line}{PDF}" if line and current_language().direction == "rtl" else line


def svg_text(string: str, **variables: object) -> str:
    """Translate like gettext, but as plain text, so that autoescaping makes it safe XML."""
    # Jinja's own _() marks a translation as Markup (trusted HTML); in SVG an "&" or "<" in a
    # translation would then break the whole image.
    return _embedded(str(gettext(string, **variables)))


def wrap(text: str, width: int) -> list[str]:
    """Even lines of at most width characters (a longer word gets a line of its own)."""
    words: list[str] = []
    for word in str(text).split():
        # Finnish "Microsoft Teams -kokous": a line never starts with the hyphenated ending.
        if words and word.startswith("-"):
            words[-1] += " " + word
        else:
            words.append(word)

    def pack(limit: int) -> list[str]:
        """Fill each line greedily up to limit characters."""
        lines: list[str] = []
        for word in words:
            if lines and len(lines[-1]) + 1 + len(word) <= limit:
                lines[-1] += " " + word
            else:
                lines.append(word)
        return lines or [""]

    lines = pack(width)
    # The narrowest limit that needs no more lines balances them: "Kirjaudu sisään / ja liity".
    while width > 1 and len(pack(width - 1)) == len(lines):
        width -= 1
        lines = pack(width)
    return lines


def tspans(text: str, width: int, x: float, y: float, line_height: float = 20,
           grow: str = "both") -> Markup:
    """Text as <tspan> lines of at most width characters, centred on baseline y (or from y down)."""
    # A long translation wraps instead of overflowing its box; SVG text does not wrap by itself.
    # Each line gets its own right-to-left marks (a mark opened on one line and closed on
    # another would leave the lines between unmarked).
    lines = [_embedded(line) for line in wrap(str(text).replace(RLE, "").replace(PDF, ""), width)]
    first = y if grow == "down" else y - (len(lines) - 1) * line_height / 2
    return Markup("").join(
        Markup('<tspan x="{}" y="{}">{}</tspan>').format(f"{x:g}", f"{first + i * line_height:g}",
                                                         line)
        for i, line in enumerate(lines)
    )


@bp.get("/illustrations/<lang>/<name>.svg")
def illustration(lang: str, name: str) -> Response:
    """One drawing with its text in one language, as an SVG image that caches may keep."""
    if name not in ILLUSTRATIONS or lang not in LANGUAGE_CODES:
        abort(404)
    with force_locale(lang):
        # rtl: a drawing mirrors what a right-to-left interface shows mirrored (toolbars,
        # back and forward arrows); its text stays as it is.
        svg = render_template(f"illustrations/{name}.svg", lang=lang, _=svg_text, tspans=tspans,
                              rtl=LANGUAGE_BY_CODE[lang].direction == "rtl")
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.add_etag()
    response.make_conditional(request)
    return response


def init_app(app: Flask) -> None:
    """Serve the drawings, and give templates illustration_info(name) and illustration_url(name)."""
    app.register_blueprint(bp)
    # Globals, not a context processor: macros imported without "with context" see them too.
    app.jinja_env.globals["illustration_info"] = illustration_info
    app.jinja_env.globals["illustration_url"] = illustration_url
