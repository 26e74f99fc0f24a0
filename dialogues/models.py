"""Annual dialogues: the program's primary monitoring meeting, and what was said at it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from compacts.models import Compact
from cpc.fiscal import fiscal_year_validators
from cpc.models import ConstraintErrorsOnFields
from indicators.models import Indicator, fiscal_year_errors, unit_value_errors


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


class TargetProposalStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


ERR_PROPOSAL_OTHER_COMPACT = "The indicator does not belong to this dialogue's compact."
ERR_PROPOSAL_PAST_YEAR = ("A target proposed at the FY{dialogue} dialogue is for FY{dialogue} "
                          "or a later year.")
ERR_DECISION_NOTE_REQUIRED = "Say why the proposal is rejected."


class TargetProposal(ConstraintErrorsOnFields, models.Model):
    """An annual target proposed at a dialogue. It changes no target until TIP staff accept
    it (``dialogues/proposals.py``); a rejected one keeps its reason."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.PROTECT,
                                 related_name="target_proposals")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT,
                                  related_name="target_proposals")
    fiscal_year = models.PositiveSmallIntegerField(validators=fiscal_year_validators)
    value = models.DecimalField(max_digits=18, decimal_places=4)
    # The target the proposal would replace, as it stood when proposed (None: there was
    # none). Accepting is refused when the target has changed since.
    replaces_value = models.DecimalField(max_digits=18, decimal_places=4, null=True,
                                         blank=True)
    status = models.CharField(max_length=16, choices=TargetProposalStatus.choices,
                              default=TargetProposalStatus.PENDING)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    constraint_error_fields = {"target_proposal_one_pending_per_indicator_year": "fiscal_year",
                               "target_proposal_rejection_has_note": "decision_note"}
    history = HistoricalRecords()

    class Meta:
        ordering = ["dialogue", "indicator__code", "fiscal_year", "pk"]
        constraints = [
            # Staff decide one proposal at a time for a target: a second one waits.
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year"],
                condition=models.Q(status="pending"),
                name="target_proposal_one_pending_per_indicator_year",
                violation_error_message="A proposal for this indicator and year already "
                                        "awaits TIP staff.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(decision_note=""),
                name="target_proposal_rejection_has_note",
                violation_error_message=ERR_DECISION_NOTE_REQUIRED,
            ),
            # A decision has a date; a pending proposal has none.
            models.CheckConstraint(
                condition=(models.Q(status="pending", decided_at__isnull=True)
                           | (~models.Q(status="pending") & models.Q(decided_at__isnull=False))),
                name="target_proposal_decided_at_matches_status",
                violation_error_message="A decided proposal records when it was decided.",
            ),
        ]

    def __str__(self) -> str:
        return (f"{self.indicator.code} FY{self.fiscal_year} target {self.value} proposed at "
                f"{self.dialogue} ({self.status})")

    def clean(self):
        if not (self.dialogue_id and self.indicator_id):
            return
        indicator, dialogue = self.indicator, self.dialogue
        errors = {}
        if indicator.compact_id != dialogue.compact_id:
            errors["indicator"] = [ERR_PROPOSAL_OTHER_COMPACT]
        elif self.fiscal_year is not None:
            year_errors = (fiscal_year_errors(indicator.compact, self.fiscal_year)
                           or indicator.active_year_errors(self.fiscal_year))
            if not year_errors and self.fiscal_year < dialogue.fiscal_year:
                year_errors = [ERR_PROPOSAL_PAST_YEAR.format(dialogue=dialogue.fiscal_year)]
            if year_errors:
                errors["fiscal_year"] = year_errors
        if value_errors := unit_value_errors(indicator.unit, self.value):
            errors["value"] = value_errors
        if self.status == TargetProposalStatus.REJECTED and not self.decision_note.strip():
            errors["decision_note"] = [ERR_DECISION_NOTE_REQUIRED]
        if errors:
            raise ValidationError(errors)
