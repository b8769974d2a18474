"""Two app instances on one PostgreSQL and one Redis (integration/): what the fixtures give the
tests, and a browser that speaks real HTTP to an instance like Flask's test client does."""

from __future__ import annotations

import http.cookiejar
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

import psycopg

# The origin the staff's browser would show: the load balancer's, the same for every instance.
# SoftAuthenticator (tests/support/staff.py) signs for this origin and the RP ID "localhost".
PUBLIC_ORIGIN = "http://localhost:8000"
# Small enough to reach quickly; per link across both instances.
REPORTS_PER_LINK = 5


@dataclass(frozen=True)
class Postgres:
    """A running PostgreSQL: its port and how to reach a database on it."""

    port: int
    user: str

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of database, over TCP on loopback."""
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create an empty database; its SQLAlchemy URL."""
        with psycopg.connect(host="127.0.0.1", port=self.port, user=self.user,
                             dbname="postgres", autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@dataclass(frozen=True)
class Instances:
    """Two gunicorn instances sharing one database and one rate-limit store."""

    urls: tuple[str, str]
    environment: dict[str, str]
    database_url: str
    redis_url: str


class Answer:
    """An HTTP answer with the parts of Flask's test response the staff helpers use."""

    def __init__(self, status: int, headers: Any, body: bytes) -> None:
        """Keep the status, the headers and the body."""
        self.status_code = status
        self.headers = headers
        self.data = body

    def get_data(self, as_text: bool = False) -> Any:
        """The body, as text when asked."""
        return self.data.decode() if as_text else self.data

    def get_json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.data)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Answer a redirect as it is, as Flask's client does without follow_redirects."""

    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        """Do not follow."""
        return None


class Browser:
    """One browser on one instance: real HTTP to base_url, with a cookie jar it may share.

    It speaks like Flask's test client (get, post with json=, headers=, follow_redirects=),
    so tests/support/staff.py's ceremony helpers run unchanged against a live server. Two
    Browser objects with one jar are one browser whose load balancer picks the instance.
    """

    def __init__(self, base_url: str, jar: http.cookiejar.CookieJar) -> None:
        """Requests go to base_url and keep their cookies in jar."""
        self.base_url = base_url
        cookies = urllib.request.HTTPCookieProcessor(jar)
        self._following = urllib.request.build_opener(cookies)
        self._not_following = urllib.request.build_opener(cookies, _NoRedirects())

    def open(self, method: str, path: str, *, json_body: Any = None,
             headers: dict[str, str] | None = None, follow_redirects: bool = False) -> Answer:
        """Make one request; any status is an answer, not an exception."""
        data = None if json_body is None else json.dumps(json_body).encode()
        request = urllib.request.Request(  # noqa: S310 (our own loopback server)
            self.base_url + path, data=data, method=method,
            headers={**({"Content-Type": "application/json"} if data else {}),
                     **(headers or {})})
        opener = self._following if follow_redirects else self._not_following
        try:
            with opener.open(request, timeout=10) as answer:
                return Answer(answer.status, answer.headers, answer.read())
        except urllib.error.HTTPError as error:
            with error:
                return Answer(error.code, error.headers, error.read())

    def get(self, path: str, *, follow_redirects: bool = False,
            headers: dict[str, str] | None = None) -> Answer:
        """GET path."""
        return self.open("GET", path, headers=headers, follow_redirects=follow_redirects)

    def post(self, path: str, *, json: Any = None,
             headers: dict[str, str] | None = None) -> Answer:
        """POST json to path."""
        return self.open("POST", path, json_body=json, headers=headers)
