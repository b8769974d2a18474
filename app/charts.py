"""Bar charts drawn on the server as accessible SVG: no chart library, no script. Pure: no Flask.

A chart is an <svg role="img"> named by its <title> and described by its <desc> (which lists
every bar's figure in words, so a screen reader hears the data); the page puts the same
figures in a table beside it. Bars run along the line of text, one under another, each with
its label above and its figure in words at its end, so that nothing is said by colour or
length alone, labels never collide, and a narrow screen only needs more height. The view box
is 320 units wide and the page sets its width, so at 320 px the text is about its own size;
a value that must not be shown gets no bar, only its words ("fewer than 5").

Colours are presentation attributes (dark blue bars, dark text: above 3:1 and 4.5:1 on
white) that the page's style sheet overrides with its own colours in dark mode.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

WIDTH = 320
_FONT = 16
_LINE = 20  # a label's line height
_BAR = 22
_GAP = 12  # below each bar
_PADDING = 4
# Roughly how many characters of 16-unit text fit on a line: labels wrap at words before that.
_CHARACTERS_PER_LINE = 32
BAR_COLOUR = "#1d4f91"
TEXT_COLOUR = "#1b1b1f"
TRACK_COLOUR = "#6b7280"


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, its length as a fraction of the longest (None: no bar, hidden), and
    the words at its end ("64 %", "fewer than 5")."""

    label: str
    fraction: float | None
    text: str


def _lines(text: str, width: int = _CHARACTERS_PER_LINE) -> list[str]:
    """text broken at spaces into lines of about width characters (a longer word alone)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _x(position: float, right_to_left: bool) -> str:
    """An x coordinate from the line's start, mirrored for right-to-left pages."""
    return f"{WIDTH - position if right_to_left else position:g}"


def bar_chart(chart_id: str, title: str, description: str, bars: Sequence[Bar], *,
              right_to_left: bool = False) -> str:
    """An SVG bar chart (markup): one labelled bar per item, its figure in words at its end.

    description says what the chart shows; the figures of every bar follow it in <desc>.
    chart_id names the title and description (ids unique in the page).
    """
    # text-anchor follows the text's direction ("start" is the right edge in right-to-left
    # text), so the anchors stay and only the x coordinates are mirrored.
    anchor_start, anchor_end = "start", "end"
    direction = "rtl" if right_to_left else "ltr"
    parts: list[str] = []
    y = _PADDING
    room = WIDTH - 2 * _PADDING
    for bar in bars:
        for line in _lines(bar.label):
            y += _LINE
            parts.append(f'<text class="chart__label" x="{_x(_PADDING + 4, right_to_left)}" '
                         f'y="{y}" text-anchor="{anchor_start}" fill="{TEXT_COLOUR}">'
                         f'{escape(line)}</text>')
        top = y + 6
        middle = top + _BAR / 2 + 5
        if bar.fraction is None:
            # No bar, only the words where it would start.
            parts.append(f'<text class="chart__value chart__value--hidden" '
                         f'x="{_x(_PADDING + 4, right_to_left)}" y="{middle:g}" '
                         f'text-anchor="{anchor_start}" fill="{TEXT_COLOUR}" '
                         f'font-style="italic">{escape(bar.text)}</text>')
        else:
            # The figure sits after the bar, or inside its end when the bar leaves no room.
            length = max(min(bar.fraction, 1.0), 0.0) * room
            inside = length > room - 10 * len(bar.text) - 8
            x = (WIDTH - _PADDING - length) if right_to_left else _PADDING
            parts.append(f'<rect class="chart__bar" x="{x:g}" y="{top}" width="{length:g}" '
                         f'height="{_BAR}" fill="{BAR_COLOUR}"/>')
            if inside:
                parts.append(f'<text class="chart__value chart__value--inside" '
                             f'x="{_x(_PADDING + length - 6, right_to_left)}" y="{middle:g}" '
                             f'text-anchor="{anchor_end}" fill="#ffffff" '
                             f'font-weight="bold">{escape(bar.text)}</text>')
            else:
                parts.append(f'<text class="chart__value" '
                             f'x="{_x(_PADDING + length + 6, right_to_left)}" y="{middle:g}" '
                             f'text-anchor="{anchor_start}" fill="{TEXT_COLOUR}" '
                             f'font-weight="bold">{escape(bar.text)}</text>')
        y = top + _BAR + _GAP
    height = y + _PADDING
    # The axis the bars start from.
    axis = _x(_PADDING, right_to_left)
    parts.insert(0, f'<line class="chart__axis" x1="{axis}" y1="{_PADDING}" x2="{axis}" '
                    f'y2="{height - _PADDING}" stroke="{TRACK_COLOUR}" stroke-width="1"/>')
    figures = "; ".join(f"{bar.label}: {bar.text}" for bar in bars)
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id={quoteattr(chart_id)} '
            f'viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
            f'aria-labelledby="{title_id} {desc_id}" direction="{direction}" font-size="{_FONT}" '
            f'font-family="system-ui, sans-serif">'
            f'<title id="{title_id}">{escape(title)}</title>'
            f'<desc id="{desc_id}">{escape(description)} {escape(figures)}</desc>'
            + "".join(parts) + "</svg>")
