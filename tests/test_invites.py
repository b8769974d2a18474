"""Personal links: tokens, Teams links, reports, retention, and the staff commands."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import Connection, func, select

from app import db, invites
from tests.support.clock import next_clock_change

HELSINKI = ZoneInfo("Europe/Helsinki")

NOW = datetime(2099, 12, 1, 9, 0, tzinfo=UTC)
APPOINTMENT = datetime(2099, 12, 3, 12, 0, tzinfo=UTC)


def readiness(report_id: str, summary: str = "ready", path: str = "web",
              created_at: str = "2026-12-01T09:00:00.000Z", **extra: Any) -> dict[str, Any]:
    """A validated readiness report, as the API hands it to record_report, with checks that
    give that summary (the server decides the stored summary from the checks)."""
    return {"version": 1, "id": report_id, "kind": "readiness",
            "created_at": created_at, "path": path, "device": {},
            "checks": CHECKS_FOR[summary], "summary": summary, "warnings": [], "problems": [],
            **extra}


ALL_OK = {name: {"status": "ok"} for name in ("camera", "microphone", "speaker", "connection",
                                              "browser")}
CHECKS_FOR = {
    "ready": ALL_OK,
    "ready-with-warnings": {**ALL_OK, "camera": {"status": "warning"}},
    "not-ready": {**ALL_OK, "speaker": {"status": "not-heard"}},
    "not-checked": {name: {"status": "skipped"}
                    for name in ("camera", "microphone", "speaker", "connection")},
}


def report_id(number: int) -> str:
    """A report id that differs by number."""
    return f"00000000-0000-4000-8000-{number:012d}"


@pytest.fixture
def connection(app: Flask) -> Any:
    """A connection in a transaction on the test database, committed at the end."""
    with app.extensions["valmis.db"].begin() as open_connection:
        yield open_connection


def invite(connection: Connection, appointment_at: datetime = APPOINTMENT) -> tuple[int, str]:
    """A Finnish invite for appointment_at."""
    return invites.create_invite(connection, appointment_at=appointment_at, language="fi",
                                 now=NOW)


def row(connection: Connection, invite_id: int) -> Any:
    """The invite's row."""
    return connection.execute(select(db.invites).where(db.invites.c.id == invite_id)).one()


def test_token_has_at_least_128_random_bits() -> None:
    """192 bits in URL-safe base64 (6 bits a character), different every time."""
    tokens = {invites.new_token() for _ in range(100)}
    assert len(tokens) == 100
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
        assert len(token) * 6 >= 128


def test_hash_is_sha256_hex() -> None:
    """64 hex characters, the same for the same token."""
    digest = invites.hash_token("abc")
    assert digest == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_only_the_hash_is_stored(app: Flask, connection: Connection) -> None:
    """The plain token appears nowhere in the database file; its hash does."""
    invite_id, token = invite(connection)
    assert row(connection, invite_id).token_hash == invites.hash_token(token)
    dump = "\n".join(connection.connection.driver_connection.iterdump())  # type: ignore[union-attr]
    assert token not in dump
    assert invites.hash_token(token) in dump


def test_find_invite_by_token(connection: Connection) -> None:
    """The token finds its invite; another token, or something no token could be, does not."""
    invite_id, token = invite(connection)
    found = invites.find_invite(connection, token, now=NOW)
    assert found is not None and found.id == invite_id
    assert found.appointment_at == APPOINTMENT and found.timezone == "Europe/Helsinki"
    assert invites.find_invite(connection, invites.new_token(), now=NOW) is None
    assert invites.find_invite(connection, "short", now=NOW) is None
    assert invites.find_invite(connection, token + "/x", now=NOW) is None


def test_expired_invite_is_not_found(connection: Connection) -> None:
    """RETENTION_DAYS after the appointment the link stops working."""
    _invite_id, token = invite(connection)
    assert invites.find_invite(connection, token, now=APPOINTMENT + timedelta(days=13),
                               days=14) is not None
    assert invites.find_invite(connection, token, now=APPOINTMENT + timedelta(days=14, seconds=1),
                               days=14) is None


@pytest.mark.parametrize("url", [
    "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%7d",
    "https://teams.live.com/meet/9384756",
    "https://teams.cloud.microsoft/meet/123?p=abc",
    "https://gov.teams.microsoft.com/l/meetup-join/x",
    "https://dod.teams.microsoft.us.teams.microsoft.com/x",
    "HTTPS://Teams.Microsoft.com/l/x",
    "https://teams.microsoft.com:443/l/x",
    "  https://teams.live.com/meet/1  ",
])
def test_teams_links_are_accepted(url: str) -> None:
    """The three Teams hosts and their subdomains, over https."""
    assert invites.validate_teams_url(url) == url.strip()


@pytest.mark.parametrize(("url", "reason"), [
    ("http://teams.microsoft.com/l/x", "not-https"),
    ("ftp://teams.microsoft.com/l/x", "not-https"),
    ("teams.microsoft.com/l/x", "not-https"),
    ("javascript:alert(1)//teams.microsoft.com", "not-https"),
    ("https://zoom.us/j/123", "not-teams"),
    ("https://teams.microsoft.com.evil.example/l/x", "not-teams"),
    ("https://evilteams.microsoft.com/l/x", "not-teams"),
    ("https://teams-microsoft.com/l/x", "not-teams"),
    ("https://microsoft.com/teams", "not-teams"),
    ("https://teams.microsoft.com:8443/l/x", "not-teams"),
    ("https://teams.microsoft.com@evil.example/", "userinfo"),
    ("https://user:pass@teams.microsoft.com/l/x", "userinfo"),
    ("https://evil.example\\@teams.microsoft.com/", "malformed"),
    ("https://teams.microsoft.com/l/x y", "malformed"),
    ("https://teams.microsoft.com:abc/", "malformed"),
    ("https://" + "a" * 2048 + ".teams.microsoft.com/", "too-long"),
    ("", "empty"),
    ("https://teams.microsoft.com/l/x\u202e", "hidden"),
    ("https://teams.microsoft.com.\u202emoc.live/x", "hidden"),
    ("https://teams.microsoft.com/l/a\u2028b", "hidden"),
    ("https://teams.microsoft.com/l/a\u00a0b", "hidden"),
    ("https://teams.microsoft.com/l/a\u200bb", "hidden"),
    ("https://teams.microsoft.com/l/a\x00b", "hidden"),
])
def test_other_links_are_refused_with_a_reason(url: str, reason: str) -> None:
    """Anything else raises a ValueError with a clear message and a reason code."""
    with pytest.raises(ValueError, match=r"\w") as caught:
        invites.validate_teams_url(url)
    assert isinstance(caught.value, invites.TeamsUrlError)
    assert caught.value.reason == reason


def test_create_invite_checks_its_input(connection: Connection) -> None:
    """A naive time, a long reference, an unknown zone or a foreign link is refused."""
    with pytest.raises(ValueError, match="time zone"):
        invites.create_invite(connection, appointment_at=APPOINTMENT.replace(tzinfo=None),
                              language="fi")
    with pytest.raises(ValueError, match="40"):
        invites.create_invite(connection, appointment_at=APPOINTMENT, language="fi",
                              reference="x" * 41)
    with pytest.raises(ValueError, match="time zone"):
        invites.create_invite(connection, appointment_at=APPOINTMENT, language="fi",
                              timezone="Mars/Olympus")
    with pytest.raises(ValueError, match="Teams"):
        invites.create_invite(connection, appointment_at=APPOINTMENT, language="fi",
                              teams_url="https://zoom.us/j/1")
    with pytest.raises(ValueError, match="U\\+0000 NULL"):
        invites.create_invite(connection, appointment_at=APPOINTMENT, language="fi",
                              reference="Mon\x0014")


def test_mark_opened_keeps_the_first_time(connection: Connection) -> None:
    """opened_at is the first opening; last activity moves on."""
    invite_id, _token = invite(connection)
    assert row(connection, invite_id).opened_at is None
    invites.mark_opened(connection, invite_id, NOW)
    later = NOW + timedelta(hours=1)
    invites.mark_opened(connection, invite_id, later)
    opened = row(connection, invite_id)
    assert opened.opened_at == NOW and opened.last_activity_at == later


def test_record_report_is_idempotent(connection: Connection) -> None:
    """The same report id twice is stored once; the second answer is False."""
    invite_id, _token = invite(connection)
    assert invites.record_report(connection, invite_id, readiness(report_id(1)), NOW) is True
    assert invites.record_report(connection, invite_id, readiness(report_id(1), "not-ready"),
                                 NOW) is False
    count = connection.execute(select(func.count()).select_from(db.reports)).scalar_one()
    assert count == 1
    assert row(connection, invite_id).latest_summary == "ready"


def test_same_report_id_on_two_invites_is_two_reports(connection: Connection) -> None:
    """Idempotency is per invite: another invite's id space is its own."""
    first, _ = invite(connection)
    second, _ = invite(connection)
    assert invites.record_report(connection, first, readiness(report_id(1)), NOW)
    assert invites.record_report(connection, second, readiness(report_id(1)), NOW)


def test_invite_follows_its_reports(connection: Connection) -> None:
    """Summary, path, help and the phone wish follow the latest reports; activity moves on."""
    invite_id, _token = invite(connection)
    step = {"version": 1, "id": report_id(1), "kind": "step",
            "created_at": "2026-12-01T09:00:00.000Z", "step": "device", "path": "app"}
    invites.record_report(connection, invite_id, step, NOW)
    assert row(connection, invite_id).latest_path == "app"
    assert row(connection, invite_id).latest_summary is None

    later = NOW + timedelta(minutes=5)
    invites.record_report(connection, invite_id,
                          readiness(report_id(2), "ready-with-warnings", "app"), later)
    current = row(connection, invite_id)
    assert (current.latest_summary, current.latest_path) == ("ready-with-warnings", "app")
    assert current.last_activity_at == later
    assert (current.needs_help, current.prefers_phone) == (False, False)

    help_report = {"version": 1, "id": report_id(3), "kind": "help",
                   "created_at": "2026-12-01T09:00:00.000Z"}
    invites.record_report(connection, invite_id, help_report, later)
    no_video = {"version": 1, "id": report_id(4), "kind": "no-video",
                "created_at": "2026-12-01T09:00:00.000Z", "value": True}
    invites.record_report(connection, invite_id, no_video, later)
    current = row(connection, invite_id)
    assert (current.needs_help, current.prefers_phone) == (True, True)

    changed_mind = {**no_video, "id": report_id(5), "value": False}
    invites.record_report(connection, invite_id, changed_mind, later)
    assert row(connection, invite_id).prefers_phone is False

    stored = connection.execute(select(db.reports.c.kind, db.reports.c.summary)
                                .order_by(db.reports.c.id)).all()
    assert [tuple(r) for r in stored] == [("step", None), ("readiness", "ready-with-warnings"),
                                          ("help", None), ("no-video", None),
                                          ("no-video", None)]


def test_a_late_older_report_does_not_replace_a_newer_summary(connection: Connection) -> None:
    """Reports sent from an offline queue arrive out of order: the browser's moment decides."""
    invite_id, _token = invite(connection)
    received = NOW + timedelta(hours=3)
    newer = readiness(report_id(1), "ready", created_at="2099-12-01T12:05:00+02:00")
    older = readiness(report_id(2), "not-ready", "app", created_at="2099-12-01T10:01:00Z")
    assert invites.record_report(connection, invite_id, newer, received)
    assert invites.record_report(connection, invite_id, older, received + timedelta(seconds=3))
    current = row(connection, invite_id)
    # 12:05 in Helsinki is 10:05 UTC, later than 10:01 UTC.
    assert (current.latest_summary, current.latest_path) == ("ready", "web")
    assert current.latest_report_at == datetime(2099, 12, 1, 10, 5, tzinfo=UTC)
    assert current.last_activity_at == received + timedelta(seconds=3)
    # The older one is kept in the history all the same, below the newer.
    history = invites.report_history(connection, invite_id)
    assert [r.report_id for r in history] == [report_id(1), report_id(2)]

    newest = readiness(report_id(3), "ready-with-warnings", created_at="2099-12-01T10:06:00Z")
    invites.record_report(connection, invite_id, newest, received)
    assert row(connection, invite_id).latest_summary == "ready-with-warnings"


@pytest.mark.parametrize(("claimed", "effective"), [
    # Between the invite's creation and the receipt: the browser's moment stands.
    (NOW, NOW), (NOW + timedelta(hours=1), NOW + timedelta(hours=1)),
    (NOW + timedelta(hours=2), NOW + timedelta(hours=2)),
    # Later than its receipt, or earlier than the link existed: the receipt counts.
    (NOW + timedelta(hours=2, seconds=1), NOW + timedelta(hours=2)),
    (datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC), NOW + timedelta(hours=2)),
    (NOW - timedelta(seconds=1), NOW + timedelta(hours=2)),
    (datetime(1, 1, 1, tzinfo=UTC), NOW + timedelta(hours=2)),
])
def test_the_effective_moment_trusts_the_browser_only_where_it_can_be_true(
        claimed: datetime, effective: datetime) -> None:
    """A report is made after its link and before its arrival; outside that, receipt decides."""
    received = NOW + timedelta(hours=2)
    assert invites.effective_moment(claimed, received=received, not_before=NOW) == effective


@pytest.mark.parametrize("future", ["2199-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
                                    "9999-12-31T23:59:59.999999+00:00"])
def test_a_future_dated_report_does_not_outrank_a_current_one(connection: Connection,
                                                              future: str) -> None:
    """A device whose clock is wrong, or anyone holding the link, cannot fix the summary for
    good: the next current report shows, on the dashboard and at the top of the history."""
    invite_id, _token = invite(connection)
    first = NOW + timedelta(minutes=10)
    assert invites.record_report(connection, invite_id,
                                 readiness(report_id(1), "ready", created_at=future), first)
    assert row(connection, invite_id).latest_report_at == first
    later = first + timedelta(minutes=1)
    current = readiness(report_id(2), "not-ready", "app", created_at=later.isoformat())
    assert invites.record_report(connection, invite_id, current, later + timedelta(seconds=2))
    assert row(connection, invite_id).latest_summary == "not-ready"
    assert row(connection, invite_id).latest_report_at == later
    history = invites.report_history(connection, invite_id)
    assert [r.report_id for r in history] == [report_id(2), report_id(1)]
    # The browser's own claim is kept as it came, for the invite's page to show.
    assert history[1].created_at == datetime.fromisoformat(future)
    assert history[1].effective_at == first


def test_a_report_older_than_its_link_counts_from_its_arrival(connection: Connection) -> None:
    """A clock reset to 1970 does not bury a current report below older ones."""
    invite_id, _token = invite(connection)
    made = NOW + timedelta(minutes=5)
    invites.record_report(connection, invite_id,
                          readiness(report_id(1), "ready", created_at=made.isoformat()), made)
    reset = readiness(report_id(2), "not-ready", created_at="1970-01-01T00:00:00Z")
    invites.record_report(connection, invite_id, reset, made + timedelta(minutes=1))
    assert row(connection, invite_id).latest_summary == "not-ready"


def test_latest_checks_and_device_keep_statuses_and_words_only(connection: Connection) -> None:
    """The dashboard's columns hold each check's status and the device words, nothing more."""
    invite_id, _token = invite(connection)
    report = readiness(
        report_id(1), "ready-with-warnings",
        device={"form": "phone", "os": "android", "browser": "chrome", "major": 130,
                "choice": None},
        checks={"camera": {"status": "warning", "detail": "dark", "devices": 2},
                "microphone": {"status": "ok"}, "speaker": {"status": "ok"},
                "connection": {"status": "ok", "rtt_ms": 40, "down_kbps": 9000}})
    invites.record_report(connection, invite_id, report, NOW)
    current = row(connection, invite_id)
    assert current.latest_checks == {"camera": "warning", "microphone": "ok", "speaker": "ok",
                                     "connection": "ok"}
    assert current.latest_device == {"form": "phone", "os": "android", "browser": "chrome"}


def test_purge_deletes_expired_invites_and_their_reports(connection: Connection) -> None:
    """Past retention: gone with its reports. Within retention or upcoming: kept."""
    now = APPOINTMENT + timedelta(days=20)
    old, _ = invite(connection, APPOINTMENT)
    recent, _ = invite(connection, now - timedelta(days=13))
    upcoming, _ = invite(connection, now + timedelta(days=2))
    for number, invite_id in enumerate((old, recent, upcoming)):
        invites.record_report(connection, invite_id, readiness(report_id(number)), NOW)

    assert invites.purge_expired(connection, now, 14) == 1
    left = connection.execute(select(db.invites.c.id).order_by(db.invites.c.id)).scalars()
    assert list(left) == [recent, upcoming]
    reported = connection.execute(select(db.reports.c.invite_id)).scalars()
    assert sorted(reported) == [recent, upcoming]
    assert invites.purge_expired(connection, now, 14) == 0


def test_deleting_an_invite_cascades_to_its_reports(connection: Connection) -> None:
    """The foreign key's ON DELETE CASCADE works (SQLite's foreign keys are on)."""
    invite_id, _token = invite(connection)
    invites.record_report(connection, invite_id, readiness(report_id(1)), NOW)
    connection.execute(db.invites.delete().where(db.invites.c.id == invite_id))
    assert connection.execute(select(func.count()).select_from(db.reports)).scalar_one() == 0


def _soon(days: int = 30, clock: str = "14:00") -> str:
    """A local date and time that many days ahead in Helsinki, as --at takes it."""
    return f"{(datetime.now(HELSINKI) + timedelta(days=days)).date().isoformat()} {clock}"


def _at(day: date, clock: str) -> str:
    """--at for that day and time."""
    return f"{day.isoformat()} {clock}"


def test_cli_creates_an_invite_and_prints_its_path(app: Flask, runner: Any) -> None:
    """`flask invite create` stores the invite in Helsinki time and prints /r/<token> once."""
    at = _soon()
    result = runner.invoke(args=["invite", "create", "--at", at,
                                 "--language", "sv", "--reference", "Mon 14",
                                 "--teams-url", "https://teams.microsoft.com/l/meetup-join/x"])
    assert result.exit_code == 0, result.output
    token = re.search(r"/r/([A-Za-z0-9_-]+)", result.output).group(1)  # type: ignore[union-attr]
    assert "PUBLIC_URL" in result.output
    assert f"for {at} (UTC+0" in result.output
    with app.extensions["valmis.db"].connect() as connection:
        found = invites.find_invite(connection, token, now=datetime.now(UTC))
    assert found is not None
    expected = datetime.strptime(at, "%Y-%m-%d %H:%M").replace(tzinfo=HELSINKI)
    assert found.appointment_at == expected
    assert (found.language, found.reference) == ("sv", "Mon 14")
    assert found.teams_url == "https://teams.microsoft.com/l/meetup-join/x"


def test_cli_prints_the_full_link_with_public_url(app: Flask, runner: Any) -> None:
    """With PUBLIC_URL set, the whole link is printed."""
    app.config["PUBLIC_URL"] = "https://valmis.example.fi"
    result = runner.invoke(args=["invite", "create", "--at", _soon(), "--language", "fi"])
    assert result.exit_code == 0, result.output
    assert re.search(r"https://valmis\.example\.fi/r/[A-Za-z0-9_-]{32}(?![A-Za-z0-9_-])",
                     result.output)


@pytest.mark.parametrize(("arguments", "complaint"), [
    (["--at", "3.12.2026 14:00", "--language", "fi"], "YYYY-MM-DD HH:MM"),
    (["--at", _soon(), "--language", "de"], "de"),
    (["--at", _soon(), "--language", "fi", "--teams-url", "https://zoom.us/j/1"], "Teams"),
    (["--at", _soon(), "--language", "fi", "--reference", "x" * 41], "40"),
    (["--at", _soon(), "--language", "fi", "--timezone", "Nowhere/Land"], "time zone"),
])
def test_cli_refuses_bad_input(runner: Any, arguments: list[str], complaint: str) -> None:
    """A clear message and a non-zero exit, nothing stored."""
    result = runner.invoke(args=["invite", "create", *arguments])
    assert result.exit_code != 0
    assert complaint in result.output


def _refused(app: Flask, runner: Any, *arguments: str) -> str:
    """Run `flask invite create` with these arguments; assert status 2, nothing stored and no
    traceback; answer what it printed."""
    result = runner.invoke(args=["invite", "create", "--language", "fi", *arguments])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    with app.extensions["valmis.db"].connect() as connection:
        assert connection.execute(select(func.count()).select_from(db.invites)).scalar() == 0
    return str(result.output)


@pytest.mark.parametrize("at", [_soon(clock="1400"), _soon(clock="14:00+05:00"), "2026-W50-4",
                                "20261210 1400", _soon().replace(" ", "T")])
def test_cli_takes_only_the_documented_format(app: Flask, runner: Any, at: str) -> None:
    """An ISO week date, the basic format or an offset is refused, never read some other way."""
    assert "use YYYY-MM-DD HH:MM" in _refused(app, runner, "--at", at)


@pytest.mark.parametrize(("at", "complaint"), [
    ("0001-01-01 00:00", "0001-01-01 has already passed"),
    (_soon(days=-1), "has already passed"),
    ((datetime.now(HELSINKI) - timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"),
     "has already passed"),
    ("9999-12-31 23:59", "more than 730 days ahead"),
    (_soon(days=800), "more than 730 days ahead"),
])
def test_cli_refuses_the_past_and_the_far_future(app: Flask, runner: Any, at: str,
                                                 complaint: str) -> None:
    """A link that would be dead at once, or a year typed wrong, is a clear status 2."""
    output = _refused(app, runner, "--at", at)
    assert complaint in output
    assert "--at" in output


def test_cli_refuses_a_time_the_clocks_skip(app: Flask, runner: Any) -> None:
    """03:30 on the spring night does not exist in Helsinki; the hour after is offered."""
    day = next_clock_change(3)
    output = _refused(app, runner, "--at", _at(day, "03:30"))
    assert "does not exist" in output and f"Did you mean {_at(day, '04:30')}?" in output


def test_cli_asks_which_of_a_time_that_comes_twice(app: Flask, runner: Any) -> None:
    """03:30 on the autumn night needs --fold, and --fold chooses the moment."""
    day = next_clock_change(10)
    output = _refused(app, runner, "--at", _at(day, "03:30"))
    assert "occurs twice" in output and "Add --fold first or --fold second" in output
    for fold, offset in (("first", "+03:00"), ("second", "+02:00")):
        result = runner.invoke(args=["invite", "create", "--language", "fi",
                                     "--at", _at(day, "03:30"), "--fold", fold])
        assert result.exit_code == 0, result.output
        assert f"(UTC{offset}, Europe/Helsinki)" in result.output
    with app.extensions["valmis.db"].connect() as connection:
        moments = connection.execute(select(db.invites.c.appointment_at)
                                     .order_by(db.invites.c.id)).scalars().all()
    assert moments == [datetime.combine(day, time(0, 30), tzinfo=UTC),
                       datetime.combine(day, time(1, 30), tzinfo=UTC)]


@pytest.mark.parametrize(("option", "value", "named"), [
    ("--reference", "Mon\u202e41 noM", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("--reference", "Mon\x0014", "U+0000 NULL"),
    ("--teams-url", "https://teams.microsoft.com/l/meetup-join/\u2028x", "U+2028 LINE SEPARATOR"),
    ("--teams-url", "https://teams.microsoft.com.\u202emoc.live/x",
     "U+202E RIGHT-TO-LEFT OVERRIDE"),
])
def test_cli_refuses_hidden_characters(app: Flask, runner: Any, option: str, value: str,
                                       named: str) -> None:
    """A character that hides or disguises text is named, with status 2."""
    output = _refused(app, runner, "--at", _soon(), option, value)
    assert named in output and option in output


def test_cli_purge_prints_the_count(app: Flask, runner: Any) -> None:
    """`flask purge` deletes what RETENTION_DAYS says is past and says how many."""
    with app.extensions["valmis.db"].begin() as connection:
        invite(connection, datetime.now(UTC) - timedelta(days=30))
        invite(connection, datetime.now(UTC) + timedelta(days=1))
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 invite" in result.output
