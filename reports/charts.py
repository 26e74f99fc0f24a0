"""The partnership timeline of the program report, in pure-Python SVG: no JavaScript, no
randomness, so the same figures always give the same markup (and the same PDF bytes). It
carries a <title> and <desc> for screen readers; the report's tables give the same dates.

The funding and indicator charts are the web pages' own (contributions/charts.py and
indicators/charts.py).
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

FONT = 'font-family="Liberation Sans, DejaVu Sans, sans-serif"'
GRID = "#dfe1e2"
# USWDS palette, told apart in greyscale by lightness as well as hue.
SERIES_COLOURS = ("#1a4480", "#e5a000", "#97d4ea")  # [0] original term, [2] extension


@dataclass(frozen=True)
class TimelineBar:
    label: str
    start: dt.date
    end: dt.date  # current end, extensions included
    original_end: dt.date
    highlighted: bool = False


def _year_fraction(day: dt.date) -> float:
    return day.year + (day.timetuple().tm_yday - 1) / 366


def timeline_svg(*, chart_id: str, title: str, bars: Sequence[TimelineBar],
                 first_year: int = 2015, last_year: int = 2027, width: int = 640) -> str:
    """Partnerships as horizontal bars on calendar years, like GAO's figure of compacts:
    the original term dark, any extension lighter."""
    label_w, right, top, row_h, axis_h = 150, 10, 8, 18, 38
    height = top + row_h * max(len(bars), 1) + axis_h
    plot_w = width - label_w - right
    span = last_year + 1 - first_year

    def x_of(day: dt.date) -> float:
        fraction = min(max(_year_fraction(day), first_year), last_year + 1)
        return label_w + (fraction - first_year) / span * plot_w

    desc = "; ".join(
        f"{b.label}: {b.start.isoformat()} to {b.end.isoformat()}"
        + (f" (extended from {b.original_end.isoformat()})" if b.end != b.original_end else "")
        for b in bars
    ) or "No partnerships with dates."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'class="chart timeline">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
    ]
    bottom = top + row_h * max(len(bars), 1)
    for year in range(first_year, last_year + 2):
        x = label_w + (year - first_year) / span * plot_w
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{bottom}" '
                     f'stroke="{GRID}" stroke-width="0.8"/>')
        if year <= last_year:
            parts.append(f'<text x="{x + plot_w / span / 2:.1f}" y="{bottom + 14}" '
                         f'text-anchor="middle" font-size="9" {FONT}>{year}</text>')
    for index, bar in enumerate(bars):
        y = top + row_h * index
        weight = ' font-weight="bold"' if bar.highlighted else ""
        parts.append(f'<text x="{label_w - 6}" y="{y + row_h * 0.68:.1f}" text-anchor="end" '
                     f'font-size="9"{weight} {FONT}>{escape(bar.label)}</text>')
        x0, x1, x2 = x_of(bar.start), x_of(bar.original_end), x_of(bar.end)
        parts.append(f'<rect x="{x0:.1f}" y="{y + 4}" width="{max(x1 - x0, 1):.1f}" '
                     f'height="{row_h - 8}" fill="{SERIES_COLOURS[0]}"/>')
        if x2 > x1:
            parts.append(f'<rect x="{x1:.1f}" y="{y + 4}" width="{x2 - x1:.1f}" '
                         f'height="{row_h - 8}" fill="{SERIES_COLOURS[2]}"/>')
    legend_y = height - 2
    parts.append(f'<rect x="{label_w}" y="{legend_y - 8}" width="9" height="9" '
                 f'fill="{SERIES_COLOURS[0]}"/>')
    parts.append(f'<text x="{label_w + 13}" y="{legend_y}" font-size="9" {FONT}>'
                 "Original term</text>")
    parts.append(f'<rect x="{label_w + 100}" y="{legend_y - 8}" width="9" height="9" '
                 f'fill="{SERIES_COLOURS[2]}"/>')
    parts.append(f'<text x="{label_w + 113}" y="{legend_y}" font-size="9" {FONT}>'
                 "Extension</text>")
    parts.append("</svg>")
    return "".join(parts)
