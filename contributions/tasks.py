"""Celery tasks of the contributions app: thin, each calls one service."""

from celery import shared_task

from . import services


# OSError covers SMTP failures (smtplib.SMTPException is one); reminders already logged
# are never sent again, so a retry only sends what failed.
@shared_task(name="contributions.send_reminders", autoretry_for=(OSError,),
             retry_backoff=60, max_retries=3)
def send_reminders() -> int:
    """Run daily by beat: e-mail overdue-plan and dialogue-preparation reminders once."""
    return len(services.reminders_send())
