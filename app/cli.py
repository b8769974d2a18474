"""Commands: `flask invite create`, `flask purge`, `flask staff add`, `flask staff bootstrap`
and `flask demo-data`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from flask import Flask, current_app, url_for
from flask.cli import AppGroup, with_appcontext

from app import accounts, appointment_time, db, demo, feedback, housekeeping, invites
from app.i18n import LANGUAGE_CODES
from app.text import unsafe_character

invite_cli = AppGroup("invite", help="Personal links for appointments.")
staff_cli = AppGroup("staff", help="Staff members and their enrollment links.")


def _appointment(at: str, zone: str, fold: str | None) -> datetime:
    """The appointment as an aware datetime, from "YYYY-MM-DD HH:MM" local time in zone."""
    try:
        zone_info = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(f"unknown time zone {zone!r}", param_hint="--timezone") from None
    try:
        day, clock = appointment_time.parse_date_and_clock(at)
        return appointment_time.appointment_moment(day, clock, zone_info, now=datetime.now(UTC),
                                                   fold=fold)
    except appointment_time.AppointmentTimeError as error:
        advice = " Add --fold first or --fold second." if error.code == "time-ambiguous" else ""
        raise click.BadParameter(f"{error}{advice}", param_hint="--at") from None


def _refuse_hidden(text: str | None, param_hint: str) -> None:
    """Stop with status 2 when text has a character that hides or breaks text."""
    hidden = unsafe_character(text or "")
    if hidden is not None:
        raise click.BadParameter(f"contains {hidden}, a character that cannot be seen or "
                                 "changes how text is shown", param_hint=param_hint)


def _app_path(endpoint: str, **values: Any) -> str:
    """A path of the app's URL map, outside any request."""
    # No request here and usually no SERVER_NAME: a bare request context yields the path.
    with current_app.test_request_context("/"):
        return url_for(endpoint, **values)


@invite_cli.command("create")
@click.option("--at", "at", required=True,
              help='Local date and time, "YYYY-MM-DD HH:MM", from now to 730 days ahead.')
@click.option("--fold", type=click.Choice(appointment_time.FOLDS), default=None,
              help="When --at occurs twice (the night the clocks go back): the first one "
                   "(still summer time) or the second.")
@click.option("--language", required=True, type=click.Choice(LANGUAGE_CODES),
              help="The customer's language.")
@click.option("--reference", default=None,
              help="Your own short note (at most 40 characters): no names or identity codes.")
@click.option("--teams-url", default=None, help="The Teams meeting link, if you have it.")
@click.option("--timezone", "zone", default=None,
              help="Time zone of --at [DEFAULT_TIMEZONE, Europe/Helsinki].")
def create_command(at: str, fold: str | None, language: str, reference: str | None,
                   teams_url: str | None, zone: str | None) -> None:
    """Create a personal link for one appointment and print it (it is shown only now)."""
    zone = zone or current_app.config["DEFAULT_TIMEZONE"]
    appointment_at = _appointment(at, zone, fold)
    if reference is not None and len(reference) > invites.MAX_REFERENCE:
        raise click.BadParameter(f"at most {invites.MAX_REFERENCE} characters",
                                 param_hint="--reference")
    _refuse_hidden(reference, "--reference")
    if teams_url:
        try:
            teams_url = invites.validate_teams_url(teams_url)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--teams-url") from None
    with db.engine().begin() as connection:
        invite_id, token = invites.create_invite(
            connection, appointment_at=appointment_at, language=language,
            reference=reference, teams_url=teams_url, timezone=zone)
    path = _app_path("wizard.personal_link", token=token)
    local = appointment_at.astimezone(ZoneInfo(zone))
    click.echo(f"Invite {invite_id} for {local:%Y-%m-%d %H:%M} "
               f"(UTC{appointment_time.utc_offset_text(local)}, {zone}).")
    click.echo(f"Personal link: {current_app.config['PUBLIC_URL']}{path}"
               if current_app.config["PUBLIC_URL"] else f"Personal link path: {path}")
    if not current_app.config["PUBLIC_URL"]:
        click.echo("Set PUBLIC_URL (e.g. https://valmis.example.fi) to print the full link.")


def _new_member(name: str, is_admin: bool) -> tuple[int, str]:
    """Store a staff member with an enrollment link; answer the id and the link's path."""
    with db.engine().begin() as connection:
        staff_id = accounts.create_staff(connection, name, is_admin=is_admin)
        token = accounts.create_enrollment(connection, staff_id)
        accounts.audit(connection, "staff-added", staff_id=staff_id,
                       detail="admin" if is_admin else None)
    return staff_id, _app_path("staff.enroll", token=token)


@staff_cli.command("add")
@click.argument("name")
@click.option("--admin", is_flag=True, help="An administrator, who can add and disable staff.")
def add_staff_command(name: str, admin: bool) -> None:
    """Add a staff member and print a one-time enrollment link (valid 24 hours)."""
    if not name.strip() or len(name.strip()) > accounts.MAX_NAME:
        raise click.BadParameter(f"1 to {accounts.MAX_NAME} characters", param_hint="NAME")
    _refuse_hidden(name.strip(), "NAME")
    staff_id, path = _new_member(name, admin)
    public_url = current_app.config["PUBLIC_URL"]
    role = "Administrator" if admin else "Staff member"
    click.echo(f"{role} {staff_id} ({name.strip()}) added.")
    click.echo(f"Enrollment link (once, within {accounts.ENROLLMENT_HOURS} hours): "
               f"{public_url}{path}" if public_url else
               f"Enrollment link path (once, within {accounts.ENROLLMENT_HOURS} hours): {path}")


@staff_cli.command("bootstrap")
@click.option("--base-url", default="", help="Where the app is reached, e.g. http://localhost:8000.")
def bootstrap_command(base_url: str) -> None:
    """On an empty staff table, add the first administrator; otherwise say where to sign in."""
    base_url = base_url.rstrip("/") or current_app.config["PUBLIC_URL"]
    with db.engine().connect() as connection:
        has_staff = accounts.any_staff(connection)
    if has_staff:
        click.echo(f"Staff sign-in: {base_url}{_app_path('staff.sign_in')}")
        return
    _staff_id, path = _new_member("Administrator", True)
    click.echo("No staff yet. To make the first administrator, open this link within "
               f"{accounts.ENROLLMENT_HOURS} hours and create a passkey (it works once):")
    click.echo(f"  {base_url}{path}")


def purge_command() -> None:
    """Delete invites, and their reports, RETENTION_DAYS days after the appointment, and
    feedback FEEDBACK_RETENTION_DAYS days after it arrived."""
    days = current_app.config["RETENTION_DAYS"]
    now = datetime.now(UTC)
    feedback_days = current_app.config["FEEDBACK_RETENTION_DAYS"]
    with db.engine().begin() as connection:
        count = invites.purge_expired(connection, now, days)
        gone = feedback.purge_feedback(connection, now, feedback_days)
        housekeeping.record_manual_run(connection, now)
    click.echo(f"Deleted {count} invite(s) older than {days} days after the appointment.")
    click.echo(f"Deleted {gone} feedback message(s) older than {feedback_days} days.")


DEMO_ENVIRONMENTS = ("development", "testing")
DEMO_BANNER = """\
============================================================================
  DEMO DATA: made-up invites, reports and outcomes for trying Valmis out.
  Their references start with DEMO-. They are not customers. Never use this
  on a database that serves real customers.
============================================================================"""


@click.command("demo-data")
@click.option("--seed", type=int, default=2026, show_default=True,
              help="The same seed on the same day makes the same data.")
@click.option("--months", type=click.IntRange(1, 24), default=4, show_default=True,
              help="How many months back, from the first day of that month.")
@click.option("--per-day", type=click.FloatRange(1, 16), default=5.0, show_default=True,
              help="About how many appointments each working day.")
@click.option("--yes-this-is-demo", "confirmed", is_flag=True,
              help="Run even outside VALMIS_ENV=development or testing.")
@with_appcontext
def demo_data_command(seed: int, months: int, per_day: float, confirmed: bool) -> None:
    """Fill a DEVELOPMENT database with demo invites, reports and outcomes, then purge what is
    past RETENTION_DAYS into the anonymous counters the Insights page shows."""
    environment = current_app.config.get("ENV_NAME", "production")
    if environment not in DEMO_ENVIRONMENTS and not confirmed:
        raise click.UsageError(
            f"VALMIS_ENV is {environment!r}: demo data is for a development database only. "
            "Run it with VALMIS_ENV=development, or add --yes-this-is-demo if this database "
            "really holds no customers.")
    click.echo(DEMO_BANNER)
    now = datetime.now(UTC)
    with db.engine().begin() as connection:
        result = demo.generate(connection, seed=seed, now=now, months=months, per_day=per_day,
                               zone=current_app.config["DEFAULT_TIMEZONE"],
                               retention_days=current_app.config["RETENTION_DAYS"])
        accounts.audit(connection, "demo-data", detail=f"{result.invites} invites", now=now)
    click.echo(f"Made {result.invites} demo invite(s) with {result.reports} report(s) and "
               f"{result.outcomes} outcome(s) (seed {seed}).")
    click.echo(f"Purged {result.purged} invite(s) past {current_app.config['RETENTION_DAYS']} "
               "days into the anonymous monthly counters; the rest are on the dashboard.")


def init_app(app: Flask) -> None:
    """Add the commands to `flask`."""
    app.cli.add_command(invite_cli)
    app.cli.add_command(staff_cli)
    app.cli.command("purge")(purge_command)
    app.cli.add_command(demo_data_command)
