"""A notification: one person told of one event, in the app and (unless they turned the kind
off or have no address) by email. One row per person and event (``event_key``), so an event
seen twice (a retried task, a second beat run) is recorded and mailed once."""

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


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="notifications")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    event_key = models.CharField(max_length=200)
    subject = models.CharField(max_length=200)
    body = models.TextField()
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
