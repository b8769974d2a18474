"""The server-drawn SVG bar charts (app/charts.py): valid SVG, named and described, every
figure in words, no bar for a hidden value, text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from app.charts import WIDTH, Bar, bar_chart

SVG = "{http://www.w3.org/2000/svg}"
BARS = [Bar("Computer", 0.8, "80 %"), Bar("Phone", 0.25, "25 %"),
        Bar("Tablet", None, "fewer than 5")]


def parse(markup: str) -> ET.Element:
    """The chart as an element tree (fails on markup that is not well-formed XML)."""
    return ET.fromstring(markup)  # noqa: S314  (our own markup, not untrusted input)


def test_a_chart_is_svg_named_by_its_title_and_described_with_every_figure() -> None:
    """role=img, labelled by <title> and <desc>; the desc lists each bar's figure."""
    chart = parse(bar_chart("c1", "By device", "The share who joined.", BARS))
    assert chart.tag == f"{SVG}svg"
    assert chart.get("role") == "img"
    assert chart.get("aria-labelledby") == "c1-title c1-desc"
    assert chart.get("width") == "100%"
    assert chart.get("viewBox", "").startswith(f"0 0 {WIDTH} ")
    title, desc = chart.find(f"{SVG}title"), chart.find(f"{SVG}desc")
    assert title is not None and title.get("id") == "c1-title" and title.text == "By device"
    assert desc is not None and desc.get("id") == "c1-desc"
    assert desc.text == ("The share who joined. Computer: 80 %; Phone: 25 %; "
                         "Tablet: fewer than 5")


def test_each_bar_has_its_label_and_figure_as_text_and_a_hidden_one_no_bar() -> None:
    """Two rects for two shown values, whose widths follow the fractions; the hidden value has
    its words and no rect."""
    chart = parse(bar_chart("c2", "t", "d", BARS))
    rects = chart.findall(f"{SVG}rect")
    assert len(rects) == 2
    widths = [float(rect.get("width", "0")) for rect in rects]
    assert widths[0] == pytest.approx(3.2 * widths[1])
    texts = [element.text for element in chart.findall(f"{SVG}text")]
    for words in ("Computer", "80 %", "Phone", "25 %", "Tablet", "fewer than 5"):
        assert words in texts


def test_text_is_escaped_and_long_labels_wrap() -> None:
    """Markup in a label stays text; a long label takes more than one line."""
    long = "Blocked by the device's settings " * 3
    chart = parse(bar_chart("c3", "<b>&", "d", [Bar("<script>", 0.5, "50 %"),
                                                 Bar(long, 0.1, "10 %")]))
    assert chart.find(f"{SVG}title").text == "<b>&"  # type: ignore[union-attr]
    assert chart.find(f"{SVG}script") is None
    labels = [element.text or "" for element in chart.findall(f"{SVG}text")
              if "chart__label" in (element.get("class") or "")]
    assert "<script>" in labels
    assert len(labels) >= 4


def test_right_to_left_mirrors_the_bars() -> None:
    """In Arabic the bars grow from the right edge."""
    chart = parse(bar_chart("c4", "t", "d", [Bar("a", 0.5, "50 %")], right_to_left=True))
    rect = chart.find(f"{SVG}rect")
    assert rect is not None
    x, width = float(rect.get("x", "0")), float(rect.get("width", "0"))
    assert x + width == WIDTH - 4
    assert x > 0
    # The words keep their anchors: in right-to-left text "start" is the right edge.
    assert chart.get("direction") == "rtl"
    label = chart.find(f"{SVG}text")
    assert label is not None and label.get("text-anchor") == "start"
    assert float(label.get("x", "0")) == WIDTH - 8


def test_colours_reach_three_to_one_against_white() -> None:
    """WCAG 1.4.11: the bars and text against the page's white background."""
    from app.charts import BAR_COLOUR, TEXT_COLOUR

    def luminance(colour: str) -> float:
        """Relative luminance of #rrggbb."""
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for colour, least in ((BAR_COLOUR, 3), (TEXT_COLOUR, 4.5)):
        assert (1.05) / (luminance(colour) + 0.05) >= least
    # White words inside a bar.
    assert (luminance("#ffffff") + 0.05) / (luminance(BAR_COLOUR) + 0.05) >= 4.5
