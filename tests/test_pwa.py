"""The installable app's server side: manifests, service worker, offline pages, icons."""

from __future__ import annotations

import json
import re
import struct
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import assets, create_app, invites
from app.steps import STEPS
from tests.support.user_agents import WINDOWS_CHROME

DESKTOP = WINDOWS_CHROME


def manifest_of(client: FlaskClient, url: str) -> Any:
    """The manifest at url, checked to be one."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "application/manifest+json"
    return response.get_json(force=True)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_manifest_speaks_the_language_asked(client: FlaskClient, language: str) -> None:
    """Name and description translated; lang, start_url, scope, display, id and colours set."""
    document = manifest_of(client, f"/manifest.webmanifest?lang={language}")
    assert document["lang"] == language and document["dir"] == "ltr"
    assert document["start_url"] == f"/?lang={language}"
    assert (document["scope"], document["display"], document["id"]) == ("/", "standalone", "/")
    assert document["short_name"] == "Valmis" and document["name"] and document["description"]
    assert document["theme_color"] and document["background_color"]
    dark = document["user_preferences"]["color_scheme"]["dark"]
    assert dark["background_color"] != document["background_color"]


def test_names_differ_between_languages(client: FlaskClient) -> None:
    """Finnish, Swedish and English each have their own name and description."""
    names = {manifest_of(client, f"/manifest.webmanifest?lang={code}")["description"]
             for code in ("fi", "sv", "en")}
    assert len(names) == 3


def test_the_icons_are_what_the_manifest_says(client: FlaskClient) -> None:
    """192 and 512 px for any purpose, 512 px maskable; each served as a PNG of its size."""
    document = manifest_of(client, "/manifest.webmanifest?lang=fi")
    seen = set()
    for icon in document["icons"]:
        with client.get(icon["src"]) as answer:
            assert answer.status_code == 200 and answer.mimetype == "image/png"
            width, height = png_size(answer.data)
        assert icon["sizes"] == f"{width}x{height}"
        seen.add((width, icon["purpose"]))
    assert seen == {(192, "any"), (512, "any"), (512, "maskable")}


def test_a_page_links_its_languages_manifest(client: FlaskClient) -> None:
    """The page's manifest link follows the page's language."""
    for code in ("fi", "sv"):
        page = client.get(f"/?lang={code}").get_data(as_text=True)
        assert f'<link rel="manifest" href="/manifest.webmanifest?lang={code}">' in page


def personal_token(app: Flask, language: str = "sv") -> str:
    """A personal link in language for an appointment tomorrow."""
    with app.extensions["valmis.db"].begin() as connection:
        return invites.create_invite(connection, language=language,
                                     appointment_at=datetime.now(UTC) + timedelta(days=1))[1]


def test_a_personal_link_installs_as_itself(app: Flask, client: FlaskClient) -> None:
    """Its pages link a manifest whose start_url is the link, in the invite's language;
    nothing caches it; an unknown token is a 404."""
    token = personal_token(app)
    page = client.get(f"/r/{token}", headers={"User-Agent": DESKTOP}).get_data(as_text=True)
    assert f'<link rel="manifest" href="/r/{token}/manifest.webmanifest">' in page
    response = client.get(f"/r/{token}/manifest.webmanifest")
    assert response.headers["Cache-Control"] == "no-store"
    document = response.get_json(force=True)
    assert document["start_url"] == f"/r/{token}" and document["lang"] == "sv"
    assert document["id"] == "/"
    assert client.get("/r/" + "x" * 32 + "/manifest.webmanifest").status_code == 404


def test_staff_pages_have_no_manifest_and_no_worker(client: FlaskClient) -> None:
    """The staff area is not installable and never registers the service worker."""
    page = client.get("/staff/sign-in").get_data(as_text=True)
    assert 'rel="manifest"' not in page and 'data-module="pwa"' not in page
    start = client.get("/").get_data(as_text=True)
    assert 'data-module="pwa"' in start and 'data-sw-url="/sw.js"' in start


def test_the_worker_names_this_releases_assets(app: Flask, client: FlaskClient) -> None:
    """sw.js: JavaScript, revalidated every time, with the version and every hashed asset."""
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    with app.app_context():
        current = assets.manifest()
    assert f'const VERSION = "{current.version}";' in body
    match = re.search(r"const ASSETS = (\[.*?\]);", body)
    assert match, "no asset list"
    listed = json.loads(match.group(1))
    assert "/static/" + current.hashed["css/main.css"] in listed
    assert any(url.startswith("/static/icons/maskable-512.") for url in listed)
    for url in listed:
        with client.get(url) as answer:
            assert answer.status_code == 200, url
            assert "immutable" in answer.headers["Cache-Control"]


def test_a_new_release_is_a_new_worker(tmp_path: Path) -> None:
    """Another asset version gives a byte-different sw.js, which browsers install as an update."""
    bodies = []
    for salt in ("", "release 2"):
        application = create_app({"TESTING": True, "ASSET_SALT": salt,
                                  "DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}"})
        bodies.append(application.test_client().get("/sw.js").get_data(as_text=True))
    assert bodies[0] != bodies[1]


@pytest.mark.parametrize("path", sorted(STEPS))
def test_the_kept_pages_are_the_paths(client: FlaskClient, path: str) -> None:
    """Every page of the path plus help, no-video, other device and offline; each renders
    without cookies for that path, in that language."""
    listing = client.get(f"/offline/pages.json?lang=sv&path={path}").get_json()
    pages = listing["pages"]
    for step in STEPS[path]:
        assert any(page.split("?")[0] == _endpoint_path(client, step) for page in pages), step
    assert any(page.startswith("/offline?") for page in pages)
    assert not any(page.startswith(("/r/", "/staff", "/api")) for page in pages)
    for page in pages:
        fresh = client.application.test_client()
        html = fresh.get(page).get_data(as_text=True)
        assert '<html lang="sv"' in html, page
        if not page.startswith("/offline"):
            assert f'data-path="{path}"' in html, page


def _endpoint_path(client: FlaskClient, step: str) -> str:
    """The URL path of a wizard step."""
    with client.application.test_request_context():
        from flask import url_for
        return url_for(f"wizard.{step}")


def test_kept_pages_need_a_language_and_a_path(client: FlaskClient) -> None:
    """Anything else is a 400 that says what is allowed."""
    assert client.get("/offline/pages.json?lang=xx&path=app").status_code == 400
    assert client.get("/offline/pages.json?lang=fi&path=none").status_code == 400


def test_the_offline_page_and_the_favicon(client: FlaskClient) -> None:
    """/offline is a calm page; /favicon.ico an ICO (no more 404 in every log)."""
    page = client.get("/offline?lang=en")
    assert page.status_code == 200 and "You are offline" in page.get_data(as_text=True)
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"


def test_step_forms_say_where_to_go_offline(client: FlaskClient) -> None:
    """The one-button form names the next step; the device page's choices name theirs."""
    install = client.get("/phone/install?path=app").get_data(as_text=True)
    assert 'data-offline-next="/checks"' in install
    device = client.get("/device").get_data(as_text=True)
    for choice, target in (("computer", "/computer/browser"), ("android", "/phone/install"),
                           ("other", "/other-device")):
        assert re.search(rf'value="{choice}"[^>]*data-offline-next="{target}"', device), choice


def test_path_in_the_address_does_not_override_a_choice(client: FlaskClient) -> None:
    """?path= only stands in for the session: a customer's own choice wins."""
    client.get("/device")
    html = client.get("/device").get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html
    token = match.group(1)
    client.post("/device", data={"device": "computer", "csrf_token": token})
    page = client.get("/checks?path=app").get_data(as_text=True)
    assert 'data-path="web"' in page
