"""Who the client is behind proxies, and the response headers every page carries.

See docs/security.md for the whole picture (lockout, tokens, CSP, sessions).
"""

import time

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.db.models import Sum
from django.utils import timezone
from django.utils.cache import patch_cache_control

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=()"


def client_ip(request) -> str:
    """The client's address, as the login lockout (django-axes) counts it.

    ``X-Forwarded-For`` is believed only as far as ``TRUSTED_PROXY_COUNT`` proxies of our own
    wrote it: each appends the address it saw, so the client is the entry that many places
    from the right, and whatever the client itself put to the left is ignored. With no
    trusted proxy (the default) the header is ignored and the socket's address counts. This
    is DRF's rule for ``NUM_PROXIES`` (set to the same number), so the token throttle and the
    lockout see the same client.
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(count, len(addresses))]
    return request.META.get("REMOTE_ADDR", "")


def address_failures(address: str) -> int:
    """Failed sign-ins from ``address`` within the cool-off, whatever the usernames: the
    sum of django-axes' attempt rows (one per username and address), so that the count
    lives in the database with the lockout and does not depend on Redis."""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start"))["total"] or 0


class AddressThrottleBackend:
    """Refuses every sign-in from an address that failed ``AXES_ADDRESS_FAILURE_LIMIT``
    times within the cool-off across any usernames (guessing one password for many
    accounts), on the login form, the admin login and the token endpoint alike, which all
    authenticate through the backends. django-axes' own lockout counts one username from
    one address; its single failure limit cannot also count the address alone at a higher
    limit. Refused as axes refuses (``request.axes_locked_out``): the lockout page (429),
    or the token endpoint's 429. Only that address is refused: a colleague elsewhere signs
    in, and nobody can lock another person out from another address."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None  # not a sign-in over the web (a management command)
        if address_failures(client_ip(request)) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            request.axes_locked_out = True
            request.address_throttled = True
            raise PermissionDenied  # stops django.contrib.auth.authenticate here
        return None

    # No get_user(): this backend signs nobody in, so no session names it (and the test
    # client's force_login, which takes the first backend that has one, passes it by).


class PermissionsPolicyMiddleware:
    """Pages may not use the camera, the microphone, the location or payments."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


REFRESHED_KEY = "_idle_refreshed_at"


class SessionIdleRefreshMiddleware:
    """The idle timeout (SESSION_COOKIE_AGE) restarts with use, without a database write on
    every request: a signed-in session is saved again, moving its end forward, when its
    last refresh is more than SESSION_REFRESH_SECONDS old. So a session ends between
    SESSION_COOKIE_AGE minus that interval and SESSION_COOKIE_AGE after the last request;
    Django's SESSION_SAVE_EVERY_REQUEST would cost an UPDATE and a commit on every page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or not session.session_key:
            return response
        now = int(time.time())
        if now - session.get(REFRESHED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
            session[REFRESHED_KEY] = now  # marks the session modified: saved with a new end
        return response


# Answers that hold no user's data and may be cached as they are.
NO_STORE_EXEMPT_PATHS = ("/healthz",)


class NoStoreForSignedInMiddleware:
    """``Cache-Control: private, no-store`` on every answer to a signed-in user, pages and
    API alike (a session or a token): a shared computer's browser cache or a proxy keeps no
    copy of what they saw. Static files (answered by WhiteNoise before this middleware) and
    ``/healthz`` keep their own headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path in NO_STORE_EXEMPT_PATHS:
            return response
        try:
            # DRF puts the token's user here once it has authenticated the request.
            signed_in = request.user.is_authenticated
        except DatabaseError:  # the session cannot be read: the answer is an error page
            signed_in = False
        if signed_in:
            patch_cache_control(response, private=True, no_store=True)
        return response
