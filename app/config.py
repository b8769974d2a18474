"""Settings from the environment: one class per environment, chosen by VALMIS_ENV."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from app import limit_storage, turn
from app.feedback import ANSWER_DAYS as FEEDBACK_ANSWER_DAYS

ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("VALMIS_INSTANCE_DIR", ROOT / "instance"))


class ConfigError(RuntimeError):
    """A setting is missing or wrong; start-up stops with this message."""


def _bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    """Read a whole-number environment variable, naming it when it is not one."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from None


class Config:
    """Settings shared by every environment; each reads os.environ when instantiated."""

    ENV_NAME = "production"
    DEBUG = False
    TESTING = False

    def __init__(self) -> None:
        """Read the environment now, so that tests can change it between apps."""
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or None
        self.DATABASE_URL = os.environ.get(
            "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'valmis.db'}"
        )
        self.DEFAULT_LOCALE = os.environ.get("DEFAULT_LOCALE", "fi")
        self.DEFAULT_TIMEZONE = os.environ.get("DEFAULT_TIMEZONE", "Europe/Helsinki")
        # Invites and their reports are deleted this many days after the appointment.
        self.RETENTION_DAYS = _int("RETENTION_DAYS", 14)
        # Feedback messages (/feedback) are deleted this many days after they arrive: longer
        # than the 14 days within which they must be answered.
        self.FEEDBACK_RETENTION_DAYS = _int("FEEDBACK_RETENTION_DAYS", 180)
        self.FEEDBACK_RATE_LIMIT = os.environ.get("FEEDBACK_RATE_LIMIT", "5/minute;20/day")
        # How long the calendar entry of an appointment lasts.
        self.APPOINTMENT_MINUTES = _int("APPOINTMENT_MINUTES", 60)
        # Where customers reach the app, e.g. "https://valmis.example.fi", for full links
        # printed outside a request (`flask invite create`); empty: print the path only.
        self.PUBLIC_URL = os.environ.get("PUBLIC_URL", "").strip().rstrip("/")
        # A STUN server for the optional UDP check, e.g. "stun:stun.example.org:3478"; off if empty.
        self.STUN_URL = os.environ.get("STUN_URL", "")
        # The operator's TURN relay (coturn with use-auth-secret) for the media round trip,
        # e.g. "turn:turn.example.fi:3478?transport=udp turns:turn.example.fi:443?transport=tcp",
        # and its static-auth-secret; empty: the round trip stays inside the page (loopback).
        self.TURN_URLS = os.environ.get("TURN_URLS", "")
        self.TURN_SECRET = os.environ.get("TURN_SECRET", "")
        # How long a relay credential works, in seconds (a round trip takes about 10).
        self.TURN_CREDENTIAL_SECONDS = _int("TURN_CREDENTIAL_SECONDS", turn.DEFAULT_SECONDS)
        # Relay credentials per address (each check asks once; a retry asks again).
        self.TURN_RATE_LIMIT = os.environ.get("TURN_RATE_LIMIT", "10/minute;60/hour")
        self.TURN_RELAYS: tuple[turn.Relay, ...] = ()  # TURN_URLS, parsed by check_turn
        # Passkeys: the relying party's id (the site's host name, or a parent domain of it)
        # and the exact origin the staff's browser shows; a mismatch refuses every passkey.
        self.WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID", "localhost").strip().lower()
        self.WEBAUTHN_ORIGIN = (
            os.environ.get("WEBAUTHN_ORIGIN", "http://localhost:8000").strip().rstrip("/"))
        self.WEBAUTHN_RP_NAME = "Valmis"
        # A signed-in staff member is signed out after this many minutes without a request.
        self.STAFF_IDLE_MINUTES = _int("STAFF_IDLE_MINUTES", 30)
        # How many reverse proxies in front of the app set X-Forwarded-* (0: none, trust none).
        self.PROXY_FIX_HOPS = _int("PROXY_FIX_HOPS", 0)
        self.LANGUAGE_COOKIE_DAYS = _int("LANGUAGE_COOKIE_DAYS", 365)
        # Rate limits (Flask-Limiter's notation). Counters live in RATELIMIT_STORAGE_URI: by
        # default a SQLite file in the instance folder that all workers of this instance share
        # (app/limit_storage.py); redis://host:6379 shares them between instances too;
        # memory:// counts per worker process, so N workers let N times the limit through.
        # A failing storage lets requests through rather than losing reports.
        self.RATELIMIT_STORAGE_URI = (os.environ.get("RATELIMIT_STORAGE_URI")
                                      or limit_storage.default_uri(INSTANCE_DIR))
        self.RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
        self.RATELIMIT_SWALLOW_ERRORS = True
        self.RATELIMIT_HEADERS_ENABLED = True
        # A sign-in or enrollment is two requests; an office behind one address signs in many.
        self.CEREMONY_RATE_LIMIT = os.environ.get("CEREMONY_RATE_LIMIT", "60/minute;600/hour")
        # A wizard walk posts about ten reports; the checks can be run again.
        self.REPORT_RATE_LIMIT_PER_LINK = os.environ.get(
            "REPORT_RATE_LIMIT_PER_LINK", "60/minute;600/hour")
        self.REPORT_RATE_LIMIT_PER_ADDRESS = os.environ.get(
            "REPORT_RATE_LIMIT_PER_ADDRESS", "300/minute")
        # Bytes of the connection check's /api/v1/download and /upload, counted in whole
        # checks (app.limits.CONNECTION_CHECK_BYTES, 1.75 MiB each), per address and per
        # personal link. A customer may run the check ten times in an hour and still pass.
        self.THROUGHPUT_CHECKS_PER_ADDRESS = os.environ.get(
            "THROUGHPUT_CHECKS_PER_ADDRESS", "30/minute;200/hour")
        self.THROUGHPUT_CHECKS_PER_LINK = os.environ.get(
            "THROUGHPUT_CHECKS_PER_LINK", "10/minute;30/hour")
        # Mixed into every static file's hash: a new value acts as a new release (used by the
        # end-to-end test of the update flow). Normally empty.
        self.ASSET_SALT = os.environ.get("ASSET_SALT", "")
        # Look-ups of personal-link and enrollment tokens that find nothing, per address.
        self.LINK_LOOKUP_RATE_LIMIT = os.environ.get("LINK_LOOKUP_RATE_LIMIT",
                                                     "30/minute;300/hour")
        # Run `flask purge` on its own, at most once a day (the first request after a day).
        self.AUTO_PURGE = _bool("AUTO_PURGE", True)
        self.SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.MAX_CONTENT_LENGTH = 64 * 1024
        self.BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
        self.BABEL_DEFAULT_LOCALE = self.DEFAULT_LOCALE
        self.BABEL_DEFAULT_TIMEZONE = self.DEFAULT_TIMEZONE
        self.SEND_FILE_MAX_AGE_DEFAULT = 3600
        self.PERMANENT_SESSION_LIFETIME = 14 * 86400
        # Only a change writes the session cookie. Refreshing it on every response let a late
        # image or stylesheet answer put back an older wizard state over a newer one.
        self.SESSION_REFRESH_EACH_REQUEST = False
        # The CSRF token lives as long as the session: a customer may leave a page open.
        self.WTF_CSRF_TIME_LIMIT = None
        # Flask-WTF's strict mode needs a Referer on https, which no-referrer never sends;
        # the token plus SameSite=Lax cookies still stop cross-site posts.
        self.WTF_CSRF_SSL_STRICT = False

    def finish(self) -> None:
        """Check what must be set in this environment; raise ConfigError otherwise."""
        self.check_common()
        if not self.SECRET_KEY:
            raise ConfigError(
                "SECRET_KEY is not set. In production set it to a long random value, e.g. "
                "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))'). "
                "For a local run use VALMIS_ENV=development (make run does)."
            )


    def check_common(self) -> None:
        """Checks every environment shares, whatever its secret key rules; cookie names."""
        # __Host-: the browser takes the cookie only if it is Secure, for path / and with no
        # Domain, so no subdomain or plain-http page can plant or overwrite it. Browsers
        # refuse such a cookie without Secure, so plain-http development keeps plain names.
        prefix = "__Host-" if self.SESSION_COOKIE_SECURE else ""
        self.SESSION_COOKIE_NAME = f"{prefix}session"
        self.LANGUAGE_COOKIE_NAME = f"{prefix}lang"
        self.SESSION_COOKIE_PATH = "/"
        self.SESSION_COOKIE_DOMAIN = None
        self.check_webauthn()
        if self.STAFF_IDLE_MINUTES < 1:
            raise ConfigError(
                f"STAFF_IDLE_MINUTES must be at least 1, not {self.STAFF_IDLE_MINUTES}")
        if self.RETENTION_DAYS < 1:
            raise ConfigError(f"RETENTION_DAYS must be at least 1, not {self.RETENTION_DAYS}")
        if self.FEEDBACK_RETENTION_DAYS < FEEDBACK_ANSWER_DAYS:
            raise ConfigError(
                f"FEEDBACK_RETENTION_DAYS must be at least {FEEDBACK_ANSWER_DAYS} (the days to "
                f"answer feedback), not {self.FEEDBACK_RETENTION_DAYS}")
        self.check_rate_limits()
        self.check_turn()
        if self.PUBLIC_URL and not self.PUBLIC_URL.startswith(("https://", "http://")):
            raise ConfigError(
                f"PUBLIC_URL must start with https:// (or http:// locally), not {self.PUBLIC_URL!r}"
            )


    def check_turn(self) -> None:
        """TURN_URLS must parse, and with them TURN_SECRET must be set (and not without)."""
        try:
            self.TURN_RELAYS = turn.parse_urls(self.TURN_URLS)
            if self.TURN_RELAYS:
                turn.check_secret(self.TURN_SECRET)
        except turn.TurnSettingError as error:
            raise ConfigError(str(error)) from None
        if self.TURN_SECRET and not self.TURN_RELAYS:
            raise ConfigError("TURN_SECRET is set but TURN_URLS is empty: set both or neither")
        if not 60 <= self.TURN_CREDENTIAL_SECONDS <= 86400:
            raise ConfigError("TURN_CREDENTIAL_SECONDS must be from 60 to 86400, not "
                              f"{self.TURN_CREDENTIAL_SECONDS}")

    def check_rate_limits(self) -> None:
        """Each limit must be in Flask-Limiter's notation, e.g. "60/minute;600/hour", and a
        sqlite:// storage must name an absolute file."""
        from limits import parse_many

        if urlsplit(self.RATELIMIT_STORAGE_URI).scheme == limit_storage.SCHEME:
            try:
                limit_storage.database_path(self.RATELIMIT_STORAGE_URI)
            except ValueError as error:
                raise ConfigError(f"RATELIMIT_STORAGE_URI: {error}") from None
        for name in ("CEREMONY_RATE_LIMIT", "REPORT_RATE_LIMIT_PER_LINK",
                     "REPORT_RATE_LIMIT_PER_ADDRESS", "LINK_LOOKUP_RATE_LIMIT",
                     "THROUGHPUT_CHECKS_PER_ADDRESS", "THROUGHPUT_CHECKS_PER_LINK",
                     "TURN_RATE_LIMIT", "FEEDBACK_RATE_LIMIT"):
            value = getattr(self, name)
            try:
                parse_many(value)
            except ValueError:
                raise ConfigError(
                    f"{name}={value!r} is not a rate limit such as '60/minute;600/hour'"
                ) from None

    def check_webauthn(self) -> None:
        """The origin must be https (http only on localhost) and on the RP ID's domain."""
        parts = urlsplit(self.WEBAUTHN_ORIGIN)
        host = (parts.hostname or "").lower()
        rp_id = self.WEBAUTHN_RP_ID
        secure = parts.scheme == "https" or (parts.scheme == "http" and host == "localhost")
        on_domain = bool(rp_id) and (host == rp_id or host.endswith("." + rp_id))
        if not secure or not on_domain or parts.path or parts.query:
            raise ConfigError(
                f"WEBAUTHN_ORIGIN={self.WEBAUTHN_ORIGIN!r} must be https://<host>[:port] "
                f"(http only on localhost) whose host is WEBAUTHN_RP_ID={rp_id!r} or below it"
            )


class ProductionConfig(Config):
    """Production: HTTPS behind a proxy, secrets from the environment only."""


class DevelopmentConfig(Config):
    """A local run on http://localhost: a generated secret kept in instance/."""

    ENV_NAME = "development"

    def __init__(self) -> None:
        """Relax what needs HTTPS, which localhost does not have."""
        super().__init__()
        self.SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)

    def finish(self) -> None:
        """Generate the secret key once and keep it, so sessions survive restarts."""
        self.check_common()
        if not self.SECRET_KEY:
            self.SECRET_KEY = _instance_secret()


class TestingConfig(DevelopmentConfig):
    """Tests: a throwaway secret and no persistence unless a test asks for it."""

    ENV_NAME = "testing"
    TESTING = True

    def __init__(self) -> None:
        """As development; the automatic purge only where a test turns it on."""
        super().__init__()
        self.AUTO_PURGE = False

    def finish(self) -> None:
        """A fresh secret per app; tests never need it to persist."""
        self.check_common()
        if not self.SECRET_KEY:
            self.SECRET_KEY = secrets.token_hex(32)


CONFIGS: dict[str, type[Config]] = {
    "production": ProductionConfig,
    "development": DevelopmentConfig,
    "testing": TestingConfig,
}


def config_for_environment(name: str | None = None) -> Config:
    """Build the settings for VALMIS_ENV (production when unset)."""
    env = (name or os.environ.get("VALMIS_ENV") or "production").strip().lower()
    try:
        return CONFIGS[env]()
    except KeyError:
        raise ConfigError(
            f"VALMIS_ENV={env!r} is not one of {', '.join(sorted(CONFIGS))}"
        ) from None


def _instance_secret() -> str:
    """Read the development secret from instance/secret_key, creating it on first use.

    Several workers may start at once: the key is written to a private temporary
    file and linked into place, so exactly one key wins and nobody reads half of it.
    """
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        temporary = INSTANCE_DIR / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text().strip()
