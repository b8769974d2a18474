"""schemathesis against /api/v1/openapi.json: every operation, generated requests, bounded.

Each answer must be described (status, content type, body schema) and none may be a 5xx.
Report posts get random tokens (404, described) and, through a real link, generated reports.
Rate limits are off: this checks the description, not the limiter (tests/test_limits.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Ok
from schemathesis.schemas import APIOperation

from app import create_app, db, invites


@pytest.fixture(scope="module")
def api_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app on its own database, with one personal link for the generated reports."""
    folder = tmp_path_factory.mktemp("openapi")
    application = create_app({"TESTING": True, "RATELIMIT_ENABLED": False,
                              "DATABASE_URL": f"sqlite:///{folder / 'api.db'}"})
    db.upgrade(application)
    with application.extensions["valmis.db"].begin() as connection:
        _id, token = invites.create_invite(
            connection, language="fi", appointment_at=datetime.now(UTC) + timedelta(days=1))
    application.config["FUZZ_TOKEN"] = token
    yield application
    application.extensions["valmis.db"].dispose()


@pytest.fixture(scope="module")
def api_schema(api_app: Flask) -> schemathesis.BaseSchema:
    """The served description, loaded through the app itself (no network)."""
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)


def operations(schema: schemathesis.BaseSchema) -> list[APIOperation]:
    """Every operation the description has (a part it cannot read fails the test)."""
    found = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        found.append(result.ok())
    return found


def test_the_description_lists_every_api_route(api_app: Flask) -> None:
    """No route under /api/v1 is missing from the description, and none is made up."""
    document = api_app.test_client().get("/api/v1/openapi.json").get_json()
    described = {(method.upper(), path) for path, item in document["paths"].items()
                 for method in item}
    routes = {(method, rule.rule.removeprefix("/api/v1").replace("<token>", "{token}"))
              for rule in api_app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
              for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}}
    assert described == routes


def test_the_api_does_what_its_description_says(api_app: Flask,
                                                api_schema: schemathesis.BaseSchema) -> None:
    """Generated requests for every operation: no 5xx, every answer as described.

    (schemathesis' own pytest plugin does not run on pytest 9 yet, so hypothesis drives
    each operation's strategy here.)
    """
    token = api_app.config["FUZZ_TOKEN"]
    for operation in operations(api_schema):

        @given(case=operation.as_strategy())
        @settings(max_examples=40, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case: schemathesis.Case) -> None:
            """One generated request, checked."""
            if case.path_parameters and "token" in case.path_parameters and (
                    hash(str(case.body)) % 2):
                # Half of the posts reach a real link, so the report schema counts too.
                case.path_parameters["token"] = token
            case.call_and_validate()

        check()
