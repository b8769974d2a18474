"""Static files under content-hashed names: `css/main.css` is served as `css/main.3f9a1c2b7d.css`.

A hashed name never changes meaning, so browsers and the service worker may keep it for a year
(`immutable`); a new version of a file is a new name. `url_for("static", filename=...)` gives
the hashed name everywhere; modules that import each other by plain relative paths are mapped
to hashed names by the page's import map. A hashed name whose hash is not the current one is a
404, never the current file: a page of an old version must not mix in new assets.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, current_app, send_from_directory
from markupsafe import Markup

STATIC_DIR = Path(__file__).with_name("static")
HASH_LENGTH = 10
YEAR = 365 * 24 * 3600


@dataclass(frozen=True)
class Manifest:
    """Every static file's hashed name, both ways, and the version they make together."""

    hashed: dict[str, str]
    plain: dict[str, str]
    version: str

    def modules(self) -> dict[str, str]:
        """The import map's entries: each script's plain URL to its hashed URL.

        Classic scripts (.js) are in it too: a module may import one for its side effects,
        as outbox.mjs does with outbox-core.js, which the service worker also loads.
        """
        return {f"/static/{name}": f"/static/{hashed}" for name, hashed in self.hashed.items()
                if name.endswith((".mjs", ".js"))}


def build_manifest(folder: Path = STATIC_DIR, salt: str = "") -> Manifest:
    """Hash every file under folder (salt changes every hash, as a new release would)."""
    hashed: dict[str, str] = {}
    whole = hashlib.sha256(salt.encode())
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        digest = hashlib.sha256(salt.encode() + path.read_bytes()).hexdigest()[:HASH_LENGTH]
        stem, dot, suffix = name.rpartition(".")
        hashed[name] = f"{stem}.{digest}.{suffix}" if dot and "/" not in suffix else name
        whole.update(f"{name}:{digest}\n".encode())
    return Manifest(hashed=hashed, plain={value: key for key, value in hashed.items()},
                    version=whole.hexdigest()[:HASH_LENGTH])


def manifest() -> Manifest:
    """The current app's static manifest."""
    result: Manifest = current_app.extensions["valmis.assets"]
    return result


def _hash_static_urls(endpoint: str, values: dict[str, Any]) -> None:
    """url_for("static", filename=plain) builds the hashed name instead."""
    if endpoint == "static" and "filename" in values:
        values["filename"] = manifest().hashed.get(values["filename"], values["filename"])


def serve_static(filename: str) -> Response:
    """A hashed name for a year (immutable); a plain name, revalidated; a stale hash, 404."""
    current = manifest()
    plain = current.plain.get(filename)
    if plain is not None and plain != filename:
        response = send_from_directory(STATIC_DIR, plain, max_age=YEAR)
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        return response
    if filename in current.hashed:
        response = send_from_directory(STATIC_DIR, filename, max_age=0)
        response.headers["Cache-Control"] = "no-cache"
        return response
    abort(404)


def import_map() -> Markup:
    """The page's import map as JSON, safe inside a <script> element."""
    text = json.dumps({"imports": manifest().modules()}, sort_keys=True, separators=(",", ":"))
    # JSON cannot contain "</script>" once "<" is escaped; none of our names has one anyway.
    return Markup(text.replace("<", "\\u003c"))  # noqa: S704 (escaped just above)


def init_app(app: Flask, salt: str = "") -> None:
    """Hash the static files once, serve them, and hash every url_for("static", ...)."""
    app.extensions["valmis.assets"] = build_manifest(STATIC_DIR, salt)
    app.add_url_rule("/static/<path:filename>", endpoint="static", view_func=serve_static)
    app.url_defaults(_hash_static_urls)
    app.jinja_env.globals["import_map"] = import_map
    app.jinja_env.globals["asset_version"] = lambda: manifest().version
