"""Insights (administrators only): what the anonymous counters say over a range of months, as
accessible charts drawn on the server with a table of the same figures beside each, and the
same counts as CSV. app/insights.py decides every number and what is hidden; this module only
puts them into words in the administrator's language.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app, render_template, request
from flask_babel import format_date, format_decimal, format_percent
from markupsafe import Markup
from werkzeug.wrappers import Response

from app import charts, db, insights
from app.guidance import BROWSER_NAMES
from app.i18n import current_language
from app.i18n import gettext as _
from app.invite_status import check_label, path_words, result_text, status_words
from app.outcomes import NOT_RUN, SMALLEST_SHOWN, UNKNOWN
from app.staff import bp
from app.staff.auth import login_required
from app.staff.people_views import admin_required

# How many months the page shows when no range is asked for: the last year with counts.
DEFAULT_MONTHS = 12
# The dimensions the page splits the smooth share by, in the order it shows them.
SPLIT_ORDER = ("summary", *insights.CHECKS, "device-kind", "os-family", "browser-family",
               "path", "used-wizard", "asked-help")
_OS_NAMES = {"windows": "Windows", "macos": "macOS", "linux": "Linux", "chromeos": "ChromeOS",
             "ios": "iOS", "ipados": "iPadOS", "android": "Android"}


@dataclass(frozen=True)
class Chosen:
    """The range the page shows, the months it offers and what was wrong with the request."""

    options: tuple[str, ...]
    first: str
    last: str
    errors: dict[str, str]


def month_name(month: str) -> str:
    """A month "YYYY-MM" in the page's language, e.g. "joulukuu 2026"."""
    return format_date(insights.month_start(month), "LLLL yyyy")


def dimension_title(dimension: str) -> str:
    """A section's heading: what the customers are split by."""
    return {
        "summary": _("By readiness summary"),
        "camera": _("By result of the camera check"),
        "microphone": _("By result of the microphone check"),
        "speaker": _("By result of the speaker check"),
        "connection": _("By result of the connection check"),
        "device-kind": _("By kind of device"),
        "os-family": _("By operating system"),
        "browser-family": _("By web browser"),
        "path": _("By way of joining"),
        "used-wizard": _("By whether the customer used this guide"),
        "asked-help": _("By whether the customer asked to be called"),
    }[dimension]


def column_title(dimension: str) -> str:
    """The heading of a table's first column: what its rows are."""
    return {
        "summary": _("Readiness summary"),
        "device-kind": _("Kind of device"),
        "os-family": _("Operating system"),
        "browser-family": _("Web browser"),
        "path": _("Way of joining"),
        "used-wizard": _("Used this guide"),
        "asked-help": _("Asked to be called"),
    }.get(dimension) or check_label(dimension)


def value_words(dimension: str, value: str) -> str:
    """A counted value in words."""
    if value == UNKNOWN:
        return _("Not known")
    if value == NOT_RUN:
        return _("No check results")
    if dimension in insights.CHECKS:
        return result_text(dimension, value)
    words = {
        "summary": status_words(),
        "path": path_words(),
        "device-kind": {"desktop": _("Computer"), "phone": _("Phone"), "tablet": _("Tablet"),
                        "other": _("Other device")},
        "os-family": _OS_NAMES,
        "browser-family": BROWSER_NAMES,
        "used-wizard": {"yes": _("Yes"), "no": _("No")},
        "asked-help": {"yes": _("Yes"), "no": _("No")},
    }.get(dimension, {})
    return words.get(value) or _("Other")


def count_words(count: insights.Count) -> str:
    """A count as the page shows it: its number, "fewer than 5" or "hidden"."""
    if count.number is not None:
        return str(format_decimal(count.number))
    if count.small:
        return _("fewer than %(num)d", num=SMALLEST_SHOWN)
    return _("hidden")


def share_words(split: insights.Split) -> str:
    """The smooth share in words, or why it is not shown."""
    if split.share is not None:
        return str(format_percent(split.share))
    if split.with_outcome.number == 0:
        return _("no outcomes recorded")
    if split.with_outcome.small or split.video.small:
        return _("not shown: fewer than %(num)d", num=SMALLEST_SHOWN)
    return _("hidden")


def _share_chart(chart_id: str, title: str, rows: Sequence[tuple[str, insights.Split]]) -> Markup:
    """A chart of the smooth share of each row (label, split)."""
    bars = [charts.Bar(label, split.share, share_words(split)) for label, split in rows]
    description = _("The share of customers with a recorded outcome who joined by video "
                    "without help.")
    return Markup(charts.bar_chart(chart_id, title, description, bars,  # noqa: S704
                                   right_to_left=current_language().direction == "rtl"))


def _failing_chart(failing: Sequence[insights.Failing]) -> Markup:
    """A chart of how many customers each failing check result had, the most frequent first."""
    most = max((item.customers.number or 0 for item in failing), default=0) or 1
    bars = [charts.Bar(f"{check_label(item.check)}: {result_text(item.check, item.status)}",
                       None if item.customers.number is None else item.customers.number / most,
                       count_words(item.customers)) for item in failing]
    return Markup(charts.bar_chart(  # noqa: S704  (the module escapes every text it draws)
        "chart-failing", _("Checks that failed most often"),
        _("How many customers' check ended with each problem."), bars,
        right_to_left=current_language().direction == "rtl"))


def _how_many(dimension: str, found: insights.Insights) -> str:
    """For the yes/no dimensions, how many customers said yes, in a sentence; else ""."""
    if dimension not in ("used-wizard", "asked-help"):
        return ""
    yes = next(split.customers for split in found.splits[dimension] if split.value == "yes")
    total = found.splits[insights.ALL][0].customers
    if dimension == "used-wizard":
        return _("%(count)s of %(total)s customers used this guide.", count=count_words(yes),
                 total=count_words(total))
    return _("%(count)s of %(total)s customers asked to be called.", count=count_words(yes),
             total=count_words(total))


def choose_range(options: Sequence[str], asked: dict[str, str]) -> Chosen:
    """The range from ?from= and ?to= (months among options), or the last DEFAULT_MONTHS."""
    last = options[-1] if options else ""
    first = options[max(len(options) - DEFAULT_MONTHS, 0)] if options else ""
    errors: dict[str, str] = {}
    chosen = {"from": first, "to": last}
    for field in ("from", "to"):
        value = asked.get(field)
        if value is None or value == "":
            continue
        if insights.parse_month(value) is None or value not in options:
            errors[field] = (_("Choose the first month from the list.") if field == "from"
                             else _("Choose the last month from the list."))
        else:
            chosen[field] = value
    if not errors and chosen["from"] > chosen["to"]:
        errors["from"] = _("The first month must not be after the last month.")
    return Chosen(tuple(options), chosen["from"], chosen["to"], errors)


def _read(asked: dict[str, str]) -> tuple[Chosen, insights.Insights | None]:
    """The chosen range and what the counters say over it (None when nothing is counted or
    the range was refused)."""
    with db.engine().connect() as connection:
        counted = insights.counted_months(connection)
        options = insights.month_range(*counted) if counted else ()
        chosen = choose_range(options, asked)
        if not counted or chosen.errors:
            return chosen, None
        rows = insights.load_counts(connection, chosen.first, chosen.last)
    return chosen, insights.insights_of(rows, insights.month_range(chosen.first, chosen.last))


@bp.get("/insights")
@login_required
@admin_required
def insights_page() -> Response:
    """The charts and tables for the chosen months, or the empty state before any count."""
    chosen, found = _read(dict(request.args))
    sections = []
    month_rows: list[tuple[str, insights.Split]] = []
    by_month_chart = failing_chart = None
    if found is not None:
        month_rows = [(month_name(split.value), split) for split in found.by_month]
        by_month_chart = _share_chart(
            "chart-months", _("Joined by video without help, by month"), month_rows)
        failing_chart = _failing_chart(found.failing)
        for dimension in SPLIT_ORDER:
            # A value nobody had is left out: its 0 is no secret, and a list of them is noise.
            rows = [(value_words(dimension, split.value), split)
                    for split in found.splits[dimension] if split.customers.number != 0]
            sections.append({"id": f"by-{dimension}", "title": dimension_title(dimension),
                             "column": column_title(dimension), "rows": rows,
                             "lead": _how_many(dimension, found),
                             "chart": _share_chart(f"chart-{dimension}",
                                                   dimension_title(dimension), rows)})
    page = render_template(
        "staff/insights.html", chosen=chosen, found=found, month_name=month_name,
        count_words=count_words, share_words=share_words, sections=sections,
        month_rows=month_rows,
        by_month_chart=by_month_chart, failing_chart=failing_chart,
        check_label=check_label, result_text=result_text,
        retention_days=current_app.config["RETENTION_DAYS"], smallest=SMALLEST_SHOWN)
    response = current_app.make_response((page, 400 if chosen.errors else 200))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/insights.csv")
@login_required
@admin_required
def insights_csv() -> Response:
    """The same counts as CSV, one row per month, dimension, value and outcome."""
    chosen, found = _read(dict(request.args))
    if chosen.errors:
        response = current_app.make_response((" ".join(chosen.errors.values()), 400))
        response.mimetype = "text/plain"
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerows(insights.csv_rows(found) if found else [insights.CSV_HEADER])
        response = current_app.make_response(buffer.getvalue())
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
        name = (f"valmis-insights-{chosen.first}-{chosen.last}.csv" if found
                else "valmis-insights.csv")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
