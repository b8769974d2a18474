"""The progressive web app's server side: manifests, the service worker, the offline page.

- `/manifest.webmanifest?lang=fi`: the app's manifest in a language (name, description,
  icons, colours); a personal link's pages link `/r/<token>/manifest.webmanifest` instead,
  whose start_url is that link, so that the installed app opens the customer's appointment.
- `/sw.js`: the service worker, made from app/templates/pwa/sw.js with this release's version
  and hashed asset names; it is the one script whose name does not change, so it is revalidated
  on every check.
- `/offline/pages.json?lang=fi&path=app`: which pages the worker keeps for a language and path.
- `/offline`: the page shown for a page that was never kept.
- `/favicon.ico`: browsers ask for it whatever the page links.
"""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import force_locale

from app import assets, db, invites
from app.customer_session import STATE_KEY, invite_token
from app.i18n import LANGUAGE_CODES, current_language
from app.i18n import gettext as _
from app.limits import refuse_unknown_token
from app.steps import STEPS

bp = Blueprint("pwa", __name__)

# Light and dark, as in main.css: the brand blue and the page background.
THEME = {"light": {"theme_color": "#1d4f91", "background_color": "#ffffff"},
         "dark": {"theme_color": "#14161a", "background_color": "#14161a"}}
# The pages every path shares, then each path's own; /r/… and the staff area are never kept.
COMMON_PAGES = ("start", "help_page", "no_video", "other_device")
MANIFEST_TYPE = "application/manifest+json"


def _manifest(language: str, start_url: str) -> dict[str, Any]:
    """The manifest's members in language, starting at start_url."""
    with force_locale(language):
        return {
            # One app whichever link installed it: the id does not follow start_url.
            "id": "/",
            "lang": language,
            "dir": "rtl" if current_language().direction == "rtl" else "ltr",
            # Translators: the installed app's name under its icon; keep it short.
            "name": _("Valmis video appointment guide"),
            "short_name": "Valmis",
            "description": _("Get your phone or computer ready for a video appointment in "
                             "Microsoft Teams."),
            "start_url": start_url,
            "scope": "/",
            "display": "standalone",
            "orientation": "any",
            **THEME["light"],
            # Browsers that read a dark variant take it from here (theme-color metas in the
            # page carry both for the rest).
            "user_preferences": {"color_scheme": {"dark": THEME["dark"]}},
            "icons": [
                {"src": url_for("static", filename="icons/icon-192.png"), "sizes": "192x192",
                 "type": "image/png", "purpose": "any"},
                {"src": url_for("static", filename="icons/icon-512.png"), "sizes": "512x512",
                 "type": "image/png", "purpose": "any"},
                {"src": url_for("static", filename="icons/maskable-512.png"),
                 "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
            ],
        }


def _manifest_response(document: dict[str, Any], cache: str) -> Response:
    """A manifest as JSON with its media type."""
    response = current_app.response_class(
        json.dumps(document, ensure_ascii=False, indent=1), mimetype=MANIFEST_TYPE)
    response.headers["Cache-Control"] = cache
    return response


@bp.get("/manifest.webmanifest")
def manifest() -> Response:
    """The general guide's manifest in ?lang= (or the request's language)."""
    language = request.args.get("lang")
    if language not in LANGUAGE_CODES:
        language = current_language().code
    document = _manifest(language, url_for("wizard.start", lang=language))
    return _manifest_response(document, "no-cache")


@bp.get("/r/<token>/manifest.webmanifest")
def personal_manifest(token: str) -> Response:
    """A personal link's manifest: the installed app opens that link, in the invite's language.

    It carries the token, so no cache keeps it.
    """
    with db.engine().connect() as connection:
        invite = invites.find_invite(connection, token,
                                     days=current_app.config["RETENTION_DAYS"])
    if invite is None:
        refuse_unknown_token()
    document = _manifest(invite.language, url_for("wizard.personal_link", token=token))
    return _manifest_response(document, "no-store")


def offline_pages(language: str, path: str) -> list[str]:
    """The page URLs the service worker keeps for language and path."""
    steps = STEPS.get(path, ())
    endpoints = [*COMMON_PAGES, *steps]
    # ?path= lets a page render for the customer's path without their session (the worker
    # fetches without cookies, so that no personal data is ever kept).
    return [url_for(f"wizard.{endpoint}", lang=language, path=path) for endpoint in endpoints] + [
        url_for("pwa.offline", lang=language)]


@bp.get("/offline/pages.json")
def pages() -> Response:
    """Which pages to keep for ?lang= and ?path=, and which assets this release has."""
    language = request.args.get("lang", "")
    path = request.args.get("path", "")
    if language not in LANGUAGE_CODES or path not in STEPS:
        abort(400, description="lang must be one of the languages and path one of "
                               + ", ".join(STEPS))
    response = current_app.response_class(
        json.dumps({"version": assets.manifest().version, "pages": offline_pages(language, path)}),
        mimetype="application/json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def offline() -> str:
    """Shown by the service worker for a page it never kept, when there is no connection."""
    return render_template("pwa/offline.html")


def _precached_assets() -> list[str]:
    """The hashed URLs every customer page needs: styles, scripts, icons."""
    keep = ("css/", "js/", "icons/", "img/")
    return sorted(url_for("static", filename=name) for name in assets.manifest().hashed
                  if name.startswith(keep))


@bp.get("/sw.js")
def service_worker() -> Response:
    """The service worker of this release."""
    body = render_template(
        "pwa/sw.js",
        version=assets.manifest().version,
        assets=_precached_assets(),
        outbox_core=url_for("static", filename="js/outbox-core.js"),
    )
    response = current_app.response_class(body, mimetype="text/javascript")
    # Browsers check for a new worker on navigation; no-cache makes the check reach us.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The icon browsers ask for on their own."""
    response = send_from_directory(assets.STATIC_DIR, "favicon.ico", max_age=86400)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def manifest_url() -> str:
    """The manifest this page links: the personal link's when the session has one."""
    state = session.get(STATE_KEY)
    token = invite_token() if isinstance(state, dict) and state.get("invite") else None
    if token:
        return url_for("pwa.personal_manifest", token=token)
    return url_for("pwa.manifest", lang=current_language().code)


def init_app(app: Flask) -> None:
    """Register the routes and the template helper."""
    app.register_blueprint(bp)
    app.jinja_env.globals["manifest_url"] = manifest_url
