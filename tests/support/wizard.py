"""The customer wizard's forms, posted through the Flask client as a person would."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.user_agents import WINDOWS_CHROME


def csrf_token(client: FlaskClient, url: str, user_agent: str = WINDOWS_CHROME) -> str:
    """The CSRF token of the form on url, as a browser would find it."""
    html = client.get(url, headers={"User-Agent": user_agent}).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def submit(client: FlaskClient, url: str, data: dict[str, str] | None = None,
           user_agent: str = WINDOWS_CHROME) -> TestResponse:
    """Post the form on url as a person would: with the page's CSRF token."""
    form = {"csrf_token": csrf_token(client, url, user_agent), **(data or {})}
    return client.post(url, data=form, headers={"User-Agent": user_agent})
