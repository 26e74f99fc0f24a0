"""A small server-rendered SVG chart of one indicator: the approved actual of each fiscal year
as a bar, the year's target as a marker across it.

Pure Python, no dependencies, no JavaScript and no randomness: the same rows give the same
string, so the chart can go into the web page and into a PDF report alike. The figures are
those of :mod:`indicators.progress` (for a cumulative indicator, running totals), and every
chart carries a ``<title>`` and a ``<desc>`` that state them in words for screen readers.

Usage::

    item = progress_for_indicators(indicators)[indicator.pk]
    svg = indicator_chart_svg(item.years, title=f"{indicator.code} {indicator.name}",
                              unit=indicator.unit, direction=indicator.direction,
                              chart_id=f"chart-{indicator.pk}")

or simply ``indicator_progress_chart_svg(item)``.
"""

from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.translation import gettext_lazy as _

from .formatting import NOT_REPORTED
from .models import Cumulation, Direction, Unit
from .progress import IndicatorProgress, Progress, status_label

WIDTH, HEIGHT = 360, 200
NO_YEARS = _("No fiscal years to show")
ACTUAL_APPROVED = _("Actual (approved)")
NOT_DUE = _("not due")
FONT = 'font-family="Source Sans Pro, Liberation Sans, DejaVu Sans, Helvetica, sans-serif"'
# USWDS colours; actual and target differ in lightness too, so they read in greyscale.
ACTUAL_FILL = "#005ea2"
TARGET_STROKE = "#1b1b1b"
GRID = "#dfe1e2"
AXIS = "#71767a"
TEXT = "#1b1b1b"

DIRECTION_NOTES = {
    Direction.INCREASE: _("Higher is better"),
    Direction.DECREASE: _("Lower is better"),
}
RUNNING_TOTAL_NOTES = {
    Direction.INCREASE: _("Higher is better (running total)"),
    Direction.DECREASE: _("Lower is better (running total)"),
}
DIRECTION_SENTENCES = {
    Direction.INCREASE: _("Higher is better."),
    Direction.DECREASE: _("Lower is better."),
}


def _short(value: Decimal, unit: str) -> str:
    """A compact label for an amount: 1,250 · 48.5% · $1.2M · Yes."""
    value = Decimal(value)
    if unit == Unit.YES_NO:
        return str(_("Yes")) if value >= 1 else str(_("No"))
    if unit == Unit.PERCENT:
        return f"{value:.0f}%" if value == value.to_integral_value() else f"{value:.1f}%"
    prefix = "$" if unit == Unit.USD else ""
    size = abs(value)
    if size >= 1_000_000:
        return f"{prefix}{value / 1_000_000:,.1f}M"
    if size >= 10_000:
        return f"{prefix}{value / 1_000:,.0f}K"
    if value == value.to_integral_value():
        return f"{prefix}{value:,.0f}"
    return f"{prefix}{value:,.1f}"


def _words(value: Decimal | None, unit: str) -> str:
    return NOT_REPORTED if value is None else _short(value, unit)


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest 1, 2 or 5 times a power of ten that is at least ``value`` (1 for 0)."""
    value = Decimal(value)
    if value <= 0:
        return Decimal(1)
    magnitude = Decimal(1)
    while magnitude * 10 < value:
        magnitude *= 10
    while magnitude > value:
        magnitude /= 10
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - the loop above always returns


def _scale_top(rows: Sequence[Progress], unit: str) -> Decimal:
    if unit == Unit.PERCENT:
        return Decimal(100)
    if unit == Unit.YES_NO:
        return Decimal(1)
    amounts = [v for r in rows for v in (r.target, r.actual) if v is not None]
    return nice_ceiling(max(amounts, default=Decimal(0)))


def _year_label(year) -> str:
    """The fiscal year as the tables write it in the reader's language (FY2024, AF 2024)."""
    return str(_("FY %(year)s") % {"year": year})


def _text_width(text: str, size: float) -> float:
    """A generous estimate of the width of ``text`` at ``size`` in a sans-serif face."""
    return len(text) * size * 0.56


def _description(rows: Sequence[Progress], unit: str, direction: str, cumulation: str) -> str:
    sentences = [str(DIRECTION_SENTENCES.get(direction, DIRECTION_SENTENCES[Direction.INCREASE]))]
    if cumulation == Cumulation.CUMULATIVE:
        sentences.append(str(_("Running totals to date.")))
    if not rows:
        sentences.append(str(_("No fiscal years to show.")))
        return " ".join(sentences)
    years = []
    for row in rows:
        figures = {"year": _year_label(row.fiscal_year), "actual": _words(row.actual, unit),
                   "target": _words(row.target, unit), "status": status_label(row).lower()}
        if row.percent_of_target is not None:
            figures["percent"] = f"{row.percent_of_target:.0f}"
            years.append(_("%(year)s: actual %(actual)s, target %(target)s, %(percent)s%% of "
                           "target, %(status)s") % figures)
        else:
            years.append(_("%(year)s: actual %(actual)s, target %(target)s, %(status)s")
                         % figures)
    sentences.append(str(_("Only approved results count.")))
    sentences.append(str(_("%(years)s.") % {"years": "; ".join(years)}))
    return " ".join(sentences)


def indicator_chart_svg(
    progress_rows: Sequence[Progress],
    *,
    title: str,
    unit: str = Unit.COUNT,
    direction: str = Direction.INCREASE,
    cumulation: str = Cumulation.NON_CUMULATIVE,
    chart_id: str = "indicator-chart",
    width: int = WIDTH,
    height: int = HEIGHT,
) -> str:
    """The SVG markup (a string) of one indicator's actual against target by fiscal year.

    ``progress_rows`` are the per-year :class:`~indicators.progress.Progress` rows of
    :func:`~indicators.progress.progress_for_indicators` (``IndicatorProgress.years``); a row
    without a fiscal year (the life-of-compact row) is left out. ``unit``, ``direction`` and
    ``cumulation`` are the indicator's: they decide the scale (percent 0-100, yes/no 0-1), the
    labels ($, %, Yes/No) and the "higher/lower is better" note. ``chart_id`` must be unique
    in the document that embeds the chart: it prefixes the ids of ``<title>`` and ``<desc>``.
    The size is fixed (``width`` x ``height`` user units, also the viewBox).
    """
    rows = sorted((r for r in progress_rows if r.fiscal_year is not None),
                  key=lambda r: r.fiscal_year)
    left, right, top, bottom = 46, 10, 30, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    base_y = top + plot_h
    ceiling = _scale_top(rows, unit)

    def y_of(value: Decimal) -> float:
        share = min(max(Decimal(value) / ceiling, Decimal(0)), Decimal(1))
        return base_y - float(share) * plot_h

    cid = escape(chart_id, {'"': "&quot;"})
    notes = RUNNING_TOTAL_NOTES if cumulation == Cumulation.CUMULATIVE else DIRECTION_NOTES
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{cid}-title {cid}-desc" '
        f'class="cpc-chart">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(_description(rows, unit, direction, cumulation))}</desc>',
        f'<text x="{width - right}" y="12" text-anchor="end" font-size="10" fill="{AXIS}" '
        f'{FONT}>{escape(str(notes.get(direction, notes[Direction.INCREASE])))}</text>',
    ]
    # Gridlines and their labels: 0, half and the top of the scale.
    for share in (Decimal(0), Decimal("0.5"), Decimal(1)):
        y = base_y - float(share) * plot_h
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="{AXIS if share == 0 else GRID}" stroke-width="1"/>')
        if unit == Unit.YES_NO and share == Decimal("0.5"):
            continue
        parts.append(f'<text x="{left - 5}" y="{y + 3.5:.1f}" text-anchor="end" font-size="10" '
                     f'fill="{TEXT}" {FONT}>{escape(_short(ceiling * share, unit))}</text>')

    if not rows:
        parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h / 2:.1f}" '
                     f'text-anchor="middle" font-size="11" fill="{TEXT}" {FONT}>'
                     f"{NO_YEARS}</text>")
    slot = plot_w / max(len(rows), 1)
    bar_w = min(28.0, slot * 0.55)
    for index, row in enumerate(rows):
        middle = left + slot * (index + 0.5)
        if row.actual is not None:
            y = y_of(row.actual)
            parts.append(f'<rect x="{middle - bar_w / 2:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                         f'height="{max(base_y - y, 0.0):.1f}" fill="{ACTUAL_FILL}"/>')
            # The label sits above the bar and the target marker, whichever is higher.
            label_y = min(y, y_of(row.target) if row.target is not None else y) - 5
            parts.append(f'<text x="{middle:.1f}" y="{label_y:.1f}" text-anchor="middle" '
                         f'font-size="9" fill="{TEXT}" {FONT}>'
                         f'{escape(_short(row.actual, unit))}</text>')
        else:
            # "not reported" / "no vence aún" run wider than a narrow slot: written upwards
            # from the axis then, so neighbouring years never overlap.
            missing = str(NOT_REPORTED if row.due else NOT_DUE)
            upright = _text_width(missing, 9) > slot - 4
            turn = (f' transform="rotate(-90 {middle + 3:.1f} {base_y - 4:.1f})"' if upright
                    else "")
            parts.append(f'<text x="{middle + (3 if upright else 0):.1f}" y="{base_y - 4:.1f}" '
                         f'text-anchor="{"start" if upright else "middle"}" font-size="9" '
                         f'fill="{AXIS}" {FONT}{turn}>{escape(missing)}</text>')
        if row.target is not None:
            y = y_of(row.target)
            half = bar_w / 2 + 5
            parts.append(f'<line x1="{middle - half:.1f}" x2="{middle + half:.1f}" '
                         f'y1="{y:.1f}" y2="{y:.1f}" stroke="{TARGET_STROKE}" '
                         f'stroke-width="3"/>')
        # The year as the tables write it (FY2023, AF 2023); long compacts (extensions) leave
        # narrow slots: FY23 rather than FY2023.
        year = _year_label(row.fiscal_year)
        if _text_width(year, 10) > slot - 2:
            year = _year_label(f"{row.fiscal_year % 100:02d}")
        parts.append(f'<text x="{middle:.1f}" y="{base_y + 14:.1f}" text-anchor="middle" '
                     f'font-size="10" fill="{TEXT}" {FONT}>{escape(year)}</text>')

    legend_y = height - 8
    parts.append(f'<rect x="{left}" y="{legend_y - 9}" width="10" height="10" '
                 f'fill="{ACTUAL_FILL}"/>')
    actual = str(ACTUAL_APPROVED)
    parts.append(f'<text x="{left + 14}" y="{legend_y}" font-size="10" fill="{TEXT}" {FONT}>'
                 f"{escape(actual)}</text>")
    # The target's key follows the actual's label, however long it reads in the language.
    key_x = left + 14 + _text_width(actual, 10) + 12
    parts.append(f'<line x1="{key_x:.1f}" x2="{key_x + 18:.1f}" y1="{legend_y - 4}" '
                 f'y2="{legend_y - 4}" stroke="{TARGET_STROKE}" stroke-width="3"/>')
    target = _("Target (ceiling)") if direction == Direction.DECREASE else _("Target")
    parts.append(f'<text x="{key_x + 22:.1f}" y="{legend_y}" font-size="10" fill="{TEXT}" '
                 f'{FONT}>{escape(str(target))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def indicator_progress_chart_svg(item: IndicatorProgress, **options) -> str:
    """:func:`indicator_chart_svg` for an :class:`IndicatorProgress`, titled and scaled from
    its indicator; ``options`` (``chart_id``, ``width``, ``height``) pass through."""
    indicator = item.indicator
    options.setdefault("chart_id", f"indicator-chart-{indicator.pk}")
    return indicator_chart_svg(
        item.years,
        title=str(_("%(code)s %(name)s: actual against target by fiscal year") % {
            "code": indicator.code, "name": indicator.name_in()}),
        unit=indicator.unit,
        direction=indicator.direction,
        cumulation=indicator.cumulation,
        **options,
    )
