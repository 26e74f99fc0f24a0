"""Validators shared by every app."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# Any date a user types falls in this range: the program started in 2015 and its records
# go back no further than the TIP Reports before it. A sanity bound, not a policy: it stops
# a year typed as 1 or 20245 from passing as a real date.
DATE_MIN, DATE_MAX = dt.date(1990, 1, 1), dt.date(2100, 12, 31)
ERR_DATE_RANGE = f"Enter a date between {DATE_MIN:%Y-%m-%d} and {DATE_MAX:%Y-%m-%d}."


@deconstructible
class SaneDateValidator:
    def __call__(self, value) -> None:
        if isinstance(value, dt.date) and not DATE_MIN <= _as_date(value) <= DATE_MAX:
            raise ValidationError(ERR_DATE_RANGE, code="date_out_of_range")

    def __eq__(self, other):
        return isinstance(other, SaneDateValidator)


def _as_date(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def is_sane_date(value) -> bool:
    return isinstance(value, dt.date) and DATE_MIN <= _as_date(value) <= DATE_MAX


validate_sane_date = SaneDateValidator()
