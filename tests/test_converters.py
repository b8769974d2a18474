"""Ids in URLs: a number the database cannot hold is no page (404), never a 500."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import IntegerConverter

from app.converters import MAX_ROW_ID, RowIdConverter

HUGE_IDS = ("99999999999999999999999", str(2**63), str(2**31), str(MAX_ROW_ID + 1))


def _csrf(client: FlaskClient) -> str:
    """A CSRF token of the signed-in session."""
    html = client.get("/staff/people").get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def _id_rules(app: Flask) -> list[tuple[str, list[str], str]]:
    """(rule, names of its numeric arguments, method) for every route with a numeric argument."""
    found = []
    for rule in app.url_map.iter_rules():
        numeric = [name for name, converter in rule._converters.items()
                   if isinstance(converter, IntegerConverter)]
        if numeric:
            method = "POST" if "POST" in (rule.methods or ()) else "GET"
            found.append((rule.endpoint, numeric, method))
    return found


def test_every_numeric_route_uses_the_bounded_converter(app: Flask) -> None:
    """No route takes a plain <int:…>, which lets any number of digits through to the query."""
    rules = _id_rules(app)
    assert {endpoint for endpoint, _names, _method in rules} >= {
        "staff.invite_page", "staff.delete_invite", "staff.disable_person"}
    for rule in app.url_map.iter_rules():
        for name, converter in rule._converters.items():
            if isinstance(converter, IntegerConverter):
                assert isinstance(converter, RowIdConverter), f"{rule.rule}: <{name}> is unbounded"


@pytest.mark.parametrize("huge", HUGE_IDS)
def test_a_huge_id_is_a_404_on_every_route(app: Flask, admin_client: FlaskClient,
                                           huge: str) -> None:
    """Every route with a numeric id answers 404 to an id beyond the database's integers."""
    csrf = _csrf(admin_client)
    rules = _id_rules(app)
    assert rules
    for endpoint, names, method in rules:
        rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
        url = rule.rule
        for name in names:
            url = re.sub(rf"<[^>:]+:{name}>", huge, url)
        answer = admin_client.open(url, method=method,
                                   data={"csrf_token": csrf, "name": "x", "confirm": "yes"})
        assert answer.status_code == 404, (url, method, answer.status_code)


def test_the_largest_id_is_still_looked_up(admin_client: FlaskClient) -> None:
    """At the bound the route still matches and the database answers "no such invite"."""
    assert admin_client.get(f"/staff/invites/{MAX_ROW_ID}").status_code == 404
    assert admin_client.get("/staff/invites/0").status_code == 404
