"""The JSON API: the device contract, the connection check's endpoints, the OpenAPI file."""

from __future__ import annotations

import json
import re

import pytest
from flask.testing import FlaskClient

from app.api.views import MAX_DOWNLOAD_BYTES, MAX_UPLOAD_BYTES, OPENAPI_FILE

IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")


def test_device_answers_the_contract(client: FlaskClient) -> None:
    """Exactly the keys of DESIGN.md, with the request's own classification, and Vary."""
    response = client.get("/api/v1/device", headers={"User-Agent": IPHONE})
    assert response.status_code == 200
    body = response.json
    assert body is not None
    assert set(body) == {"form", "os", "browser", "in_app", "path", "teams_web", "store_url",
                         "needs_client_check"}
    assert body["form"] == "phone" and body["os"] == "ios" and body["path"] == "app"
    assert body["browser"] == {"family": "safari", "major": 17}
    assert body["store_url"].startswith("https://apps.apple.com/")
    assert "User-Agent" in response.headers["Vary"]
    assert "Sec-CH-UA-Mobile" in response.headers["Vary"]


def test_ping_is_empty_and_uncached(client: FlaskClient) -> None:
    """204, no body, never cached."""
    response = client.get("/api/v1/ping")
    assert response.status_code == 204
    assert response.data == b""
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("size", [1, 1000, 65536 + 7, MAX_DOWNLOAD_BYTES])
def test_download_sends_exactly_the_bytes_asked(client: FlaskClient, size: int) -> None:
    """The body has the requested length and is random (two downloads differ)."""
    first = client.get(f"/api/v1/download?bytes={size}")
    assert first.status_code == 200
    assert len(first.data) == size == int(first.headers["Content-Length"])
    assert first.headers["Cache-Control"] == "no-store"
    if size >= 1000:
        assert client.get(f"/api/v1/download?bytes={size}").data != first.data


@pytest.mark.parametrize("query", ["", "?bytes=0", "?bytes=-5", "?bytes=abc",
                                   f"?bytes={MAX_DOWNLOAD_BYTES + 1}"])
def test_download_refuses_sizes_out_of_range(client: FlaskClient, query: str) -> None:
    """A clear 400 in JSON that says the allowed range."""
    response = client.get(f"/api/v1/download{query}")
    assert response.status_code == 400
    assert response.json is not None
    assert "bytes must be a whole number" in response.json["error"]["message"]


def test_upload_counts_the_bytes(client: FlaskClient) -> None:
    """The answer is the number of bytes received, beyond the app's 64 KiB form limit."""
    payload = b"x" * (300 * 1024)
    response = client.post("/api/v1/upload", data=payload,
                           content_type="application/octet-stream")
    assert response.status_code == 200
    assert response.json == {"bytes": len(payload)}


def test_upload_over_the_limit_is_413(client: FlaskClient) -> None:
    """More than 1 MiB is refused."""
    response = client.post("/api/v1/upload", data=b"x" * (MAX_UPLOAD_BYTES + 1),
                           content_type="application/octet-stream")
    assert response.status_code == 413
    assert response.json is not None and response.json["error"]["code"] == 413


def test_openapi_is_served_and_names_every_route(client: FlaskClient, app) -> None:  # type: ignore[no-untyped-def]
    """The served document is the file, and every /api/v1 route is described in it."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document == json.loads(OPENAPI_FILE.read_text())
    assert document["openapi"].startswith("3.1")
    described = set(document["paths"])
    # Flask writes a path parameter <name> (or <converter:name>), OpenAPI {name}.
    routes = {re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")}
    assert routes == described
    assert "Readiness" in document["components"]["schemas"]
