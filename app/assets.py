"""Static files under content-hashed names: `css/main.css` is served as `css/main.3f9a1c2b7d.css`.

A hashed name never changes meaning, so browsers and the service worker may keep it for a year
(`immutable`); a new version of a file is a new name. `url_for("static", filename=...)` gives
the hashed name everywhere; modules that import each other by plain relative paths are mapped
to hashed names by the page's import map. A hashed name whose hash is not the current one is a
404, never the current file: a page of an old version must not mix in new assets.

Text files (CSS, scripts, SVG, JSON) go out gzip-compressed to browsers that accept it,
compressed once per file and process; pages and other generated text of at least
COMPRESS_MIN_BYTES are compressed as they are sent (with Vary: Accept-Encoding, weak ETags).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, current_app, request, send_from_directory
from markupsafe import Markup

from app.security import add_vary

STATIC_DIR = Path(__file__).with_name("static")
HASH_LENGTH = 10
YEAR = 365 * 24 * 3600
# Static files worth compressing, by suffix; images such as PNG are compressed already.
COMPRESSIBLE_SUFFIXES = (".css", ".js", ".mjs", ".svg", ".json", ".webmanifest", ".txt")
# Generated responses worth compressing, by media type, when at least this big: below about
# a kilobyte the gzip header and the CPU cost outweigh what is saved.
COMPRESSIBLE_TYPES = frozenset({
    "text/html", "text/css", "text/plain", "text/javascript", "application/javascript",
    "application/json", "application/manifest+json", "image/svg+xml", "text/calendar",
})
COMPRESS_MIN_BYTES = 1024
# Pages are compressed per request: on the 28 KB checks page level 4 takes about 0.3 ms where
# level 6 takes 0.45 ms, for 3 % more bytes. Static files are compressed once: level 9.
PAGE_LEVEL = 4
STATIC_LEVEL = 9


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

    @functools.cached_property
    def import_map(self) -> Markup:
        """The import map of these modules as JSON for a <script> element (import_map())."""
        return _import_map_of(self)


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
        return _compress_static(response, plain)
    if filename in current.hashed:
        response = send_from_directory(STATIC_DIR, filename, max_age=0)
        response.headers["Cache-Control"] = "no-cache"
        return _compress_static(response, filename)
    abort(404)


def accepts_gzip() -> bool:
    """Whether this request's Accept-Encoding allows gzip (a q=0 refuses it)."""
    return request.accept_encodings["gzip"] > 0


@functools.lru_cache(maxsize=512)
def _gzipped(path: Path, mtime_ns: int, size: int) -> bytes | None:
    """path's bytes gzip-compressed (level 9, no time stamp, so the same every time), or None
    when that saves nothing worth a Content-Encoding. Keyed by modification time and size,
    so that a changed file is compressed again; computed once per file and process."""
    data = path.read_bytes()
    compressed = gzip.compress(data, compresslevel=STATIC_LEVEL, mtime=0)
    return compressed if len(compressed) < len(data) * 0.95 else None


def _weak_etag(response: Response) -> None:
    """Mark the ETag weak: the compressed bytes differ from the identity file's, but are the
    same representation. If-None-Match compares weakly, so a revalidation still gets a 304."""
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)


def _compress_static(response: Response, name: str) -> Response:
    """The file response gzip-compressed from the per-process cache when the file is text and
    the browser accepts gzip; always Vary: Accept-Encoding for text files (a 304 too)."""
    if not name.endswith(COMPRESSIBLE_SUFFIXES):
        return response
    add_vary(response, ("Accept-Encoding",))
    if response.status_code != 200 or not accepts_gzip():
        return response  # a 304, a range (206) or 416, or identity asked for
    path = STATIC_DIR / name
    status = path.stat()
    compressed = _gzipped(path, status.st_mtime_ns, status.st_size)
    if compressed is None:
        return response
    response.close()  # the file send_from_directory opened
    response.direct_passthrough = False
    response.set_data(compressed)  # sets Content-Length
    response.headers["Content-Encoding"] = "gzip"
    # Ranges refer to the identity bytes; a compressed answer offers none.
    response.headers.pop("Accept-Ranges", None)
    _weak_etag(response)
    return response


def compress_response(response: Response) -> Response:
    """after_request: gzip a generated text response of at least COMPRESS_MIN_BYTES.

    Static files are compressed by serve_static from a cache; streamed, partial and already
    encoded responses pass unchanged.
    """
    if (response.mimetype not in COMPRESSIBLE_TYPES or request.endpoint == "static"
            or response.direct_passthrough or response.is_streamed
            or "Content-Encoding" in response.headers):
        return response
    add_vary(response, ("Accept-Encoding",))
    if response.status_code != 200 or not accepts_gzip():
        return response
    data = response.get_data()
    if len(data) < COMPRESS_MIN_BYTES:
        return response
    response.set_data(gzip.compress(data, compresslevel=PAGE_LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    _weak_etag(response)
    return response


def import_map() -> Markup:
    """The page's import map as JSON, safe inside a <script> element."""
    return manifest().import_map


def _import_map_of(current: Manifest) -> Markup:
    """A manifest's import map, written once (every page carries it)."""
    text = json.dumps({"imports": current.modules()}, sort_keys=True, separators=(",", ":"))
    # JSON cannot contain "</script>" once "<" is escaped; none of our names has one anyway.
    return Markup(text.replace("<", "\\u003c"))  # noqa: S704 (escaped just above)


def init_app(app: Flask, salt: str = "") -> None:
    """Hash the static files once, serve them, and hash every url_for("static", ...)."""
    app.extensions["valmis.assets"] = build_manifest(STATIC_DIR, salt)
    app.add_url_rule("/static/<path:filename>", endpoint="static", view_func=serve_static)
    app.url_defaults(_hash_static_urls)
    # Registered first, so it runs after every other after_request hook (Flask runs them in
    # reverse): it compresses the body they have finished.
    app.after_request(compress_response)
    app.jinja_env.globals["import_map"] = import_map
    app.jinja_env.globals["asset_version"] = lambda: manifest().version
