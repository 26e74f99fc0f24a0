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
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cpc.models import ConstraintErrorsOnFields, DeletesReplacedFiles
from cpc.storage import private_storage
from cpc.uploads import validate_upload
from cpc.validators import validate_sane_date

GAO_REPORT = "GAO-23-105390"
RECOMMENDATION_COUNT = 6  # GAO made six recommendations to State.

ERR_NUMBER = "GAO-23-105390 made recommendations 1 to 6."
ERR_FUTURE = "The date cannot be in the future."


class RecommendationStatus(models.TextChoices):
    """GAO's own status words for a recommendation."""

    OPEN = "open", _("Open")
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
    text = models.TextField(
        help_text=_("The recommendation. GAO's exact wording is on its product page; the "
                  "records loaded by the application paraphrase it."),
    )
    concurrence = models.TextField(help_text=_("State's response, e.g. \"State concurred\"."))
    status = models.CharField(max_length=32, choices=RecommendationStatus.choices,
                              default=RecommendationStatus.OPEN)
    status_as_of = models.DateField(help_text=_("The date of GAO's status."),
                                    validators=[validate_sane_date])
    status_note = models.TextField(blank=True,
                                   help_text=_("What GAO last said about the status, and when."))

    constraint_error_fields = {"gao_recommendation_number_1_to_6": "number"}
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
        ]

    def __str__(self) -> str:
        return f"Recommendation {self.number} ({self.get_status_display().lower()})"

    def clean(self):
        if self.status_as_of and self.status_as_of > dt.date.today():
            raise ValidationError({"status_as_of": ERR_FUTURE})


class GaoAgencyAction(DeletesReplacedFiles, models.Model):
    """Something State did in response to a recommendation, with the evidence GAO cites."""

    # PROTECT: the record of what State did stays with its recommendation.
    recommendation = models.ForeignKey(GaoRecommendation, on_delete=models.PROTECT,
                                       related_name="actions")
    date = models.DateField(help_text=_("When State acted (the end of the period, when GAO "
                                      "gives a period)."),
        validators=[validate_sane_date],
    )
    description = models.TextField()
    evidence = models.TextField(help_text=_("The documents GAO cites as evidence."))
    evidence_file = models.FileField(
        storage=private_storage, upload_to="oversight/gao-evidence/%Y/%m/", blank=True,
        max_length=255, help_text=_("A copy of the evidence (optional). Stored privately."),
        validators=[validate_upload],
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["recommendation", "date", "pk"]
        verbose_name = _("agency action")

    def __str__(self) -> str:
        return f"Recommendation {self.recommendation.number}, {self.date}"

    def clean(self):
        if self.date and self.date > dt.date.today():
            raise ValidationError({"date": ERR_FUTURE})
