"""Made-up invites, reports and outcomes for a development database (`flask demo-data`).

Plausible, not real: appointments on working days over the past months and the next few days,
customers who open their link or not, readiness reports from a mix of devices (most computers
on Chrome or Edge, phones on Safari or Chrome), some warnings, some asking for help, and
outcomes that follow readiness. Every report is validated against the API's contract
(app/report_contract.py) and stored through the same functions the API uses (app/invites.py).
Every demo invite's reference starts with DEMO- so nobody mistakes it for a customer's.

Pure: no Flask. The same seed and the same `now` give the same data.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from app import invites, outcomes
from app.readiness import readiness_of
from app.report_contract import validate_report

REFERENCE_PREFIX = "DEMO-"
T = TypeVar("T")

# (weight, value): how often each appears among the customers.
LANGUAGES = ((70, "fi"), (8, "sv"), (6, "en"), (5, "uk"), (4, "ru"), (3, "et"), (2, "ar"),
             (2, "so"))
# Device kind, OS, browser, the wizard's device choice; browsers by OS.
DEVICES: tuple[tuple[int, tuple[str, str, tuple[tuple[int, str], ...], str]], ...] = (
    (36, ("desktop", "windows", ((55, "chrome"), (37, "edge"), (8, "firefox")), "computer")),
    (12, ("desktop", "macos", ((50, "safari"), (42, "chrome"), (8, "firefox")), "computer")),
    (3, ("desktop", "chromeos", ((100, "chrome"),), "computer")),
    (1, ("desktop", "linux", ((60, "firefox"), (40, "chrome")), "computer")),
    (18, ("phone", "ios", ((85, "safari"), (15, "chrome")), "iphone-ipad")),
    (24, ("phone", "android", ((72, "chrome"), (22, "samsung-internet"), (6, "firefox")),
          "android")),
    (4, ("tablet", "ipados", ((85, "safari"), (15, "chrome")), "iphone-ipad")),
    (2, ("tablet", "android", ((80, "chrome"), (20, "samsung-internet")), "android")),
)
MAJORS = {"chrome": 131, "edge": 131, "firefox": 133, "safari": 18, "samsung-internet": 27}
CAMERA = ((85, "ok"), (8, "warning"), (4, "blocked"), (2, "not-found"), (1, "in-use"))
MICROPHONE = ((90, "ok"), (5, "warning"), (3, "blocked"), (2, "not-found"))
SPEAKER = ((88, "ok"), (8, "not-heard"), (4, "skipped"))
CONNECTION = ((80, "ok"), (12, "warning"), (6, "poor"), (2, "offline"))
# What happened, by what the checks said before; the outcomes in outcomes.OUTCOMES' order.
OUTCOME_WEIGHTS = {
    "ready": (82, 8, 4, 5, 1),
    "ready-with-warnings": (60, 22, 10, 6, 2),
    "not-ready": (22, 35, 33, 7, 3),
    "not-checked": (50, 20, 15, 12, 3),
    None: (45, 20, 15, 15, 5),  # never checked, or never opened the link
}


@dataclass
class DemoResult:
    """What generate() made."""

    invites: int = 0
    reports: int = 0
    outcomes: int = 0
    purged: int = 0
    summaries: Counter[str] = field(default_factory=Counter)


def _pick(rng: random.Random, weighted: tuple[tuple[int, T], ...]) -> T:
    """One value, as often as its weight says."""
    return rng.choices([value for _w, value in weighted],
                       weights=[weight for weight, _v in weighted])[0]


def _uuid(rng: random.Random) -> str:
    """A version-4 UUID from the seeded generator."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _stamp(moment: datetime) -> str:
    """A moment as the browser writes created_at."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _readiness(rng: random.Random, moment: datetime) -> dict[str, Any]:
    """A readiness report as readiness.mjs builds it, for a made-up device and its checks."""
    form, os_family, browsers, choice = _pick(rng, DEVICES)
    browser = _pick(rng, browsers)
    phone_like = form != "desktop"
    path = _pick(rng, ((78, "app"), (20, "web"), (2, "open-in-browser")) if phone_like
                 else ((85, "web"), (15, "app")))
    camera = _pick(rng, CAMERA)
    checks: dict[str, Any] = {
        "camera": {"status": camera, "devices": 0 if camera == "not-found" else 1,
                   **({"detail": "dark"} if camera == "warning" else {})},
        "microphone": {"status": _pick(rng, MICROPHONE), "devices": 1},
        "speaker": {"status": _pick(rng, SPEAKER)},
        "connection": {"status": _pick(rng, CONNECTION), "udp": "not-checked"},
        "browser": {"status": "ok" if rng.random() < 0.95 else "warning"},
    }
    verdict = {"ok": "good", "warning": "may-stutter", "poor": "poor",
               "offline": "unreachable"}[checks["connection"]["status"]]
    checks["connection"]["media"] = {"verdict": verdict}
    readiness = readiness_of(checks, path)
    return {
        "version": 1, "id": _uuid(rng), "kind": "readiness", "created_at": _stamp(moment),
        "path": path,
        "device": {"form": form, "os": os_family, "browser": browser,
                   "major": MAJORS.get(browser), "choice": choice},
        "checks": checks, "summary": readiness.summary,
        "warnings": list(readiness.warnings), "problems": list(readiness.problems),
    }


def _outcome(rng: random.Random, summary: str | None, needs_help: bool,
             prefers_phone: bool) -> str:
    """What happened at the appointment, following what the checks said."""
    if prefers_phone:
        return "phone" if rng.random() < 0.7 else "no-video"
    outcome = rng.choices(outcomes.OUTCOMES, weights=OUTCOME_WEIGHTS.get(summary,
                                                                         OUTCOME_WEIGHTS[None]))[0]
    # Those who asked for help mostly got it before they joined.
    if needs_help and outcome == "video" and rng.random() < 0.6:
        return "video-after-help"
    return outcome


def _working_slots(rng: random.Random, start: date, end: date, per_day: float,
                   zone: ZoneInfo) -> list[datetime]:
    """Appointment times on working days from start to end (inclusive), about per_day a day,
    on the half hour between 8:00 and 15:30 local time."""
    slots = []
    day = start
    while day <= end:
        if day.weekday() < 5:
            count = max(0, round(rng.gauss(per_day, per_day / 3)))
            for half_hour in sorted(rng.sample(range(16), min(count, 16))):
                clock = time(8 + half_hour // 2, 30 * (half_hour % 2))
                slots.append(datetime.combine(day, clock, zone))
        day += timedelta(days=1)
    return slots


def _first_of_month(day: date, months_back: int) -> date:
    """The first day of the month months_back before day's."""
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def generate(connection: Connection, *, seed: int, now: datetime, months: int = 4,
             per_day: float = 5.0, zone: str = invites.DEFAULT_TIMEZONE,
             retention_days: int = invites.DEFAULT_RETENTION_DAYS,
             ahead_days: int = 7) -> DemoResult:
    """Fill the database with demo invites from the start of the month `months` ago to
    ahead_days from now, then purge what is past retention into the anonymous counters.

    Past appointments within retention keep their outcome (nine in ten recorded) for the
    dashboard; upcoming ones have none, and some have reports already.
    """
    rng = random.Random(seed)  # noqa: S311 (made-up data, reproducible by seed: no secret)
    zone_info = ZoneInfo(zone)
    today = now.astimezone(zone_info).date()
    result = DemoResult()
    slots = _working_slots(rng, _first_of_month(today, months), today + timedelta(ahead_days),
                           per_day, zone_info)
    for number, appointment_at in enumerate(slots, start=1):
        created_at = appointment_at - timedelta(days=rng.randint(2, 14), hours=rng.randint(0, 6))
        created_at = min(created_at, now)
        invite_id, _token = invites.create_invite(
            connection, appointment_at=appointment_at, language=_pick(rng, LANGUAGES),
            reference=f"{REFERENCE_PREFIX}{number:04d}", timezone=zone, now=created_at)
        result.invites += 1
        # When the customer opens the link: between the invite and the appointment, not later
        # than now; three in four do.
        opens_at = created_at + (appointment_at - created_at) * rng.uniform(0.3, 0.95)
        summary: str | None = None
        needs_help = prefers_phone = False
        if rng.random() < 0.76 and opens_at < now:
            invites.mark_opened(connection, invite_id, opens_at)
            stored = []
            if rng.random() < 0.88:
                report = _readiness(rng, opens_at + timedelta(minutes=rng.randint(2, 9)))
                stored.append(report)
                summary = readiness_of(report["checks"], report["path"]).summary
                result.summaries[summary] += 1
            help_chance = 0.3 if summary == "not-ready" else 0.06
            if rng.random() < help_chance:
                needs_help = True
                stored.append({"version": 1, "id": _uuid(rng), "kind": "help",
                               "created_at": _stamp(opens_at + timedelta(minutes=12))})
            if rng.random() < 0.03:
                prefers_phone = True
                stored.append({"version": 1, "id": _uuid(rng), "kind": "no-video",
                               "value": True,
                               "created_at": _stamp(opens_at + timedelta(minutes=14))})
            for report in stored:
                made = datetime.fromisoformat(report["created_at"])
                if made > now:
                    continue
                received = min(made + timedelta(seconds=rng.randint(1, 30)), now)
                # As the API does: validate, then store.
                if invites.record_report(connection, invite_id, validate_report(report),
                                         received, invite_created_at=created_at):
                    result.reports += 1
        if appointment_at <= now and rng.random() < 0.9:
            recorded_at = min(appointment_at + timedelta(minutes=rng.randint(20, 240)), now)
            outcomes.record_outcome(connection, invite_id,
                                    _outcome(rng, summary, needs_help, prefers_phone),
                                    staff_id=None, now=recorded_at)
            result.outcomes += 1
    result.purged = invites.purge_expired(connection, now, retention_days)
    return result
