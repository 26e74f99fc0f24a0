"""U.S. federal fiscal years: FY 2024 runs from 1 October 2023 to 30 September 2024."""

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator

# The range any fiscal year a user types must fall in (a sanity bound, not a policy). The one
# home of the rule: the models' year fields carry ``fiscal_year_validators`` (so the API's
# serializers bound them too), the forms' year fields are bounded by ``bound_year_field``,
# and code that turns a year into dates checks ``is_fiscal_year`` first (FY 1 has no first day
# in Python: "year 0 is out of range").
FISCAL_YEAR_MIN, FISCAL_YEAR_MAX = 2000, 2100
fiscal_year_validators = [MinValueValidator(FISCAL_YEAR_MIN), MaxValueValidator(FISCAL_YEAR_MAX)]


def is_fiscal_year(value) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)
            and FISCAL_YEAR_MIN <= value <= FISCAL_YEAR_MAX)


def bound_year_field(field) -> None:
    """Bound a form's integer year field like the API's: the same limits, the same messages
    as a form error, and ``min``/``max`` on the input."""
    from django import forms

    if not isinstance(field, forms.IntegerField):
        return
    field.min_value, field.max_value = FISCAL_YEAR_MIN, FISCAL_YEAR_MAX
    field.validators = [v for v in field.validators
                        if not isinstance(v, MinValueValidator | MaxValueValidator)]
    field.validators.extend(fiscal_year_validators)
    field.widget.attrs.update(field.widget_attrs(field.widget))


def bound_year_fields(form) -> None:
    """``bound_year_field`` for every field of ``form`` whose name says it is a year."""
    for name, field in form.fields.items():
        if name.endswith("year"):
            bound_year_field(field)


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


def year_being_reported(years: list[int], today: dt.date) -> int | None:
    """Of a compact's fiscal ``years``, the one whose results are reported now: the last one
    ended (results are annual), or the compact's last year once it is over; ``None`` while
    none of them has ended."""
    last_ended = fiscal_year_of(today) - 1
    if not years or last_ended < years[0]:
        return None
    return min(last_ended, years[-1])
