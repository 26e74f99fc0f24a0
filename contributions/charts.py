"""Server-rendered SVG charts: pure Python, no JavaScript, so the same markup serves the
pages and the PDF reports. Each chart has a <title> and <desc> for screen readers, and the
figures are also given in a table beside it on every page that shows one.
"""

from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.translation import gettext_lazy as _

# Series of the funding picture: (attribute of a FundingYear, label, colour).
# Colours from the USWDS palette, distinguishable in greyscale by their lightness.
FUNDING_SERIES = (
    ("us_awards_usd", _("U.S. awards"), "#1a4480"),
    ("partner_planned_usd", _("Partner contribution planned"), "#97d4ea"),
    ("partner_verified_total_usd", _("Partner contribution verified"), "#e5a000"),
    ("partner_unverified_usd", _("Partner contribution not verified"), "#a9aeb1"),
)


NOT_REPORTED = _("not reported")


def _money(value: Decimal | None) -> str:
    if value is None:
        return NOT_REPORTED
    value = Decimal(value)
    if value >= 1_000_000:
        return f"${value / 1_000_000:,.1f}M"
    if value >= 1_000:
        return f"${value / 1_000:,.0f}K"
    return f"${value:,.0f}"


def _nice_ceiling(value: Decimal) -> Decimal:
    """The smallest 1, 2 or 5 times a power of ten that is at least ``value``."""
    if value <= 0:
        return Decimal("1")
    magnitude = Decimal(10) ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def funding_chart_svg(years: Sequence, *, title: str, width: int = 720,
                      height: int = 320, chart_id: str = "funding") -> str:
    """A grouped bar chart of U.S. awards, partner contributions planned, verified and not
    verified per fiscal year. ``years`` are objects with ``fiscal_year`` and the
    FUNDING_SERIES fields; a None figure is not reported: no bar, and the description says
    so. ``chart_id`` must be unique in the page or PDF that embeds the chart."""
    left, right, top, bottom = 72, 16, 16, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((getattr(y, attr) for y in years for attr, _label, _colour in FUNDING_SERIES
                if getattr(y, attr) is not None), default=Decimal("0"))
    ceiling = _nice_ceiling(Decimal(peak))
    summary = "; ".join(
        f"FY{y.fiscal_year}: " + ", ".join(
            f"{label} {_money(getattr(y, attr))}" for attr, label, _colour in FUNDING_SERIES)
        for y in years
    ) or _("No fiscal years to show.")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-labelledby="{chart_id}-title {chart_id}-desc" class="cpc-chart">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>',
    ]
    # Grid lines and the y axis, in five steps.
    for i in range(6):
        value = ceiling * i / 5
        y = top + plot_h - plot_h * i / 5
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#dfe1e2" stroke-width="1"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" '
                     f'font-size="11" font-family="sans-serif">{_money(value)}</text>')
    if years:
        group_w = plot_w / len(years)
        bar_w = min(28.0, group_w * 0.8 / len(FUNDING_SERIES))
        for index, year in enumerate(years):
            x0 = left + group_w * index + (group_w - bar_w * len(FUNDING_SERIES)) / 2
            for k, (attr, label, colour) in enumerate(FUNDING_SERIES):
                if getattr(year, attr) is None:
                    continue  # not reported: no bar rather than a bar of $0
                value = Decimal(getattr(year, attr))
                bar_h = float(value / ceiling) * plot_h
                x = x0 + k * bar_w
                parts.append(
                    f'<rect x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" width="{bar_w:.1f}" '
                    f'height="{bar_h:.1f}" fill="{colour}"><title>FY{year.fiscal_year} '
                    f'{escape(label)}: {_money(value)}</title></rect>'
                )
            parts.append(
                f'<text x="{left + group_w * (index + 0.5):.1f}" y="{top + plot_h + 16}" '
                f'text-anchor="middle" font-size="11" font-family="sans-serif">'
                f'FY{year.fiscal_year}</text>'
            )
    # Legend below the axis, on a second line when the labels do not fit on one.
    entries, x, row = [], left, 0
    for _attr, label, colour in FUNDING_SERIES:
        needed = 16 + 7 * len(str(label))
        if x > left and x + needed > width - right:
            x, row = left, row + 1
        entries.append((x, row, label, colour))
        x += needed + 24
    for x, row, label, colour in entries:
        legend_y = height - 18 - 18 * (entries[-1][1] - row)
        parts.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" '
                     f'fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="{legend_y}" font-size="11" '
                     f'font-family="sans-serif">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
