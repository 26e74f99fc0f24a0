"""GAO's recommendation record: the six recommendations of GAO-23-105390, State's
concurrence, the actions State took with their evidence, and GAO's status of each.

The checks (oversight/compliance.py) say whether the program's own records meet each
recommendation; this record says where GAO stands on it. Both are shown side by side.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from cpc.models import ConstraintErrorsOnFields, DeletesReplacedFiles
from cpc.storage import private_storage
from cpc.uploads import validate_upload
from cpc.validators import LONG_TEXT_MAX, NOTE_MAX, bounded_text, validate_sane_date

GAO_REPORT = "GAO-23-105390"
RECOMMENDATION_COUNT = 6  # GAO made six recommendations to State.
# The order actions are listed in: those the public record gives no day for (loaded with the
# record, before any staff added one) first, then by day.
ACTION_ORDER = (F("date").asc(nulls_first=True), "pk")

ERR_NUMBER = _("GAO-23-105390 made recommendations 1 to 6.")
ERR_FUTURE = _("The date cannot be in the future.")
ERR_STATUS_WHEN = (_("Give the date of GAO's status or, when GAO's public record gives no day, "
                   "when GAO reported it (for example \"2025\")."))
ERR_ACTION_WHEN = (_("Give the day State acted or, when the source gives no day, the period it "
                   "gives (for example \"September 2024 to January 2025\")."))


class RecommendationStatus(models.TextChoices):
    """GAO's own status words for a recommendation."""

    OPEN = "open", pgettext_lazy("GAO recommendation status", "Open")
    CLOSED_IMPLEMENTED = "closed_implemented", _("Closed, implemented")
    CLOSED_NOT_IMPLEMENTED = "closed_not_implemented", _("Closed, not implemented")


class GaoRecommendation(ConstraintErrorsOnFields, models.Model):
    """One recommendation of GAO-23-105390 and where GAO stands on it."""

    number = models.PositiveSmallIntegerField(
        unique=True,
        validators=[MinValueValidator(1, ERR_NUMBER),
                    MaxValueValidator(RECOMMENDATION_COUNT, ERR_NUMBER)],
        help_text=_("Its number in GAO-23-105390; the same number as its check."),
    )
    text = bounded_text(
        LONG_TEXT_MAX,
        help_text=_("The recommendation. GAO's exact wording is on its product page; the "
                    "records loaded by the application paraphrase it."),
    )
    concurrence = bounded_text(LONG_TEXT_MAX,
                               help_text=_("State's response, e.g. \"State concurred\"."))
    status = models.CharField(max_length=32, choices=RecommendationStatus.choices,
                              default=RecommendationStatus.OPEN)
    # GAO's public record does not date every status: no day is ever invented. Without a
    # date, ``status_reported`` says when GAO reported it, as precisely as the record does,
    # and the pages read "as reported by GAO, <status_reported>".
    status_as_of = models.DateField(null=True, blank=True,
                                    help_text=_("The date of GAO's status, when it is public."),
                                    validators=[validate_sane_date])
    status_reported = models.CharField(
        max_length=64, blank=True,
        help_text=_("When GAO reported the status, as its public record gives it (for example "
                    "\"2025\" or \"May 2025\"), when no day is public."))
    status_note = bounded_text(NOTE_MAX, blank=True,
                                   help_text=_("What GAO last said about the status, and when."))

    constraint_error_fields = {"gao_recommendation_number_1_to_6": "number",
                               "gao_recommendation_status_dated": "status_as_of"}
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("GAO recommendation")
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=RECOMMENDATION_COUNT),
                name="gao_recommendation_number_1_to_6",
                violation_error_message=ERR_NUMBER,
            ),
            # A status says when: its day, or when GAO reported it if no day is public.
            models.CheckConstraint(
                condition=Q(status_as_of__isnull=False) | ~Q(status_reported=""),
                name="gao_recommendation_status_dated",
                violation_error_message=ERR_STATUS_WHEN,
            ),
        ]

    def __str__(self) -> str:
        return f"Recommendation {self.number} ({self.get_status_display().lower()})"

    def clean(self):
        if self.status_as_of and self.status_as_of > dt.date.today():
            raise ValidationError({"status_as_of": ERR_FUTURE})


class GaoAgencyAction(ConstraintErrorsOnFields, DeletesReplacedFiles, models.Model):
    """Something State did in response to a recommendation, with the evidence GAO cites."""

    # PROTECT: the record of what State did stays with its recommendation.
    recommendation = models.ForeignKey(GaoRecommendation, on_delete=models.PROTECT,
                                       related_name="actions")
    # The day State acted when the source gives one; otherwise ``period`` says when, as the
    # source does ("September 2024 to January 2025"), and no day is invented.
    date = models.DateField(
        null=True, blank=True, validators=[validate_sane_date],
        help_text=_("The day State acted, when the source gives one."),
    )
    period = models.CharField(
        max_length=128, blank=True,
        help_text=_("When State acted, as the source gives it when it gives no day (for "
                    "example \"December 2024\")."),
    )
    description = bounded_text(LONG_TEXT_MAX)
    evidence = bounded_text(LONG_TEXT_MAX, help_text=_("The documents GAO cites as evidence."))
    evidence_file = models.FileField(
        storage=private_storage, upload_to="oversight/gao-evidence/%Y/%m/", blank=True,
        max_length=255, help_text=_("A copy of the evidence (optional). Stored privately."),
        validators=[validate_upload],
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    constraint_error_fields = {"gao_action_dated": "date"}
    history = HistoricalRecords()

    class Meta:
        ordering = ["recommendation", *ACTION_ORDER]
        verbose_name = _("agency action")
        constraints = [
            # An action says when: its day, or the period the source gives.
            models.CheckConstraint(
                condition=Q(date__isnull=False) | ~Q(period=""),
                name="gao_action_dated",
                violation_error_message=ERR_ACTION_WHEN,
            ),
        ]

    def __str__(self) -> str:
        return f"Recommendation {self.recommendation.number}, {self.date or self.period}"

    def clean(self):
        if self.date and self.date > dt.date.today():
            raise ValidationError({"date": ERR_FUTURE})
