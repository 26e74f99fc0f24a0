"""A compact's sustainability plan: requested from the partner government, received and
accepted, with the measures it commits to and the TIP Office's follow-ups.

GAO found that sustainability plans were never provided nor followed up; these tables
record both.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from compacts.models import Compact
from cpc.models import ConstraintErrorsOnFields, DeletesReplacedFiles, StampsRecordedAt
from cpc.storage import private_storage
from cpc.uploads import validate_evidence
from cpc.validators import LONG_TEXT_MAX, NOTE_MAX, bounded_text, validate_sane_date

ERR_DUE_BEFORE_REQUEST = _("The due date must be after the date the plan was requested.")
ERR_RECEIVED_BEFORE_REQUEST = _("The plan cannot be received before it was requested.")
ERR_PLAN_DATES = _("A requested plan needs the date it was requested and its due date.")
ERR_RECEIVED_DATE = _("A received or accepted plan needs the date it was received.")


class PlanStatus(models.TextChoices):
    NOT_REQUESTED = "not_requested", _("Not requested")
    REQUESTED = "requested", _("Requested")
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")


class SustainabilityPlanQuerySet(models.QuerySet):
    """The rule of an overdue plan, for many plans at once; ``SustainabilityPlan.is_overdue``
    reads the same rule on one."""

    def awaited(self):
        """Requested and not received: the plans the partner government still owes."""
        return self.filter(status=PlanStatus.REQUESTED, received_on__isnull=True)

    def due_by(self, day: dt.date):
        """Awaited plans due on ``day`` or before (overdue ones included)."""
        return self.awaited().filter(due_on__lte=day)

    def overdue(self, on: dt.date | None = None):
        """Awaited plans past their due date on ``on`` (today by default)."""
        return self.awaited().filter(due_on__lt=on or timezone.localdate())


class SustainabilityPlan(StampsRecordedAt, ConstraintErrorsOnFields, DeletesReplacedFiles,
                         models.Model):
    """How the partner government will sustain the compact's achievements after it ends."""

    compact = models.OneToOneField(
        Compact, on_delete=models.PROTECT, related_name="sustainability_plan"
    )
    status = models.CharField(
        max_length=16, choices=PlanStatus.choices, default=PlanStatus.NOT_REQUESTED
    )
    # The day and server time the plan was requested, stamped by ``plan_request``; never
    # typed (check 6 needs the request no later than the dialogue).
    requested_on = models.DateField(null=True, blank=True, validators=[validate_sane_date])
    requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    due_on = models.DateField(null=True, blank=True, validators=[validate_sane_date])
    received_on = models.DateField(null=True, blank=True, validators=[validate_sane_date])
    document = models.FileField(
        storage=private_storage, upload_to="contributions/plans/%Y/%m/", blank=True,
        max_length=255, validators=[validate_evidence],
    )
    notes = bounded_text(LONG_TEXT_MAX, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Server time the plan's standing (status, dates, document) was last recorded.
    recorded_at = models.DateTimeField(editable=False)
    recorded_fields = ("status", "due_on", "received_on", "document")

    objects = SustainabilityPlanQuerySet.as_manager()
    constraint_error_fields = {
        "plan_due_after_requested": "due_on",
        "plan_received_not_before_requested": "received_on",
    }
    history = HistoricalRecords()

    class Meta:
        ordering = ["compact"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gt=F("requested_on"))
                | Q(due_on__isnull=True)
                | Q(requested_on__isnull=True),
                name="plan_due_after_requested",
                violation_error_message=ERR_DUE_BEFORE_REQUEST,
            ),
            models.CheckConstraint(
                condition=Q(received_on__gte=F("requested_on"))
                | Q(received_on__isnull=True)
                | Q(requested_on__isnull=True),
                name="plan_received_not_before_requested",
                violation_error_message=ERR_RECEIVED_BEFORE_REQUEST,
            ),
        ]

    def __str__(self) -> str:
        return f"Sustainability plan of {self.compact}"

    def clean(self):
        errors: dict[str, list[str]] = {}
        if self.requested_on and self.due_on and self.due_on <= self.requested_on:
            errors["due_on"] = [ERR_DUE_BEFORE_REQUEST]
        if self.requested_on and self.received_on and self.received_on < self.requested_on:
            errors["received_on"] = [ERR_RECEIVED_BEFORE_REQUEST]
        if self.status != PlanStatus.NOT_REQUESTED:
            for field in ("requested_on", "due_on"):
                if getattr(self, field) is None:
                    errors.setdefault(field, []).append(ERR_PLAN_DATES)
        if self.status in (PlanStatus.RECEIVED, PlanStatus.ACCEPTED) and not self.received_on:
            errors.setdefault("received_on", []).append(ERR_RECEIVED_DATE)
        if errors:
            raise ValidationError(errors)

    @property
    def is_awaited(self) -> bool:
        """Requested and not received (``SustainabilityPlanQuerySet.awaited``)."""
        return self.status == PlanStatus.REQUESTED and self.received_on is None

    def is_overdue(self, on: dt.date | None = None) -> bool:
        """Awaited past its due date on ``on``, today by default
        (``SustainabilityPlanQuerySet.overdue``)."""
        return (self.is_awaited and self.due_on is not None
                and self.due_on < (on or timezone.localdate()))


class MeasureCategory(models.TextChoices):
    BUDGET_LINE = "budget_line", _("Budget line")
    INSTITUTIONALIZATION = "institutionalization", _("Institutionalization")
    LEGISLATION_POLICY = "legislation_policy", _("Legislation or policy")
    STAFFING = "staffing", _("Staffing")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other")


class MeasureStatus(models.TextChoices):
    # Adjectives agreeing with "measure" (medida, mesure: feminine), where a dialogue's
    # "Planned" is masculine.
    PLANNED = "planned", pgettext_lazy("sustainability measure status", "Planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("sustainability measure status", "In progress")
    DONE = "done", pgettext_lazy("sustainability measure status", "Done")
    DROPPED = "dropped", pgettext_lazy("sustainability measure status", "Dropped")


class Measure(models.Model):
    """One thing the partner government commits to in its sustainability plan."""

    plan = models.ForeignKey(SustainabilityPlan, on_delete=models.PROTECT,
                             related_name="measures")
    description = bounded_text(LONG_TEXT_MAX)
    category = models.CharField(max_length=24, choices=MeasureCategory.choices)
    responsible_institution = models.CharField(max_length=255)
    status = models.CharField(max_length=16, choices=MeasureStatus.choices,
                              default=MeasureStatus.PLANNED)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "position", "pk"]

    def __str__(self) -> str:
        return self.description[:80]


class FollowUp(models.Model):
    """A contact with the partner government about its sustainability plan."""

    plan = models.ForeignKey(SustainabilityPlan, on_delete=models.PROTECT,
                             related_name="follow_ups")
    date = models.DateField(validators=[validate_sane_date])
    note = bounded_text(LONG_TEXT_MAX)
    next_step = bounded_text(NOTE_MAX, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "-date", "-pk"]

    def __str__(self) -> str:
        return f"Follow-up of {self.date}"
