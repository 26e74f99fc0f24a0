"""The one rounding rule of every figure the application shows: pages, CSV, XLSX, PDF
reports, the IATI file and the API read figures rounded here, so the same record never reads
76.66 in one place and 76.67 in another.

* indicator targets and actuals: at most two decimal places, half-up;
* percents (of a target, of a plan): a whole percent, half-up;
* U.S. dollar amounts in tables and charts: whole dollars, half-up ($1,500.50 reads $1,501
  everywhere; Python's own formatting would round it to even, $1,500).
"""

from decimal import ROUND_HALF_UP, Decimal

FIGURE_PLACES = Decimal("0.01")
WHOLE = Decimal("1")


def figure(value) -> Decimal | None:
    """A target or actual: two places at most, half-up; integral values lose their places."""
    if value is None:
        return None
    value = Decimal(value).quantize(FIGURE_PLACES, rounding=ROUND_HALF_UP)
    return value.quantize(WHOLE) if value == value.to_integral_value() else value


def percent(value) -> Decimal | None:
    """A percent: a whole percent, half-up."""
    if value is None:
        return None
    return Decimal(value).quantize(WHOLE, rounding=ROUND_HALF_UP)


def whole_dollars(value) -> Decimal | None:
    """A U.S. dollar amount as tables show it: whole dollars, half-up."""
    if value is None:
        return None
    return Decimal(value).quantize(WHOLE, rounding=ROUND_HALF_UP)
