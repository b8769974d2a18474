"""Fixtures: an app on a throwaway database, a client that checks every page it gets, and
clients signed in to the staff area (helpers they use live in tests/support/)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support import ROOT
from tests.support.app import migrated_app
from tests.support.staff import SoftAuthenticator, add_person, enroll, signed_in


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues() -> None:
    """Compile the .po catalogues so that pages render translated, as `make run` would."""
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "compile",
         "-d", str(ROOT / "translations")],
        check=True,
    )


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """An app in testing mode on its own SQLite database, migrated as `flask init-db` does."""
    with migrated_app(tmp_path / "test.db") as application:
        yield application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A client whose every HTML page goes through the page checks."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    """A runner for the app's `flask` commands."""
    return app.test_cli_runner()


@pytest.fixture
def staff_client(app: Flask, client: FlaskClient) -> FlaskClient:
    """A client signed in as a staff member, set in the session as auth.sign_in does."""
    return signed_in(app, client, admin=False, session_id="test-session")


@pytest.fixture
def admin_client(app: Flask, client: FlaskClient) -> FlaskClient:
    """A client signed in as an administrator, set in the session as auth.sign_in does."""
    return signed_in(app, client, admin=True, session_id="admin-session")


@pytest.fixture
def enrolled(app: Flask, client: FlaskClient) -> tuple[int, SoftAuthenticator]:
    """A staff member who has enrolled a passkey, then signed out (a fresh client session)."""
    staff_id, token = add_person(app)
    key = SoftAuthenticator()
    assert enroll(client, token, key).status_code == 200
    with client.session_transaction() as session:
        session.clear()
    return staff_id, key
