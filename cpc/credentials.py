"""A new password or a deactivated account ends the user's API tokens and sessions, by
whatever path the change came: the password change form, the admin (its password form and
the user form's "active" box), ``manage.py changepassword``, ``set_password()`` and
``save()`` in code, ``is_active=False`` in a command.

A ``pre_save`` receiver on the user model reads the stored password hash and ``is_active``;
the ``post_save`` receiver compares, and when either changed deletes the user's tokens
(sending ``cpc.signals.token_revoked`` with ``reason="password_changed"`` or
``"deactivated"``) and their sessions, in the transaction of the save. Someone changing
their own password through Django's views keeps the session they are using:
``update_session_auth_hash`` saves it again under a new key.

A stored hash that changes is a new password, with one exception: setting the same password
again (checked against the stored hash) changes nothing. Django's upgrade of a hash at
sign-in (a stronger hasher or more iterations) saves a new hash without the raw password and
counts as a change: the user's other sessions and their token end, as Django's own session
check (the session auth hash) already ends those sessions.
"""

import logging
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.contrib.sessions.models import Session
from django.db.models.signals import post_save, pre_save
from django.utils import timezone

from cpc import signals

logger = logging.getLogger(__name__)

PASSWORD_CHANGED = "password_changed"
DEACTIVATED = "deactivated"
_STORED = "_cpc_stored_credentials"
_WATCHED = {"password", "is_active"}
DATABASE_SESSION_ENGINES = {"django.contrib.sessions.backends.db",
                            "django.contrib.sessions.backends.cached_db"}


def _remember_stored(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and not _WATCHED & set(update_fields):
        return  # e.g. last_login at every sign-in: no extra query
    stored = sender._default_manager.filter(pk=instance.pk).values(*_WATCHED).first()
    setattr(instance, _STORED, stored)


def _end_access_on_change(sender, instance, created=False, raw=False, **kwargs):
    stored = instance.__dict__.pop(_STORED, None)
    if created or raw or stored is None:
        return
    reason = None
    if stored["is_active"] and not instance.is_active:
        reason = DEACTIVATED
    elif stored["password"] != instance.password and not _same_password(instance, stored):
        reason = PASSWORD_CHANGED
    if reason:
        user_access_end(user=instance, reason=reason)


def _same_password(user, stored) -> bool:
    """The password set is the one stored (set again): ``_password`` holds the raw password
    between ``set_password()`` and the end of ``save()``."""
    raw = getattr(user, "_password", None)
    return raw is not None and check_password(raw, stored["password"])


def user_sessions(user) -> list[Session]:
    """The user's unexpired sessions in the database session store."""
    key = str(user.pk)
    return [session for session in Session.objects.filter(expire_date__gt=timezone.now())
            if session.get_decoded().get("_auth_user_id") == key]


def user_access_end(*, user, reason: str) -> None:
    """Delete ``user``'s API tokens and sessions (``reason``: why, for the audit trail)."""
    from rest_framework.authtoken.models import Token

    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        signals.token_revoked.send(sender=user.__class__, user=user, request=None,
                                   reason=reason)
    sessions = 0
    # The database session stores (``db``, ``cached_db``, the default) can be searched by
    # user; a store that cannot still refuses the session at its next request, by Django's
    # session auth hash (password) and ``user_can_authenticate`` (inactive).
    if settings.SESSION_ENGINE in DATABASE_SESSION_ENGINES:
        store = import_module(settings.SESSION_ENGINE).SessionStore
        for session in user_sessions(user):
            store(session_key=session.session_key).delete()
            sessions += 1
    logger.info("Access of user %s ended (%s): %s token(s), %s session(s)", user.pk, reason,
                deleted, sessions)


def connect() -> None:
    """Connect the receivers (from an app's ``ready()``)."""
    user_model = get_user_model()
    pre_save.connect(_remember_stored, sender=user_model, dispatch_uid="cpc.credentials.pre")
    post_save.connect(_end_access_on_change, sender=user_model,
                      dispatch_uid="cpc.credentials.post")
