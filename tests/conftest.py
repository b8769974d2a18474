"""Fixtures: an app on a throwaway database, and a client that checks every page it gets."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from tests.pagecheck import check_page

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues() -> None:
    """Compile the .po catalogues so that pages render translated, as `make run` would."""
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "compile",
         "-d", str(ROOT / "translations")],
        check=True,
    )


class PageCheckingClient(FlaskClient):
    """A test client that fails a test when any HTML page it gets breaks an invariant."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        """Make the request, then check the page if it is HTML."""
        response = super().open(*args, **kwargs)
        # A redirect or an answer to HEAD has no page to check.
        if (response.mimetype == "text/html" and not 300 <= response.status_code < 400
                and response.request.method != "HEAD"):
            problems = check_page(response.get_data(as_text=True),
                                  response.headers.get("Content-Security-Policy"))
            assert not problems, f"{response.request.path}: {problems}"
        return response


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """An app in testing mode on its own SQLite database, migrated as `flask init-db` does."""
    application = create_app({"TESTING": True,
                              "DATABASE_URL": f"sqlite:///{tmp_path / 'test.db'}"})
    application.test_client_class = PageCheckingClient
    from app import db

    db.upgrade(application)
    yield application
    application.extensions["valmis.db"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A client whose every HTML page goes through the page checks."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    """A runner for the app's `flask` commands."""
    return app.test_cli_runner()
