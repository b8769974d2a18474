"""Valmis: gets a career-guidance customer ready for a Teams video appointment."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from app.config import INSTANCE_DIR, config_for_environment

if TYPE_CHECKING:
    from flask import Flask


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, error pages, in that order."""
    # Imported here, so that importing a pure module of the package (app.device, app.steps…)
    # loads no Flask.
    from flask import Flask

    # static_folder=None: app/assets.py serves app/static under content-hashed names.
    app = Flask(__name__, instance_path=str(INSTANCE_DIR), static_folder=None)
    _load_config(app, dict(overrides or {}))
    _trust_proxies(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_error_handlers(app)
    return app


def _load_config(app: Flask, overrides: dict[str, Any]) -> None:
    """Settings for VALMIS_ENV (or testing when overrides say TESTING), then the overrides."""
    testing = "testing" if overrides.get("TESTING") else None
    environment = overrides.pop("ENV_NAME", None) or testing
    config = config_for_environment(environment)
    for key, value in overrides.items():
        setattr(config, key, value)
    config.finish()
    app.config.from_object(config)


def _trust_proxies(app: Flask) -> None:
    """Believe X-Forwarded-* only from as many proxies as PROXY_FIX_HOPS says."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    hops = app.config["PROXY_FIX_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops
        )


def _init_extensions(app: Flask) -> None:
    """JSON with bounded nesting, hashed static files, the customer's session, languages,
    security headers, the database, rate limits and the daily purge."""
    from app import assets, customer_session, db, housekeeping, i18n, jsonbody, limits, security

    app.json = jsonbody.DepthLimitedJSONProvider(app)
    assets.init_app(app, app.config["ASSET_SALT"])
    customer_session.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    db.init_app(app)
    limits.init_app(app)
    housekeeping.init_app(app)


def _register_blueprints(app: Flask) -> None:
    """The URL converters, then the customer wizard, the pages about the service (privacy,
    accessibility, feedback), the drawings, the staff area, the JSON API, the health check,
    the commands."""
    from app import about, api, cli, converters, health, illustrations, pwa, staff, wizard

    # Routes are compiled as they are registered, so their converters must exist first.
    converters.init_app(app)
    app.register_blueprint(wizard.bp)
    app.register_blueprint(about.bp)
    pwa.init_app(app)
    app.register_blueprint(staff.bp)
    illustrations.init_app(app)
    app.register_blueprint(api.bp)
    # The JSON API takes no form posts and no session-authenticated writes: no CSRF token.
    app.extensions["csrf"].exempt(api.bp)
    app.register_blueprint(health.bp)
    cli.init_app(app)


def _register_error_handlers(app: Flask) -> None:
    """Errors as a page in the customer's language, or as JSON under /api/."""
    from app import errors

    errors.init_app(app)
