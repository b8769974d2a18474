"""Which ids can a URL carry? Only numbers the database's integer columns can hold.

Werkzeug's <int:…> takes any number of digits; SQLite then refuses a number beyond 64 bits
("int too large to convert") and PostgreSQL one beyond 32 ("integer out of range"), both as a
500. A route that takes a row id uses <row_id:…> instead, which does not match such a number,
so the answer is the 404 that an id of no row gets anyway.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

# The Integer columns are 32-bit on PostgreSQL, the narrower of the two databases.
MAX_ROW_ID = 2**31 - 1


class RowIdConverter(IntegerConverter):
    """A whole number from 0 to MAX_ROW_ID; any other string of digits does not match."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        """Werkzeug's integer converter with the database's bounds."""
        super().__init__(url_map, min=0, max=MAX_ROW_ID)


def init_app(app: Flask) -> None:
    """Make <row_id:…> available to the routes; before any blueprint is registered."""
    app.url_map.converters["row_id"] = RowIdConverter
