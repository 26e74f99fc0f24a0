"""Annual targets proposed at a dialogue, TIP staff's decision on them, and the dialogue at
which a target was agreed."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from cpc.fiscal import fiscal_year_validators
from cpc.models import ConstraintErrorsOnFields
from cpc.validators import NOTE_MAX, bounded_text
from indicators.models import Indicator, Target, fiscal_year_errors, unit_value_errors

from .dialogue import Dialogue


class TargetProposalStatus(models.TextChoices):
    # Adjectives agreeing with "target proposal" (propuesta, proposition: feminine), where a
    # plan's "Accepted" is masculine.
    PENDING = "pending", pgettext_lazy("target proposal status", "Pending")
    ACCEPTED = "accepted", pgettext_lazy("target proposal status", "Accepted")
    REJECTED = "rejected", pgettext_lazy("target proposal status", "Rejected")


ERR_PROPOSAL_OTHER_COMPACT = _("The indicator does not belong to this dialogue's compact.")
ERR_PROPOSAL_PAST_YEAR = (_("A target proposed at the FY{dialogue} dialogue is for FY{dialogue} "
                          "or a later year."))
ERR_DECISION_NOTE_REQUIRED = _("Say why the proposal is rejected.")


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
    decision_note = bounded_text(NOTE_MAX, blank=True)

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
                violation_error_message=_("A proposal for this indicator and year already "
                                        "awaits TIP staff."),
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
                violation_error_message=_("A decided proposal records when it was decided."),
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


ERR_SETTING_OTHER_COMPACT = _("The dialogue belongs to another compact.")


class TargetSetting(models.Model):
    """The annual dialogue at which a target's current value was agreed; a target agreed
    elsewhere has none. Kept here, above indicators: a target knows nothing of dialogues
    (``/api/v1/targets/`` shows it as ``set_at_dialogue``, a field this app contributes)."""

    target = models.OneToOneField(Target, on_delete=models.CASCADE,
                                  related_name="dialogue_setting")
    # The dialogue is the record the target was agreed at: it stays while a target names it.
    dialogue = models.ForeignKey(Dialogue, on_delete=models.PROTECT,
                                 related_name="target_settings")

    history = HistoricalRecords()

    class Meta:
        ordering = ["target"]

    def __str__(self) -> str:
        return f"{self.target} set at {self.dialogue}"

    def clean(self):
        if (self.target_id and self.dialogue_id
                and self.dialogue.compact_id != self.target.indicator.compact_id):
            raise ValidationError({"dialogue": [ERR_SETTING_OTHER_COMPACT]})
