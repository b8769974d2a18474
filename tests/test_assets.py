"""Static files under content-hashed names, the import map, and no mixing of versions."""

from __future__ import annotations

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
