"""Celery tasks of the contributions app: thin, each calls one service."""

from celery import shared_task
from django.db import DatabaseError

from cpc.acting import acting

from . import services
from .models import ReminderStatus


class RemindersNotSent(Exception):
    """Some reminders failed to send (the mail server refused or was unreachable)."""


# A failed reminder is logged as failed and tried again: by this task's retries (backoff with
# jitter: within 1, 2, 4, 8 and 16 minutes) and then by the next daily run. Reminders logged
# as sent are never sent again, so a retry sends only what failed. DatabaseError, OSError:
# the database (restarting, failing over) or the mail connection failed before an outcome
# was logged.
@shared_task(name="contributions.send_reminders",
             autoretry_for=(RemindersNotSent, DatabaseError, OSError),
             retry_backoff=60, retry_backoff_max=30 * 60, max_retries=5)
def send_reminders() -> int:
    """Run daily by beat: e-mail overdue-plan and dialogue-preparation reminders once.
    Returns how many were sent."""
    with acting(reason="Daily reminders (worker)"):
        tried = services.reminders_send()
    failed = [log for log in tried if log.status == ReminderStatus.FAILED]
    if failed:
        raise RemindersNotSent(
            f"{len(failed)} of {len(tried)} reminders not sent: "
            + "; ".join(f"{log} ({log.last_error})" for log in failed[:5]))
    return len(tried)
