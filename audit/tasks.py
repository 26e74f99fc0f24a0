"""The daily task that disables accounts unused for ``INACTIVE_ACCOUNT_DAYS`` days."""

from celery import shared_task

from . import services


@shared_task(name="audit.disable_inactive_accounts")
def disable_inactive_accounts() -> int:
    return len(services.accounts_disable_inactive())
