"""What was recorded at a dialogue: who took part, the indicator data discussed (with the
figures as they stood), the action items agreed and the dialogue's documents."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from compacts.year_locks import YearLockedRecord
from cpc.fiscal import fiscal_year_validators
from cpc.models import ConstraintErrorsOnFields, PrivateDocument, recorded_now
from cpc.validators import LONG_TEXT_MAX, bounded_text, validate_sane_date
from indicators.models import Indicator

from .dialogue import Dialogue


class Side(models.TextChoices):
    US_GOVERNMENT = "us_government", _("U.S. government")
    PARTNER_GOVERNMENT = "partner_government", _("Partner government")
    IMPLEMENTER = "implementer", _("Implementer")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    OTHER = "other", _("Other")


ERR_PARTICIPANT_DUPLICATE = _("{name} of {organization} is already a participant.")
ERR_ACTION_ITEM_DUPLICATE = _("The dialogue already has this action item.")


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

    def clean(self):
        # One person is listed once (the services lock the dialogue while adding).
        self.name, self.organization = (self.name or "").strip(), (self.organization or "").strip()
        if self.dialogue_id and self.name and Participant.objects.filter(
                dialogue_id=self.dialogue_id, name__iexact=self.name,
                organization__iexact=self.organization).exclude(pk=self.pk).exists():
            raise ValidationError({"name": ERR_PARTICIPANT_DUPLICATE.format(
                name=self.name, organization=self.organization)})


# Notes shorter than this ("ok", "discussed") say nothing about what the data showed.
DISCUSSION_NOTES_MIN_CHARS = 20
ERR_NOTES_TOO_SHORT = (
    f"Say what was discussed about the indicator's data (at least {DISCUSSION_NOTES_MIN_CHARS} "
    "characters)."
)
ERR_DISCUSSION_STAYS = (
    _("A discussion stays with the dialogue and the indicator it was recorded for, with their "
    "figures and the time it was recorded; record a new discussion instead.")
)


class Discussion(YearLockedRecord, ConstraintErrorsOnFields, models.Model):
    """Indicator data discussed at a dialogue, with the figures as they stood then.

    The server stamps the figures when the discussion is recorded (never the client): the
    dialogue year's target and the latest approved actual up to that year, with the fiscal
    year that actual is for (see ``dialogues.services.indicator_figures``)."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.PROTECT, related_name="discussions")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT,
                                  related_name="discussions")
    notes = bounded_text(LONG_TEXT_MAX)
    target_value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    actual_value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    actual_fiscal_year = models.PositiveSmallIntegerField(null=True, blank=True,
                                                          validators=fiscal_year_validators)
    # A discussion of an indicator that was not a key indicator is allowed but flagged.
    was_key_indicator = models.BooleanField(default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    # Server time, never typed (check 2 counts discussions recorded within 30 days).
    recorded_at = models.DateTimeField(default=recorded_now, editable=False)

    constraint_error_fields = {"discussion_actual_with_its_year": "actual_fiscal_year"}
    history = HistoricalRecords()

    class Meta:
        ordering = ["dialogue", "indicator__code", "pk"]
        constraints = [
            # An actual means nothing without the fiscal year it is for, and a year without
            # an actual would pretend data was discussed.
            models.CheckConstraint(
                condition=(models.Q(actual_value__isnull=True, actual_fiscal_year__isnull=True)
                           | models.Q(actual_value__isnull=False,
                                      actual_fiscal_year__isnull=False)),
                name="discussion_actual_with_its_year",
                violation_error_message=_("An actual is stamped together with its fiscal year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} at {self.dialogue}"

    def year_lock_keys(self) -> set[tuple[int, int]]:
        """The fiscal year of the dialogue it was recorded at (and was, when it moves)."""
        ids = {self.dialogue_id}
        if stored := self.stored_values("dialogue_id"):
            ids.add(stored["dialogue_id"])
        return set(Dialogue.objects.filter(pk__in=ids - {None})
                   .values_list("compact_id", "fiscal_year"))

    def clean(self):
        errors = {}
        # What was said about one indicator at one dialogue, stamped with their figures and
        # the time it was recorded: moved to another, it would carry them over (the admin
        # edits discussions; the services only record new ones).
        if stored := self.stored_values("dialogue_id", "indicator_id"):
            for field in ("dialogue", "indicator"):
                if stored[f"{field}_id"] != getattr(self, f"{field}_id"):
                    errors[field] = [ERR_DISCUSSION_STAYS]
        if len((self.notes or "").strip()) < DISCUSSION_NOTES_MIN_CHARS:
            errors["notes"] = [ERR_NOTES_TOO_SHORT]
        if errors:
            raise ValidationError(errors)


class ActionItemStatus(models.TextChoices):
    # Contexts: the words are adjectives agreeing with "action item" (acción de seguimiento,
    # action de suivi); the bare "Open" is a button's verb.
    OPEN = "open", pgettext_lazy("action item status", "Open")
    DONE = "done", pgettext_lazy("action item status", "Done")
    DROPPED = "dropped", pgettext_lazy("action item status", "Dropped")


class ActionItemQuerySet(models.QuerySet):
    def overdue(self, today: dt.date) -> "ActionItemQuerySet":
        """The items still open after the day they were due (``ActionItem.is_overdue``)."""
        return self.filter(status=ActionItemStatus.OPEN, due_on__lt=today)


class ActionItem(models.Model):
    dialogue = models.ForeignKey(Dialogue, on_delete=models.PROTECT, related_name="action_items")
    description = bounded_text(LONG_TEXT_MAX)
    owner = models.CharField(max_length=255, blank=True)
    due_on = models.DateField(null=True, blank=True, validators=[validate_sane_date])
    status = models.CharField(max_length=8, choices=ActionItemStatus.choices,
                              default=ActionItemStatus.OPEN)
    # An open item is carried over to the next year's dialogue; this points back.
    carried_over_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="carried_over_to"
    )

    objects = ActionItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["dialogue", "status", "due_on", "pk"]

    def __str__(self) -> str:
        return self.description[:80]

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """Still open after the day it was due (today by default, so a template may ask
        ``item.is_overdue``); the one rule behind ``ActionItemQuerySet.overdue``."""
        today = today or timezone.localdate()
        return (self.status == ActionItemStatus.OPEN and self.due_on is not None
                and self.due_on < today)

    def clean(self):
        self.description = (self.description or "").strip()
        if self.dialogue_id and self.description and ActionItem.objects.filter(
                dialogue_id=self.dialogue_id, description__iexact=self.description,
        ).exclude(pk=self.pk).exists():
            raise ValidationError({"description": ERR_ACTION_ITEM_DUPLICATE})


class AttachmentKind(models.TextChoices):
    AGENDA = "agenda", _("Agenda")
    DISCUSSION_QUESTIONS = "discussion_questions", _("Discussion questions")
    SUMMARY = "summary", _("Summary")
    MINUTES = "minutes", _("Minutes")
    OTHER = "other", _("Other")


# The kinds offered while preparing the dialogue, and once it is held.
PREPARATION_KINDS = (AttachmentKind.AGENDA, AttachmentKind.DISCUSSION_QUESTIONS,
                     AttachmentKind.OTHER)
OUTCOME_KINDS = (AttachmentKind.SUMMARY, AttachmentKind.MINUTES, AttachmentKind.OTHER)


class DialogueAttachment(PrivateDocument):
    """A document of a dialogue (its agenda, the questions sent ahead, the summary or the
    minutes), stored privately like contribution evidence and served only to those who may
    see the dialogue."""

    upload_folder = "dialogues/attachments"

    dialogue = models.ForeignKey(Dialogue, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(max_length=24, choices=AttachmentKind.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["dialogue", "uploaded_at", "pk"]
