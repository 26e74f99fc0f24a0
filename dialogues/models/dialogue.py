"""An annual dialogue: the program's primary monitoring meeting, its date rules and the
preparation it records."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from compacts.models import Compact
from cpc.fiscal import (
    FISCAL_YEAR_MAX,
    FISCAL_YEAR_MIN,
    fiscal_year_validators,
    fiscal_year_window,
)
from cpc.models import ConstraintErrorsOnFields
from cpc.validators import LONG_TEXT_MAX, NOTE_MAX, bounded_text, validate_sane_date
from indicators.models import Indicator


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
        errors = {
            "scheduled_for": self._date_errors(self.scheduled_for),
            "held_on": [*self._date_errors(self.held_on), *self._held_on_errors()],
            "key_indicators_shared_on": self._sharing_errors(),
        }
        if (self.key_indicators_shared_via == SharingChannel.OTHER
                and not self.key_indicators_shared_note.strip()):
            errors["key_indicators_shared_note"] = [ERR_SHARED_OTHER_NEEDS_NOTE]
        errors = {field: messages for field, messages in errors.items() if messages}
        if errors:
            raise ValidationError(errors)

    def _held_on_errors(self) -> list[str]:
        """A dialogue is held on or after the day it was scheduled for and the days its key
        indicators were identified and shared."""
        held = self.held_on
        if not held:
            return []
        earlier = ((self.scheduled_for, ERR_HELD_BEFORE_SCHEDULED),
                   (self.key_indicators_identified_on, ERR_HELD_BEFORE_IDENTIFIED),
                   (self.key_indicators_shared_on, ERR_HELD_BEFORE_SHARED))
        return [message.format(day=day) for day, message in earlier if day and held < day]

    def _sharing_errors(self) -> list[str]:
        """Key indicators are shared once identified, not in the future, and a channel of
        sharing comes with its date."""
        shared, identified = self.key_indicators_shared_on, self.key_indicators_identified_on
        if not shared:
            return [ERR_SHARED_VIA_WITHOUT_DATE] if self.key_indicators_shared_via else []
        messages = []
        if identified is None:
            messages.append(ERR_SHARED_NOT_IDENTIFIED)
        elif shared < identified:
            messages.append(ERR_SHARED_BEFORE_IDENTIFIED.format(day=identified))
        if shared > timezone.localdate():
            messages.append(ERR_SHARED_IN_FUTURE)
        return messages

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
