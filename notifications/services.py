"""Tell people of events: record a notification per person and event, mail it after the
commit (``tasks.send_email``), count and mark what is unread, and keep each person's
choice of kinds."""

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from compacts.models import Compact
from compacts.roles import EMBASSY_OFFICER
from compacts.versioning import records_epoch
from dialogues.selectors import dialogues_to_prepare_between, preparation_gaps

from .models import EmailStatus, Kind, MutedKind, Notification

logger = logging.getLogger(__name__)
# Keyed by the database's epoch too: two databases sharing one Redis (or one restored under a
# running Redis) have users of the same ids.
UNREAD_CACHE = "notifications-unread:{epoch}:{user_id}"
ERROR_MAX_LENGTH = 2000


def _absolute(link: str) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{link}" if base and link.startswith("/") else link


def notify(*, recipients, kind: str, event_key: str, subject: str, body: str,
           link: str = "") -> list[Notification]:
    """One notification per active recipient who has not turned ``kind`` off, unless they
    already have one for ``event_key``. Mail leaves after the commit."""
    users = {user.pk: user for user in recipients if user is not None and user.is_active}
    if not users:
        return []
    muted = set(MutedKind.objects.filter(user_id__in=users, kind=kind)
                .values_list("user_id", flat=True))
    created = []
    for user in users.values():
        if user.pk in muted:
            continue
        try:
            with transaction.atomic():
                notification, is_new = Notification.objects.get_or_create(
                    recipient=user, event_key=event_key[:200],
                    defaults={"kind": kind, "subject": subject[:200], "body": body,
                              "link": link, "email_status": (EmailStatus.QUEUED if user.email
                                                             else EmailStatus.NOT_SENT)})
        except IntegrityError:  # the same event recorded meanwhile by another process
            continue
        if is_new:
            created.append(notification)
    for notification in created:
        _after_commit(notification)
    return created


def _after_commit(notification: Notification) -> None:
    from .tasks import send_email

    user_id, pk = notification.recipient_id, notification.pk
    transaction.on_commit(lambda: cache.delete(_unread_key(user_id)))
    if notification.email_status == EmailStatus.QUEUED:
        transaction.on_commit(lambda: send_email.delay(pk))


def email_send(*, notification_id: int, final_attempt: bool) -> str:
    """Mail one queued notification; returns its email status. A refusal on the last
    attempt is recorded as failed (kept, with the error); before that it raises, for the
    task's retries. A notification already sent is never sent again."""
    with transaction.atomic():
        notification = (Notification.objects.select_for_update()
                        .select_related("recipient").get(pk=notification_id))
        if notification.email_status != EmailStatus.QUEUED:
            return notification.email_status
        notification.email_attempts += 1
        try:
            send_mail(notification.subject,
                      f"{notification.body}\n\n{_absolute(notification.link)}".strip(),
                      None, [notification.recipient.email])
        except OSError as error:  # smtplib's errors are OSErrors
            notification.email_error = f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]
            if final_attempt:
                notification.email_status = EmailStatus.FAILED
                notification.save(update_fields=["email_attempts", "email_error",
                                                 "email_status"])
                logger.error("Notification %s not mailed: %s", notification.pk,
                             notification.email_error)
                return notification.email_status
            notification.save(update_fields=["email_attempts", "email_error"])
            raise_later = error  # raised once the attempt is recorded
        else:
            notification.email_status = EmailStatus.SENT
            notification.emailed_at = timezone.now()
            notification.email_error = ""
            notification.save(update_fields=["email_attempts", "email_error",
                                             "email_status", "emailed_at"])
            return notification.email_status
    raise raise_later


def _unread_key(user_id: int) -> str:
    return UNREAD_CACHE.format(epoch=records_epoch(), user_id=user_id)


def unread_count(user) -> int:
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        cache.set(key, count, 600)
    return count


def mark_read(*, user, notification_ids=None) -> int:
    """Mark the user's notifications read (all unread ones when no ids are given)."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        rows = rows.filter(pk__in=notification_ids)
    changed = rows.update(read_at=timezone.now())
    cache.delete(_unread_key(user.pk))
    return changed


@transaction.atomic
def set_muted(*, user, kinds) -> None:
    """Turn off exactly ``kinds`` (every other kind on)."""
    kinds = set(kinds) & set(Kind.values)
    MutedKind.objects.filter(user=user).exclude(kind__in=kinds).delete()
    for kind in kinds:
        MutedKind.objects.get_or_create(user=user, kind=kind)


def compact_officers(compact_id: int):
    """Active embassy officers assigned to the compact's country."""
    country_id = Compact.objects.filter(pk=compact_id).values_list("country_id", flat=True)
    return list(get_user_model().objects.filter(
        is_active=True, groups__name=EMBASSY_OFFICER,
        profile__countries__in=country_id).distinct())


NOT_READY_DAYS = (30, 7)


def dialogues_not_ready(*, on: dt.date | None = None) -> list[Notification]:
    """Daily: the compact's officers are told of a planned dialogue that is 30 or fewer (and
    again 7 or fewer) days away and still not ready, once for each of the two marks."""
    on = on or timezone.localdate()
    created = []
    for dialogue in dialogues_to_prepare_between(
            start=on, end=on + dt.timedelta(days=max(NOT_READY_DAYS))):
        gaps = preparation_gaps(dialogue)
        if not gaps:
            continue
        days_left = (dialogue.scheduled_for - on).days
        mark = min(days for days in NOT_READY_DAYS if days_left <= days)
        name = f"{dialogue.compact.country.name}'s FY{dialogue.fiscal_year} dialogue"
        created += notify(
            recipients=compact_officers(dialogue.compact_id), kind=Kind.DIALOGUE_NOT_READY,
            event_key=f"dialogue-not-ready:{dialogue.pk}:{mark}",
            subject=f"{name} is {days_left} days away and not ready",
            body=f"{name} is planned for {dialogue.scheduled_for:%B %-d, %Y}. Still needed: "
                 + " ".join(gaps),
            link=reverse("dialogues:record-prepare", args=[dialogue.pk]))
    return created
