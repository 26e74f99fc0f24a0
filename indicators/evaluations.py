"""Evaluations of a compact: baseline, midline and endline rounds and prevalence studies,
with their dates, implementer, document, key findings and the indicators they measure.

They live with the indicators (they name them); ``indicators.models`` imports the model so
the app's migrations and ``indicators.models.Evaluation`` find it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from compacts.models import Compact, Implementer
from cpc.models import ConstraintErrorsOnFields, DeletesReplacedFiles, StampsRecordedAt
from cpc.samples import MarksSamples
from cpc.storage import private_storage
from cpc.uploads import validate_upload
from cpc.validators import LONG_TEXT_MAX, NOTE_MAX, bounded_text, validate_sane_date

ERR_FIELDWORK_ORDER = _("Fieldwork cannot end before it starts.")
ERR_PUBLISHED_BEFORE_FIELDWORK = _("An evaluation cannot be published before its fieldwork "
                                   "starts.")
ERR_PUBLISHED_FUTURE = _("The publication date cannot be in the future.")
ERR_FINDINGS_REQUIRED = _("A published evaluation states its key findings.")
ERR_INDICATOR_OTHER_COMPACT = _("Choose indicators of this compact only.")


class EvaluationKind(models.TextChoices):
    BASELINE = "baseline", _("Baseline")
    MIDLINE = "midline", _("Midline")
    ENDLINE = "endline", _("Endline")
    PREVALENCE = "prevalence", _("Prevalence study")


class Evaluation(MarksSamples, StampsRecordedAt, DeletesReplacedFiles, ConstraintErrorsOnFields,
                 models.Model):
    """A study of a compact. Its indicators are the compact's own (the service checks);
    findings are required once it is published."""

    compact = models.ForeignKey(Compact, on_delete=models.PROTECT, related_name="evaluations")
    kind = models.CharField(max_length=16, choices=EvaluationKind.choices)
    title = models.CharField(max_length=255)
    fieldwork_start = models.DateField(null=True, blank=True, validators=[validate_sane_date],
                                       verbose_name=_("fieldwork start"))
    fieldwork_end = models.DateField(null=True, blank=True, validators=[validate_sane_date],
                                     verbose_name=_("fieldwork end"))
    published_on = models.DateField(null=True, blank=True, validators=[validate_sane_date],
                                    verbose_name=_("published on"))
    implementer = models.ForeignKey(Implementer, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="evaluations")
    design = bounded_text(NOTE_MAX, blank=True, help_text=_(
        "How it was done: rounds, comparison groups or regions, sample."))
    key_findings = bounded_text(LONG_TEXT_MAX, blank=True)
    document = models.FileField(storage=private_storage, upload_to="evaluations/%Y/%m/",
                                blank=True, max_length=255, validators=[validate_upload],
                                help_text=_("The report as published. Stored privately."))
    indicators = models.ManyToManyField("indicators.Indicator", blank=True,
                                        related_name="evaluations")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True, editable=False)
    recorded_at = models.DateTimeField(editable=False)
    is_sample = models.BooleanField(default=False, editable=False)

    sample_fields = ("fieldwork_start", "fieldwork_end", "published_on", "key_findings")
    recorded_fields = ("kind", "title", "fieldwork_start", "fieldwork_end", "published_on",
                       "key_findings", "design")
    constraint_error_fields = {"evaluation_fieldwork_order": "fieldwork_end"}
    history = HistoricalRecords(m2m_fields=[indicators])

    class Meta:
        app_label = "indicators"
        ordering = ["compact", "fieldwork_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fieldwork_end__isnull=True) | Q(fieldwork_start__isnull=True)
                | Q(fieldwork_end__gte=F("fieldwork_start")),
                name="evaluation_fieldwork_order",
                violation_error_message=ERR_FIELDWORK_ORDER),
        ]

    def __str__(self) -> str:
        return f"{self.compact}: {self.title}"

    def clean(self):
        errors = {}
        start, published = self.fieldwork_start, self.published_on
        if published and start and published < start:
            errors["published_on"] = ERR_PUBLISHED_BEFORE_FIELDWORK
        elif published and published > timezone.localdate():
            errors["published_on"] = ERR_PUBLISHED_FUTURE
        if published and not (self.key_findings or "").strip():
            errors["key_findings"] = ERR_FINDINGS_REQUIRED
        if errors:
            raise ValidationError(errors)
