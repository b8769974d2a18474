"""How deep may JSON from a client be? A few levels: deeper is refused before it is parsed.

Python's json parser recurses once per array or object, so a 14 KB body of brackets ends in a
RecursionError (a 500 with a traceback). Every JSON the app reads from a request goes through
Flask's JSON provider, so DepthLimitedJSONProvider scans the text first, linearly and without
recursion, and answers a ValueError like any other bad JSON: request.get_json() then gives a
400 (or None when silent). Passkey credentials carry JSON inside strings too; the ceremonies
check those with check_depth before py_webauthn parses them.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask.json.provider import DefaultJSONProvider

# A readiness report is 4 deep and a WebAuthn credential 3; 32 leaves room for growth.
MAX_JSON_DEPTH = 32
# A whole string (its escapes included) or one bracket; a string is skipped as one token, so
# a bracket inside one never counts. The closing quote is optional: an unterminated string
# runs to the end instead of failing and being tried again from each later quote, which
# would take quadratic time (30 s for 60 KB of '"\\').
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[{]|[\]}]', re.DOTALL)


class TooDeepError(ValueError):
    """JSON nested deeper than MAX_JSON_DEPTH."""


def _as_text(document: str | bytes | bytearray) -> str:
    """The text json.loads would read: bytes decoded by the encoding it would detect."""
    if isinstance(document, str):
        return document
    return bytes(document).decode(json.detect_encoding(document), "surrogatepass")


def nesting_depth(document: str | bytes | bytearray) -> int:
    """How many arrays and objects deep the JSON text goes, brackets in strings not counted."""
    depth = deepest = 0
    for token in _TOKEN.finditer(_as_text(document)):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif bracket in "]}":
            depth -= 1
    return deepest


def check_depth(document: str | bytes | bytearray, limit: int = MAX_JSON_DEPTH) -> None:
    """TooDeepError when the JSON text is nested deeper than limit."""
    if nesting_depth(document) > limit:
        raise TooDeepError(f"JSON nested more than {limit} deep")


class DepthLimitedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing nesting deeper than MAX_JSON_DEPTH before parsing."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Scan, then parse as Flask would."""
        check_depth(s)
        return super().loads(s, **kwargs)
