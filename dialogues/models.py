"""Annual dialogues: the program's primary monitoring meeting, and what was said at it."""

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
from compacts.year_locks import YearLockedRecord
from cpc.fiscal import (
    FISCAL_YEAR_MAX,
    FISCAL_YEAR_MIN,
    fiscal_year_validators,
    fiscal_year_window,
)
from cpc.models import ConstraintErrorsOnFields, PrivateDocument, recorded_now
from cpc.validators import LONG_TEXT_MAX, NOTE_MAX, bounded_text, validate_sane_date
from indicators.models import Indicator, fiscal_year_errors, unit_value_errors


class DialogueFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Virtual")
    HYBRID = "hybrid", _("Hybrid")


class DialogueStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CLOSED = "closed", _("Closed")


class SharingChannel(models.TextChoices):
    """How the key indicators reached the partner government."""

    DIPLOMATIC_NOTE = "diplomatic_note", _("Diplomatic note")
    EMAIL = "email", _("Email")
    MEETING = "meeting", _("Meeting")
    OTHER = "other", _("Other")


# A year's dialogue reviews the year's figures, so it may be held up to this many days after
# the fiscal year ends (by 28 January for a year ending 30 September), never later.
DIALOGUE_DAYS_AFTER_FISCAL_YEAR = 120

ERR_DATE_OUTSIDE_FISCAL_YEAR = (
    _("The FY{fy} dialogue must fall between {first:%Y-%m-%d} and {last:%Y-%m-%d} (the fiscal year "
    "and up to {days} days after it ends).")
)
ERR_DATE_OUTSIDE_COMPACT = (
    _("The dialogue must fall within the compact's term, {start:%Y-%m-%d} to {end:%Y-%m-%d}.")
)
ERR_HELD_BEFORE_SCHEDULED = (
    _("The dialogue cannot be held before the date it is scheduled for ({day:%Y-%m-%d}); if it "
    "was held earlier, correct the scheduled date first.")
)
ERR_HELD_BEFORE_IDENTIFIED = (
    _("The dialogue cannot be held before its key indicators were identified ({day:%Y-%m-%d}).")
)
ERR_HELD_BEFORE_SHARED = (
    _("The dialogue cannot be held before its key indicators were shared with the partner "
    "government ({day:%Y-%m-%d}).")
)
ERR_SHARED_BEFORE_IDENTIFIED = (
    _("Key indicators cannot be shared before they were identified ({day:%Y-%m-%d}).")
)
ERR_SHARED_NOT_IDENTIFIED = _("Identify the key indicators before recording that they were shared.")
ERR_SHARED_IN_FUTURE = _("The date the key indicators were shared cannot be in the future.")
ERR_SHARED_VIA_WITHOUT_DATE = _("Give the date the key indicators were shared.")
ERR_SHARED_OTHER_NEEDS_NOTE = _("Say how the key indicators were shared.")


class Dialogue(ConstraintErrorsOnFields, models.Model):
    compact = models.ForeignKey(Compact, on_delete=models.PROTECT, related_name="dialogues")
    fiscal_year = models.PositiveSmallIntegerField(
        validators=fiscal_year_validators
    )
    scheduled_for = models.DateField(validators=[validate_sane_date])
    held_on = models.DateField(null=True, blank=True, validators=[validate_sane_date])
    format = models.CharField(max_length=16, choices=DialogueFormat.choices,
                              default=DialogueFormat.IN_PERSON)
    status = models.CharField(max_length=16, choices=DialogueStatus.choices,
                              default=DialogueStatus.PLANNED)
    key_indicators = models.ManyToManyField(Indicator, blank=True,
                                            related_name="key_for_dialogues")
    # Stamped by the server when key indicators are first saved (GAO recommendation 1).
    key_indicators_identified_on = models.DateField(null=True, blank=True)
    # GAO recommendation 1 asks that key indicators be identified *with the partner*: when
    # and how they were sent to the partner government.
    key_indicators_shared_on = models.DateField(null=True, blank=True,
                                                validators=[validate_sane_date])
    key_indicators_shared_via = models.CharField(max_length=24, choices=SharingChannel.choices,
                                                 blank=True)
    key_indicators_shared_note = bounded_text(NOTE_MAX, blank=True)
    # Server times, never typed (``dialogues.services``): when the current selection of key
    # indicators was recorded, and when its sharing with the partner was recorded. Check 1
    # needs both before the day the dialogue is held; once held, both are frozen.
    key_indicators_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    key_indicators_shared_recorded_at = models.DateTimeField(null=True, blank=True,
                                                             editable=False)
    summary = bounded_text(LONG_TEXT_MAX, blank=True)
    contributions_discussed = models.BooleanField(default=False)
    contributions_notes = bounded_text(LONG_TEXT_MAX, blank=True)
    sustainability_discussed = models.BooleanField(default=False)
    sustainability_notes = bounded_text(LONG_TEXT_MAX, blank=True)
    # Server time, never typed (``dialogues.services``): when the sustainability discussion
    # (the flag or its notes) was last recorded. Check 6 counts it only when recorded between
    # the day the dialogue was held and 30 days after, like the discussions of check 2.
    sustainability_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The date order clean() explains field by field is held by the database too, so no
    # write that skips validation (a raw update, a bulk_create, a loader) can break it.
    constraint_error_fields = {
        "dialogue_one_per_compact_year": "fiscal_year",
        "dialogue_held_has_date": "held_on",
        "dialogue_held_not_before_scheduled": "held_on",
        "dialogue_shared_not_before_identified": "key_indicators_shared_on",
    }
    history = HistoricalRecords(m2m_fields=[key_indicators])

    class Meta:
        ordering = ["compact", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["compact", "fiscal_year"],
                name="dialogue_one_per_compact_year",
                violation_error_message=_("This compact already has a dialogue for that year."),
            ),
            models.CheckConstraint(
                condition=Q(status=DialogueStatus.PLANNED) | Q(held_on__isnull=False),
                name="dialogue_held_has_date",
                violation_error_message=_("A held or closed dialogue has the date it was "
                                          "held."),
            ),
            models.CheckConstraint(
                condition=Q(held_on__isnull=True) | Q(held_on__gte=F("scheduled_for")),
                name="dialogue_held_not_before_scheduled",
                violation_error_message=_("A dialogue is not held before the day it was "
                                          "scheduled for."),
            ),
            models.CheckConstraint(
                condition=Q(key_indicators_shared_on__isnull=True)
                | Q(key_indicators_identified_on__isnull=False,
                    key_indicators_shared_on__gte=F("key_indicators_identified_on")),
                name="dialogue_shared_not_before_identified",
                violation_error_message=_("The key indicators are shared on or after the day "
                                          "they were identified."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.compact.country} FY{self.fiscal_year} annual dialogue"

    def clean(self):
        errors: dict[str, list[str]] = {}
        for field in ("scheduled_for", "held_on"):
            if messages := self._date_errors(getattr(self, field)):
                errors[field] = messages
        held, identified = self.held_on, self.key_indicators_identified_on
        shared = self.key_indicators_shared_on
        held_errors = errors.setdefault("held_on", [])
        if held and self.scheduled_for and held < self.scheduled_for:
            held_errors.append(ERR_HELD_BEFORE_SCHEDULED.format(day=self.scheduled_for))
        if held and identified and held < identified:
            held_errors.append(ERR_HELD_BEFORE_IDENTIFIED.format(day=identified))
        if held and shared and held < shared:
            held_errors.append(ERR_HELD_BEFORE_SHARED.format(day=shared))
        shared_errors = errors.setdefault("key_indicators_shared_on", [])
        if shared:
            if identified is None:
                shared_errors.append(ERR_SHARED_NOT_IDENTIFIED)
            elif shared < identified:
                shared_errors.append(ERR_SHARED_BEFORE_IDENTIFIED.format(day=identified))
            if shared > timezone.localdate():
                shared_errors.append(ERR_SHARED_IN_FUTURE)
        elif self.key_indicators_shared_via:
            shared_errors.append(ERR_SHARED_VIA_WITHOUT_DATE)
        if (self.key_indicators_shared_via == SharingChannel.OTHER
                and not self.key_indicators_shared_note.strip()):
            errors["key_indicators_shared_note"] = [ERR_SHARED_OTHER_NEEDS_NOTE]
        errors = {field: messages for field, messages in errors.items() if messages}
        if errors:
            raise ValidationError(errors)

    def _date_errors(self, day: dt.date | None) -> list[str]:
        """A dialogue's day lies in its fiscal year (or shortly after) and in the compact's
        term, extensions included."""
        if day is None or not FISCAL_YEAR_MIN <= (self.fiscal_year or 0) <= FISCAL_YEAR_MAX:
            return []  # no year, or one its own validator refuses
        messages = []
        first, last = fiscal_year_window(self.fiscal_year,
                                         days_after=DIALOGUE_DAYS_AFTER_FISCAL_YEAR)
        if not first <= day <= last:
            messages.append(ERR_DATE_OUTSIDE_FISCAL_YEAR.format(
                fy=self.fiscal_year, first=first, last=last,
                days=DIALOGUE_DAYS_AFTER_FISCAL_YEAR))
        if self.compact_id:
            start, end = self.compact.start_date, self.compact.current_end_date
            if start and end and not start <= day <= end:
                messages.append(ERR_DATE_OUTSIDE_COMPACT.format(start=start, end=end))
        return messages


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

    history = HistoricalRecords()

    class Meta:
        ordering = ["dialogue", "status", "due_on", "pk"]

    def __str__(self) -> str:
        return self.description[:80]

    def clean(self):
        self.description = (self.description or "").strip()
        if self.dialogue_id and self.description and ActionItem.objects.filter(
                dialogue_id=self.dialogue_id, description__iexact=self.description,
        ).exclude(pk=self.pk).exists():
            raise ValidationError({"description": ERR_ACTION_ITEM_DUPLICATE})


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
