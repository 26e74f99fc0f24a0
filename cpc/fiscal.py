"""U.S. federal fiscal years: FY 2024 runs from 1 October 2023 to 30 September 2024."""

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator

# The range any fiscal year a user types must fall in (a sanity bound, not a policy).
FISCAL_YEAR_MIN, FISCAL_YEAR_MAX = 2000, 2100
fiscal_year_validators = [MinValueValidator(FISCAL_YEAR_MIN), MaxValueValidator(FISCAL_YEAR_MAX)]


def fiscal_year_of(day: dt.date) -> int:
    return day.year + 1 if day.month >= 10 else day.year


def fiscal_year_bounds(fiscal_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(fiscal_year - 1, 10, 1), dt.date(fiscal_year, 9, 30)


def fiscal_year_window(fiscal_year: int, *, days_after: int = 0) -> tuple[dt.date, dt.date]:
    """The days a record of ``fiscal_year`` may fall on: the year itself, and ``days_after``
    days past its end for what is held once the year's figures are in (an annual dialogue)."""
    first_day, last_day = fiscal_year_bounds(fiscal_year)
    return first_day, last_day + dt.timedelta(days=days_after)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
