"""Staff commands until the staff area exists: `flask invite create` and `flask purge`."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from flask import Flask, current_app, url_for
from flask.cli import AppGroup

from app import db, invites
from app.i18n import LANGUAGE_CODES

invite_cli = AppGroup("invite", help="Personal links for appointments.")


def _appointment(at: str, zone: str) -> datetime:
    """The appointment as an aware datetime, from "YYYY-MM-DD HH:MM" local time in zone."""
    try:
        local = datetime.strptime(at.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD HH:MM, e.g. 2026-12-03 14:00",
                                 param_hint="--at") from None
    try:
        return local.replace(tzinfo=ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(f"unknown time zone {zone!r}", param_hint="--timezone") from None


def personal_path(token: str) -> str:
    """The personal link's path, /r/<token>, built by the app's own URL map."""
    # No request here and usually no SERVER_NAME: a bare request context yields the path.
    with current_app.test_request_context("/"):
        return url_for("wizard.personal_link", token=token)


@invite_cli.command("create")
@click.option("--at", "at", required=True, help='Local date and time, "YYYY-MM-DD HH:MM".')
@click.option("--language", required=True, type=click.Choice(LANGUAGE_CODES),
              help="The customer's language.")
@click.option("--reference", default=None,
              help="Your own short note (at most 40 characters): no names or identity codes.")
@click.option("--teams-url", default=None, help="The Teams meeting link, if you have it.")
@click.option("--timezone", "zone", default=None,
              help="Time zone of --at [DEFAULT_TIMEZONE, Europe/Helsinki].")
def create_command(at: str, language: str, reference: str | None, teams_url: str | None,
                   zone: str | None) -> None:
    """Create a personal link for one appointment and print it (it is shown only now)."""
    zone = zone or current_app.config["DEFAULT_TIMEZONE"]
    appointment_at = _appointment(at, zone)
    if reference is not None and len(reference) > invites.MAX_REFERENCE:
        raise click.BadParameter(f"at most {invites.MAX_REFERENCE} characters",
                                 param_hint="--reference")
    if teams_url:
        try:
            teams_url = invites.validate_teams_url(teams_url)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--teams-url") from None
    with db.engine().begin() as connection:
        invite_id, token = invites.create_invite(
            connection, appointment_at=appointment_at, language=language,
            reference=reference, teams_url=teams_url, timezone=zone)
    path = personal_path(token)
    click.echo(f"Invite {invite_id} for {appointment_at:%Y-%m-%d %H:%M} ({zone}).")
    click.echo(f"Personal link: {current_app.config['PUBLIC_URL']}{path}"
               if current_app.config["PUBLIC_URL"] else f"Personal link path: {path}")
    if not current_app.config["PUBLIC_URL"]:
        click.echo("Set PUBLIC_URL (e.g. https://valmis.example.fi) to print the full link.")


def purge_command() -> None:
    """Delete invites, and their reports, RETENTION_DAYS days after the appointment."""
    days = current_app.config["RETENTION_DAYS"]
    with db.engine().begin() as connection:
        count = invites.purge_expired(connection, datetime.now(UTC), days)
    click.echo(f"Deleted {count} invite(s) older than {days} days after the appointment.")


def init_app(app: Flask) -> None:
    """Add the commands to `flask`."""
    app.cli.add_command(invite_cli)
    app.cli.command("purge")(purge_command)
