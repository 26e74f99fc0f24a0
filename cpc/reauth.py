"""Signing in again before a sensitive action: the one home of the rule.

Approving a result (one or in bulk), verifying a contribution, confirming a guidance version,
unlocking a fiscal year and changing a user's roles, groups or country scope need a sign-in
within the last ``REAUTH_MINUTES`` (15 by default):

- pages (and the admin): the time of the last sign-in or re-authentication is kept in the
  session (stamped on Django's ``user_logged_in`` signal, which ``client.force_login`` sends
  too, and by the re-authentication page ``/accounts/reauth/``); an older one sends the user
  to that page and back (:func:`reauth_required`, :class:`ReauthRequiredMixin`,
  :class:`ReauthAdminMixin`);
- the API: a token issued within those minutes, or a session re-authenticated within them;
  else 403 with a ``detail`` saying to sign in again (:func:`api_require_recent_auth`).

Domain apps import this module (it sits in ``cpc``, below them); the re-authentication page
lives in ``accounts``.
"""

import functools
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import ForcedAuthentication

# Seconds since the epoch of the session's last sign-in or re-authentication.
SESSION_KEY = "cpc_authenticated_at"

ERR_REAUTH_API = _(
    "This action needs a sign-in within the last %(minutes)s minutes: sign in again "
    "(a new token from POST /api/v1/auth/token/) and repeat the request.")


def _window() -> timedelta:
    return timedelta(minutes=settings.REAUTH_MINUTES)


def stamp(request) -> None:
    """The session was signed in (or re-authenticated) now."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_KEY] = int(timezone.now().timestamp())


@receiver(user_logged_in, dispatch_uid="cpc.reauth.stamp")
def _stamp_on_sign_in(sender, request, user, **kwargs):
    if request is not None:
        stamp(request)


def session_is_recent(request) -> bool:
    session = getattr(request, "session", None)
    stamped = session.get(SESSION_KEY) if session is not None else None
    if not isinstance(stamped, int):
        return False
    return timezone.now().timestamp() - stamped < _window().total_seconds()


def is_recently_authenticated(request) -> bool:
    """Whether the request's user proved who they are within ``REAUTH_MINUTES``: through an
    API token issued that recently, else through the session. A user the test client put in
    (``APIClient.force_authenticate``, only there) has just signed in, as after
    ``client.force_login``."""
    if isinstance(getattr(request, "_authenticator", None), ForcedAuthentication):
        return True
    auth = getattr(request, "auth", None)
    if isinstance(auth, Token):
        return auth.created > timezone.now() - _window()
    return session_is_recent(request)


def api_require_recent_auth(request) -> None:
    """For the API's sensitive actions: 403 with a ``detail`` unless the sign-in is recent."""
    if not is_recently_authenticated(request):
        raise PermissionDenied(ERR_REAUTH_API % {"minutes": settings.REAUTH_MINUTES})


def reauth_redirect(request) -> HttpResponseRedirect:
    """To ``/accounts/reauth/`` and back: to the page a form was posted from (a POST's own
    address may answer only POST), else to the address asked for."""
    back = request.get_full_path()
    if request.method != "GET":
        referer = request.headers.get("Referer", "")
        if referer and url_has_allowed_host_and_scheme(
                referer, allowed_hosts={request.get_host()},
                require_https=request.is_secure()):
            back = referer
    return HttpResponseRedirect(f"{reverse('accounts:reauth')}?{urlencode({'next': back})}")


def reauth_required(view):
    """Decorator for a page view: sends a sign-in older than ``REAUTH_MINUTES`` to sign in
    again first (nothing of the request is done)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated and not session_is_recent(request):
            return reauth_redirect(request)
        return view(request, *args, **kwargs)

    return wrapped


class ReauthRequiredMixin:
    """For a class-based page whose POST is a sensitive action (place it after the
    sign-in mixin): an old sign-in is sent to sign in again; a GET is left alone."""

    def dispatch(self, request, *args, **kwargs):
        if (request.method == "POST" and request.user.is_authenticated
                and not session_is_recent(request)):
            return reauth_redirect(request)
        return super().dispatch(request, *args, **kwargs)


class ReauthAdminMixin:
    """For a ModelAdmin whose saves are sensitive (roles, groups, country scope): its add
    and change forms, and its actions, need a recent sign-in to be saved."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and not session_is_recent(request):
            return reauth_redirect(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        # Admin actions (and list-editable saves) are POSTs to the change list.
        if request.method == "POST" and not session_is_recent(request):
            return reauth_redirect(request)
        return super().changelist_view(request, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        if request.method == "POST" and not session_is_recent(request):
            return reauth_redirect(request)
        return super().delete_view(request, object_id, extra_context)
