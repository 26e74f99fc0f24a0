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

from oversight.compliance import MET, NOT_APPLICABLE, NOT_MET, PENDING

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


# Fill of each check status, told apart by lightness and by the letter in the cell.
HEAT = {MET: ("#008817", "white", "M"), NOT_MET: ("#b50909", "white", "N"),
        PENDING: ("#ffbe2e", "#1b1b1b", "P"), NOT_APPLICABLE: ("#dfe1e2", "#1b1b1b", "-")}


def heat_map_svg(*, chart_id: str, title: str, rows: Sequence[tuple[str, Sequence[str]]],
                 columns: int = 6, width: int = 640) -> str:
    """Compacts (rows) by the six checks (columns); each cell's status by colour and letter."""
    label_w, top, row_h = 170, 22, 14
    cell_w = (width - label_w - 10) / columns
    height = top + row_h * max(len(rows), 1) + 24
    desc = "; ".join(f"{label}: " + ", ".join(
        f"check {n + 1} {status.replace('_', ' ')}" for n, status in enumerate(statuses))
        for label, statuses in rows) or "No compacts."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'class="chart heatmap">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
    ]
    for n in range(columns):
        parts.append(f'<text x="{label_w + cell_w * (n + 0.5):.1f}" y="{top - 8}" '
                     f'text-anchor="middle" font-size="9" font-weight="bold" {FONT}>'
                     f'Check {n + 1}</text>')
    for index, (label, statuses) in enumerate(rows):
        y = top + row_h * index
        parts.append(f'<text x="{label_w - 6}" y="{y + row_h * 0.72:.1f}" text-anchor="end" '
                     f'font-size="8.5" {FONT}>{escape(label)}</text>')
        for n, status in enumerate(statuses):
            fill, ink, letter = HEAT.get(status, HEAT[NOT_APPLICABLE])
            x = label_w + cell_w * n
            parts.append(f'<rect x="{x + 1:.1f}" y="{y + 1}" width="{cell_w - 2:.1f}" '
                         f'height="{row_h - 2}" fill="{fill}"/>')
            parts.append(f'<text x="{x + cell_w / 2:.1f}" y="{y + row_h * 0.72:.1f}" '
                         f'text-anchor="middle" font-size="8" fill="{ink}" {FONT}>{letter}'
                         "</text>")
    legend_y = height - 6
    x = label_w
    for status, label in ((MET, "Met"), (NOT_MET, "Not met"), (PENDING, "Pending"),
                          (NOT_APPLICABLE, "Not applicable")):
        fill, ink, letter = HEAT[status]
        parts.append(f'<rect x="{x}" y="{legend_y - 9}" width="12" height="11" fill="{fill}"/>')
        parts.append(f'<text x="{x + 6}" y="{legend_y}" text-anchor="middle" font-size="8" '
                     f'fill="{ink}" {FONT}>{letter}</text>')
        parts.append(f'<text x="{x + 16}" y="{legend_y}" font-size="9" {FONT}>{label}</text>')
        x += 110
    parts.append("</svg>")
    return "".join(parts)


STATUS_SERIES = (("on_track", "On track", "#008817"), ("at_risk", "At risk", "#e5a000"),
                 ("off_track", "Off track", "#b50909"), ("other", "Not judged", "#a9aeb1"))


def status_multiples_svg(*, chart_id: str, title: str,
                         panels: Sequence[tuple[str, dict[str, int]]], width: int = 640) -> str:
    """Small multiples: one panel per fiscal year, a bar per status of the key indicators,
    all panels on the same scale."""
    per_row = 4
    panel_w, panel_h = width / per_row, 110
    rows = max((len(panels) + per_row - 1) // per_row, 1)
    height = rows * panel_h + 20
    top_count = max([max(c.values(), default=0) for _, c in panels] + [1])
    desc = "; ".join(f"{label}: " + ", ".join(f"{counts.get(key, 0)} {name.lower()}"
                                              for key, name, _ in STATUS_SERIES)
                     for label, counts in panels) or "No key indicators."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'class="chart multiples">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
    ]
    bar_w = (panel_w - 30) / len(STATUS_SERIES)
    for index, (label, counts) in enumerate(panels):
        px, py = (index % per_row) * panel_w, (index // per_row) * panel_h
        base = py + panel_h - 22
        parts.append(f'<text x="{px + panel_w / 2:.1f}" y="{py + 12}" text-anchor="middle" '
                     f'font-size="9" font-weight="bold" {FONT}>{escape(label)}</text>')
        parts.append(f'<line x1="{px + 10}" x2="{px + panel_w - 10:.1f}" y1="{base}" '
                     f'y2="{base}" stroke="#565c65" stroke-width="0.8"/>')
        for n, (key, _name, colour) in enumerate(STATUS_SERIES):
            value = counts.get(key, 0)
            h = (panel_h - 48) * value / top_count
            x = px + 15 + bar_w * n
            parts.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar_w - 4:.1f}" '
                         f'height="{h:.1f}" fill="{colour}"/>')
            parts.append(f'<text x="{x + (bar_w - 4) / 2:.1f}" y="{base - h - 2:.1f}" '
                         f'text-anchor="middle" font-size="8" {FONT}>{value}</text>')
    legend_y = height - 4
    x = 10
    for _key, name, colour in STATUS_SERIES:
        parts.append(f'<rect x="{x}" y="{legend_y - 8}" width="9" height="9" fill="{colour}"/>')
        parts.append(f'<text x="{x + 13}" y="{legend_y}" font-size="9" {FONT}>{name}</text>')
        x += 90
    parts.append("</svg>")
    return "".join(parts)
