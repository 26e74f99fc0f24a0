"""The choices of indicators, targets and results: unit, direction, cumulation, a result's
review status, and the sex and age groups of its parts."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    COUNT = "count", _("Count")
    PERCENT = "percent", _("Percent")
    YES_NO = "yes_no", _("Yes / no")
    USD = "usd", _("U.S. dollars")


class Direction(models.TextChoices):
    INCREASE = "increase", _("Increase is better")
    DECREASE = "decrease", _("Decrease is better")


PARTNER_BUDGET_NOTE = _(
    "The partner government's own budget for this purpose, as reported; a different measure "
    "from its contributions to the compact, which the contributions ledger records and "
    "check 5 counts."
)


class Cumulation(models.TextChoices):
    NON_CUMULATIVE = "non_cumulative", _("Non-cumulative: each year stands alone")
    CUMULATIVE = "cumulative", _("Cumulative: the running total counts")
    LATEST = "latest", _("Latest: the most recent value stands")


class ResultStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female (girls)")
    MALE = "male", _("Male (boys)")
    UNKNOWN = "unknown", _("Unknown")


class AgeGroup(models.TextChoices):
    UNDER_12 = "under_12", _("Under 12")
    AGE_12_17 = "12_17", _("12 to 17")
    UNKNOWN = "unknown", _("Unknown")


def figure_names(unit: str) -> list[str]:
    """The figures of a result that are entered: a percent's parts, or the value."""
    return ["numerator", "denominator"] if unit == Unit.PERCENT else ["value"]
