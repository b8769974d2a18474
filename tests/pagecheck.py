"""Invariants that every HTML page must keep, checked on every page the tests render.

A fragment (HTML without a doctype, such as the dashboard's rows that dashboard-live.mjs
swaps into its page) keeps what it can break in the page that takes it in: no script at all,
no inline handler or style, no duplicate id, forms with an action, images with alt text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_NONCE = re.compile(r"'nonce-([^']+)'")


class _PageParser(HTMLParser):
    """Collect what the checks need from one HTML document."""

    def __init__(self) -> None:
        """Start with nothing seen."""
        super().__init__(convert_charrefs=True)
        self.html_attrs: dict[str, str | None] | None = None
        self.title = ""
        self._in_title = False
        self.scripts: list[dict[str, str | None]] = []
        self.forms: list[dict[str, str | None]] = []
        self.images: list[dict[str, str | None]] = []
        self.inline_handlers: list[str] = []
        self.inline_styles: list[str] = []
        self.ids: list[str] = []
        self.h1_count = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record the element's attributes that matter."""
        attributes = dict(attrs)
        if tag == "html":
            self.html_attrs = attributes
        elif tag == "title":
            self._in_title = True
        elif tag == "script":
            self.scripts.append(attributes)
        elif tag == "form":
            self.forms.append(attributes)
        elif tag == "img":
            self.images.append(attributes)
        elif tag == "h1":
            self.h1_count += 1
        for name in attributes:
            if name.startswith("on"):
                self.inline_handlers.append(f"<{tag} {name}>")
        if "style" in attributes:
            self.inline_styles.append(tag)
        if attributes.get("id"):
            self.ids.append(str(attributes["id"]))

    def handle_endtag(self, tag: str) -> None:
        """Leave the title."""
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        """Collect the title's text."""
        if self._in_title:
            self.title += data


def check_page(html: str, csp: str | None) -> list[str]:
    """Every broken invariant of one page, as sentences; empty when the page is sound."""
    parser = _PageParser()
    parser.feed(html)
    if not html.lstrip().lower().startswith("<!doctype html>"):
        return _fragment_problems(parser)
    problems: list[str] = []
    if parser.html_attrs is None:
        return ["no <html> element"]
    if not parser.html_attrs.get("lang"):
        problems.append("<html> has no lang")
    if parser.html_attrs.get("dir") not in {"ltr", "rtl"}:
        problems.append("<html> has no dir of ltr or rtl")
    if not parser.title.strip():
        problems.append("no <title> text")
    if parser.h1_count != 1:
        problems.append(f"{parser.h1_count} <h1> elements, not one")
    nonce_match = _NONCE.search(csp or "")
    if nonce_match is None:
        problems.append("no CSP nonce in the Content-Security-Policy header")
    for script in parser.scripts:
        if nonce_match is None or script.get("nonce") != nonce_match.group(1):
            problems.append(f"<script src={script.get('src')!r}> lacks this response's nonce")
    return problems + _fragment_problems(parser, scripts_checked=True)


def _fragment_problems(parser: _PageParser, *, scripts_checked: bool = False) -> list[str]:
    """What breaks a page wherever this HTML lands: a fragment may carry no script at all."""
    problems: list[str] = []
    if not scripts_checked:
        problems.extend(f"<script src={s.get('src')!r}> in a fragment" for s in parser.scripts)
    if parser.html_attrs is not None and not scripts_checked:
        problems.append("<html> without a doctype")
    for form in parser.forms:
        if not form.get("action"):
            problems.append("a <form> has no action")
    for image in parser.images:
        if image.get("alt") is None:
            problems.append(f"<img src={image.get('src')!r}> has no alt")
    problems.extend(f"inline event handler {h}" for h in parser.inline_handlers)
    problems.extend(f"inline style on <{tag}>" for tag in parser.inline_styles)
    duplicates = {i for i in parser.ids if parser.ids.count(i) > 1}
    problems.extend(f"duplicate id {i!r}" for i in sorted(duplicates))
    return problems
