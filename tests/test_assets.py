"""Static files under content-hashed names, the import map, and no mixing of versions."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path

from flask import Flask, url_for
from flask.testing import FlaskClient

from app import assets, create_app


def test_url_for_gives_the_content_hash(app: Flask) -> None:
    """The name carries the first 10 hex digits of the file's SHA-256."""
    content = (assets.STATIC_DIR / "css" / "main.css").read_bytes()
    digest = hashlib.sha256(content).hexdigest()[:10]
    with app.test_request_context():
        assert url_for("static", filename="css/main.css") == f"/static/css/main.{digest}.css"


def test_a_hashed_name_is_immutable_and_a_plain_name_revalidates(app: Flask,
                                                                  client: FlaskClient) -> None:
    """A year and immutable for the hashed name; no-cache for the plain one; same bytes."""
    with app.test_request_context():
        hashed = url_for("static", filename="js/app.mjs")
    with client.get(hashed) as first, client.get("/static/js/app.mjs") as plain:
        assert first.status_code == 200
        assert first.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert first.mimetype in ("text/javascript", "application/javascript")
        assert plain.status_code == 200 and plain.headers["Cache-Control"] == "no-cache"
        assert plain.data == first.data


def test_an_old_hash_is_a_404_not_the_new_file(client: FlaskClient) -> None:
    """A page of an old version asking for its asset gets nothing rather than a newer one."""
    assert client.get("/static/css/main.0123456789.css").status_code == 404
    assert client.get("/static/nothing-here.css").status_code == 404
    assert client.get("/static/../config.py").status_code == 404


def test_the_salt_changes_every_name_and_the_version(tmp_path: Path) -> None:
    """A new release (here: a new salt) gives every file a new name."""
    (tmp_path / "a.mjs").write_text("export default 1;\n")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "c.css").write_text("p{}\n")
    (tmp_path / "LICENSE").write_text("x\n")
    old = assets.build_manifest(tmp_path)
    new = assets.build_manifest(tmp_path, salt="release 2")
    assert re.fullmatch(r"a\.[0-9a-f]{10}\.mjs", old.hashed["a.mjs"])
    assert re.fullmatch(r"b/c\.[0-9a-f]{10}\.css", old.hashed["b/c.css"])
    assert old.hashed["LICENSE"] == "LICENSE"  # no suffix, no hash
    assert old.hashed["a.mjs"] != new.hashed["a.mjs"] and old.version != new.version
    assert old.plain[old.hashed["a.mjs"]] == "a.mjs"
    assert old.modules() == {"/static/a.mjs": f"/static/{old.hashed['a.mjs']}"}


def test_every_page_maps_every_module_to_its_hashed_file(client: FlaskClient) -> None:
    """The import map lists each script under static/js, and each mapped URL answers."""
    page = client.get("/?lang=en").get_data(as_text=True)
    match = re.search(r'<script type="importmap" nonce="[^"]+">(.*?)</script>', page, re.S)
    assert match, "no import map"
    imports = json.loads(match.group(1))["imports"]
    modules = {f"/static/{path.relative_to(assets.STATIC_DIR).as_posix()}"
               for pattern in ("*.mjs", "*.js") for path in assets.STATIC_DIR.rglob(pattern)}
    assert set(imports) == modules
    for target in imports.values():
        with client.get(target) as answer:
            assert answer.status_code == 200, target
    # The import map comes before the first module script, as browsers require.
    assert page.index('type="importmap"') < page.index('type="module"')


def test_the_app_hashes_with_its_configured_salt(tmp_path: Path) -> None:
    """ASSET_SALT reaches the manifest: two apps, two names for the same file."""
    names = []
    for salt in ("", "next"):
        application = create_app({"TESTING": True, "ASSET_SALT": salt,
                                  "DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}"})
        with application.test_request_context():
            names.append(url_for("static", filename="css/main.css"))
    assert names[0] != names[1]


GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_a_text_file_goes_out_gzipped_to_a_browser_that_accepts_it(app: Flask,
                                                                    client: FlaskClient) -> None:
    """The same bytes once decompressed, the compressed length, Vary and a weak ETag."""
    content = (assets.STATIC_DIR / "css" / "main.css").read_bytes()
    with app.test_request_context():
        hashed = url_for("static", filename="css/main.css")
    with client.get(hashed, headers=GZIP) as answer:
        assert answer.status_code == 200
        assert answer.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in answer.vary
        assert int(answer.headers["Content-Length"]) == len(answer.data) < len(content) / 2
        assert gzip.decompress(answer.data) == content
        assert answer.get_etag()[1] is True  # weak: another encoding of the same file
        assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert "Accept-Ranges" not in answer.headers
    with client.get(hashed) as identity:  # no Accept-Encoding: the file as it is
        assert "Content-Encoding" not in identity.headers
        assert "Accept-Encoding" in identity.vary
        assert identity.data == content


def test_gzip_refused_with_q0_gets_the_file_as_it_is(app: Flask, client: FlaskClient) -> None:
    """Accept-Encoding: gzip;q=0 means no gzip."""
    with app.test_request_context():
        hashed = url_for("static", filename="js/app.mjs")
    with client.get(hashed, headers={"Accept-Encoding": "gzip;q=0, identity"}) as answer:
        assert "Content-Encoding" not in answer.headers
        assert answer.data == (assets.STATIC_DIR / "js" / "app.mjs").read_bytes()


def test_a_compressed_file_revalidates_to_a_304(client: FlaskClient) -> None:
    """The plain name is no-cache: its weak ETag from the gzip answer still gets a 304."""
    with client.get("/static/js/pwa.mjs", headers=GZIP) as first:
        assert first.headers["Content-Encoding"] == "gzip"
        etag = first.headers["ETag"]
    with client.get("/static/js/pwa.mjs",
                    headers={**GZIP, "If-None-Match": etag}) as again:
        assert again.status_code == 304
        assert "Accept-Encoding" in again.vary


def test_each_file_is_compressed_once_per_process(app: Flask, client: FlaskClient) -> None:
    """The second request is served from the in-memory cache."""
    assets._gzipped.cache_clear()
    with app.test_request_context():
        hashed = url_for("static", filename="js/outbox-core.js")
    for _ in range(3):
        with client.get(hashed, headers=GZIP) as answer:
            assert answer.headers["Content-Encoding"] == "gzip"
    info = assets._gzipped.cache_info()
    assert (info.misses, info.hits) == (1, 2)


def test_images_and_ranges_are_not_compressed(app: Flask, client: FlaskClient) -> None:
    """A PNG is compressed already; a range asks for identity bytes."""
    with app.test_request_context():
        png = url_for("static", filename="icons/icon-192.png")
        css = url_for("static", filename="css/main.css")
    with client.get(png, headers=GZIP) as answer:
        assert answer.status_code == 200 and "Content-Encoding" not in answer.headers
        assert "Accept-Encoding" not in answer.vary
    with client.get(css, headers={**GZIP, "Range": "bytes=0-9"}) as part:
        assert part.status_code == 206 and "Content-Encoding" not in part.headers
        assert len(part.data) == 10


def test_pages_are_compressed_and_small_answers_are_not(app: Flask) -> None:
    """A wizard page goes out gzipped with its device Vary headers kept; a tiny JSON does not."""
    app.test_client_class = FlaskClient  # the page check reads the body as text
    plain = app.test_client()
    with plain.get("/?lang=en", headers=GZIP) as page:
        assert page.status_code == 200 and page.headers["Content-Encoding"] == "gzip"
        html = gzip.decompress(page.data).decode()
        assert html.lower().startswith("<!doctype html>")
        assert "Accept-Encoding" in page.vary and "User-Agent" in page.vary
        assert int(page.headers["Content-Length"]) == len(page.data)
    with plain.get("/healthz", headers=GZIP) as small:
        assert "Content-Encoding" not in small.headers


def test_a_generated_etag_still_gets_a_304_when_compressed(app: Flask) -> None:
    """A drawing (ETag from its body, made conditional by its view) revalidates after gzip."""
    app.test_client_class = FlaskClient
    plain = app.test_client()
    url = "/illustrations/en/store-google-play.svg"
    with plain.get(url, headers=GZIP) as first:
        assert first.status_code == 200 and first.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(first.data).startswith(b"<svg")
        etag = first.headers["ETag"]
    with plain.get(url, headers={**GZIP, "If-None-Match": etag}) as again:
        assert again.status_code == 304
