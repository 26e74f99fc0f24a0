"""Annual dialogues: the program's primary monitoring meeting, and what was said at it."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from compacts.models import Compact
from cpc.fiscal import fiscal_year_validators
from cpc.models import ConstraintErrorsOnFields
from indicators.models import Indicator


class DialogueFormat(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIRTUAL = "virtual", "Virtual"
    HYBRID = "hybrid", "Hybrid"


class DialogueStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CLOSED = "closed", "Closed"


class Dialogue(ConstraintErrorsOnFields, models.Model):
    compact = models.ForeignKey(Compact, on_delete=models.PROTECT, related_name="dialogues")
    fiscal_year = models.PositiveSmallIntegerField(
        validators=fiscal_year_validators
    )
    scheduled_for = models.DateField()
    held_on = models.DateField(null=True, blank=True)
    format = models.CharField(max_length=16, choices=DialogueFormat.choices,
                              default=DialogueFormat.IN_PERSON)
    status = models.CharField(max_length=16, choices=DialogueStatus.choices,
                              default=DialogueStatus.PLANNED)
    key_indicators = models.ManyToManyField(Indicator, blank=True,
                                            related_name="key_for_dialogues")
    # Stamped by the server when key indicators are first saved (GAO recommendation 1).
    key_indicators_identified_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)
    contributions_discussed = models.BooleanField(default=False)
    contributions_notes = models.TextField(blank=True)
    sustainability_discussed = models.BooleanField(default=False)
    sustainability_notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    constraint_error_fields = {"dialogue_one_per_compact_year": "fiscal_year"}
    history = HistoricalRecords(m2m_fields=[key_indicators])

    class Meta:
        ordering = ["compact", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["compact", "fiscal_year"],
                name="dialogue_one_per_compact_year",
                violation_error_message="This compact already has a dialogue for that year.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.compact.country} FY{self.fiscal_year} annual dialogue"


class Side(models.TextChoices):
    US_GOVERNMENT = "us_government", "U.S. government"
    PARTNER_GOVERNMENT = "partner_government", "Partner government"
    IMPLEMENTER = "implementer", "Implementer"
    CIVIL_SOCIETY = "civil_society", "Civil society"
    OTHER = "other", "Other"


class Participant(models.Model):
    dialogue = models.ForeignKey(Dialogue, on_delete=models.PROTECT, related_name="participants")
    name = models.CharField(max_length=255)
    organization = models.CharField(max_length=255)
    side = models.CharField(max_length=24, choices=Side.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["dialogue", "side", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization})"


class Discussion(models.Model):
    """Indicator data discussed at a dialogue, with the figures as they stood then."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.PROTECT, related_name="discussions")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT,
                                  related_name="discussions")
    notes = models.TextField()
    target_value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    actual_value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    # A discussion of an indicator that was not a key indicator is allowed but flagged.
    was_key_indicator = models.BooleanField(default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["dialogue", "indicator__code", "pk"]

    def __str__(self) -> str:
        return f"{self.indicator.code} at {self.dialogue}"


class ActionItemStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class ActionItem(models.Model):
    dialogue = models.ForeignKey(Dialogue, on_delete=models.PROTECT, related_name="action_items")
    description = models.TextField()
    owner = models.CharField(max_length=255, blank=True)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=ActionItemStatus.choices,
                              default=ActionItemStatus.OPEN)
    # An open item is carried over to the next year's dialogue; this points back.
    carried_over_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="carried_over_to"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["dialogue", "status", "due_on", "pk"]

    def __str__(self) -> str:
        return self.description[:80]
