"""What an end-to-end test does to a running server from outside, as an operator would: the
`flask` commands that make invites and staff, and reading what the server stored."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from datetime import date

from app.invites import hash_token
from tests.support.server import LiveServer, flask

# Far ahead yet within the 730 days that `flask invite create --at` accepts.
NEXT_YEAR = date.today().year + 1
# The Teams link create_invite gives an invite unless told otherwise.
TEAMS_LINK = "https://teams.microsoft.com/meet/123456789?p=abc"
# The administrator add_staff makes.
ADMIN_NAME = "Testi Ylläpitäjä"


def create_invite(server: LiveServer, reference: str | None = None, *,
                  teams_url: str | None = TEAMS_LINK) -> str:
    """A Finnish invite far in the future (3 December next year, 14:00), with the reference
    and the Teams link when given, made with `flask invite create`; its token."""
    arguments = ["invite", "create", "--at", f"{NEXT_YEAR}-12-03 14:00", "--language", "fi"]
    if reference is not None:
        arguments += ["--reference", reference]
    if teams_url is not None:
        arguments += ["--teams-url", teams_url]
    output = flask(server.environment, *arguments)
    match = re.search(r"/r/([A-Za-z0-9_-]+)", output)
    assert match, output
    return match.group(1)


def add_staff(server: LiveServer) -> str:
    """An administrator (ADMIN_NAME) made with `flask staff add --admin`; the enrollment
    link's path."""
    output = flask(server.environment, "staff", "add", ADMIN_NAME, "--admin")
    match = re.search(r"/staff/enroll/[A-Za-z0-9_-]+", output)
    assert match, output
    return match.group(0)


def audit_actions(server: LiveServer) -> list[str]:
    """The audit log's actions, oldest first."""
    with closing(sqlite3.connect(server.database)) as connection:
        return [row[0] for row in connection.execute("SELECT action FROM audit_log ORDER BY id")]


def reports(server: LiveServer, token: str) -> list[tuple[str, str | None]]:
    """(kind, summary) of every report stored for the token's invite, oldest first."""
    with closing(sqlite3.connect(server.database)) as connection:
        return list(connection.execute(
            "SELECT r.kind, r.summary FROM reports r JOIN invites i ON i.id = r.invite_id "
            "WHERE i.token_hash = ? ORDER BY r.id", (hash_token(token),)))


def invite_flags(server: LiveServer, token: str) -> tuple[object, ...]:
    """The token's invite: opened, needs help, latest summary."""
    with closing(sqlite3.connect(server.database)) as connection:
        row = connection.execute(
            "SELECT opened_at IS NOT NULL, needs_help, latest_summary FROM invites "
            "WHERE token_hash = ?", (hash_token(token),)).fetchone()
    return tuple(row)
