"""The log of reminders sent about overdue sustainability plans and unprepared dialogues."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from compacts.models import Compact
from cpc.models import ConstraintErrorsOnFields


class ReminderKind(models.TextChoices):
    PLAN_OVERDUE = "plan_overdue", _("Sustainability plan overdue")
    DIALOGUE_KEY_INDICATORS = "dialogue_key_indicators", _("Dialogue without key indicators")


class ReminderStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class ReminderLog(ConstraintErrorsOnFields, models.Model):
    """One row per reminder: sent, or failed and tried again until it is sent.

    The unique key makes each reminder go out at most once: a run sends only reminders with
    no row or a ``failed`` one. A failed send keeps the mail server's answer in
    ``last_error`` and counts in ``attempts``.
    """

    kind = models.CharField(max_length=32, choices=ReminderKind.choices)
    object_id = models.PositiveBigIntegerField()
    # The plan's due date or the dialogue's scheduled date: a new date is a new reminder.
    due_on = models.DateField()
    compact = models.ForeignKey(Compact, on_delete=models.PROTECT, related_name="+")
    recipients = models.TextField(help_text=_("E-mail addresses, one a line."))
    # Rows from before failures were kept are reminders sent at their first attempt.
    status = models.CharField(max_length=8, choices=ReminderStatus.choices,
                              default=ReminderStatus.SENT)
    attempts = models.PositiveIntegerField(default=1)
    last_error = models.TextField(blank=True, help_text=_("The mail server's answer to the last "
                                                        "failed attempt."))
    last_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    constraint_error_fields = {"reminder_once_per_object_and_date": "object_id",
                               "reminder_sent_at_when_sent": "sent_at"}
    history = HistoricalRecords()

    class Meta:
        ordering = ["-last_attempt_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "due_on"],
                name="reminder_once_per_object_and_date",
                violation_error_message=_("This reminder was already sent."),
            ),
            models.CheckConstraint(
                condition=Q(status=ReminderStatus.SENT, sent_at__isnull=False)
                | Q(status=ReminderStatus.FAILED, sent_at__isnull=True),
                name="reminder_sent_at_when_sent",
                violation_error_message=_("A sent reminder has the time it was sent; a failed "
                                        "one has none."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.object_id} ({self.due_on})"
