"""The staff dashboard's rows as data: what each cell of the server-rendered rows says."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from flask.testing import FlaskClient

URL = "/staff/dashboard/rows"
EN = {"Accept-Language": "en"}
_SPACING = re.compile(r"[ \t\r\n]+")
COLUMNS = ("time", "reference", "language", "status_text", "device", "path", "checks",
           "last_activity", "outcome")
_CHECKS_CELL = COLUMNS.index("checks")


class _RowsParser(HTMLParser):
    """The dashboard's rows as what each cell says: the words, a check's mark, the link."""

    def __init__(self) -> None:
        """Start outside any row."""
        super().__init__(convert_charrefs=True)
        self.rows: list[dict[str, Any]] = []
        self._cell: list[str] | None = None
        self._check: dict[str, str] | None = None
        self._in_symbol = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """A row, a cell, a link, a status or a check begins."""
        attributes = {name: value or "" for name, value in attrs}
        classes = attributes.get("class", "").split()
        if tag == "tr" and "data-invite-id" in attributes:
            self.rows.append({"id": int(attributes["data-invite-id"]), "cells": [],
                              "checks": [], "buttons": [], "pressed": []})
        elif not self.rows:
            return
        elif tag in ("th", "td"):
            self._cell = []
        elif tag == "a" and not self.rows[-1]["cells"]:
            self.rows[-1]["url"] = attributes["href"]
        elif tag == "span" and "invite-status" in classes:
            self.rows[-1]["status"] = classes[-1].removeprefix("invite-status--")
        elif tag == "button" and "outcome-choice" in classes:
            self.rows[-1]["buttons"].append(attributes["value"])
            if attributes.get("aria-pressed") == "true":
                self.rows[-1]["pressed"].append(attributes["value"])
        elif tag == "li" and len(self.rows[-1]["cells"]) == _CHECKS_CELL:
            self._check = {"mark": classes[-1].removeprefix("check-result--"), "symbol": "",
                           "text": ""}
        elif tag == "span" and "check-result__symbol" in classes:
            assert attributes.get("aria-hidden") == "true", "a glyph is for the eye only"
            self._in_symbol = True

    def handle_endtag(self, tag: str) -> None:
        """A cell or a check ends."""
        if tag in ("th", "td") and self._cell is not None:
            # Only the template's own spacing: a formatted time keeps its narrow no-break space.
            self.rows[-1]["cells"].append(_SPACING.sub(" ", "".join(self._cell)).strip())
            self._cell = None
        elif tag == "li" and self._check is not None:
            self._check["text"] = self._check["text"].strip()
            self.rows[-1]["checks"].append(self._check)
            self._check = None
        elif tag == "span":
            self._in_symbol = False

    def handle_data(self, data: str) -> None:
        """Words of the current cell, and of the current check apart from its glyph."""
        if self._cell is not None:
            self._cell.append(data)
        if self._check is not None:
            self._check["symbol" if self._in_symbol else "text"] += data


def rows_of(html: str) -> list[dict[str, Any]]:
    """The rows in this HTML (the fragment or the whole page) as dicts: id, url, status, each
    column's words (COLUMNS), checks as [{"mark", "symbol", "text": "Camera: OK"}], and the
    outcome buttons' values with those pressed."""
    parser = _RowsParser()
    parser.feed(html)
    rows = []
    for row in parser.rows:
        assert len(row["cells"]) == len(COLUMNS), row
        rows.append({"id": row["id"], "url": row.get("url"), "status": row.get("status"),
                     **dict(zip(COLUMNS, row["cells"], strict=True)), "checks": row["checks"],
                     "buttons": row["buttons"], "pressed": row["pressed"]})
    return rows


def live_rows(client: FlaskClient, day: str | None = None,
              headers: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The rows dashboard-live.mjs would get now (in English unless headers say otherwise)."""
    answer = client.get(URL, query_string={"day": day} if day else None,
                        headers=EN if headers is None else headers)
    assert answer.status_code == 200, answer.status_code
    return rows_of(answer.get_data(as_text=True))
