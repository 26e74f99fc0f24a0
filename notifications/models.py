"""A notification: one person told of one event, in the app and (unless they turned the kind
off or have no address) by email, at once or in the day's digest. One row per person and
event (``event_key``), so an event seen twice (a retried task, a second beat run) is recorded
and mailed once; a batch of events (a bulk review) is one event.

What it says is kept as its kind and ``params`` (codes, numbers, names, dates as ISO text), so
it is written out in each reader's language when shown or mailed (``messages.py``);
``subject`` and ``body`` keep the English text, for the admin and for rows written before."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    RESULT_RETURNED = "result_returned", _("A result of yours was returned")
    RESULT_APPROVED = "result_approved", _("A result of yours was approved")
    PROPOSAL_DECIDED = "proposal_decided", _("A target proposal of yours was decided")
    PLAN_REQUESTED = "plan_requested", _("A sustainability plan was requested")
    DIALOGUE_NOT_READY = "dialogue_not_ready", _("A dialogue 30 or 7 days away is not ready")
    REPORT_FINISHED = "report_finished", _("A report you requested finished")
    ACCOUNT_DISABLED = "account_disabled", _("An account was disabled for inactivity")


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    NOT_SENT = "not_sent", _("Not sent (no address)")
    DIGEST = "digest", _("Waiting for the daily digest")


class EmailFrequency(models.TextChoices):
    IMMEDIATE = "immediate", _("One email for each notification, as it happens")
    DAILY = "daily", _("One email a day listing the day's notifications")


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="notifications")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    event_key = models.CharField(max_length=200)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(max_length=16, choices=EmailStatus.choices)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.TextField(blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["recipient", "event_key"],
                                               name="one_notification_per_event")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.subject

    def render(self, *, email: bool = False) -> tuple[str, str]:
        """(subject, body) in the active language; a row without params (written before
        they were kept) as it was stored."""
        if not self.params:
            return self.subject, self.body
        from .messages import render

        return render(self.kind, self.params, email=email)


class MutedKind(models.Model):
    """A kind of notification a person turned off."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="muted_notification_kinds")
    kind = models.CharField(max_length=32, choices=Kind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"],
                                               name="one_mute_per_kind")]

    def __str__(self) -> str:
        return f"{self.user} turned off {self.get_kind_display().lower()}"


class EmailPreference(models.Model):
    """How a person wants their notifications by email (immediately when absent)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_email_preference")
    frequency = models.CharField(max_length=16, choices=EmailFrequency.choices,
                                 default=EmailFrequency.IMMEDIATE)

    def __str__(self) -> str:
        return f"{self.user}: {self.get_frequency_display()}"
