"""Issue 20 in Chromium: an administrator reads the Insights page, light and dark, at 320 px and
200 % text, picks months, opens a table, meets a refused range and downloads the CSV. Every
state passes axe, and a count of fewer than five appears nowhere as its number."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from e2e.pages import Layout
from e2e.staff_pages import Dashboard, Insights, SignIn
from tests.support.axe import assert_no_axe_violations
from tests.support.browsers import add_virtual_authenticator
from tests.support.insights import counter_rows
from tests.support.live import add_staff
from tests.support.server import LiveServer

EN = "en"


def store_counts(server: LiveServer, people: list[tuple[str, dict[str, str], str]]) -> None:
    """Store the counters a purge would leave for people, each (month, values, outcome)."""
    with closing(sqlite3.connect(server.database)) as connection, connection:
        connection.executemany(
            "INSERT INTO insight_counts (month, dimension, value, outcome, count) "
            "VALUES (?, ?, ?, ?, ?)", counter_rows(people))


@pytest.fixture
def no_counts(live_server: LiveServer) -> Iterator[None]:
    """The session's server shares its database: start and leave it without counters."""
    def clear() -> None:
        """Delete every counter."""
        with closing(sqlite3.connect(live_server.database)) as connection, connection:
            connection.execute("DELETE FROM insight_counts")

    clear()
    try:
        yield
    finally:
        clear()


def two_months(server: LiveServer) -> None:
    """October: 30 Chrome computers by video, 3 by phone (a small cell), 9 with no outcome,
    20 Safari phones by video with the camera in use; November: 12 computers by video."""
    computer = {"device-kind": "desktop", "browser-family": "chrome", "summary": "ready",
                "camera": "ok", "used-wizard": "yes", "asked-help": "no"}
    phone = {"device-kind": "phone", "browser-family": "safari", "camera": "in-use",
             "summary": "ready-with-warnings", "used-wizard": "yes", "asked-help": "yes"}
    store_counts(server, [("2026-10", computer, "video")] * 30
                 + [("2026-10", computer, "phone")] * 3 + [("2026-10", computer, "none")] * 9
                 + [("2026-10", phone, "video")] * 20 + [("2026-11", computer, "video")] * 12)


def test_an_administrator_reads_the_insights_and_downloads_them(
        page: Page, live_server: LiveServer, axe: Axe, artifacts: Path, no_counts: None) -> None:
    """Empty state, then charts and tables, a range, an error, the CSV; axe in every state."""
    add_virtual_authenticator(page)
    SignIn(page, EN).open_enrollment(add_staff(live_server) + "?lang=en").use_passkey()
    insights = Dashboard(page, EN).go_to_insights()
    expect(insights.heading()).to_have_text("Insights")
    expect(insights.empty_state()).to_contain_text(
        "Counts appear after the first appointments are purged, 14 days after their time.")
    assert_no_axe_violations(axe, page)

    two_months(live_server)
    page.reload()
    expect(insights.charts()).to_have_count(13)
    expect(insights.chart("Joined by video without help, by month")).to_be_visible()
    table = insights.show_table("By kind of device")
    expect(table).to_contain_text("Computer")
    expect(table.locator("tr", has_text="Phone")).to_contain_text("100%")
    page.screenshot(path=str(artifacts / "staff-insights.png"), full_page=True)
    assert_no_axe_violations(axe, page)
    months = insights.show_table("Joined by video without help, by month")
    expect(months.locator("tr", has_text="October 2026")).to_contain_text("94%")
    figures = page.locator("main td, main svg text").all_text_contents()
    assert "3" not in [figure.strip() for figure in figures]

    page.emulate_media(color_scheme="dark")
    assert_no_axe_violations(axe, page)
    page.emulate_media(color_scheme="light")

    insights.choose_months("November 2026", "November 2026")
    expect(page).to_have_url(re.compile(r"from=2026-11&to=2026-11"))
    months = insights.show_table("Joined by video without help, by month")
    expect(months.locator("tbody tr")).to_have_count(1)
    expect(months).to_contain_text("November 2026")

    download = insights.download_counts()
    assert download.suggested_filename == "valmis-insights-2026-11-2026-11.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text("utf-8"))))
    assert rows[0] == ["month", "dimension", "value", "outcome", "count"]
    assert ["2026-11", "all", "all", "video", "12"] in rows

    page.goto("/staff/insights?from=2026-13&lang=en")
    expect(page.get_by_role("alert")).to_contain_text("Choose the first month from the list.")
    assert_no_axe_violations(axe, page)


def test_the_insights_fit_320_px_and_200_percent_text(
        page: Page, live_server: LiveServer, artifacts: Path, no_counts: None) -> None:
    """No sideways scrolling of the page at 320 px or with text at 200 %; the charts fit."""
    add_virtual_authenticator(page)
    SignIn(page, EN).open_enrollment(add_staff(live_server) + "?lang=en").use_passkey()
    two_months(live_server)
    page.set_viewport_size({"width": 320, "height": 640})
    insights = Insights(page, EN)
    page.goto("/staff/insights?lang=en")
    expect(insights.charts()).to_have_count(13)
    insights.show_table("By kind of device")
    layout = Layout(page)
    assert layout.horizontal_overflow() == 0, "overflows at 320 px"
    page.screenshot(path=str(artifacts / "staff-insights-320.png"), full_page=True)
    page.locator("main section").nth(2).screenshot(
        path=str(artifacts / "staff-insights-320-section.png"))
    for chart in insights.charts().all():
        box = chart.bounding_box()
        assert box is not None and box["width"] <= 320
    layout.zoom_text(200)
    assert layout.horizontal_overflow() == 0, "overflows at 200 % text"


def test_in_arabic_the_bars_and_their_words_run_from_the_right(
        page: Page, live_server: LiveServer, artifacts: Path, no_counts: None) -> None:
    """Right to left: each bar starts at the chart's right edge, its label ends there, and its
    figure stays inside the chart."""
    add_virtual_authenticator(page)
    SignIn(page, EN).open_enrollment(add_staff(live_server) + "?lang=en").use_passkey()
    two_months(live_server)
    page.goto("/staff/insights?lang=ar")
    insights = Insights(page, "ar")
    chart = insights.charts().first
    box = chart.bounding_box()
    assert box is not None
    right = box["x"] + box["width"]
    for bar in chart.locator("rect").all():
        own = bar.bounding_box()
        assert own is not None
        assert abs(own["x"] + own["width"] - right) < 0.05 * box["width"]
    for words in chart.locator("text").all():
        own = words.bounding_box()
        assert own is not None
        assert own["x"] >= box["x"] - 1 and own["x"] + own["width"] <= right + 1
    label = chart.locator("text.chart__label").first.bounding_box()
    assert label is not None and abs(label["x"] + label["width"] - right) < 0.05 * box["width"]
    page.screenshot(path=str(artifacts / "staff-insights-ar.png"), full_page=True)
