"""Why this country: the selection record of a compact, one row for each factor State's
fact sheet names, each with its value, its source and the date the value holds for."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cpc.models import ConstraintErrorsOnFields, StampsRecordedAt
from cpc.samples import MarksSamples
from cpc.validators import LONG_TEXT_MAX, bounded_text, validate_sane_date

from .compacts import Compact

ERR_AS_OF_FUTURE = _("The date a value holds for cannot be in the future.")


class SelectionFactorKind(models.TextChoices):
    """The country selection factors of State's fact sheet, in its order."""

    TIP_REPORT = "tip_report", _(
        "Prevalence and forms of child trafficking in the latest TIP Report")
    POLITICAL_WILL = "political_will", _("Political will under the 3P paradigm")
    COMMITMENT = "commitment", _(
        "Commitment to work with the United States, civil society and international "
        "organizations, and to cooperate with monitoring and evaluation")
    INCOME_LEVEL = "income_level", _("Level of economic development (income level)")
    MCC_SCORECARD = "mcc_scorecard", _("Millennium Challenge Corporation scorecard")
    FREEDOM_HOUSE = "freedom_house", _("Freedom House score")
    CORRUPTION_PERCEPTIONS = "corruption_perceptions", _("Corruption Perceptions Index")
    WORLD_FACTBOOK = "world_factbook", _(
        "World Factbook data (budget balance, school life expectancy, literacy rate, child "
        "labor rate, unemployment rate)")
    US_PROGRAMMING = "us_programming", _("Related U.S. programming in the country")
    RESTRICTIONS = "restrictions", _("Legal, policy and fiscal restrictions on assistance")


class SelectionFactor(MarksSamples, StampsRecordedAt, ConstraintErrorsOnFields, models.Model):
    """One selection factor of a compact as TIP staff recorded it. A factor without a row
    is not recorded (the compact page says so); the demo's values are samples unless a
    public source gives them."""

    compact = models.ForeignKey(Compact, on_delete=models.PROTECT,
                                related_name="selection_factors")
    factor = models.CharField(max_length=32, choices=SelectionFactorKind.choices)
    value = bounded_text(LONG_TEXT_MAX)
    source = models.CharField(max_length=255, help_text=_(
        "Where the value comes from: the report, index or document, with its edition."))
    as_of = models.DateField(validators=[validate_sane_date], verbose_name=_("as of"),
                             help_text=_("The date the value holds for (the source's date)."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True, editable=False)
    recorded_at = models.DateTimeField(editable=False)
    is_sample = models.BooleanField(default=False, editable=False)

    sample_fields = ("value", "source", "as_of")
    recorded_fields = ("value", "source", "as_of")
    constraint_error_fields = {"selection_factor_one_per_compact": "factor"}
    history = HistoricalRecords()

    class Meta:
        ordering = ["compact", "factor"]
        constraints = [
            models.UniqueConstraint(
                fields=["compact", "factor"], name="selection_factor_one_per_compact",
                violation_error_message=_("This compact already records that factor.")),
        ]

    def __str__(self) -> str:
        return f"{self.compact}: {self.get_factor_display()}"

    def clean(self):
        if self.as_of and self.as_of > timezone.localdate():
            raise ValidationError({"as_of": ERR_AS_OF_FUTURE})
