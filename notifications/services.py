"""Tell people of events: record a notification per person and event (or batch of events),
never to the person who acted; mail it after the commit (``tasks.send_email``) or in the
daily digest (``tasks.send_digests``), in the recipient's language with absolute links;
count and mark what is unread, and keep each person's choices."""

import contextlib
import contextvars
import datetime as dt
import logging
import uuid

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy, ngettext

from compacts.models import Compact
from cpc.access.cache_version import records_epoch
from cpc.access.scoping import officers_of
from cpc.i18n import ENGLISH
from dialogues.selectors import dialogues_to_prepare_between, preparation_gaps

from .messages import absolute, email_text, language_of, render
from .models import (
    EmailFrequency,
    EmailPreference,
    EmailStatus,
    Kind,
    MutedKind,
    Notification,
)

logger = logging.getLogger(__name__)
# Keyed by the database's epoch too: two databases sharing one Redis (or one restored under a
# running Redis) have users of the same ids.
UNREAD_CACHE = "notifications-unread:{epoch}:{user_id}"
ERROR_MAX_LENGTH = 2000
ERR_FREQUENCY = gettext_lazy("Choose immediate emails or the daily digest.")


_batch: contextvars.ContextVar[str | None] = contextvars.ContextVar("notification_batch",
                                                                  default=None)


@contextlib.contextmanager
def batch():
    """Events inside are one batch (a bulk review): their receivers key them by the batch,
    so each recipient gets one notification (and one email) listing them all. Nested
    batches are the outer one."""
    token = _batch.set(uuid.uuid4().hex) if _batch.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _batch.reset(token)


def current_batch() -> str | None:
    return _batch.get()


def _wants_digest(user_ids) -> set[int]:
    return set(EmailPreference.objects.filter(user_id__in=user_ids,
                                              frequency=EmailFrequency.DAILY)
               .values_list("user_id", flat=True))


def _english(kind: str, params: dict) -> tuple[str, str]:
    with translation.override(ENGLISH):
        return render(kind, params)


def notify(*, recipients, kind: str, event_key: str, params: dict, link: str = "",
           actor=None, extend: str | None = None) -> list[Notification]:
    """One notification per active recipient who has not turned ``kind`` off, unless they
    already have one for ``event_key``; never to ``actor``, who did what it tells of. With
    ``extend`` (a key of ``params`` holding a list of items, each with a ``key``), a
    recipient's notification for ``event_key`` that exists already (the same batch) takes
    the new items instead. Mail leaves after the commit, or waits for the daily digest."""
    users = {user.pk: user for user in recipients if user is not None and user.is_active}
    if actor is not None:
        users.pop(actor.pk, None)
    if not users:
        return []
    muted = set(MutedKind.objects.filter(user_id__in=users, kind=kind)
                .values_list("user_id", flat=True))
    digest = _wants_digest(users)
    subject, body = _english(kind, params)
    created = []
    for user in users.values():
        if user.pk in muted:
            continue
        if extend:
            existing = (Notification.objects.select_for_update()
                        .filter(recipient=user, event_key=event_key[:200]).first())
            if existing is not None:
                _extend(existing, params, extend)
                continue
        status = (EmailStatus.NOT_SENT if not user.email else
                  EmailStatus.DIGEST if user.pk in digest else EmailStatus.QUEUED)
        try:
            with transaction.atomic():
                notification, is_new = Notification.objects.get_or_create(
                    recipient=user, event_key=event_key[:200],
                    defaults={"kind": kind, "subject": subject[:200], "body": body,
                              "params": params, "link": link, "email_status": status})
        except IntegrityError:  # the same event recorded meanwhile by another process
            continue
        if is_new:
            created.append(notification)
    for notification in created:
        _after_commit(notification)
    return created


def _extend(notification: Notification, params: dict, key: str) -> None:
    """Add the items of ``params[key]`` the notification does not list yet."""
    items = notification.params.get(key, [])
    known = {item["key"] for item in items}
    new = [item for item in params.get(key, []) if item["key"] not in known]
    if not new:
        return
    notification.params = notification.params | {key: items + new}
    subject, notification.body = _english(notification.kind, notification.params)
    notification.subject = subject[:200]
    notification.save(update_fields=["params", "subject", "body"])


def _after_commit(notification: Notification) -> None:
    from .tasks import send_email

    user_id, pk = notification.recipient_id, notification.pk
    transaction.on_commit(lambda: cache.delete(_unread_key(user_id)))
    if notification.email_status == EmailStatus.QUEUED:
        transaction.on_commit(lambda: send_email.delay(pk))


def _in_language_of(user, func, *args):
    with translation.override(language_of(user)):
        return func(*args)


def email_send(*, notification_id: int, final_attempt: bool) -> str:
    """Mail one queued notification, in its recipient's language; returns its email status.
    A refusal on the last attempt is recorded as failed (kept, with the error); before that
    it raises, for the task's retries. A notification already sent is never sent again."""
    with transaction.atomic():
        notification = (Notification.objects.select_for_update(of=("self",))
                        .select_related("recipient").get(pk=notification_id))
        if notification.email_status != EmailStatus.QUEUED:
            return notification.email_status
        notification.email_attempts += 1

        def message():
            subject, body = notification.render(email=True)
            return subject, email_text(body=body, link=notification.link)

        subject, text = _in_language_of(notification.recipient, message)
        try:
            send_mail(subject, text, None, [notification.recipient.email])
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


def _digest_text(notifications) -> tuple[str, str]:
    count = len(notifications)
    subject = ngettext("CPC Oversight: %(count)s notification today",
                       "CPC Oversight: %(count)s notifications today", count) % {"count": count}
    parts = []
    for notification in notifications:
        one_subject, body = notification.render(email=True)
        parts.append(f"{one_subject}\n\n{body}"
                     + (("\n\n" + gettext("Open it: %(link)s") % {
                         "link": absolute(notification.link)}) if notification.link else ""))
    parts.append(gettext("Choose which notifications you receive, and how often: %(link)s")
                 % {"link": absolute(reverse("notifications:preferences"))})
    return subject, ("\n\n" + "-" * 40 + "\n\n").join(parts)


def digests_send() -> int:
    """Daily: each person with notifications waiting for the digest gets one email listing
    them, in their language, and they are marked sent in the same transaction; so a second
    run (a retried task, two beats) finds nothing to send. A refused mail leaves them
    waiting for the next run. Returns the number of emails sent."""
    sent = 0
    recipients = (Notification.objects.filter(email_status=EmailStatus.DIGEST)
                  .values_list("recipient_id", flat=True).distinct().order_by())
    for recipient_id in list(recipients):
        with transaction.atomic():
            waiting = list(Notification.objects.select_for_update(of=("self",))
                           .select_related("recipient")
                           .filter(recipient_id=recipient_id,
                                   email_status=EmailStatus.DIGEST)
                           .order_by("created_at", "pk"))
            if not waiting:  # sent meanwhile by another run
                continue
            recipient = waiting[0].recipient
            subject, text = _in_language_of(recipient, _digest_text, waiting)
            try:
                send_mail(subject, text, None, [recipient.email])
            except OSError as error:
                logger.error("Digest for user %s not mailed: %s", recipient_id, error)
                Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(
                    email_attempts=F("email_attempts") + 1,
                    email_error=f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH])
                continue
            Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(
                email_status=EmailStatus.SENT, emailed_at=timezone.now(), email_error="",
                email_attempts=F("email_attempts") + 1)
            sent += 1
    return sent


def email_frequency(user) -> str:
    return (EmailPreference.objects.filter(user=user).values_list("frequency", flat=True)
            .first() or EmailFrequency.IMMEDIATE)


@transaction.atomic
def set_email_frequency(*, user, frequency: str) -> None:
    """Immediate emails or the daily digest. Notifications already waiting for a digest
    still go out in the next one."""
    if frequency not in EmailFrequency.values:
        raise ValidationError({"frequency": [ERR_FREQUENCY]})
    EmailPreference.objects.update_or_create(user=user, defaults={"frequency": frequency})


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
    return list(officers_of(Compact.objects.filter(pk=compact_id).values("country_id")[:1]))


NOT_READY_DAYS = (30, 7)


def _gap_params(dialogue) -> dict:
    """``preparation_gaps`` as data, so each reader gets them in their language (read from
    the same prefetched relations)."""
    keys = list(dialogue.key_indicators.all())
    return {"no_key_indicators": not keys,
            "without_target": [key.code for key in keys if not any(
                target.fiscal_year == dialogue.fiscal_year for target in key.targets.all())],
            "not_shared": not dialogue.key_indicators_shared_on}


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
        created += notify(
            recipients=compact_officers(dialogue.compact_id), kind=Kind.DIALOGUE_NOT_READY,
            event_key=f"dialogue-not-ready:{dialogue.pk}:{mark}",
            params={"country": dialogue.compact.country.name,
                    "fiscal_year": dialogue.fiscal_year, "days_left": days_left,
                    "scheduled_for": dialogue.scheduled_for.isoformat(),
                    "gaps": _gap_params(dialogue)},
            link=reverse("dialogues:record-prepare", args=[dialogue.pk]))
    return created
