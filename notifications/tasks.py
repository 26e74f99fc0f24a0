"""Worker tasks: mail a notification (retried while the mail server refuses), the daily
notices of dialogues that are not ready, and the daily digests."""

from celery import shared_task

from cpc.acting import acting

from . import services

MAX_RETRIES = 5


@shared_task(bind=True, name="notifications.send_email", autoretry_for=(OSError,),
             retry_backoff=60, retry_backoff_max=30 * 60, max_retries=MAX_RETRIES,
             ignore_result=True)
def send_email(self, notification_id: int) -> str:
    return services.email_send(notification_id=notification_id,
                               final_attempt=self.request.retries >= self.max_retries)


@shared_task(name="notifications.dialogues_not_ready", ignore_result=True)
def dialogues_not_ready() -> int:
    with acting(reason="Daily notices (beat)"):
        return len(services.dialogues_not_ready())


@shared_task(name="notifications.send_digests", ignore_result=True)
def send_digests() -> int:
    """Daily: one email to each person who chose the digest, listing what waits for it."""
    return services.digests_send()
