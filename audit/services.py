"""Accounts unused for ``INACTIVE_ACCOUNT_DAYS`` days are disabled (AC-2(3)), daily."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from cpc.access.roles import TIP_STAFF
from cpc.acting import acting
from notifications.models import Kind
from notifications.services import notify

from .events import record
from .models import AuthEventKind

REASON_DISABLED = "Disabled: not signed in for {days} days (daily task)."


def inactive_accounts(*, now: dt.datetime | None = None):
    """Active accounts whose last sign-in (or, never signed in, whose creation) is more than
    ``INACTIVE_ACCOUNT_DAYS`` days ago; the service accounts named in
    ``INACTIVE_ACCOUNT_EXEMPT`` never. Superusers count like everyone: an unused account
    with every right is the one most worth closing."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.INACTIVE_ACCOUNT_DAYS)
    return (get_user_model().objects.filter(is_active=True)
            .exclude(username__in=settings.INACTIVE_ACCOUNT_EXEMPT)
            .annotate(last_seen=Coalesce("last_login", "date_joined"))
            .filter(last_seen__lt=cutoff).order_by("pk"))


def _staff():
    return list(get_user_model().objects.filter(is_active=True)
                .filter(Q(groups__name=TIP_STAFF) | Q(is_superuser=True)).distinct())


def accounts_disable_inactive(*, now: dt.datetime | None = None) -> list:
    """Disable each inactive account (one transaction each), record an ``account_disabled``
    auth event, and tell the person (while still active, so the notice reaches them) and
    TIP staff, in the app and by email."""
    days = settings.INACTIVE_ACCOUNT_DAYS
    disabled = []
    for user in inactive_accounts(now=now):
        with transaction.atomic(), acting(reason=REASON_DISABLED.format(days=days)):
            user = get_user_model().objects.select_for_update().get(pk=user.pk)
            if not user.is_active:
                continue
            last = user.last_login or user.date_joined
            notify(recipients=[user, *_staff()], kind=Kind.ACCOUNT_DISABLED,
                   event_key=f"account-disabled:{user.pk}:{last.isoformat()}",
                   params={"username": user.get_username(), "days": days,
                           "last_used": timezone.localdate(last).isoformat()},
                   link=reverse("audit:access-review"))
            user.is_active = False
            user.save(update_fields=["is_active"])
            record(AuthEventKind.ACCOUNT_DISABLED, user=user, request=None,
                   detail={"last_sign_in": user.last_login.isoformat() if user.last_login
                           else None, "date_joined": user.date_joined.isoformat(),
                           "days": days})
        disabled.append(user)
    return disabled
