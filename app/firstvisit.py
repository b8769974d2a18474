"""Replaying the start page to first visitors, in front of Flask.

Most customers arrive once, from the link in an email, with no cookie: their start page
depends only on the request's headers (language, device, scheme and host). The first such
answer is kept with its headers; the same headers again get it replayed without Flask, with a
fresh CSP nonce written into both the Content-Security-Policy header and the page. Anything
else (a cookie, a query, another path or method, an answer that sets a cookie or is not a
200) goes to Flask as usual.

Browsers ask for gzip. The kept page is compressed once, in pieces cut at the nonce, each piece
a raw deflate stream ending in a sync flush; a replay compresses only the new nonce and joins
the pieces into one gzip member (a deflate stream is a series of byte-aligned blocks, so such
pieces concatenate), with the CRC-32 of the whole text. So a compressed replay costs about as
much as a plain one, and every answer still has its own nonce.
"""

from __future__ import annotations

import re
import secrets
import struct
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from werkzeug.http import parse_accept_header

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# Everything the start page's answer can depend on. Sec-CH-* and the language decide its
# content; scheme and host its security headers (HSTS) and nothing else.
KEY_VARIABLES = ("wsgi.url_scheme", "HTTP_HOST", "HTTP_USER_AGENT", "HTTP_ACCEPT_LANGUAGE",
                 "HTTP_SEC_CH_UA", "HTTP_SEC_CH_UA_MOBILE", "HTTP_SEC_CH_UA_PLATFORM",
                 "HTTP_SEC_CH_UA_PLATFORM_VERSION", "HTTP_SEC_CH_UA_MODEL",
                 "HTTP_SEC_CH_UA_FORM_FACTORS", "HTTP_SEC_CH_UA_FULL_VERSION_LIST")
MAX_ENTRIES = 1024
PLACEHOLDER = "__valmis_replay_nonce__"
_NONCE = re.compile(r"'nonce-([A-Za-z0-9_-]+)'")


GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # no name, no time, unknown OS
LEVEL = 9


def _deflate_piece(data: bytes, level: int = LEVEL) -> bytes:
    """data as raw deflate blocks ending in a sync flush: byte-aligned and not final."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


_FINAL_BLOCK = zlib.compressobj(0, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)


@dataclass(frozen=True)
class Kept:
    """An answer to replay: status, headers and body, the nonce replaced by PLACEHOLDER;
    the body's pieces between nonces, plain and compressed."""

    status: str
    headers: tuple[tuple[str, str], ...]
    body: str
    pieces: tuple[bytes, ...]
    deflated: tuple[bytes, ...]

    @classmethod
    def make(cls, status: str, headers: tuple[tuple[str, str], ...], body: str) -> Kept:
        """Cut and compress the body once."""
        pieces = tuple(piece.encode() for piece in body.split(PLACEHOLDER))
        return cls(status, headers, body, pieces, tuple(_deflate_piece(p) for p in pieces))

    def gzipped(self, nonce: str) -> bytes:
        """The body with nonce, as one gzip member, compressing only the nonce now."""
        word = nonce.encode()
        parts = [GZIP_HEADER, self.deflated[0]]
        crc = zlib.crc32(self.pieces[0])
        length = len(self.pieces[0])
        deflated_word = _deflate_piece(word, 1)
        for piece, deflated in zip(self.pieces[1:], self.deflated[1:], strict=True):
            parts += [deflated_word, deflated]
            crc = zlib.crc32(piece, zlib.crc32(word, crc))
            length += len(word) + len(piece)
        parts += [_FINAL_BLOCK, struct.pack("<II", crc, length & 0xFFFFFFFF)]
        return b"".join(parts)


def replayable(environ: dict[str, Any]) -> bool:
    """A GET of / with no cookie and no query."""
    return (environ.get("REQUEST_METHOD") == "GET" and environ.get("PATH_INFO") == "/"
            and not environ.get("QUERY_STRING") and not environ.get("HTTP_COOKIE"))


def wants_gzip(environ: dict[str, Any]) -> bool:
    """The client accepts gzip (q=0 refuses it), read as Flask reads it for everything else."""
    return parse_accept_header(environ.get("HTTP_ACCEPT_ENCODING"))["gzip"] > 0


class FirstVisitReplay:
    """WSGI middleware that keeps and replays first visitors' start pages (see the module)."""

    def __init__(self, wsgi_app: WSGIApp, max_entries: int = MAX_ENTRIES) -> None:
        """Wrap wsgi_app; keep at most max_entries answers (least recently used go first)."""
        self.wsgi_app = wsgi_app
        self.max_entries = max_entries
        self.kept: OrderedDict[tuple[Any, ...], Kept] = OrderedDict()
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Replay a kept answer, or let the app answer (and keep what can be kept)."""
        if not replayable(environ):
            return self.wsgi_app(environ, start_response)
        key = tuple(environ.get(name) for name in KEY_VARIABLES)
        with self.lock:
            kept = self.kept.get(key)
            if kept is not None:
                self.kept.move_to_end(key)
        gzip = wants_gzip(environ)
        if kept is None:
            if gzip:
                # Keep the plain answer (compressed answers cannot take a new nonce), then
                # replay it compressed to this client too.
                plain = {**environ, "HTTP_ACCEPT_ENCODING": "identity"}
                self._answer_and_keep(key, plain, lambda *args: None)
                with self.lock:
                    kept = self.kept.get(key)
                if kept is None:
                    return self.wsgi_app(environ, start_response)
            else:
                return self._answer_and_keep(key, environ, start_response)
        return self._replay(kept, start_response, gzip)

    def _replay(self, kept: Kept, start_response: Callable[..., Any],
                gzip: bool) -> Iterable[bytes]:
        """The kept answer with a new nonce, gzip-compressed when the client takes it."""
        nonce = secrets.token_urlsafe(18)
        headers = [(name, value.replace(PLACEHOLDER, nonce)) for name, value in kept.headers]
        if gzip:
            body = kept.gzipped(nonce)
            headers.append(("Content-Encoding", "gzip"))
        else:
            body = kept.body.replace(PLACEHOLDER, nonce).encode()
        headers.append(("Content-Length", str(len(body))))
        start_response(kept.status, headers)
        return [body]

    def _answer_and_keep(self, key: tuple[Any, ...], environ: dict[str, Any],
                         start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Let the app answer; keep a plain 200 that sets no cookie and has one nonce."""
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, *args)

        chunks = self.wsgi_app(environ, capture)
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        kept = self._keepable(captured.get("status", ""), captured.get("headers", []), body)
        if kept is not None:
            with self.lock:
                self.kept[key] = kept
                while len(self.kept) > self.max_entries:
                    self.kept.popitem(last=False)
        return [body]

    @staticmethod
    def _keepable(status: str, headers: list[tuple[str, str]], body: bytes) -> Kept | None:
        """The answer as Kept, or None when it must not be replayed to anyone else."""
        names = {name.lower() for name, _value in headers}
        if not status.startswith("200") or "set-cookie" in names or "content-encoding" in names:
            return None
        policy = next((value for name, value in headers
                       if name.lower() == "content-security-policy"), "")
        match = _NONCE.search(policy)
        if match is None:
            return None
        nonce = match.group(1)
        text = body.decode("utf-8")
        return Kept.make(status, tuple(
            (name, value.replace(nonce, PLACEHOLDER)) for name, value in headers
            if name.lower() != "content-length"), text.replace(nonce, PLACEHOLDER))
