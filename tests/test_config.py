"""Settings: production refuses to start without a secret; development keeps one."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import config, create_app
from app.config import ConfigError


def test_production_without_secret_key_stops_with_a_clear_message(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing SECRET_KEY outside development and tests is an error naming the variable."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("VALMIS_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app()


def test_production_with_secret_key_starts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With SECRET_KEY set, production starts and uses it, with secure cookies."""
    monkeypatch.setenv("VALMIS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    app = create_app()
    assert app.config["SECRET_KEY"] == "x" * 64
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["TESTING"] is False


def test_development_generates_the_key_once(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    """Development creates instance/secret_key (private) and reuses it on the next start."""
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("VALMIS_ENV", "development")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'd.db'}")
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert first == second
    assert len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_unknown_environment_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """A typo in VALMIS_ENV says which values are allowed."""
    monkeypatch.setenv("VALMIS_ENV", "prodution")
    with pytest.raises(ConfigError, match="development, production, testing"):
        create_app()


def test_bad_number_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """A setting that must be a number says so."""
    monkeypatch.setenv("PROXY_FIX_HOPS", "one")
    with pytest.raises(ConfigError, match="PROXY_FIX_HOPS must be a whole number"):
        create_app({"TESTING": True})


def test_overrides_are_applied_last(tmp_path: Path) -> None:
    """create_app(overrides) wins over the environment."""
    app = create_app({"TESTING": True, "DEFAULT_LOCALE": "sv",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'o.db'}"})
    assert app.config["DEFAULT_LOCALE"] == "sv"
    assert app.config["DATABASE_URL"].endswith("o.db")


def test_retention_and_public_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """RETENTION_DAYS defaults to 14; PUBLIC_URL to empty, and loses a trailing slash."""
    monkeypatch.delenv("RETENTION_DAYS", raising=False)
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    settings = config.config_for_environment("testing")
    assert settings.RETENTION_DAYS == 14 and settings.PUBLIC_URL == ""
    monkeypatch.setenv("RETENTION_DAYS", "30")
    monkeypatch.setenv("PUBLIC_URL", "https://valmis.example.fi/")
    settings = config.config_for_environment("testing")
    assert settings.RETENTION_DAYS == 30 and settings.PUBLIC_URL == "https://valmis.example.fi"


@pytest.mark.parametrize(("name", "value", "message"), [
    ("RETENTION_DAYS", "0", "RETENTION_DAYS must be at least 1"),
    ("RETENTION_DAYS", "two weeks", "RETENTION_DAYS must be a whole number"),
    ("PUBLIC_URL", "valmis.example.fi", "PUBLIC_URL must start with https://"),
])
def test_wrong_retention_or_public_url_stops(monkeypatch: pytest.MonkeyPatch, name: str,
                                             value: str, message: str) -> None:
    """A clear message naming the setting, in every environment."""
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        create_app({"TESTING": True})
