"""The Insights page and its CSV (administrators only): the range form, the empty state, the
charts and tables, and small cells hidden in the page's HTML, its SVG and the CSV."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from html import unescape
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.tables import insight_counts
from tests.support.insights import counter_rows
from tests.support.staff import signed_in

SVG_TAG = re.compile(r"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\".*?</svg>", re.S)
CELL = re.compile(r"<t[dh][^>]*>(.*?)</t[dh]>", re.S)


def count(app: Flask, people: list[tuple[str, dict[str, str], str]]) -> None:
    """Store the counters a purge would leave for people, each (month, values, outcome)."""
    with app.extensions["valmis.db"].begin() as connection:
        connection.execute(insight_counts.insert(), [
            {"month": month, "dimension": dimension, "value": value, "outcome": outcome,
             "count": number} for month, dimension, value, outcome, number in counter_rows(people)])


def october(app: Flask) -> None:
    """A month with small cells: 30 Chrome computers by video, 3 by phone, 9 with no outcome,
    20 Safari phones by video, and 2 Safari tablets by video."""
    desktop = {"device-kind": "desktop", "browser-family": "chrome", "summary": "ready",
               "camera": "ok", "used-wizard": "yes", "asked-help": "no"}
    phone = {"device-kind": "phone", "browser-family": "safari", "summary": "ready-with-warnings",
             "camera": "in-use", "used-wizard": "yes", "asked-help": "yes"}
    tablet = {"device-kind": "tablet", "browser-family": "safari", "summary": "not-ready",
              "camera": "blocked", "used-wizard": "yes", "asked-help": "no"}
    count(app, [("2026-10", desktop, "video")] * 30 + [("2026-10", desktop, "phone")] * 3
          + [("2026-10", desktop, "none")] * 9 + [("2026-10", phone, "video")] * 20
          + [("2026-10", tablet, "video")] * 2)


def text(answer: Any) -> str:
    """The answer's body with entities decoded."""
    return unescape(answer.get_data(as_text=True))


def figures(page: str) -> list[str]:
    """Every table cell's text and every chart text of a page."""
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in CELL.findall(page)]
    svg_texts = [element.text or "" for markup in SVG_TAG.findall(page)
                 for element in ET.fromstring(markup).iter()  # noqa: S314  (our own page)
                 if element.tag.endswith("text")]
    return cells + svg_texts


def test_only_administrators_see_the_insights(app: Flask, client: FlaskClient,
                                              staff_client: FlaskClient) -> None:
    """Signed out: to sign-in; staff who are not administrators: 403, page and CSV alike."""
    for path in ("/staff/insights", "/staff/insights.csv"):
        answer = app.test_client().get(path)
        assert answer.status_code == 302
        assert "/staff/sign-in" in answer.headers["Location"]
        assert staff_client.get(path).status_code == 403


def test_the_navigation_links_the_page_for_administrators_only(
        app: Flask, admin_client: FlaskClient) -> None:
    """The staff area's menu names Insights for an administrator, not for other staff."""
    assert 'href="/staff/insights"' in text(admin_client.get("/staff/?lang=en"))
    with admin_client.session_transaction() as session:
        session.clear()
    staff = signed_in(app, admin_client, admin=False, session_id="staff-session")
    page = staff.get("/staff/?lang=en")
    assert page.status_code == 200
    assert 'href="/staff/passkeys"' in text(page)
    assert 'href="/staff/insights"' not in text(page)


def test_before_any_count_the_page_says_when_counts_appear(admin_client: FlaskClient) -> None:
    """The empty state: no form, no charts, the retention days."""
    answer = admin_client.get("/staff/insights?lang=en")
    page = text(answer)
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    assert ("Counts appear after the first appointments are purged, 14 days after their time."
            in page)
    assert 'class="chart"' not in page
    assert "<select" not in page
    empty = admin_client.get("/staff/insights.csv")
    assert empty.status_code == 200
    assert empty.get_data(as_text=True) == "month,dimension,value,outcome,count\r\n"


def test_the_page_shows_the_share_by_month_and_by_device_with_charts(
        app: Flask, admin_client: FlaskClient) -> None:
    """52 of 55 recorded joined by video without help: 95 %; computers 30 of 33: 91 %."""
    october(app)
    page = text(admin_client.get("/staff/insights?lang=en"))
    assert "October 2026" in page
    assert "95%" in page
    assert "91%" in page
    charts = SVG_TAG.findall(page)
    assert len(charts) == 13
    for markup in charts:
        chart = ET.fromstring(markup)  # noqa: S314  (our own page)
        assert chart.get("role") == "img"
        title_id, desc_id = chart.get("aria-labelledby", "").split()
        assert chart.find(f"{{http://www.w3.org/2000/svg}}title[@id='{title_id}']") is not None
        assert chart.find(f"{{http://www.w3.org/2000/svg}}desc[@id='{desc_id}']") is not None
    assert "Show the figures as a table" in page
    assert "By kind of device" in page
    assert "What is counted" in page
    # How many used the guide at all and asked to be called, in words.
    # Below the months, the 55 customers with a recorded outcome (the 9 without, by month only).
    assert "55 of 55 customers used this guide." in page
    assert "20 of 55 customers asked to be called." in page
    assert re.search(r"<th scope=\"row\">Camera</th><td>In use by another app</td><td>20</td>",
                     page)


def test_a_small_cell_is_hidden_in_the_page_the_charts_and_the_csv(
        app: Flask, admin_client: FlaskClient) -> None:
    """The 3 who switched to a phone call and the 2 tablets never appear as 3 or 2: "fewer than
    5" in the page and in the charts' words, "<5" in the CSV; and the 42 computers' other
    cells cannot give the 3 away (another of their cells is hidden too)."""
    october(app)
    page = text(admin_client.get("/staff/insights?lang=en"))
    shown = figures(page)
    assert "3" not in shown
    assert "2" not in shown
    assert "fewer than 5" in shown
    device_chart = next(ET.fromstring(markup) for markup in SVG_TAG.findall(page)  # noqa: S314
                        if 'id="chart-device-kind"' in markup)
    words = [element.text for element in device_chart.iter() if element.tag.endswith("text")]
    # The empty "other" row lends its hidden 0s to protect the tablets: shown as small too.
    assert words == ["Computer", "91%", "Phone", "100%", "Tablet", "not shown: fewer than 5",
                     "Other device", "not shown: fewer than 5"]
    assert len([element for element in device_chart.iter() if element.tag.endswith("rect")]) == 2
    answer = admin_client.get("/staff/insights.csv")
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    cells = {tuple(row[:4]): row[4] for row in rows[1:]}
    assert cells[("2026-10", "device-kind", "desktop", "phone")] == "<5"
    assert cells[("2026-10", "all", "all", "phone")] == "<5"
    assert cells[("2026-10", "device-kind", "tablet", "recorded")] == "<5"
    # The 9 with no outcome are the month's alone: never split, so never a small cell there.
    assert cells[("2026-10", "all", "all", "none")] == "9"
    assert cells[("2026-10", "all", "all", "total")] == "64"
    assert not [key for key in cells if key[1] != "all" and key[3] in ("none", "total")]
    assert not {"1", "2", "3", "4"} & {row[4] for row in rows[1:]}
    desktop = [cells[("2026-10", "device-kind", "desktop", outcome)]
               for outcome in ("video", "video-after-help", "phone", "no-show", "no-video")]
    assert sum(not value.isdigit() for value in desktop) >= 2


def test_the_csv_is_an_attachment_of_the_chosen_months(
        app: Flask, admin_client: FlaskClient) -> None:
    """text/csv in UTF-8, a file name with the range, no-store, one row per cell."""
    october(app)
    count(app, [("2026-11", {"device-kind": "desktop"}, "video")] * 8)
    answer = admin_client.get("/staff/insights.csv?from=2026-11&to=2026-11")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert answer.headers["Content-Disposition"] == (
        'attachment; filename="valmis-insights-2026-11-2026-11.csv"')
    assert answer.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert rows[0] == ["month", "dimension", "value", "outcome", "count"]
    assert {row[0] for row in rows[1:]} == {"2026-11"}
    assert ["2026-11", "all", "all", "total", "8"] in rows


def test_a_refused_range_says_what_to_do(app: Flask, admin_client: FlaskClient) -> None:
    """A month that is not offered, or the first after the last: 400 and the error summary."""
    october(app)
    count(app, [("2026-11", {"device-kind": "desktop"}, "video")] * 8)
    answer = admin_client.get("/staff/insights?from=2026-13&lang=en")
    page = text(answer)
    assert answer.status_code == 400
    assert "There is a problem" in page
    assert 'href="#from"' in page
    assert "Choose the first month from the list." in page
    assert 'aria-invalid="true"' in page
    answer = admin_client.get("/staff/insights?from=2026-11&to=2026-10&lang=en")
    assert answer.status_code == 400
    assert "The first month must not be after the last month." in text(answer)
    assert admin_client.get("/staff/insights.csv?to=1999-01").status_code == 400


def test_the_range_form_chooses_months_and_names_them_in_the_page_language(
        app: Flask, admin_client: FlaskClient) -> None:
    """Finnish month names; the range shows only its months."""
    october(app)
    count(app, [("2026-11", {"device-kind": "desktop"}, "video")] * 8)
    page = text(admin_client.get("/staff/insights?from=2026-11&to=2026-11&lang=fi"))
    assert re.search(r'<option value="2026-10">lokakuu 2026</option>', page)
    assert re.search(r'<option value="2026-11" selected>marraskuu 2026</option>', page)
    assert "lokakuu 2026</th>" not in page
    assert "marraskuu 2026</th>" in page
    # Over several months the page says why figures hide, and how to see more; not for one.
    assert "js-one-month-hint" not in page
    assert "js-one-month-hint" in text(admin_client.get("/staff/insights?lang=fi"))


def test_the_purged_demo_months_reach_the_page_and_the_csv_as_their_sums(
        app: Flask, admin_client: FlaskClient) -> None:
    """`flask demo-data` purges a few hundred invites into the counters (the other half of
    issue 20): each month's total on the page and in the CSV is what was stored, every CSV
    count is a number of at least five, a 0, "<5" or "hidden", and the page draws its charts."""
    result = app.test_cli_runner().invoke(args=["demo-data", "--seed", "7"])
    assert result.exit_code == 0, result.output
    with app.extensions["valmis.db"].connect() as connection:
        stored = {month: total for month, total in connection.execute(
            select(insight_counts.c.month, func.sum(insight_counts.c.count))
            .where(insight_counts.c.dimension == "all").group_by(insight_counts.c.month))}
    assert sum(stored.values()) >= 200
    first, last = min(stored), max(stored)
    query = f"?from={first}&to={last}&lang=en"
    rows = list(csv.reader(io.StringIO(
        admin_client.get("/staff/insights.csv" + query).get_data(as_text=True))))
    totals = {row[0]: int(row[4]) for row in rows[1:] if row[1:4] == ["all", "all", "total"]}
    assert totals == {month: total for month, total in stored.items() if total >= 5}
    assert all(row[4] in {"<5", "hidden", "0"} or int(row[4]) >= 5 for row in rows[1:])
    page = text(admin_client.get("/staff/insights" + query))
    assert len(SVG_TAG.findall(page)) == 13
    assert re.search(r"[0-9]+%", page)
    assert not [figure for figure in figures(page) if figure in {"1", "2", "3", "4"}]
