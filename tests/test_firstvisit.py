"""The start page replayed to first visitors in front of Flask, each with its own nonce."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from app.firstvisit import FirstVisitReplay
from tests.support.app import migrated_app

CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/131.0.0.0 Safari/537.36")
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")


@pytest.fixture
def counted(tmp_path: Path) -> Iterator[tuple[Flask, list[str]]]:
    """An app whose Flask side records each request it sees (the replay does not reach it)."""
    with migrated_app(tmp_path / "r.db") as app:
        yield from _counting(app)


def _counting(app: Flask) -> Iterator[tuple[Flask, list[str]]]:
    """app, with its Flask side wrapped to record the paths it is asked for."""
    replay = app.wsgi_app
    assert isinstance(replay, FirstVisitReplay)
    inner = replay.wsgi_app
    seen: list[str] = []

    def counting(environ: dict[str, Any], start_response: Any) -> Any:
        seen.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    replay.wsgi_app = counting
    yield app, seen


def nonce_of(response: Any) -> str:
    """The one nonce of a page, checked to be the one its CSP allows."""
    (nonce,) = set(re.findall(r'nonce="([^"]+)"', response.get_data(as_text=True)))
    assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
    return nonce


def test_the_second_first_visit_is_replayed_with_a_new_nonce(
        counted: tuple[Flask, list[str]]) -> None:
    """Same headers, no cookie: Flask answers once; both answers alike but for the nonce."""
    app, seen = counted
    client = app.test_client(use_cookies=False)
    headers = {"User-Agent": CHROME, "Accept-Language": "sv"}
    first = client.get("/", headers=headers)
    second = client.get("/", headers=headers)
    assert seen == ["/"]
    assert nonce_of(first) != nonce_of(second)
    assert "__valmis" not in second.get_data(as_text=True)
    assert second.headers["Content-Length"] == str(len(second.data))
    strip = {"Content-Security-Policy", "Content-Length"}
    assert ({k: v for k, v in first.headers.items() if k not in strip}
            == {k: v for k, v in second.headers.items() if k not in strip})
    assert (first.get_data(as_text=True).replace(nonce_of(first), "")
            == second.get_data(as_text=True).replace(nonce_of(second), ""))


def test_other_headers_are_another_page(counted: tuple[Flask, list[str]]) -> None:
    """Another device or language is answered by Flask, then kept apart."""
    app, seen = counted
    client = app.test_client(use_cookies=False)
    sv = client.get("/", headers={"User-Agent": CHROME, "Accept-Language": "sv"})
    fi = client.get("/", headers={"User-Agent": CHROME, "Accept-Language": "fi"})
    phone = client.get("/", headers={"User-Agent": IPHONE, "Accept-Language": "sv"})
    assert seen == ["/", "/", "/"]
    assert '<html lang="sv"' in sv.get_data(as_text=True)
    assert '<html lang="fi"' in fi.get_data(as_text=True)
    assert phone.get_data(as_text=True).replace(nonce_of(phone), "") != (
        sv.get_data(as_text=True).replace(nonce_of(sv), ""))


@pytest.mark.parametrize("variant", [
    {"query_string": "lang=en"}, {"headers": {"Cookie": "session=x"}},
    {"path": "/device"}, {"method": "HEAD"},
])
def test_only_plain_first_visits_are_replayed(counted: tuple[Flask, list[str]],
                                             variant: dict[str, Any]) -> None:
    """A query, a cookie, another page or method: Flask answers every time."""
    app, seen = counted
    client = app.test_client(use_cookies=False)
    headers = {"User-Agent": CHROME, **variant.get("headers", {})}
    for _ in range(2):
        client.open(variant.get("path", "/"), method=variant.get("method", "GET"),
                    headers=headers, query_string=variant.get("query_string"))
    assert len(seen) == 2


def test_an_answer_that_sets_a_cookie_is_never_kept() -> None:
    """Nothing personal can be replayed to someone else."""
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Set-Cookie", "session=abc"),
                                  ("Content-Security-Policy", "script-src 'nonce-abc'")])
        return [b"<script nonce=abc></script>"]

    replay = FirstVisitReplay(app)
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/"}
    replay(environ, lambda *args: None)
    assert replay.kept == {}


def test_the_kept_answers_are_bounded() -> None:
    """The least recently used answer goes when the limit is passed."""
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Security-Policy", "script-src 'nonce-n1'")])
        return [b"<script nonce=n1></script>"]

    replay = FirstVisitReplay(app, max_entries=2)
    for agent in ("a", "b", "a", "c"):
        replay({"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_USER_AGENT": agent},
               lambda *args: None)
    agents = {key[2] for key in replay.kept}
    assert agents == {"a", "c"}


def test_gzip_replays_are_one_valid_member_with_their_own_nonce(
        counted: tuple[Flask, list[str]]) -> None:
    """Browsers ask for gzip: the replay joins pre-compressed pieces around a fresh nonce, and
    the result decompresses (CRC and length checked) to exactly the plain page."""
    app, seen = counted
    client = app.test_client(use_cookies=False)
    plain_headers = {"User-Agent": CHROME, "Accept-Language": "fi"}
    gzip_headers = {**plain_headers, "Accept-Encoding": "gzip, deflate, br"}
    answers = [client.get("/", headers=gzip_headers) for _ in range(2)]
    plain = client.get("/", headers=plain_headers)
    assert seen == ["/"]  # one plain answer from Flask; everything else replayed
    texts = []
    for answer in answers:
        assert answer.headers["Content-Encoding"] == "gzip"
        assert answer.headers["Content-Length"] == str(len(answer.data))
        text = gzip.decompress(answer.data).decode()
        (nonce,) = set(re.findall(r'nonce="([^"]+)"', text))
        assert f"'nonce-{nonce}'" in answer.headers["Content-Security-Policy"]
        texts.append(text.replace(nonce, ""))
    assert texts[0] == texts[1] == plain.get_data(as_text=True).replace(nonce_of(plain), "")
    assert "Accept-Encoding" in answers[0].headers["Vary"]
    refused = client.get("/", headers={**plain_headers, "Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers


@pytest.mark.parametrize("header", ["gzip", "deflate, gzip;q=0.5", "*", "br;q=1, GZIP"])
def test_accept_encoding_is_read_as_http_says(header: str) -> None:
    """gzip (any case, any q above 0) or * means yes."""
    from app.firstvisit import wants_gzip

    assert wants_gzip({"HTTP_ACCEPT_ENCODING": header})
    assert not wants_gzip({"HTTP_ACCEPT_ENCODING": "br, deflate"})
    assert not wants_gzip({"HTTP_ACCEPT_ENCODING": "gzip;q=0"})
    assert not wants_gzip({})
