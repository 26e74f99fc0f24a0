"""A session signed in with the password alone is not signed in yet.

After the password step (Django's ``LoginView``, or the admin's), a user with a confirmed
second factor must give a code (``/accounts/mfa/verify/``), and a user who must have one
(``accounts.mfa.mfa_required``) and has none must enrol (``/accounts/mfa/enrol/``) first.
Until then the session reaches only those pages, sign-out and static files: every other page
is sent to the step still missing, and the API sees no signed-in user (401). API tokens are
issued only after the code (``compacts.api.TokenView``), so token requests need no check here.
"""

from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.urls import reverse

from . import mfa

# Paths an unverified session may reach: the two steps, signing out, signing in as someone
# else, the language picker, static files and the health check.
_OPEN_PREFIXES = ("/accounts/mfa/verify/", "/accounts/mfa/enrol/", "/accounts/logout/",
                  "/accounts/login/", "/i18n/", "/static/", "/healthz")


# What the session still lacks, decided at sign-in (so that a page costs no query for it):
# "verify", "enrol" or "" (nothing).
SECOND_STEP_KEY = "cpc_second_step"


def second_step_for(user) -> str:
    if mfa.has_second_factor(user):
        return "verify"
    if mfa.mfa_required(user):
        return "enrol"
    return ""


def second_step_set(request, step: str) -> None:
    request.session[SECOND_STEP_KEY] = step


@receiver(user_logged_in, dispatch_uid="accounts.second_step")
def _second_step_at_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        second_step_set(request, second_step_for(user))


def second_step_missing(request) -> str:
    """``"verify"`` or ``"enrol"`` when the signed-in session still lacks that step."""
    user = request.user
    if not user.is_authenticated:
        return ""
    step = request.session.get(SECOND_STEP_KEY)
    if step is None:
        # A session from before this rule: decided once, then kept.
        step = second_step_for(user)
        second_step_set(request, step)
    if step and user.is_verified():
        return ""
    return step


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(_OPEN_PREFIXES):
            missing = second_step_missing(request)
            if missing:
                if request.path.startswith("/api/"):
                    # DRF's session authentication reads the request's user: none.
                    request.user = AnonymousUser()
                    request.user.is_verified = lambda: False
                else:
                    target = reverse(f"accounts:mfa-{missing}")
                    return HttpResponseRedirect(
                        f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
