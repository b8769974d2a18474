"""An app on a throwaway SQLite database, migrated as `flask init-db` does, whose test clients
fail a test when any HTML page they get breaks an invariant (tests/pagecheck.py)."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from tests.pagecheck import check_page


class PageCheckingClient(FlaskClient):
    """A test client that fails a test when any HTML page it gets breaks an invariant."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        """Make the request, then check the page if it is HTML."""
        response = super().open(*args, **kwargs)
        # A redirect or an answer to HEAD has no page to check.
        if (response.mimetype == "text/html" and not 300 <= response.status_code < 400
                and response.request.method != "HEAD"):
            body = response.get_data()
            if response.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            problems = check_page(body.decode("utf-8"),
                                  response.headers.get("Content-Security-Policy"))
            assert not problems, f"{response.request.path}: {problems}"
        return response


@contextmanager
def migrated_app(database: Path, **overrides: Any) -> Iterator[Flask]:
    """An app in testing mode (with overrides) on the SQLite file database, migrated as
    `flask init-db` does, whose clients check every page; its connections closed after."""
    from app import db

    # Each app counts rate limits in its own file, as one instance does in its folder.
    counters = f"sqlite:///{database.parent / (database.stem + '-ratelimits.db')}"
    application = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{database}",
                              "RATELIMIT_STORAGE_URI": counters, **overrides})
    application.test_client_class = PageCheckingClient
    db.upgrade(application)
    try:
        yield application
    finally:
        application.extensions["valmis.db"].dispose()
