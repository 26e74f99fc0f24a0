"""Validators shared by every app."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
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


# Every free-text field a user types into has a length limit (NIST SI-10, SC-5): a megabyte
# "description" went through the API and the forms. Long text (a description, a definition,
# a summary, a discussion's notes) holds up to LONG_TEXT_MAX characters, a note or a reason up
# to NOTE_MAX. Django's TextField passes ``max_length`` to forms (and DRF to serializers) but
# does not check it on the model, hence the validator: every path (page, API, admin, import,
# services) gets "Ensure this value has at most 10000 characters (it has 1048576)." under the
# field's name. On PostgreSQL the column stays ``text``: the limit is the application's.
LONG_TEXT_MAX = 10_000
NOTE_MAX = 2_000


def bounded_text(limit: int, *args, **options) -> models.TextField:
    """A ``TextField`` of at most ``limit`` characters, checked by forms, serializers and
    ``full_clean``."""
    validators = [MaxLengthValidator(limit), *options.pop("validators", ())]
    return models.TextField(*args, max_length=limit, validators=validators, **options)
