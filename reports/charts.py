"""Small pure-Python SVG charts for the oversight reports (no JavaScript, no randomness: the
same figures always give the same markup, so the same data gives the same PDF bytes).

Every chart carries a <title> and <desc> for screen readers, and the report prints the same
figures in a table next to it.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

FONT = 'font-family="Liberation Sans, DejaVu Sans, sans-serif"'
GRID = "#dfe1e2"
# USWDS palette, told apart in greyscale by lightness as well as hue.
SERIES_COLOURS = ("#1a4480", "#e5a000", "#97d4ea")


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[Decimal | None]


def _number(value: Decimal | float) -> str:
    value = Decimal(value)
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:,.1f}M"
    if abs(value) >= 10_000:
        return f"{value / 1_000:,.0f}K"
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest 1, 2 or 5 times a power of ten that is at least ``value``."""
    value = Decimal(value)
    if value <= 0:
        return Decimal("1")
    magnitude = Decimal(10) ** (len(str(int(value))) - 1) if value >= 1 else Decimal("0.1")
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def bar_chart_svg(*, chart_id: str, title: str, categories: Sequence[str],
                  series: Sequence[Series], width: int = 480, height: int = 200,
                  prefix: str = "") -> str:
    """A grouped bar chart: one group per category, one bar per series (missing = no bar)."""
    left, right, top, bottom = 56, 8, 10, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in series for v in s.values if v is not None]
    ceiling = nice_ceiling(max(values, default=Decimal("0")))
    desc = "; ".join(
        f"{category}: " + ", ".join(
            f"{s.label} {prefix}{_number(s.values[i])}" if s.values[i] is not None
            else f"{s.label} none" for s in series)
        for i, category in enumerate(categories)
    ) or "No data."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'class="chart">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
    ]
    for i in range(5):
        value = ceiling * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="{GRID}" stroke-width="0.8"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end" font-size="9" '
                     f'{FONT}>{prefix}{_number(value)}</text>')
    if categories:
        group_w = plot_w / len(categories)
        bar_w = min(22.0, group_w * 0.8 / max(len(series), 1))
        for index, category in enumerate(categories):
            x0 = left + group_w * index + (group_w - bar_w * len(series)) / 2
            for k, item in enumerate(series):
                value = item.values[index]
                if value is None:
                    continue
                bar_h = float(Decimal(value) / ceiling) * plot_h
                parts.append(
                    f'<rect x="{x0 + k * bar_w:.1f}" y="{top + plot_h - bar_h:.1f}" '
                    f'width="{bar_w - 1:.1f}" height="{bar_h:.1f}" '
                    f'fill="{SERIES_COLOURS[k % len(SERIES_COLOURS)]}"/>'
                )
            parts.append(
                f'<text x="{left + group_w * (index + 0.5):.1f}" y="{top + plot_h + 13}" '
                f'text-anchor="middle" font-size="9" {FONT}>{escape(category)}</text>'
            )
    x = left
    legend_y = height - 8
    for k, item in enumerate(series):
        colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
        parts.append(f'<rect x="{x}" y="{legend_y - 8}" width="9" height="9" fill="{colour}"/>')
        parts.append(f'<text x="{x + 13}" y="{legend_y}" font-size="9" {FONT}>'
                     f'{escape(item.label)}</text>')
        x += 13 + 6 * len(item.label) + 18
    parts.append("</svg>")
    return "".join(parts)


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
